import { expect, it } from 'vitest';
import { MAX_MAIL_ATTEMPTS, type OutgoingMail } from '../../server/notify/outbox-store.ts';
import { drainOutbox, type MailTransport } from '../../server/notify/sender.ts';
import { mailRenderer } from '../../server/scheduling/appointment-mails.ts';
import { describeEachEngine, type EngineContext } from '../helpers/context.ts';
import { outboxRows } from '../helpers/rows.ts';

const mail = (to: string): OutgoingMail => ({
  municipalityId: 'haarlem',
  kind: 'confirmation',
  to,
  subject: 'Bevestiging',
  text: 'Tot ziens',
});

/** A transport that records what it sent; `hang` makes it send and then never answer (a node dying mid-send). */
function recordingTransport(options: { hang?: boolean } = {}) {
  const sent: { to: string; subject: string; text: string }[] = [];
  const transport: MailTransport = {
    sendMail: (m) => {
      sent.push(m);
      return options.hang ? new Promise<never>(() => {}) : Promise.resolve();
    },
  };
  return { sent, transport };
}

async function book(ctx: EngineContext, start: string, email: string) {
  const res = await ctx.app.request('/api/v1/appointments', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      locationId: 'haarlem-zijlsingel',
      services: [{ code: 'passport', persons: 1 }],
      start,
      customer: { name: 'Resident', email },
    }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { reference: string };
}

describeEachEngine('the mail outbox', (under) => {
  it('claims each due mail once while its lease runs, oldest first, and again when the lease ran out', async () => {
    const ctx = await under.context();
    const t0 = new Date('2026-11-23T08:00:00Z');
    await ctx.storage.write(async (tx) => {
      await tx.outbox.enqueue(mail('a@example.nl'), t0);
      await tx.outbox.enqueue(mail('b@example.nl'), new Date(t0.getTime() + 1000));
    });
    const lease = 60_000;
    const first = await ctx.storage.write((tx) => tx.outbox.claimDueMails(t0, 1, lease));
    expect(first.map((m) => [m.to, m.attempts, m.claimedUntil])).toEqual([
      ['a@example.nl', 1, new Date(t0.getTime() + lease)],
    ]);
    // A second sender (the same claim from anywhere) gets only what is left.
    const second = await ctx.storage.write((tx) => tx.outbox.claimDueMails(t0, 10, lease));
    expect(second.map((m) => m.to)).toEqual(['b@example.nl']);
    expect(await ctx.storage.write((tx) => tx.outbox.claimDueMails(t0, 10, lease))).toEqual([]);

    // The first sender failed: the mail is due again at once; the second sent: never again.
    await ctx.storage.write((tx) => tx.outbox.markFailed(first[0]?.id ?? 0, 1, 'connection refused'));
    await ctx.storage.write((tx) => tx.outbox.markSent(second[0]?.id ?? 0, t0));
    const retry = await ctx.storage.write((tx) => tx.outbox.claimDueMails(t0, 10, lease));
    expect(retry.map((m) => [m.to, m.attempts, m.lastError])).toEqual([['a@example.nl', 2, 'connection refused']]);

    // A sender that died holds the mail until its lease ends; a late failure of it does not end a new lease.
    expect(
      await ctx.storage.write((tx) => tx.outbox.claimDueMails(new Date(t0.getTime() + lease - 1), 10, lease)),
    ).toEqual([]);
    const later = new Date(t0.getTime() + lease);
    const reclaimed = await ctx.storage.write((tx) => tx.outbox.claimDueMails(later, 10, lease));
    expect(reclaimed.map((m) => m.attempts)).toEqual([3]);
    await ctx.storage.write((tx) => tx.outbox.markFailed(reclaimed[0]?.id ?? 0, 2, 'late'));
    expect(await ctx.storage.write((tx) => tx.outbox.claimDueMails(later, 10, lease))).toEqual([]);
  });

  it('gives a mail up after MAX_MAIL_ATTEMPTS', async () => {
    const ctx = await under.context();
    const now = new Date('2026-11-23T08:00:00Z');
    await ctx.storage.write((tx) => tx.outbox.enqueue(mail('c@example.nl'), now));
    for (let attempt = 1; attempt <= MAX_MAIL_ATTEMPTS; attempt++) {
      const [claimed] = await ctx.storage.write((tx) => tx.outbox.claimDueMails(now, 10, 1000));
      expect(claimed?.attempts).toBe(attempt);
      await ctx.storage.write((tx) => tx.outbox.markFailed(claimed?.id ?? 0, attempt, 'refused'));
    }
    expect(await ctx.storage.write((tx) => tx.outbox.claimDueMails(now, 10, 1000))).toEqual([]);
    const [listed] = await ctx.storage.read.outbox.listMails('haarlem', { unsentOnly: true, limit: 10 });
    expect(listed).toMatchObject({ to: 'c@example.nl', attempts: MAX_MAIL_ATTEMPTS, lastError: 'refused' });
  });

  it('the booking writes a small row; the mail and its calendar file are rendered when sent, and kept', async () => {
    const ctx = await under.context();
    const { reference } = await book(ctx, '2026-11-24T11:00:00+01:00', 'render@example.nl');
    const [stored] = await outboxRows(ctx.sql);
    expect(stored).toMatchObject({ kind: 'confirmation', toAddress: 'render@example.nl', subject: '', text: '' });
    expect(stored?.attachments ?? []).toEqual([]);
    const { sent, transport } = recordingTransport();
    const render = mailRenderer(ctx.storage.read);
    expect(await drainOutbox(ctx, transport, { render })).toBe(1);
    expect(sent[0]?.subject).toContain(reference);
    expect(sent[0]?.text).toContain(`/manage/${reference}#token=`);
    const [kept] = await outboxRows(ctx.sql);
    expect(kept).toMatchObject({ subject: sent[0]?.subject, text: sent[0]?.text });
    expect(kept?.attachments?.[0]?.content).toContain(`UID:${reference}@loket`);
  });

  it('two senders at once send every mail once', async () => {
    const ctx = await under.context();
    // Six days: bookings onto one day are limited per client.
    const days = ['2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-30', '2026-12-01'];
    for (const [i, day] of days.entries()) await book(ctx, `${day}T11:00:00+01:00`, `twice${i}@example.nl`);
    const render = mailRenderer(ctx.storage.read);
    const a = recordingTransport();
    const b = recordingTransport();
    const [na, nb] = await Promise.all([
      drainOutbox(ctx, a.transport, { render, batch: 4 }),
      drainOutbox(ctx, b.transport, { render, batch: 4 }),
    ]);
    // Whatever one pass left (both claimed at most 4) goes in the next one.
    const rest = await drainOutbox(ctx, a.transport, { render });
    expect(na + nb + rest).toBe(6);
    const recipients = [...a.sent, ...b.sent].map((m) => m.to).sort();
    expect(recipients).toEqual([0, 1, 2, 3, 4, 5].map((i) => `twice${i}@example.nl`));
  });

  it('a mail goes out again only when its sender died while sending it', async () => {
    const ctx = await under.context();
    await book(ctx, '2026-11-24T11:00:00+01:00', 'dying@example.nl');
    const render = mailRenderer(ctx.storage.read);
    // Node A claims the mail, hands it to SMTP and dies before it can mark it sent.
    const dead = recordingTransport({ hang: true });
    void drainOutbox(ctx, dead.transport, { render });
    await waitUntil(() => dead.sent.length === 1);
    // Node B: nothing is due while A's lease runs.
    const b = recordingTransport();
    expect(await drainOutbox(ctx, b.transport, { render })).toBe(0);
    ctx.clock.advance(10 * 60_000);
    expect(await drainOutbox(ctx, b.transport, { render })).toBe(1);
    expect(await drainOutbox(ctx, b.transport, { render })).toBe(0);
    // Sent twice: once by the node that died, once after its lease ran out; never a third time.
    expect([...dead.sent, ...b.sent].map((m) => m.to)).toEqual(['dying@example.nl', 'dying@example.nl']);
    const [row] = await outboxRows(ctx.sql);
    expect(row).toMatchObject({ attempts: 2, lastError: null });
    expect(row?.sentAt).not.toBeNull();
  });
});

/** Polls until `done` (the sender's claim runs in a transaction before it sends). */
async function waitUntil(done: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(done()).toBe(true);
}
