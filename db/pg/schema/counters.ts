import { boolean, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { services } from './catalog.ts';
import { locations } from './tenancy.ts';

/** A desk at a location. `state` is the live console state, kept here so a restart keeps it. */
export const counters = pgTable('counters', {
  id: integer().primaryKey().generatedByDefaultAsIdentity(),
  locationId: text()
    .notNull()
    .references(() => locations.id),
  name: text().notNull(),
  active: boolean().notNull().default(true),
  state: text({ enum: ['closed', 'open', 'paused'] })
    .notNull()
    .default('closed'),
  agentId: integer(),
  stateSince: timestamp({ withTimezone: true, precision: 3 }),
});

/** The services a counter can serve. */
export const counterSkills = pgTable(
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
