import { describe, expect, it } from 'vitest';
import { erasePersonalData } from '../../server/jobs/retention.ts';
import { drainOutbox, type MailTransport } from '../../server/notify/sender.ts';
import { mailRenderer } from '../../server/scheduling/appointment-mails.ts';
import { queueReminders } from '../../server/scheduling/reminders.ts';
import { signInAs } from '../helpers/auth.ts';
import { describeEachEngine, type EngineContext } from '../helpers/context.ts';
import { outboxRows } from '../helpers/rows.ts';

const json = { 'content-type': 'application/json' };

async function book(ctx: EngineContext, start: string, email = 'anna@example.nl') {
  const res = await ctx.app.request('/api/v1/appointments', {
    method: 'POST',
    headers: json,
    body: JSON.stringify({
      locationId: 'haarlem-zijlsingel',
      services: [{ code: 'id-card', persons: 1 }],
      start,
      customer: { name: 'Anna de Vries', email, phone: '+31 6 12345678' },
      language: 'en',
    }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { reference: string; manageToken: string };
}

describeEachEngine('notify-jobs', (under) => {
  describe('reminders', () => {
    it('queues one reminder the day before, in the office zone, once', async () => {
      const ctx = await under.context({ now: '2026-11-23T08:00:00Z' });
      await book(ctx, '2026-11-24T11:00:00+01:00');
      await book(ctx, '2026-11-25T11:00:00+01:00', 'bob@example.nl');
      expect(await queueReminders(ctx)).toBe(1);
      expect(await queueReminders(ctx)).toBe(0);
      const [reminder] = await outboxRows(ctx, 'reminder');
      expect(reminder?.toAddress).toBe('anna@example.nl');
      expect(reminder?.subject).toContain('tomorrow');
      ctx.clock.set('2026-11-24T08:00:00Z');
      expect(await queueReminders(ctx)).toBe(1);
    });
  });

  describe('outbox sender', () => {
    it('sends queued mails once, keeps failures for a retry, and never blocks booking', async () => {
      const ctx = await under.context();
      const broken: MailTransport = {
        sendMail: async () => {
          throw new Error('connection refused');
        },
      };
      await book(ctx, '2026-11-24T11:00:00+01:00');
      expect(await drainOutbox(ctx, broken, { render: mailRenderer(ctx.storage.read) })).toBe(0);
      const [failed] = await outboxRows(ctx.sql);
      expect(failed).toMatchObject({ sentAt: null, attempts: 1, lastError: 'connection refused' });

      const sent: { to: string; subject: string; attachments?: unknown[] }[] = [];
      const ok: MailTransport = {
        sendMail: async (mail) => {
          sent.push(mail);
        },
      };
      expect(await drainOutbox(ctx, ok, { render: mailRenderer(ctx.storage.read) })).toBe(1);
      expect(await drainOutbox(ctx, ok, { render: mailRenderer(ctx.storage.read) })).toBe(0);
      expect(sent).toHaveLength(1);
      expect(sent[0]?.to).toBe('anna@example.nl');
      expect(sent[0]?.attachments).toHaveLength(1);
    });
  });

  describe('GET /api/v1/outbox', () => {
    it('shows mails to supervisors only', async () => {
      const ctx = await under.context();
      await book(ctx, '2026-11-24T11:00:00+01:00');
      expect((await ctx.app.request('/api/v1/outbox')).status).toBe(401);
      const agent = await signInAs(ctx, 'demo-agent');
      expect((await ctx.app.request('/api/v1/outbox', { headers: { authorization: `Bearer ${agent}` } })).status).toBe(
        403,
      );
      const supervisor = await signInAs(ctx, 'demo-supervisor');
      const res = await ctx.app.request('/api/v1/outbox?unsent=true', {
        headers: { authorization: `Bearer ${supervisor}` },
      });
      expect(res.status).toBe(200);
      const { mails } = (await res.json()) as { mails: { kind: string; to: string; text: string }[] };
      expect(mails).toHaveLength(1);
      expect(mails[0]).toMatchObject({ kind: 'confirmation', to: 'anna@example.nl' });
      expect(mails[0]?.text).toContain('Please bring');
    });
  });

  describe('retention', () => {
    it('erases personal data RETENTION_DAYS after the appointment, with its mails', async () => {
      const ctx = await under.context({ config: { RETENTION_DAYS: 7 } });
      const { reference, manageToken } = await book(ctx, '2026-11-24T11:00:00+01:00');
      ctx.clock.set('2026-12-01T10:09:00Z');
      expect(await erasePersonalData(ctx)).toBe(0);
      ctx.clock.set('2026-12-01T10:11:00Z');
      expect(await erasePersonalData(ctx)).toBe(1);
      expect(await erasePersonalData(ctx)).toBe(0);
      const [row] = await ctx.sql.rows<Record<string, unknown>>(
        'SELECT customer_name, customer_email, customer_phone, personal_data_erased_at FROM appointments WHERE reference = ?',
        [reference],
      );
      expect(row).toMatchObject({ customer_name: null, customer_email: null, customer_phone: null });
      expect(ctx.sql.ms(row?.personal_data_erased_at)).toBe(Date.parse('2026-12-01T10:11:00Z'));
      expect(await outboxRows(ctx.sql)).toEqual([]);
      const got = await ctx.app.request(`/api/v1/appointments/${reference}`, {
        headers: { authorization: `Bearer ${manageToken}` },
      });
      expect(await got.json()).toMatchObject({ customer: null });
    });
  });
});
