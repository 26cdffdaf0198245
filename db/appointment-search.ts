import { and, asc, eq, gte, lt, or, type SQL, sql } from 'drizzle-orm';
import type { Db } from './client.ts';
import { appointments } from './schema/index.ts';

export type AppointmentSearchRow = typeof appointments.$inferSelect;

/** `%`, `_` and `\` typed by staff are literal characters, not wildcards. */
function likeValue(text: string): string {
  return `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

/**
 * Appointments of one location by exact reference, or by a part of the name or e-mail (SQLite's LIKE is
 * case-insensitive for ASCII letters; accented letters match as typed), and/or starting in [from, to);
 * by start, at most `limit`.
 */
export function searchAppointmentRows(
  db: Db,
  input: { locationId: string; reference?: string; text?: string; from?: number; to?: number; limit: number },
): AppointmentSearchRow[] {
  const where: SQL[] = [eq(appointments.locationId, input.locationId)];
  if (input.reference) where.push(eq(appointments.reference, input.reference));
  if (input.text) {
    const pattern = likeValue(input.text);
    const match = or(
      sql`${appointments.customerEmail} LIKE ${pattern} ESCAPE '\\'`,
      sql`${appointments.customerName} LIKE ${pattern} ESCAPE '\\'`,
    );
    if (match) where.push(match);
  }
  if (input.from !== undefined) where.push(gte(appointments.startsAt, new Date(input.from)));
  if (input.to !== undefined) where.push(lt(appointments.startsAt, new Date(input.to)));
  return db
    .select()
    .from(appointments)
    .where(and(...where))
    .orderBy(asc(appointments.startsAt))
    .limit(input.limit)
    .all();
}
