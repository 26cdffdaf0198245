/**
 * Room names, built only here. A socket joins:
 * - `location:<id>`: everything that happens in that office's queue (staff and devices of the location);
 * - `location:<id>:role:<role>`: one role there (agent, supervisor, admin, kiosk, display);
 * - `location:<id>:staff-batched`: the staff sockets there that take a round's facts as one message;
 * - `counter:<id>`: the console(s) of one counter;
 * - `ticket:<publicId>`: residents following one ticket on their phone;
 * - `session:<id>` / `device:<id>` / `api-key:<id>`: every socket of one staff session, device or API key, to
 *   cut them off on revocation.
 */
export const locationRoom = (locationId: string) => `location:${locationId}`;
export const roleRoom = (locationId: string, role: string) => `location:${locationId}:role:${role}`;
/** The staff of an office (consoles, supervisor view): they alone need every ticket's changes. */
export const staffRooms = (locationId: string) => ['agent', 'supervisor', 'admin'].map((r) => roleRoom(locationId, r));
/** The office's staff sockets that take a round's facts as one `queue:facts` (`HubAuth.facts: 'batched'`). */
export const batchedStaffRoom = (locationId: string) => `location:${locationId}:staff-batched`;
/** Kiosks, displays and API clients of an office: calls, counters and waits, no per-ticket churn. */
export const publicRooms = (locationId: string) => ['kiosk', 'display'].map((r) => roleRoom(locationId, r));
export const counterRoom = (counterId: number) => `counter:${counterId}`;
export const ticketRoom = (publicId: string) => `ticket:${publicId}`;
/** The public id of the ticket a `ticket:` room follows, or null for another room. */
export const followedTicketOf = (room: string): string | null =>
  room.startsWith('ticket:') ? room.slice('ticket:'.length) : null;
export const sessionRoom = (sessionId: number) => `session:${sessionId}`;
export const deviceRoom = (deviceId: number) => `device:${deviceId}`;
export const apiKeyRoom = (keyId: number) => `api-key:${keyId}`;
