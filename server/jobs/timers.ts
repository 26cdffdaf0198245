import type { Deps } from '../deps.ts';
import { recordTodaysCapacity } from '../forecast/appointment-capacity.ts';
import { deliverDueWebhooks } from '../integrations/webhooks/deliver.ts';
import { drainOutbox, type MailTransport, smtpTransport } from '../notify/sender.ts';
import { mailRenderer } from '../scheduling/appointment-mails.ts';
import { releaseLapsedHolds } from '../scheduling/fairness/holds.ts';
import { queueReminders } from '../scheduling/reminders.ts';
import { erasePersonalData } from './retention.ts';

/**
 * Background work of one process: reminders, retention and (with SMTP_URL) the outbox sender.
 * Intervals are unref'd so they never keep the process alive; a failing run is logged and retried
 * at the next tick. Returns a function that stops them.
 */
export function startBackgroundJobs(deps: Deps, options: { transport?: MailTransport } = {}): () => void {
  const transport = options.transport ?? (deps.config.SMTP_URL ? smtpTransport(deps.config.SMTP_URL) : null);
  const timers: NodeJS.Timeout[] = [];
  const every = (name: string, ms: number, job: () => unknown) => {
    let running = false;
    const run = async () => {
      if (running) return;
      running = true;
      try {
        await job();
      } catch (err) {
        deps.log.error('background job failed', { job: name, error: err instanceof Error ? err.message : String(err) });
      } finally {
        running = false;
      }
    };
    void run();
    const t = setInterval(run, ms);
    t.unref();
    timers.push(t);
  };
  every('reminders', 15 * 60_000, async () => {
    const n = await queueReminders(deps);
    if (n > 0) deps.log.info('reminders queued', { count: n });
  });
  // Lapsed holds free their time (bookings also expire them in their own transaction).
  every('holds', 60_000, async () => {
    const n = await releaseLapsedHolds(deps);
    if (n > 0) deps.log.info('holds released', { count: n });
  });
  every('retention', 60 * 60_000, async () => {
    const n = await erasePersonalData(deps);
    if (n > 0) deps.log.info('personal data erased', { appointments: n });
  });
  // Each open day's appointment capacity, once, on the day (the forecast's censoring of full days).
  every('appointment-capacity', 60 * 60_000, () => recordTodaysCapacity(deps));
  // Mails are rendered when they are sent (not in the booking's transaction), from the appointment as it is then.
  const render = mailRenderer(deps.storage.read);
  if (transport) every('outbox', 15_000, () => drainOutbox(deps, transport, { render }));
  // Webhooks: post due deliveries (signed, with back-off); drop finished ones after the retention period.
  every('webhooks', 5_000, () => deliverDueWebhooks(deps));
  every('webhook-retention', 60 * 60_000, () => {
    const before = new Date(deps.clock.now().getTime() - deps.config.RETENTION_DAYS * 86_400_000);
    return deps.storage.write((tx) => tx.webhooks.pruneDeliveries(before));
  });
  return () => {
    for (const t of timers) clearInterval(t);
  };
}
