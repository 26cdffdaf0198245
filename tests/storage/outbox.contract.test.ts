import { expect, it } from 'vitest';
import { MAX_MAIL_ATTEMPTS, type OutgoingMail } from '../../server/notify/outbox-store.ts';
import { describeStorageContract, type StorageHarness } from './harness.ts';

/** The mail outbox and erasure (server/notify/outbox-store.ts, server/scheduling/personal-data-store.ts). */
async function fixture(h: StorageHarness): Promise<void> {
  await h.exec("INSERT INTO municipalities (id, name) VALUES ('m1', 'Eén'), ('m2', 'Twee'), ('m3', 'Drie')");
  await h.exec(
    "INSERT INTO locations (id, municipality_id, name, street, postal_code, city) VALUES ('l-a', 'm3', 'A', 's', 'p', 'c')",
  );
  await h.exec("INSERT INTO counters (location_id, name) VALUES ('l-a', 'Balie 1')");
}

const t0 = new Date('2026-11-23T08:00:00Z');
const plus = (ms: number) => new Date(t0.getTime() + ms);
const mail = (
  municipalityId: string,
  n: number,
  extra: Partial<Extract<OutgoingMail, { subject: string }>> = {},
): OutgoingMail => ({
  municipalityId,
  kind: 'confirmation',
  to: `r${n}@example.org`,
  subject: `Subject ${n}`,
  text: `Text ${n}`,
  ...extra,
});

describeStorageContract('outbox and erasure repository contract', fixture, (harness) => {
  it('enqueue and listMails: newest first, unsent only on request, attachments kept', async () => {
    const { storage } = harness();
    const attachments = [{ filename: 'a.ics', contentType: 'text/calendar', content: 'BEGIN:VCALENDAR' }];
    await storage.write(async (tx) => {
      await tx.outbox.enqueue(mail('m1', 1, { attachments, appointmentId: null }), t0);
      await tx.outbox.enqueue(mail('m1', 2, { kind: 'reminder' }), plus(1000));
      await tx.outbox.enqueue(mail('m2', 3), t0);
    });
    const all = await storage.read.outbox.listMails('m1', { unsentOnly: false, limit: 10 });
    expect(all.map((m) => m.subject)).toEqual(['Subject 2', 'Subject 1']);
    expect(all[1]).toEqual({
      id: expect.any(Number),
      municipalityId: 'm1',
      kind: 'confirmation',
      appointmentId: null,
      to: 'r1@example.org',
      subject: 'Subject 1',
      text: 'Text 1',
      attachments,
      createdAt: t0,
      sentAt: null,
      attempts: 0,
      lastError: null,
      claimedUntil: null,
      render: null,
    });
    expect(all[0]?.attachments).toEqual([]);
    await storage.write((tx) => tx.outbox.markSent(all[0]?.id ?? 0, plus(5000)));
    expect((await storage.read.outbox.listMails('m1', { unsentOnly: true, limit: 10 })).map((m) => m.subject)).toEqual([
      'Subject 1',
    ]);
    expect(await storage.read.outbox.listMails('m1', { unsentOnly: false, limit: 1 })).toHaveLength(1);
  });

  it('claims lease mails: oldest first, one more attempt, not again until the lease ends or the send failed', async () => {
    const { storage } = harness();
    await storage.write(async (tx) => {
      for (let n = 10; n < 14; n++) await tx.outbox.enqueue(mail('m2', n), plus(n * 1000));
    });
    const due = (now: Date, limit = 100) => storage.write((tx) => tx.outbox.claimDueMails(now, limit, 60_000));
    const now = plus(3_600_000);
    const first = await due(now, 2);
    expect(first.map((m) => m.attempts)).toEqual([1, 1]);
    expect(first.map((m) => m.createdAt.getTime())).toEqual([...first.map((m) => m.createdAt.getTime())].sort());
    const rest = await due(now);
    expect(rest.map((m) => m.id).some((id) => first.some((f) => f.id === id))).toBe(false);
    // Leased: nothing is due within the lease.
    expect(await due(plus(3_600_000 + 59_000))).toEqual([]);
    // A failure ends the lease (only from the sender that holds the current attempt).
    const [a, b] = first;
    await storage.write((tx) => tx.outbox.markFailed(a?.id ?? 0, 1, 'smtp 451'));
    await storage.write((tx) => tx.outbox.markFailed(b?.id ?? 0, 0, 'stale sender'));
    const again = await due(plus(3_600_000 + 59_000));
    expect(again.map((m) => [m.id, m.attempts, m.lastError, m.claimedUntil])).toEqual([
      [a?.id, 2, 'smtp 451', plus(3_600_000 + 59_000 + 60_000)],
    ]);
    // After the lease every unsent mail is due again; a sent one never.
    await storage.write((tx) => tx.outbox.markSent(b?.id ?? 0, now));
    const later = await due(plus(3_600_000 + 10 * 60_000));
    const byId = (x: number, y: number) => x - y;
    expect(later.map((m) => m.id).sort(byId)).toEqual([a?.id ?? 0, ...rest.map((m) => m.id)].sort(byId));
  });

  it('keeps a mail to be rendered at send time as its context, and what was sent once sent', async () => {
    const h = harness();
    const [counter] = await h.rows<{ id: number }>("SELECT id FROM counters WHERE location_id = 'l-a'");
    await h.exec(
      `INSERT INTO appointments (municipality_id, location_id, reference, manage_token_hash, starts_at, ends_at,
         counter_id, channel, status, customer_email, created_at)
       VALUES ('m3', 'l-a', 'CTX-1', 'h', ?, ?, ?, 'online', 'booked', 'c@example.org', ?)`,
      [h.instant(plus(86_400_000)), h.instant(plus(86_400_000 + 600_000)), counter?.id, h.instant(t0)],
    );
    const [row] = await h.rows<{ id: number }>("SELECT id FROM appointments WHERE reference = 'CTX-1'");
    const render = {
      manageUrl: 'https://loket.example/afspraak/CTX-1#token',
      followUp: { byAppointment: true, earliestDate: '2026-12-01', booked: false },
      hold: { confirmUrl: 'https://loket.example/bevestig', until: plus(1_800_000).toISOString() },
    };
    await h.storage.write((tx) =>
      tx.outbox.enqueue(
        { municipalityId: 'm3', kind: 'hold', appointmentId: row?.id ?? 0, to: 'c@example.org', render },
        t0,
      ),
    );
    const [claimed] = await h.storage.write((tx) => tx.outbox.claimDueMails(t0, 10, 60_000));
    expect(claimed).toMatchObject({ subject: '', text: '', attachments: [], render, claimedUntil: plus(60_000) });
    const sent = {
      subject: 'S',
      text: 'T',
      attachments: [{ filename: 'x.ics', contentType: 'text/calendar', content: 'X' }],
    };
    await h.storage.write((tx) => tx.outbox.markSent(claimed?.id ?? 0, plus(1000), sent));
    const [listed] = await h.storage.read.outbox.listMails('m3', { unsentOnly: false, limit: 1 });
    expect(listed).toMatchObject({ ...sent, render: null, claimedUntil: null, sentAt: plus(1000) });
    // The harness's database is shared by the file's tests: leave the erasure case its own appointments.
    await h.exec('DELETE FROM outbox WHERE appointment_id = ?', [row?.id]);
    await h.exec("DELETE FROM appointments WHERE reference = 'CTX-1'");
  });

  it('gives a mail up after MAX_MAIL_ATTEMPTS claims', async () => {
    const { storage } = harness();
    await storage.write((tx) => tx.outbox.enqueue(mail('m3', 99), t0));
    let claims = 0;
    for (let i = 0; i < MAX_MAIL_ATTEMPTS + 2; i++) {
      const got = await storage.write((tx) => tx.outbox.claimDueMails(plus((i + 1) * 3_600_000), 100, 1000));
      claims += got.filter((m) => m.municipalityId === 'm3').length;
    }
    expect(claims).toBe(MAX_MAIL_ATTEMPTS);
  });

  it('concurrent claims never return one mail twice', async () => {
    const { storage } = harness();
    await storage.write(async (tx) => {
      for (let n = 0; n < 12; n++) await tx.outbox.enqueue(mail('m1', 100 + n), plus(-n));
    });
    const now = plus(10 * 24 * 3_600_000);
    const results = await Promise.all(
      [0, 1, 2, 3, 4, 5].map(() => storage.write((tx) => tx.outbox.claimDueMails(now, 3, 60_000))),
    );
    const ids = results.flat().map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('erasure: ended appointments lose their personal data and their mails, once', async () => {
    const h = harness();
    const [counter] = await h.rows<{ id: number }>("SELECT id FROM counters WHERE location_id = 'l-a'");
    const insert = (ref: string, endsAt: Date) =>
      h.exec(
        `INSERT INTO appointments (municipality_id, location_id, reference, manage_token_hash, starts_at, ends_at,
           counter_id, channel, status, customer_name, customer_email, customer_phone, mailbox_key, phone_key, created_at)
         VALUES ('m3', 'l-a', ?, 'h', ?, ?, ?, 'online', 'served', 'Jan', 'jan@example.org', '0612345678',
           'jan@example.org', '0612345678', ?)`,
        [ref, h.instant(new Date(endsAt.getTime() - 600_000)), h.instant(endsAt), counter?.id, h.instant(t0)],
      );
    await insert('OLD-1', plus(-10 * 86_400_000));
    await insert('NEW-1', plus(86_400_000));
    const [old] = await h.rows<{ id: number }>("SELECT id FROM appointments WHERE reference = 'OLD-1'");
    const [recent] = await h.rows<{ id: number }>("SELECT id FROM appointments WHERE reference = 'NEW-1'");
    await h.storage.write(async (tx) => {
      await tx.outbox.enqueue(mail('m3', 201, { appointmentId: old?.id }), plus(-10 * 86_400_000));
      await tx.outbox.enqueue(mail('m3', 202, { appointmentId: recent?.id }), plus(-10 * 86_400_000));
      await tx.outbox.enqueue(mail('m3', 203), plus(-10 * 86_400_000));
      await tx.outbox.enqueue(mail('m3', 204), plus(1000));
    });
    const cutoff = plus(-86_400_000);
    expect(await h.storage.write((tx) => tx.personalData.eraseEndedBefore(cutoff, t0))).toBe(1);
    expect(await h.storage.write((tx) => tx.personalData.eraseEndedBefore(cutoff, t0))).toBe(0);
    const rows = await h.rows<Record<string, unknown>>(
      `SELECT reference, customer_name, customer_email, customer_phone, mailbox_key, phone_key,
              personal_data_erased_at IS NOT NULL AS erased FROM appointments ORDER BY reference`,
    );
    expect(rows.map((r) => ({ ...r, erased: Boolean(r.erased) }))).toEqual([
      {
        reference: 'NEW-1',
        customer_name: 'Jan',
        customer_email: 'jan@example.org',
        customer_phone: '0612345678',
        mailbox_key: 'jan@example.org',
        phone_key: '0612345678',
        erased: false,
      },
      {
        reference: 'OLD-1',
        customer_name: null,
        customer_email: null,
        customer_phone: null,
        mailbox_key: null,
        phone_key: null,
        erased: true,
      },
    ]);
    const left = await h.storage.read.outbox.listMails('m3', { unsentOnly: false, limit: 100 });
    expect(left.map((m) => m.subject).filter((s) => /20\d/.test(s))).toEqual(['Subject 204', 'Subject 202']);
  });
});
