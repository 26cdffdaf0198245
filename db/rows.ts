/**
 * Rows of a one-to-many join ordered by the parent's id, reduced to the first row of each parent, without the id.
 * Shared by the SQLite and PostgreSQL repositories, whose queries differ only in their dialect's tables.
 */
export function firstRowPerId<R extends { id: number }>(rows: readonly R[]): Omit<R, 'id'>[] {
  const out: Omit<R, 'id'>[] = [];
  let last: number | null = null;
  for (const { id, ...rest } of rows) {
    if (id === last) continue;
    last = id;
    out.push(rest);
  }
  return out;
}
