import { mailRenderer } from '../../server/scheduling/appointment-mails.ts';
import type { Storage } from '../../server/storage.ts';
import type { FixtureSql } from './context.ts';

/**
 * Reading back what a use-case stored, the same on both engines (tests/helpers/context.ts#FixtureSql):
 * camelCase objects with instants as epoch ms and JSON parsed, whichever engine answered.
 */

export interface OutboxRow {
  id: number;
  kind: string;
  appointmentId: number | null;
  toAddress: string;
  subject: string;
  text: string;
  attachments: { filename: string; contentType: string; content: string }[] | null;
  createdAt: number;
  sentAt: number | null;
  attempts: number;
  lastError: string | null;
}

/**
 * Mails in the outbox, oldest first; `kind` narrows them. Given the context (`{ sql, storage }`) rather than
 * its `sql`, a mail still to be rendered (appointment mails are rendered when sent) comes as it would be sent
 * now; given `sql` alone, as stored (its subject and text empty until sent).
 */
export async function outboxRows(
  source: FixtureSql | { sql: FixtureSql; storage: Storage },
  kind?: string,
): Promise<OutboxRow[]> {
  const sql = 'storage' in source ? source.sql : source;
  const rows = await sql.rows<Record<string, unknown>>(
    `SELECT id, kind, appointment_id, to_address, subject, text, attachments, created_at, sent_at, attempts, last_error,
            render
       FROM outbox${kind ? ' WHERE kind = ?' : ''} ORDER BY id`,
    kind ? [kind] : [],
  );
  const stored = rows.map((r) => ({
    id: Number(r.id),
    kind: String(r.kind),
    appointmentId: r.appointment_id === null ? null : Number(r.appointment_id),
    toAddress: String(r.to_address),
    subject: String(r.subject),
    text: String(r.text),
    attachments:
      typeof r.attachments === 'string' ? JSON.parse(r.attachments) : (r.attachments as OutboxRow['attachments']),
    createdAt: sql.ms(r.created_at) as number,
    sentAt: sql.ms(r.sent_at),
    attempts: Number(r.attempts),
    lastError: (r.last_error as string | null) ?? null,
  }));
  if (!('storage' in source)) return stored;
  const render = mailRenderer(source.storage.read);
  return Promise.all(
    stored.map(async (row, i) => {
      const raw = rows[i]?.render;
      const context = typeof raw === 'string' ? JSON.parse(raw) : (raw ?? null);
      if (!context) return row;
      const content = await render({
        ...row,
        municipalityId: '',
        kind: row.kind as never,
        to: row.toAddress,
        attachments: row.attachments ?? [],
        createdAt: new Date(row.createdAt),
        sentAt: row.sentAt === null ? null : new Date(row.sentAt),
        claimedUntil: null,
        render: context,
      });
      return content ? { ...row, ...content } : row;
    }),
  );
}

/** How many rows `table` holds (optionally where `where`, portable SQL with `?`). */
export async function countRows(sql: FixtureSql, table: string, where = '', params: unknown[] = []): Promise<number> {
  const [row] = await sql.rows<{ n: number | string }>(
    `SELECT count(*) AS n FROM ${table}${where ? ` WHERE ${where}` : ''}`,
    params,
  );
  return Number(row?.n ?? 0);
}

/** The actions in the audit log, oldest first (optionally only `action`). */
export async function auditActions(sql: FixtureSql, action?: string): Promise<string[]> {
  const rows = await sql.rows<{ action: string }>(
    `SELECT action FROM audit_entries${action ? ' WHERE action = ?' : ''} ORDER BY id`,
    action ? [action] : [],
  );
  return rows.map((r) => r.action);
}

/** Audit entries of `action`, oldest first, with their details parsed. */
export async function auditRows(
  sql: FixtureSql,
  action: string,
): Promise<{ id: number; action: string; details: Record<string, unknown> | null }[]> {
  const rows = await sql.rows<Record<string, unknown>>(
    'SELECT id, action, details FROM audit_entries WHERE action = ? ORDER BY id',
    [action],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    action: String(r.action),
    details: typeof r.details === 'string' ? JSON.parse(r.details) : (r.details as Record<string, unknown> | null),
  }));
}

/** The event types of a ticket, oldest first. */
export async function ticketEventTypes(sql: FixtureSql, ticketId: number): Promise<string[]> {
  const rows = await sql.rows<{ type: string }>('SELECT type FROM ticket_events WHERE ticket_id = ? ORDER BY id', [
    ticketId,
  ]);
  return rows.map((e) => e.type);
}
