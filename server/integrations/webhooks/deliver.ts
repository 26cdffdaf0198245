import { Webhook } from 'standardwebhooks';
import type { Deps } from '../../deps.ts';
import type { WebhookDeliveryRecord, WebhookSubscriptionRecord } from '../webhook-store.ts';
import { backoffMs } from './payloads.ts';

export interface DeliverOptions {
  /** The HTTP client (tests may wrap it); global fetch by default. */
  fetch?: typeof fetch;
  /** A receiver that has not answered within this is a failed attempt. */
  timeoutMs?: number;
  /** Attempts per delivery before it is marked failed. */
  maxAttempts?: number;
  /** Consecutive failed deliveries after which the subscription is disabled. */
  disableAfter?: number;
  batch?: number;
}

export const WEBHOOK_DEFAULTS = { timeoutMs: 10_000, maxAttempts: 8, disableAfter: 3, batch: 50 } as const;

/** The Standard Webhooks headers for one attempt (HMAC-SHA256 over `id.timestamp.body`, by the reference library). */
export function signedHeaders(secret: string, messageId: string, at: Date, body: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'Loket-Webhooks/1',
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(messageId, at, body),
  };
}

async function attempt(
  deps: Deps,
  subscription: WebhookSubscriptionRecord,
  delivery: WebhookDeliveryRecord,
  options: Required<Pick<DeliverOptions, 'timeoutMs'>> & { fetch: typeof fetch },
): Promise<{ status: number | null; error: string | null; durationMs: number }> {
  const started = performance.now();
  try {
    const res = await options.fetch(subscription.url, {
      method: 'POST',
      headers: signedHeaders(subscription.secret, delivery.messageId, deps.clock.now(), delivery.payload),
      body: delivery.payload,
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    // Only the status matters; drop the body so the connection is freed.
    await res.body?.cancel().catch(() => undefined);
    return { status: res.status, error: null, durationMs: Math.round(performance.now() - started) };
  } catch (err) {
    const name = err instanceof Error ? err.name : '';
    const error =
      name === 'TimeoutError' || name === 'AbortError'
        ? `no answer within ${options.timeoutMs} ms`
        : `connection failed: ${err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err)}`;
    return { status: null, error: error.slice(0, 500), durationMs: Math.round(performance.now() - started) };
  }
}

/**
 * One pass of the webhook sender: claims due deliveries (locked, so two senders never post the same
 * attempt), posts them signed, logs every attempt, and schedules a retry with exponential back-off, marks
 * the delivery failed after `maxAttempts`, and disables the subscription after `disableAfter` failed
 * deliveries in a row (at once on 410 Gone). A 2xx answer is success.
 */
export async function deliverDueWebhooks(
  deps: Deps,
  options: DeliverOptions = {},
): Promise<{ attempted: number; delivered: number; failed: number }> {
  const o = { ...WEBHOOK_DEFAULTS, ...options, fetch: options.fetch ?? fetch };
  const now = deps.clock.now();
  const claimed = await deps.storage.write((tx) =>
    tx.webhooks.claimDueDeliveries(now, new Date(now.getTime() + o.timeoutMs + 30_000), o.batch),
  );
  const results = await Promise.all(
    claimed.map(async ({ delivery, subscription }) => ({
      delivery,
      subscription,
      result: await attempt(deps, subscription, delivery, o),
    })),
  );
  let delivered = 0;
  let failed = 0;
  for (const { delivery, subscription, result } of results) {
    const ok = result.status !== null && result.status >= 200 && result.status < 300;
    const at = deps.clock.now();
    await deps.storage.write(async (tx) => {
      await tx.webhooks.recordAttempt({
        deliveryId: delivery.id,
        at,
        status: result.status,
        error: result.error,
        durationMs: result.durationMs,
      });
      const attempts = delivery.attempts + 1;
      const lastError = result.error ?? (ok ? null : `HTTP ${result.status}`);
      if (ok) {
        delivered++;
        await tx.webhooks.updateDelivery(delivery.id, {
          status: 'delivered',
          attempts,
          deliveredAt: at,
          lockedUntil: null,
          nextAttemptAt: null,
          lastStatus: result.status,
          lastError: null,
        });
        await tx.webhooks.updateSubscription(subscription.id, { consecutiveFailures: 0 });
        return;
      }
      const gone = result.status === 410;
      if (attempts >= o.maxAttempts || gone) {
        failed++;
        await tx.webhooks.updateDelivery(delivery.id, {
          status: 'failed',
          attempts,
          lockedUntil: null,
          nextAttemptAt: null,
          lastStatus: result.status,
          lastError,
        });
        // Re-read: other deliveries of this subscription in the same pass may have failed too.
        const current = (await tx.webhooks.subscription(subscription.id)) ?? subscription;
        const failures = current.consecutiveFailures + 1;
        const disable = gone || failures >= o.disableAfter;
        await tx.webhooks.updateSubscription(subscription.id, {
          consecutiveFailures: failures,
          ...(disable
            ? {
                disabledAt: at,
                disabledReason: gone
                  ? 'The receiver answered 410 Gone'
                  : `${failures} deliveries in a row failed (last: ${lastError})`,
              }
            : {}),
        });
        return;
      }
      await tx.webhooks.updateDelivery(delivery.id, {
        attempts,
        lockedUntil: null,
        nextAttemptAt: new Date(at.getTime() + backoffMs(attempts)),
        lastStatus: result.status,
        lastError,
      });
    });
  }
  return { attempted: claimed.length, delivered, failed };
}
