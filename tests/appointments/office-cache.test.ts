import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client.ts';
import { closures } from '../../db/schema/index.ts';
import { AppError } from '../../server/errors.ts';
import { bookAppointment } from '../../server/scheduling/book-appointment.ts';
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
