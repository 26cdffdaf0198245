import { defineConfig } from 'drizzle-kit';

/** The PostgreSQL migrations (`npm run db:generate:pg`); the SQLite ones use drizzle.config.ts. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/pg/schema/index.ts',
  out: './db/pg/migrations',
  casing: 'snake_case',
});
