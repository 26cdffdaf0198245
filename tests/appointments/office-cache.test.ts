import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client.ts';
import { closures } from '../../db/schema/index.ts';
import { AppError } from '../../server/errors.ts';
import { bookAppointment } from '../../server/scheduling/book-appointment.ts';
import { getOffice } from '../../server/scheduling/office-cache.ts';
import type { OfficeStore } from '../../server/scheduling/office-store.ts';
import { createTestContext } from '../helpers/context.ts';

const dir = mkdtempSync(join(tmpdir(), 'loket-h1-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the in-memory office follows changes made by another process', () => {
  it('sees a closure added through another connection at the next booking', async () => {
    const dbPath = join(dir, 'cache.db');
    const ctx = createTestContext({ dbPath });
    const book = (start: string, email: string) =>
      bookAppointment(ctx, {
        locationId: 'haarlem-zijlsingel',
        services: [{ code: 'passport', persons: 1 }],
        start,
        customer: { name: 'A', email },
      });
    await book('2026-11-25T11:00:00+01:00', 'a@example.nl');
    const other = openDatabase(dbPath);
    other
      .insert(closures)
      .values({ municipalityId: 'haarlem', date: '2026-11-26', kind: 'local', reason: 'Verbouwing' })
      .run();
    other.$client.close();
    let code: string | null = null;
    try {
      await book('2026-11-26T11:00:00+01:00', 'b@example.nl');
    } catch (err) {
      code = err instanceof AppError ? err.code : 'other';
    }
    expect(code).toBe('slot-unavailable');
    ctx.db.$client.close();
  });
});

describe('an unknown location is remembered until the configuration changes', () => {
  it('answers a wrong location id from memory, and finds the location once another process adds it', async () => {
    const dbPath = join(dir, 'unknown.db');
    const ctx = createTestContext({ dbPath });
    // The read repositories' office store, with the answers it gave: `office` undefined means "unchanged since
    // the version you know", so nothing but the version was read.
    const real = ctx.storage.read.office;
    const answers: { known: number | null; office: unknown }[] = [];
    const office: OfficeStore = {
      ...real,
      async officeSince(locationId, knownVersion) {
        const snapshot = await real.officeSince(locationId, knownVersion);
        answers.push({ known: knownVersion, office: snapshot.office });
        return snapshot;
      },
    };
    const repos = { office };
    expect(await getOffice(repos, 'haarlem-nergens')).toBeNull();
    expect(await getOffice(repos, 'haarlem-nergens')).toBeNull();
    expect(answers[0]).toEqual({ known: null, office: null });
    expect(answers[1]?.known).not.toBeNull();
    expect(answers[1]?.office).toBeUndefined();

    // Through the API: a problem+json 404 with its code, each time.
    for (let k = 0; k < 2; k++) {
      const res = await ctx.app.request('/api/v1/appointments', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          locationId: 'haarlem-nergens',
          services: [{ code: 'passport', persons: 1 }],
          start: '2026-11-25T10:00:00Z',
          customer: { name: 'A', email: `nergens-${k}@example.nl` },
        }),
      });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(((await res.json()) as { code: string }).code).toBe('not-found');
    }

    // Another process adds the location (its insert bumps the configuration version): the next read finds it.
    const other = openDatabase(dbPath);
    other.$client
      .prepare(
        `INSERT INTO locations (id, municipality_id, name, street, postal_code, city)
         SELECT 'haarlem-nergens', municipality_id, 'Nergens', street, postal_code, city FROM locations
          WHERE id = 'haarlem-zijlsingel'`,
      )
      .run();
    other.$client.close();
    expect((await getOffice(repos, 'haarlem-nergens'))?.location.name).toBe('Nergens');
    ctx.db.$client.close();
  });
});

describe('the read side never sees a write in progress', () => {
  it('reads the committed office while a write transaction holding a set-up change is open, and the change after it commits', async () => {
    const ctx = createTestContext({ dbPath: join(dir, 'open-write.db') });
    const before = await getOffice(ctx.storage.read, 'haarlem-zijlsingel');
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const writing = ctx.storage.write(async (tx) => {
      await tx.office.updateLocation('haarlem-zijlsingel', { name: 'Zijlsingel (tijdelijk)' });
      await held;
    });
    await new Promise((resolve) => setImmediate(resolve));
    // The office store of `read` uses the writer's connection only while it has no transaction open: here it has.
    expect(ctx.db.$client.inTransaction).toBe(true);
    expect((await getOffice(ctx.storage.read, 'haarlem-zijlsingel'))?.location.name).toBe(before?.location.name);
    release();
    await writing;
    expect((await getOffice(ctx.storage.read, 'haarlem-zijlsingel'))?.location.name).toBe('Zijlsingel (tijdelijk)');
    ctx.db.$client.close();
  });
});
