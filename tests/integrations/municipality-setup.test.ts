import { expect, it } from 'vitest';
import { MunicipalitySetupDocument, SetupImportResult } from '../../server/contracts/municipality-setup.ts';
import { signInAs } from '../helpers/auth.ts';
import { describeEachEngine, type EngineContext, type EngineUnderTest } from '../helpers/context.ts';
import { call } from '../helpers/http.ts';
import { countRows } from '../helpers/rows.ts';

const ZIJL = 'haarlem-zijlsingel';
type Doc = MunicipalitySetupDocument;

async function setUp(under: EngineUnderTest) {
  const ctx = await under.context();
  const admin = await signInAs(ctx, 'demo-admin');
  const events: string[] = [];
  ctx.events.subscribe('location:changed', (e: { locationId: string }) => events.push(e.locationId));
  return { ctx, admin, events };
}

async function exported(ctx: EngineContext, token: string): Promise<Doc> {
  const res = await call(ctx, 'GET', '/municipality/setup', { token });
  expect(res.status).toBe(200);
  return MunicipalitySetupDocument.parse(res.body);
}

async function put(ctx: EngineContext, token: string, doc: unknown, dryRun: boolean) {
  return call(ctx, 'PUT', `/municipality/setup?dryRun=${dryRun}`, { token, body: doc });
}

/** The document with a counter renamed, a closure added and passport taking 15 minutes a person. */
function edited(doc: Doc): Doc {
  const copy = structuredClone(doc);
  const zijl = copy.locations.find((l) => l.id === ZIJL) as Doc['locations'][number];
  const counter = zijl.counters[0] as Doc['locations'][number]['counters'][number];
  const oldName = counter.name;
  counter.name = 'Balie Noord';
  for (const r of zijl.rosterRules) if (r.counter === oldName) r.counter = 'Balie Noord';
  zijl.closures.push({ date: '2026-12-28', kind: 'bridge', reason: 'Tussen de feestdagen' });
  const passport = copy.services.find((s) => s.code === 'passport') as Doc['services'][number];
  passport.minutesPerPerson = 15;
  return copy;
}

describeEachEngine('municipality set-up export and import', (under) => {
  it('exports one versioned document with services, fees and every location', async () => {
    const { ctx, admin } = await setUp(under);
    const doc = await exported(ctx, admin);
    expect(doc.format).toBe('loket-setup');
    expect(doc.version).toBe(1);
    expect(doc.municipality.id).toBe('haarlem');
    expect(doc.services.map((s) => s.code)).toContain('passport');
    expect(doc.services[0]?.fees).toHaveProperty('adult');
    const zijl = doc.locations.find((l) => l.id === ZIJL);
    expect(zijl?.counters).toHaveLength(8);
    expect(zijl?.scheduleRules.length).toBeGreaterThan(0);
    expect(zijl?.rosterRules.length).toBeGreaterThan(0);
    expect(zijl?.settings).toHaveProperty('slotGridMinutes');
  });

  it('round trip: importing the export unchanged changes nothing', async () => {
    const { ctx, admin, events } = await setUp(under);
    const doc = await exported(ctx, admin);
    const dry = await put(ctx, admin, doc, true);
    expect(dry.status).toBe(200);
    expect(SetupImportResult.parse(dry.body).changes).toEqual([]);
    const applied = await put(ctx, admin, doc, false);
    expect(applied.status).toBe(200);
    expect(applied.body.changes).toEqual([]);
    expect(await exported(ctx, admin)).toEqual(doc);
    expect(events).toEqual([]);
  });

  it('a dry run reports the changes and changes nothing', async () => {
    const { ctx, admin, events } = await setUp(under);
    const before = await exported(ctx, admin);
    const audits = await countRows(ctx.sql, 'audit_entries');
    const dry = await put(ctx, admin, edited(before), true);
    expect(dry.status).toBe(200);
    expect(dry.body.dryRun).toBe(true);
    const changes = SetupImportResult.parse(dry.body).changes;
    expect(changes).toContainEqual({ kind: 'service', action: 'change', locationId: null, key: 'passport' });
    expect(changes).toContainEqual({ kind: 'counter', action: 'change', locationId: ZIJL, key: 'Balie Noord' });
    expect(changes).toContainEqual({
      kind: 'closure',
      action: 'create',
      locationId: ZIJL,
      key: '2026-12-28 bridge Tussen de feestdagen',
    });
    // A renamed counter keeps its roster rules: no roster change.
    expect(changes.filter((c) => c.kind === 'roster-rule')).toEqual([]);
    expect(await exported(ctx, admin)).toEqual(before);
    expect(await countRows(ctx.sql, 'audit_entries')).toBe(audits);
    expect(events).toEqual([]);
  });

  it('applies a counter name, a closure and a service minutes; the export reflects it', async () => {
    const { ctx, admin, events } = await setUp(under);
    const before = await exported(ctx, admin);
    const want = edited(before);
    const applied = await put(ctx, admin, want, false);
    expect(applied.status).toBe(200);
    expect(applied.body.dryRun).toBe(false);
    expect(applied.body.changes.length).toBe(3);
    const after = await exported(ctx, admin);
    expect(after).toEqual(want);
    const zijl = after.locations.find((l) => l.id === ZIJL);
    expect(zijl?.counters[0]?.name).toBe('Balie Noord');
    expect(after.services.find((s) => s.code === 'passport')?.minutesPerPerson).toBe(15);
    // Service changes touch every location of the municipality.
    expect(new Set(events)).toEqual(new Set(after.locations.map((l) => l.id)));
    expect(await countRows(ctx.sql, 'audit_entries', "action = 'setup.import'")).toBe(1);
    // Applied again: nothing left to do.
    expect((await put(ctx, admin, want, false)).body.changes).toEqual([]);
  });

  it('refuses an invalid document with 400 and changes nothing', async () => {
    const { ctx, admin } = await setUp(under);
    const before = await exported(ctx, admin);
    const cases: unknown[] = [
      {},
      { ...before, version: 2 },
      { ...before, extra: true },
      { ...before, municipality: { id: 'zandvoort' } },
      { ...before, services: before.services.slice(1) },
      (() => {
        const d = edited(before);
        (d.locations[0] as Doc['locations'][number]).rosterRules.push({
          counter: 'Nobody',
          rrule: null,
          startsOn: '2026-12-01',
          endsOn: null,
          startsAt: '09:00',
          endsAt: '10:00',
          mode: 'both',
        });
        return d;
      })(),
      (() => {
        const d = edited(before);
        (d.locations[0] as Doc['locations'][number]).scheduleRules.push({
          kind: 'opening',
          rrule: 'FREQ=WEEKLY;BYDAY=XX',
          startsOn: '2026-12-01',
          endsOn: null,
          opensAt: '10:00',
          closesAt: '09:00',
        });
        return d;
      })(),
      (() => {
        // A skill named twice would be two equal rows of a primary key: a 400, never the database's error.
        const d = structuredClone(before);
        const counter = (d.locations[0] as Doc['locations'][number]).counters[0];
        counter?.skills.push(counter.skills[0] ?? 'passport', counter.skills[0] ?? 'passport');
        return d;
      })(),
    ];
    for (const doc of cases) {
      const res = await put(ctx, admin, doc, false);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation-failed');
    }
    expect((await put(ctx, admin, before, 'maybe' as unknown as boolean)).status).toBe(400);
    expect(await exported(ctx, admin)).toEqual(before);
  });

  it('is for admins only', async () => {
    const { ctx, admin } = await setUp(under);
    const doc = await exported(ctx, admin);
    expect((await call(ctx, 'GET', '/municipality/setup')).status).toBe(401);
    expect((await call(ctx, 'PUT', '/municipality/setup?dryRun=false', { body: doc })).status).toBe(401);
    const supervisor = await signInAs(ctx, 'demo-supervisor');
    expect((await call(ctx, 'GET', '/municipality/setup', { token: supervisor })).status).toBe(403);
    expect((await put(ctx, supervisor, doc, false)).status).toBe(403);
  });

  it('refuses with 409 when a booked appointment would no longer fit, and changes nothing', async () => {
    const { ctx, admin, events } = await setUp(under);
    const booked = await call(ctx, 'POST', '/appointments', {
      body: {
        locationId: ZIJL,
        services: [{ code: 'passport', persons: 1 }],
        start: '2026-11-25T11:00:00+01:00',
        customer: { name: 'A', email: 'a@example.nl' },
      },
    });
    expect(booked.status).toBe(201);
    const before = await exported(ctx, admin);
    const doc = edited(before);
    (doc.locations.find((l) => l.id === ZIJL) as Doc['locations'][number]).closures.push({
      date: '2026-11-25',
      kind: 'local',
      reason: 'Verbouwing',
    });
    for (const dryRun of [true, false]) {
      const res = await put(ctx, admin, doc, dryRun);
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('conflict');
    }
    expect(await exported(ctx, admin)).toEqual(before);
    expect(events).toEqual([]);
  });
});
