import { z } from 'zod';
import type { StaffPrincipal } from '../auth/principal.ts';
import type { ClientToServerEvents } from '../contracts/hub.ts';
import type { CallNextAnswer, TicketDto } from '../contracts/queue.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { callNext } from '../queue/call-next.ts';
import { pauseCounter, requireOwnCounter, signInCounter, signOutCounter } from '../queue/counter-actions.ts';
import { actedTicketView, getCounterView, getPublicTicket } from '../queue/queue-read.ts';
import {
  type ActedTicket,
  cancelTicket,
  finishTicket,
  markNoShow,
  parkTicket,
  recallTicket,
  returnTicket,
  startTicket,
  transferTicket,
} from '../queue/ticket-actions.ts';
import { ticketRoom } from './rooms.ts';
import type { HubSocket } from './types.ts';

/**
 * Every client → server command: a zod schema for its payload and a handler that calls the same
 * use-case as the HTTP twin. The hub shell (hub.ts) parses, checks the token is still valid, runs
 * the handler and acks `{ ok, data | error }`.
 */
export type CommandName = keyof ClientToServerEvents;

export interface CommandContext {
  deps: Deps;
  socket: HubSocket;
  /**
   * Joins the location's rooms and returns its snapshot (shared with queue:subscribe); with `seq` (the newest the
   * client has), `SnapshotCurrent` when this socket was already sent the current one.
   */
  watchLocation(locationId: string, seq?: number): Promise<unknown>;
  watchCounter(counterId: number, locationId: string): Promise<void>;
  /** Ticket rooms one socket may follow. */
  maxFollows: number;
  /** Before a follow's read; the function it returns after it, with the ticket's office (publish.ts `beginFollow`). */
  beginFollow(): (publicId: string, locationId: string) => void;
}

interface Command<S extends z.ZodType> {
  schema: S;
  /** Residents' sockets (no token) may only use commands marked public. */
  public?: boolean;
  /** May answer with a promise: the hub awaits it before the ack. */
  run(ctx: CommandContext, payload: z.infer<S>): unknown;
}

const id = z
  .number()
  .int()
  .positive()
  .max(2 ** 31);
const TicketPayload = z.strictObject({ ticketId: id });
const OwnCounter = z.strictObject({ counterId: id.optional() });

function staffOf(ctx: CommandContext): StaffPrincipal {
  const p = ctx.socket.data.principal;
  if (!p) throw new AppError('unauthorized', 'Connect with a staff token');
  if (p.kind !== 'staff') throw new AppError('forbidden', 'Staff only');
  return p;
}

/** The counter a command is about: the given one, or the one the staff member is signed in at. */
async function counterIdFor(ctx: CommandContext, given: number | undefined): Promise<number> {
  const staff = staffOf(ctx);
  return given ?? (await requireOwnCounter(ctx.deps, staff)).id;
}

const ticketCommand = (
  action: (deps: Deps, p: StaffPrincipal, input: { ticketId: number }) => Promise<ActedTicket>,
) => ({
  schema: TicketPayload,
  run: async (ctx: CommandContext, payload: { ticketId: number }) =>
    actedTicketView(ctx.deps, await action(ctx.deps, staffOf(ctx), payload)),
});

function command<S extends z.ZodType>(c: Command<S>): Command<z.ZodType> {
  return c as unknown as Command<z.ZodType>;
}

export const commands: Record<CommandName, Command<z.ZodType>> = {
  'counter:sign-in': command({
    schema: z.strictObject({ counterId: id }),
    run: async (ctx, { counterId }) => {
      const counter = await signInCounter(ctx.deps, staffOf(ctx), { counterId });
      await ctx.watchCounter(counter.id, counter.locationId);
      return getCounterView(ctx.deps, counter.id);
    },
  }),
  'counter:sign-out': command({
    schema: OwnCounter.optional(),
    run: async (ctx, payload) => {
      const counterId = await counterIdFor(ctx, payload?.counterId);
      await signOutCounter(ctx.deps, staffOf(ctx), { counterId });
      return getCounterView(ctx.deps, counterId);
    },
  }),
  'counter:pause': command({
    schema: z.strictObject({ paused: z.boolean(), counterId: id.optional() }),
    run: async (ctx, payload) => {
      const counterId = await counterIdFor(ctx, payload.counterId);
      await pauseCounter(ctx.deps, staffOf(ctx), { counterId, paused: payload.paused });
      return getCounterView(ctx.deps, counterId);
    },
  }),
  'queue:call-next': command({
    schema: OwnCounter.optional(),
    run: async (ctx, payload) => {
      const counterId = await counterIdFor(ctx, payload?.counterId);
      const result = await callNext(ctx.deps, staffOf(ctx), { counterId });
      // Answered like its HTTP twin (CallNextAnswer); before #8 the data was the bare ticket or null. With the
      // ticket the press finished: a socket taking batched facts learns the whole change from this ack.
      return { ticket: result.calledTicket, finished: result.finishedTicket } satisfies CallNextAnswer & {
        finished: TicketDto | null;
      };
    },
  }),
  'ticket:recall': command(ticketCommand(recallTicket)),
  'ticket:start': command(ticketCommand(startTicket)),
  'ticket:finish': command(ticketCommand(finishTicket)),
  'ticket:no-show': command(ticketCommand(markNoShow)),
  'ticket:return': command(ticketCommand(returnTicket)),
  'ticket:park': command(ticketCommand(parkTicket)),
  'ticket:cancel': command(ticketCommand(cancelTicket)),
  'ticket:transfer': command({
    schema: z
      .strictObject({ ticketId: id, serviceCode: z.string().min(1).max(40).optional(), counterId: id.optional() })
      .refine((p) => p.serviceCode !== undefined || p.counterId !== undefined, 'Give a service, a counter or both'),
    run: async (ctx, payload) => actedTicketView(ctx.deps, await transferTicket(ctx.deps, staffOf(ctx), payload)),
  }),
  'ticket:follow': command({
    schema: z.strictObject({ publicId: z.string().regex(/^[A-Za-z0-9_-]{16,40}$/) }),
    public: true,
    run: async (ctx, { publicId }) => {
      const { guard } = ctx.socket.data;
      const room = ticketRoom(publicId);
      // The slot is taken before the read awaits, so follows sent all at once cannot each pass the check
      // while none has counted yet; a ticket that does not exist gives the slot back.
      const joinsNow = !ctx.socket.rooms.has(room);
      if (joinsNow) {
        if (guard.follows >= ctx.maxFollows) {
          throw new AppError('rate-limited', `A connection follows at most ${ctx.maxFollows} tickets`);
        }
        guard.follows++;
        ctx.socket.join(room);
      }
      const followed = ctx.beginFollow();
      try {
        const ticket = await getPublicTicket(ctx.deps, publicId);
        // An estimates run for the cluster between the read and now may have left the ticket out: it sends it.
        if (joinsNow) followed(publicId, ticket.locationId);
        return ticket;
      } catch (err) {
        if (joinsNow) {
          guard.follows--;
          ctx.socket.leave(room);
        }
        throw err;
      }
    },
  }),
  'queue:subscribe': command({
    schema: z.strictObject({
      locationId: z.string().min(1).max(100),
      seq: z.number().int().nonnegative().optional(),
    }),
    // watchLocation checks access before joining anything.
    run: (ctx, { locationId, seq }) => ctx.watchLocation(locationId, seq),
  }),
};
