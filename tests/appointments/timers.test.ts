import { describe, expect, it } from 'vitest';
import { outbox } from '../../db/schema/index.ts';
import { startBackgroundJobs } from '../../server/jobs/timers.ts';
import type { MailTransport } from '../../server/notify/sender.ts';
import { createTestContext } from '../helpers/context.ts';

describe('background jobs', () => {
  it('send the outbox, queue reminders and stop cleanly', async () => {
    const ctx = createTestContext({ now: '2026-11-23T08:00:00Z' });
    const res = await ctx.app.request('/api/v1/appointments', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        locationId: 'haarlem-zijlsingel',
        services: [{ code: 'passport', persons: 1 }],
        start: '2026-11-24T11:00:00+01:00',
        customer: { name: 'A', email: 'a@example.nl' },
      }),
    });
    expect(res.status).toBe(201);
    const sent: string[] = [];
    const transport: MailTransport = {
      sendMail: async (mail) => {
        sent.push(mail.subject);
      },
    };
    const stop = startBackgroundJobs(ctx, { transport });
    // The first run of every job starts at once; give the async sender a moment.
    for (let k = 0; k < 50 && sent.length < 2; k++) await new Promise((r) => setTimeout(r, 20));
    stop();
    expect(sent.some((s) => s.startsWith('Bevestiging'))).toBe(true);
    expect(sent.some((s) => s.startsWith('Herinnering'))).toBe(true);
    expect(
      ctx.db
        .select()
        .from(outbox)
        .all()
        .every((m) => m.sentAt !== null),
    ).toBe(true);
  });
});
