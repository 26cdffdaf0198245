import { describe, expect, it } from 'vitest';
import { MAX_MAIL_ATTEMPTS, type OutgoingMail } from '../../server/notify/outbox-store.ts';
import { createTestContext } from '../helpers/context.ts';

const mail = (to: string): OutgoingMail => ({
  municipalityId: 'haarlem',
  kind: 'confirmation',
  to,
  subject: 'Bevestiging',
  text: 'Tot ziens',
});

describe('OutboxStore.claimDueMails', () => {
  it('claims each due mail once while its lease runs, oldest first, and again when the lease ran out', async () => {
    const ctx = createTestContext({ seed: true });
    const t0 = new Date('2026-11-23T08:00:00Z');
    await ctx.storage.write(async (tx) => {
      await tx.outbox.enqueue(mail('a@example.nl'), t0);
      await tx.outbox.enqueue(mail('b@example.nl'), new Date(t0.getTime() + 1000));
    });
    const lease = 60_000;
    const first = await ctx.storage.write((tx) => tx.outbox.claimDueMails(t0, 1, lease));
    expect(first.map((m) => [m.to, m.attempts])).toEqual([['a@example.nl', 1]]);
    // A second sender (the same claim from anywhere) gets only what is left.
    const second = await ctx.storage.write((tx) => tx.outbox.claimDueMails(t0, 10, lease));
    expect(second.map((m) => m.to)).toEqual(['b@example.nl']);
    expect(await ctx.storage.write((tx) => tx.outbox.claimDueMails(t0, 10, lease))).toEqual([]);

    // The first sender failed: the mail is due again at once; the second sent: never again.
    await ctx.storage.write((tx) => tx.outbox.markFailed(first[0]?.id ?? 0, 1, 'connection refused'));
    await ctx.storage.write((tx) => tx.outbox.markSent(second[0]?.id ?? 0, t0));
    const retry = await ctx.storage.write((tx) => tx.outbox.claimDueMails(t0, 10, lease));
    expect(retry.map((m) => [m.to, m.attempts])).toEqual([['a@example.nl', 2]]);

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
    const ctx = createTestContext();
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
});
