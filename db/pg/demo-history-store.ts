import { and, eq, inArray, lt } from 'drizzle-orm';
import type { DemoAppointmentRow, DemoHistoryStore } from '../../server/forecast/demo-history-store.ts';
import type { PgDb } from './client.ts';
import {
  appointmentItems,
  appointments,
  registryDocuments,
  ticketEvents,
  ticketItems,
  tickets,
} from './schema/index.ts';

const date = (ms: number) => new Date(ms);
const maybeDate = (ms: number | null) => (ms === null ? null : new Date(ms));

function chunks<T>(rows: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/**
 * The demo history on PostgreSQL (contract: server/forecast/demo-history-store.ts): an office-day is a handful of
 * multi-row INSERTs (appointments, their items, tickets, items, events) instead of one statement per row; ids
 * come back by the rows' unique reference and public id.
 */
export function pgDemoHistoryStore(db: PgDb): DemoHistoryStore {
  const insertAppointments = async (rows: readonly DemoAppointmentRow[]): Promise<Map<number, number>> => {
    const ids = new Map<number, number>();
    for (const chunk of chunks(rows, 2000)) {
      const inserted = await db
        .insert(appointments)
        .values(
          chunk.map((a) => ({
            municipalityId: a.municipalityId,
            locationId: a.locationId,
            reference: a.reference,
            manageTokenHash: a.manageTokenHash,
            startsAt: date(a.startsAt),
            endsAt: date(a.endsAt),
            counterId: a.counterId,
            channel: a.channel,
            status: a.status,
            language: 'nl' as const,
            createdAt: date(a.createdAt),
            personalDataErasedAt: date(a.personalDataErasedAt),
          })),
        )
        .returning({ id: appointments.id, reference: appointments.reference });
      const byReference = new Map(inserted.map((r) => [r.reference, r.id]));
      const items = chunk.map((a) => ({
        appointmentId: byReference.get(a.reference) ?? 0,
        serviceId: a.serviceId,
        persons: 1,
      }));
      if (items.length > 0) await db.insert(appointmentItems).values(items);
      for (const a of chunk) ids.set(a.key, byReference.get(a.reference) ?? 0);
    }
    return ids;
  };
  return {
    hasTicketsBefore: async (locationId, serviceDate) =>
      (
        await db
          .select({ id: tickets.id })
          .from(tickets)
          .where(and(eq(tickets.locationId, locationId), lt(tickets.serviceDate, serviceDate)))
          .limit(1)
      ).length > 0,
    insertDay: async ({ appointments: appointmentRows, tickets: ticketRows, events }) => {
      const appointmentIds = await insertAppointments(appointmentRows);
      const ticketIds = new Map<number, number>();
      for (const chunk of chunks(ticketRows, 1500)) {
        const inserted = await db
          .insert(tickets)
          .values(
            chunk.map((t) => ({
              municipalityId: t.municipalityId,
              locationId: t.locationId,
              serviceDate: t.serviceDate,
              number: t.number,
              letter: t.letter,
              sequence: t.sequence,
              publicId: t.publicId,
              source: t.source as typeof tickets.$inferInsert.source,
              status: t.status,
              priority: 0,
              dueAt: maybeDate(t.dueAt),
              counterId: t.counterId,
              callCount: t.callCount,
              language: 'nl' as const,
              issuedAt: date(t.issuedAt),
              queuedAt: date(t.issuedAt),
              calledAt: maybeDate(t.calledAt),
              startedAt: maybeDate(t.startedAt),
              finishedAt: maybeDate(t.finishedAt),
              appointmentId: t.appointmentKey === null ? null : (appointmentIds.get(t.appointmentKey) ?? null),
              predictedWaitSeconds: t.predictedWaitSeconds,
            })),
          )
          .returning({ id: tickets.id, publicId: tickets.publicId });
        const byPublicId = new Map(inserted.map((r) => [r.publicId, r.id]));
        for (const t of chunk) ticketIds.set(t.key, byPublicId.get(t.publicId) ?? 0);
        const items = chunk.flatMap((t) =>
          t.items.map((i) => ({
            ticketId: byPublicId.get(t.publicId) ?? 0,
            serviceId: i.serviceId as number,
            persons: i.persons,
          })),
        );
        for (const part of chunks(items, 5000)) await db.insert(ticketItems).values(part);
      }
      const eventRows = events.flatMap((e) => {
        const ticketId = ticketIds.get(e.ticketKey);
        return ticketId === undefined
          ? []
          : [
              {
                ticketId,
                locationId: e.locationId,
                type: e.type as typeof ticketEvents.$inferInsert.type,
                at: date(e.at),
                counterId: e.counterId,
                data: e.data === null ? null : (JSON.parse(e.data) as Record<string, unknown>),
              },
            ];
      });
      for (const part of chunks(eventRows, 3000)) await db.insert(ticketEvents).values(part);
    },
    insertAppointments: async (rows) => {
      await insertAppointments(rows);
    },
    insertRegistryOnce: async (municipalityId, rows) => {
      const [present] = await db
        .select({ m: registryDocuments.municipalityId })
        .from(registryDocuments)
        .where(inArray(registryDocuments.municipalityId, [municipalityId]))
        .limit(1);
      if (present || rows.length === 0) return;
      for (const part of chunks(rows, 5000)) {
        await db
          .insert(registryDocuments)
          .values(part.map((r) => ({ municipalityId, ...r })))
          .onConflictDoNothing();
      }
    },
  };
}
