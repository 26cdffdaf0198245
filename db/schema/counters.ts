import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { services } from './catalog.ts';
import { locations } from './tenancy.ts';

/** A desk at a location. `state` is the live console state, kept here so a restart keeps it. */
export const counters = sqliteTable('counters', {
  id: integer().primaryKey({ autoIncrement: true }),
  locationId: text()
    .notNull()
    .references(() => locations.id),
  name: text().notNull(),
  active: integer({ mode: 'boolean' }).notNull().default(true),
  state: text({ enum: ['closed', 'open', 'paused'] })
    .notNull()
    .default('closed'),
  agentId: integer(),
  stateSince: integer({ mode: 'timestamp_ms' }),
});

/** The services a counter can serve. */
export const counterSkills = sqliteTable(
  'counter_skills',
  {
    counterId: integer()
      .notNull()
      .references(() => counters.id, { onDelete: 'cascade' }),
    serviceId: integer()
      .notNull()
      .references(() => services.id),
  },
  (t) => [primaryKey({ columns: [t.counterId, t.serviceId] })],
);
