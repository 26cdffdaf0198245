import type pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { planDemoAccess } from '../../db/demo-access.ts';
import { openPool } from '../../db/pg/client.ts';
import { preparePgDatabase } from '../../db/pg/migrate.ts';
import { pgStorage } from '../../db/pg/storage.ts';
import { createApp } from '../../server/app.ts';
import { manualClock } from '../../server/clock.ts';
import { testConfig } from '../../server/config.ts';
import type { Deps } from '../../server/deps.ts';
import { createDomainEvents } from '../../server/events.ts';
import { silentLogger } from '../../server/logger.ts';
import { signInAs } from '../helpers/auth.ts';
import { createTestContext } from '../helpers/context.ts';
import { call } from '../helpers/http.ts';
import { createPgTestDatabase, describeWithPostgres } from '../helpers/servers.ts';

const ZIJL = 'haarlem-zijlsingel';
const NOW = '2026-11-23T08:00:00Z';
type App = { app: ReturnType<typeof createApp> };

/**
 * One script of set-up requests (server/scheduling/setup/) through the HTTP app, answered by SQLite and by
 * PostgreSQL: the same statuses, error codes, changes and resulting set-up on both — conflicts are 409 with the
 * same code, bad input 400, nothing a 5xx.
 */
async function runScript(ctx: App): Promise<unknown[]> {
  const admin = await signInAs(ctx, 'demo-admin');
  const answers: unknown[] = [];
  const step = async (label: string, method: string, path: string, body?: unknown) => {
    const res = await call(ctx, method, path, { token: admin, body });
    answers.push({ label, status: res.status, code: res.status >= 400 ? res.body?.code : undefined });
    return res;
  };
  const service = { nameNl: 'Test', nameEn: 'Test', minutesPerPerson: 10, maxPersons: 1, ticketLetter: 'X' };
  await step('service that exists', 'POST', '/services', { code: 'passport', ...service });
  await step('new service', 'POST', '/services', { code: 'x-test', ...service });
  await step('its fees', 'PUT', '/services/x-test/fees', { adult: 1250, minor: null });
  await step('fees of no service', 'PUT', '/services/nothing/fees', { adult: 1, minor: null });
  await step('offered here', 'PUT', `/locations/${ZIJL}/services/x-test`, { bookableOnline: true, walkIn: false });
  const counter = await step('counter, a skill twice', 'POST', `/locations/${ZIJL}/counters`, {
    name: 'Balie X',
    skills: ['x-test', 'x-test'],
  });
  const counterId = (counter.body as { counter?: { id: number } }).counter?.id;
  await step('renamed', 'PATCH', `/locations/${ZIJL}/counters/${counterId}`, { name: 'Balie Y', active: false });
  await step('no such counter', 'PATCH', `/locations/${ZIJL}/counters/999999`, { name: 'Z' });
  await step('unknown skill', 'POST', `/locations/${ZIJL}/counters`, { name: 'Balie Q', skills: ['nothing'] });
  const closure = await step('closure', 'POST', `/locations/${ZIJL}/closures`, {
    date: '2026-12-29',
    kind: 'local',
    reason: 'Inventaris',
  });
  const closureId = (closure.body as { closure?: { id: number } }).closure?.id;
  await step('closure removed', 'DELETE', `/closures/${closureId}`);
  await step('no such closure', 'DELETE', '/closures/999999');
  await step('bad rule', 'POST', `/locations/${ZIJL}/schedule-rules`, {
    kind: 'opening',
    rrule: 'FREQ=SOMETIMES',
    startsOn: '2026-12-01',
    opensAt: '09:00',
    closesAt: '10:00',
  });

  const exported = await step('export', 'GET', '/municipality/setup');
  const doc = exported.body as {
    locations: { id: string; counters: { name: string; skills: string[] }[]; closures: unknown[] }[];
  };
  const unchanged = await step('import unchanged', 'PUT', '/municipality/setup?dryRun=false', doc);
  answers.push({ label: 'changes of the unchanged import', changes: unchanged.body?.changes });
  const twice = structuredClone(doc);
  twice.locations[0]?.counters[0]?.skills.push('passport', 'passport');
  await step('import, a skill twice', 'PUT', '/municipality/setup?dryRun=false', twice);
  const changed = structuredClone(doc);
  const zijl = changed.locations.find((l) => l.id === ZIJL);
  zijl?.closures.push({ date: '2026-12-30', kind: 'bridge', reason: 'Tussen de feestdagen' });
  zijl?.counters.push({ name: 'Balie Z', skills: ['x-test'], active: true } as never);
  const applied = await step('import changed', 'PUT', '/municipality/setup?dryRun=false', changed);
  answers.push({ label: 'changes of the changed import', changes: applied.body?.changes });

  const setup = await step('set-up screen', 'GET', `/locations/${ZIJL}/setup`);
  answers.push({
    label: 'counters after',
    counters: (setup.body.counters as { name: string; active: boolean; skills: string[] }[]).map((c) => ({
      name: c.name,
      active: c.active,
      skills: [...c.skills].sort(),
    })),
  });
  return answers;
}

describeWithPostgres('set-up over HTTP: the same answers on SQLite and PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof createPgTestDatabase>>;
  let pool: pg.Pool;
  let pgApp: App;
  let closeStorage: () => Promise<void> = async () => {};

  beforeAll(async () => {
    database = await createPgTestDatabase();
    pool = openPool(database.url, { max: 6 });
    const config = testConfig();
    await preparePgDatabase(pool, { seedDemo: true, demoAccess: planDemoAccess(config, new Date(NOW)).rows });
    const clock = manualClock(NOW);
    const storage = pgStorage(pool);
    closeStorage = () => storage.close();
    const deps: Deps = {
      storage,
      clock,
      monotonic: { nowMs: () => clock.now().getTime() },
      config,
      events: createDomainEvents(),
      log: silentLogger,
    };
    pgApp = { app: createApp(deps) };
  });
  afterAll(async () => {
    await closeStorage();
    await database?.drop();
  });

  it('answers the script alike, with its 409s and 400s, and leaves the same set-up', async () => {
    const sqlite = createTestContext({ now: NOW });
    const onSqlite = await runScript(sqlite);
    sqlite.db.$client.close();
    const onPostgres = await runScript(pgApp);
    expect(onPostgres).toEqual(onSqlite);
    // Not two wrong answers that happen to agree:
    const status = (label: string) =>
      (onSqlite.find((a) => (a as { label: string }).label === label) as { status: number }).status;
    expect(status('service that exists')).toBe(409);
    expect(onSqlite[0]).toMatchObject({ code: 'conflict' });
    expect(status('new service')).toBe(201);
    expect(status('counter, a skill twice')).toBe(201);
    expect(status('no such counter')).toBe(404);
    expect(status('unknown skill')).toBe(400);
    expect(status('import, a skill twice')).toBe(400);
    expect(status('import changed')).toBe(200);
    expect(onSqlite.every((a) => ((a as { status?: number }).status ?? 200) < 500)).toBe(true);
    expect(onSqlite.find((a) => (a as { label: string }).label === 'changes of the unchanged import')).toEqual({
      label: 'changes of the unchanged import',
      changes: [],
    });
  });
});
