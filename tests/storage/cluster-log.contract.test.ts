import { expect, it } from 'vitest';
import type { ClusterFact } from '../../server/cluster/log-store.ts';
import { describeStorageContract, type StorageHarness } from './harness.ts';

/**
 * The cluster log (server/cluster/log-store.ts) on every engine: the triggers write a fact in the transaction of
 * each change, with a gap-free seq per location; the log reads them back by id.
 */
async function fixture(h: StorageHarness): Promise<void> {
  await h.exec("INSERT INTO municipalities (id, name) VALUES ('m1', 'Eén'), ('m2', 'Twee')");
  for (const [id, municipality] of [
    ['l-a', 'm1'],
    ['l-b', 'm1'],
    ['x-a', 'm2'],
  ]) {
    await h.exec(
      "INSERT INTO locations (id, municipality_id, name, street, postal_code, city) VALUES (?, ?, ?, 's', 'p', 'c')",
      [id, municipality, `Office ${id}`],
    );
  }
  await h.exec("INSERT INTO counters (location_id, name) VALUES ('l-a', 'Balie 1')");
}

const at = new Date('2026-11-23T09:00:00.250Z');
const strip = ({ id: _id, ...fact }: ClusterFact) => fact;

describeStorageContract('cluster log contract', fixture, (harness) => {
  it('logs ticket, counter, set-up and revocation facts in the transaction of the change, numbered per location', async () => {
    const h = harness();
    const log = h.clusterLog();
    const start = await log.lastId();
    const [counter] = await h.rows<{ id: number }>("SELECT id FROM counters WHERE location_id = 'l-a'");
    await h.exec(
      `INSERT INTO tickets (municipality_id, location_id, service_date, number, letter, sequence, public_id, source,
         issued_at, queued_at) VALUES ('m1', 'l-a', '2026-11-23', 'P001', 'P', 1, 'pub-1', 'kiosk', ?, ?)`,
      [h.instant(at), h.instant(at)],
    );
    const [ticket] = await h.rows<{ id: number }>("SELECT id FROM tickets WHERE public_id = 'pub-1'");
    for (const type of ['issued', 'called', 'recalled', 'started']) {
      await h.exec('INSERT INTO ticket_events (ticket_id, location_id, type, at, counter_id) VALUES (?, ?, ?, ?, ?)', [
        ticket?.id,
        'l-a',
        type,
        h.instant(at),
        type === 'issued' ? null : counter?.id,
      ]);
    }
    await h.exec("UPDATE counters SET state = 'open' WHERE id = ?", [counter?.id]);
    await h.storage.write(async (tx) => {
      await tx.audit.record(null, 'm1', at, { action: 'location.settings', locationId: 'l-b' });
      await tx.audit.record(null, 'm1', at, { action: 'closure.create', locationId: null });
      await tx.audit.record(null, 'm1', at, { action: 'device.revoked', targetType: 'device', targetId: 17 });
      await tx.audit.record(null, 'm1', at, { action: 'session.signed-in', targetId: 3 });
    });
    const facts = await log.after(start, 100);
    expect(facts.map((f) => f.id)).toEqual([...facts.map((f) => f.id)].sort((a, b) => a - b));
    const ms = at.getTime();
    const base = { ticketId: null, counterId: null, subjectId: null, detail: null, at: ms };
    expect(facts.filter((f) => f.kind !== 'counter:updated').map(strip)).toEqual([
      { ...base, locationId: 'l-a', seq: 1, kind: 'ticket:issued', ticketId: ticket?.id },
      {
        ...base,
        locationId: 'l-a',
        seq: 2,
        kind: 'ticket:called',
        ticketId: ticket?.id,
        counterId: counter?.id,
        detail: 'call',
      },
      {
        ...base,
        locationId: 'l-a',
        seq: 3,
        kind: 'ticket:called',
        ticketId: ticket?.id,
        counterId: counter?.id,
        detail: 'recall',
      },
      { ...base, locationId: 'l-a', seq: 4, kind: 'ticket:updated', ticketId: ticket?.id, counterId: counter?.id },
      { ...base, locationId: 'l-b', seq: 1, kind: 'location:changed', detail: 'setup' },
      { ...base, locationId: 'l-a', seq: 6, kind: 'location:changed', detail: 'setup' },
      { ...base, locationId: 'l-b', seq: 2, kind: 'location:changed', detail: 'setup' },
      { ...base, locationId: null, seq: null, kind: 'auth:revoked', subjectId: 17, detail: 'device' },
    ]);
    const counterFact = facts.find((f) => f.kind === 'counter:updated');
    expect(counterFact).toMatchObject({ locationId: 'l-a', seq: 5, counterId: counter?.id });
    expect(await log.seqOf('l-a')).toBe(6);
    expect(await log.seqOf('l-b')).toBe(2);
    expect(await log.seqOf('x-a')).toBe(0);
    expect(await log.lastSeqBefore('l-a', 6, ['ticket:called'])).toBe(3);
    expect(await log.lastSeqBefore('l-a', 3, ['ticket:called'])).toBe(2);
    expect(await log.lastSeqBefore('l-a', 6, ['counter:updated', 'location:changed'])).toBe(5);
    expect(await log.lastSeqBefore('x-a', 6, ['ticket:called'])).toBe(0);
    expect(await log.lastId()).toBe(facts.at(-1)?.id);
    expect(await log.after(start, 2)).toEqual(facts.slice(0, 2));
  });

  it('a rolled-back change leaves no fact, and finished tickets of the demo history none either', async () => {
    const h = harness();
    const log = h.clusterLog();
    const start = await log.lastId();
    await expect(
      h.storage.write(async (tx) => {
        await tx.audit.record(null, 'm1', at, { action: 'device.revoked', targetId: 5 });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await h.exec(
      `INSERT INTO tickets (municipality_id, location_id, service_date, number, letter, sequence, public_id, source,
         status, issued_at, queued_at) VALUES ('m1', 'l-b', '2025-01-02', 'P001', 'P', 1, 'pub-old', 'kiosk', 'done', ?, ?)`,
      [h.instant(at), h.instant(at)],
    );
    const [old] = await h.rows<{ id: number }>("SELECT id FROM tickets WHERE public_id = 'pub-old'");
    await h.exec("INSERT INTO ticket_events (ticket_id, location_id, type, at) VALUES (?, 'l-b', 'finished', ?)", [
      old?.id,
      h.instant(at),
    ]);
    expect(await log.after(start, 10)).toEqual([]);
  });

  it('prunes facts older than a given instant once the webhook recorder has read them', async () => {
    const h = harness();
    const log = h.clusterLog();
    await h.storage.write((tx) =>
      tx.audit.record(null, 'm2', new Date('2026-11-20T00:00:00Z'), {
        action: 'display.ticker-set',
        locationId: 'x-a',
      }),
    );
    const before = (await log.after(0, 1000)).length;
    // The webhook recorder has not read it yet: it stays.
    expect(await log.prune(new Date('2026-11-21T00:00:00Z'))).toBe(0);
    await h.storage.write(async (tx) => {
      const feed = await tx.webhooks.claimFeed(1000);
      await tx.webhooks.advanceFeed(feed?.facts.at(-1)?.id ?? 0, new Date('2026-11-20T00:00:00Z'));
    });
    const removed = await log.prune(new Date('2026-11-21T00:00:00Z'));
    expect(removed).toBe(1);
    expect((await log.after(0, 1000)).length).toBe(before - 1);
  });
});
