/**
 * The call-next policy as the simulator sees it: production's own `pickNextTicket` from the queue
 * module, so the simulator scores exactly the order residents meet at the counter.
 */
import { type PolicyTicket, pickNextTicket } from '../../queue/call-next-policy.ts';

export type { PolicyTicket };

export interface PolicyInput {
  now: Date;
  counter: { id: number; skills: string[] };
  tickets: PolicyTicket[];
  targetWaitMinutes: Record<string, number>;
  dueEarlyMinutes: number;
  lateGraceMinutes: number;
}

/** Returns the id of the ticket the counter should call, or null. */
export type CallNextPolicy = (input: PolicyInput) => number | null;

export const productionPolicy: CallNextPolicy = (input) =>
  pickNextTicket(input.tickets, input.counter, input.now, {
    targetWaitMinutes: input.targetWaitMinutes,
    dueEarlyMinutes: input.dueEarlyMinutes,
    lateGraceMinutes: input.lateGraceMinutes,
  })?.id ?? null;
