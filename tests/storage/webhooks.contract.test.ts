import { expect, it } from 'vitest';
import { describeStorageContract, oneOfficeFixture } from './harness.ts';

// Webhook subscriptions, deliveries and facts (server/integrations/webhook-store.ts) on every engine.

const t0 = new Date('2026-11-23T09:00:00.000Z');
const plus = (ms: number) => new Date(t0.getTime() + ms);

describeStorageContract('webhook repository contract', oneOfficeFixture, (harness) => {
  it('subscriptions, deliveries claimed once under concurrency, attempts, pruning and the facts of events', async () => {
    const h = harness();
    const { storage } = h;
    const client = await storage.write((tx) =>
      tx.apiClients.insertClient({
        municipalityId: 'm1',
        name: 'Zaaksysteem',
        scopes: ['appointments:read'] as never,
        rateLimitPerMinute: 60,
        sendsOwnMail: false,
        createdAt: t0,
        createdBy: null,
      }),
    );
    const [booked, tickets] = await storage.write(async (tx) => [
      await tx.webhooks.insertSubscription({
        clientId: client.id,
        municipalityId: 'm1',
        url: 'https://example.org/a',
        events: ['appointment.booked', 'appointment.cancelled'],
        secret: 'whsec_a',
        createdAt: t0,
      }),
      await tx.webhooks.insertSubscription({
        clientId: client.id,
        municipalityId: 'm1',
        url: 'https://example.org/t',
        events: ['ticket.called'],
        secret: 'whsec_t',
        createdAt: t0,
      }),
    ]);
    expect(booked).toMatchObject({
      consecutiveFailures: 0,
      disabledAt: null,
      deletedAt: null,
      events: ['appointment.booked', 'appointment.cancelled'],
    });
    const wanting = await storage.read.webhooks.activeSubscriptionsFor('m1', 'appointment.cancelled');
    expect(wanting.map((w) => [w.subscription.id, w.scopes])).toEqual([[booked?.id, ['appointments:read']]]);
    expect(await storage.read.webhooks.activeSubscriptionsFor('m1', 'ticket.issued')).toEqual([]);
    expect((await storage.read.webhooks.subscriptions({ municipalityId: 'm1' })).map((s) => s.id)).toEqual([
      booked?.id,
      tickets?.id,
    ]);

    await storage.write((tx) =>
      tx.webhooks.insertDeliveries(
        Array.from({ length: 10 }, (_, i) => ({
          subscriptionId: booked?.id ?? 0,
          messageId: `msg_${i}`,
          eventType: 'appointment.booked' as const,
          payload: `{"n":${i}}`,
          createdAt: t0,
          nextAttemptAt: plus(i),
        })),
      ),
    );
    const now = plus(60_000);
    const claims = await Promise.all(
      [0, 1, 2, 3].map(() => storage.write((tx) => tx.webhooks.claimDueDeliveries(now, plus(120_000), 3))),
    );
    const ids = claims.flat().map((c) => c.delivery.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(10);
    // Locked: nothing is due again before the lock ends.
    expect(await storage.write((tx) => tx.webhooks.claimDueDeliveries(plus(90_000), plus(150_000), 10))).toEqual([]);
    const first = claims.flat().find((c) => c.delivery.messageId === 'msg_0');
    if (!first) throw new Error('msg_0');
    await storage.write(async (tx) => {
      await tx.webhooks.recordAttempt({
        deliveryId: first.delivery.id,
        at: plus(61_000),
        status: 500,
        error: null,
        durationMs: 12,
      });
      await tx.webhooks.recordAttempt({
        deliveryId: first.delivery.id,
        at: plus(62_000),
        status: 204,
        error: null,
        durationMs: 8,
      });
    });
    const done = await storage.write((tx) =>
      tx.webhooks.updateDelivery(first.delivery.id, {
        status: 'delivered',
        attempts: 2,
        deliveredAt: plus(62_000),
        lockedUntil: null,
      }),
    );
    expect(done).toMatchObject({ status: 'delivered', attempts: 2, deliveredAt: plus(62_000), lockedUntil: null });
    expect(await storage.read.webhooks.delivery(booked?.id ?? 0, first.delivery.id)).toEqual(done);
    expect(await storage.read.webhooks.delivery(tickets?.id ?? 0, first.delivery.id)).toBeNull();
    const listed = await storage.read.webhooks.deliveries(booked?.id ?? 0, { status: 'delivered', limit: 5 });
    expect(listed.map((d) => [d.delivery.messageId, d.attempts.map((a) => a.status)])).toEqual([['msg_0', [500, 204]]]);
    expect(await storage.read.webhooks.deliveries(booked?.id ?? 0, { limit: 3 })).toHaveLength(3);
    expect(await storage.write((tx) => tx.webhooks.pruneDeliveries(plus(1)))).toBe(1);
    expect(await storage.read.webhooks.delivery(booked?.id ?? 0, first.delivery.id)).toBeNull();

    const disabled = await storage.write((tx) =>
      tx.webhooks.updateSubscription(tickets?.id ?? 0, {
        disabledAt: plus(5),
        disabledReason: 'failing',
        consecutiveFailures: 9,
      }),
    );
    expect(disabled).toMatchObject({ disabledAt: plus(5), disabledReason: 'failing', consecutiveFailures: 9 });
    await storage.write((tx) => tx.webhooks.updateSubscription(tickets?.id ?? 0, { deletedAt: plus(6) }));
    expect(await storage.read.webhooks.subscription(tickets?.id ?? 0)).toBeNull();
    expect(await storage.read.webhooks.subscription(booked?.id ?? 0)).toMatchObject({ url: 'https://example.org/a' });

    const [service] = await h.rows<{ id: number }>('SELECT id FROM services');
    const [counter] = await h.rows<{ id: number }>('SELECT id FROM counters');
    await h.exec(
      `INSERT INTO appointments (municipality_id, location_id, reference, manage_token_hash, starts_at, ends_at,
         counter_id, channel, customer_name, customer_email, created_at) VALUES ('m1', 'l-a', 'W-1', 'h', ?, ?, ?, 'phone', 'Jan', 'j@example.org', ?)`,
      [h.instant(plus(3_600_000)), h.instant(plus(4_200_000)), counter?.id, h.instant(t0)],
    );
    const [appointment] = await h.rows<{ id: number }>("SELECT id FROM appointments WHERE reference = 'W-1'");
    await h.exec('INSERT INTO appointment_items (appointment_id, service_id, persons) VALUES (?, ?, 2)', [
      appointment?.id,
      service?.id,
    ]);
    await storage.write((tx) => tx.apiClients.linkAppointment(appointment?.id ?? 0, client.id));
    expect(await storage.read.webhooks.appointmentFacts(appointment?.id ?? 0)).toEqual({
      municipalityId: 'm1',
      locationId: 'l-a',
      reference: 'W-1',
      status: 'booked',
      startsAt: plus(3_600_000),
      endsAt: plus(4_200_000),
      channel: 'phone',
      services: [{ code: 'passport', persons: 2 }],
      customer: { name: 'Jan', email: 'j@example.org', phone: null },
      bookedByClientId: client.id,
    });
    expect(await storage.read.webhooks.appointmentFacts(999_999)).toBeNull();
    await h.exec(
      `INSERT INTO tickets (municipality_id, location_id, service_date, number, letter, sequence, public_id, source,
         status, counter_id, issued_at, queued_at, called_at) VALUES ('m1', 'l-a', '2026-11-23', 'P001', 'P', 1, 'w-pub', 'kiosk', 'called', ?, ?, ?, ?)`,
      [counter?.id, h.instant(t0), h.instant(t0), h.instant(plus(60_000))],
    );
    const [ticket] = await h.rows<{ id: number }>("SELECT id FROM tickets WHERE public_id = 'w-pub'");
    await h.exec('INSERT INTO ticket_items (ticket_id, service_id, persons) VALUES (?, ?, 1)', [
      ticket?.id,
      service?.id,
    ]);
    expect(await storage.read.webhooks.ticketFacts(ticket?.id ?? 0)).toEqual({
      municipalityId: 'm1',
      locationId: 'l-a',
      number: 'P001',
      status: 'called',
      source: 'kiosk',
      services: [{ code: 'passport', persons: 1 }],
      counterName: 'Balie 1',
      appointmentId: null,
      issuedAt: t0,
      calledAt: plus(60_000),
      finishedAt: null,
    });
  });
});
