import { and, asc, eq, isNull } from 'drizzle-orm';
import type { MunicipalitySetupDocument, SetupChange } from '../server/contracts/municipality-setup.ts';
import { AppError } from '../server/errors.ts';
import type { Db } from './client.ts';
import {
  closures,
  counterSkills,
  counters,
  locationServices,
  locations,
  rosterRules,
  scheduleRules,
  serviceFees,
  services,
} from './schema/index.ts';
import { replaceServiceFees } from './service-fees.ts';

/**
 * Storage of the municipality set-up document (server/contracts/municipality-setup.ts): read it, check its
 * references against the database, and write it in the caller's transaction, saying what changed. The use-case
 * (server/scheduling/setup/municipality-setup.ts) owns the transaction, revalidation, audit and events.
 */

type Doc = MunicipalitySetupDocument;

const closureKey = (c: { date: string; kind: string; reason: string }) => `${c.date} ${c.kind} ${c.reason}`;
const scheduleKey = (r: Doc['locations'][number]['scheduleRules'][number]) =>
  `${r.kind} ${r.rrule} ${r.startsOn}..${r.endsOn ?? ''} ${r.opensAt}-${r.closesAt}`;
const rosterKey = (r: Doc['locations'][number]['rosterRules'][number]) =>
  `${r.counter}: ${r.mode} ${r.rrule ?? 'once'} ${r.startsOn}..${r.endsOn ?? ''} ${r.startsAt}-${r.endsAt}`;

export function readSetupDocument(db: Db, municipalityId: string): Doc {
  const serviceRows = db
    .select()
    .from(services)
    .where(eq(services.municipalityId, municipalityId))
    .orderBy(asc(services.sortOrder), asc(services.code))
    .all();
  const codeOf = new Map(serviceRows.map((s) => [s.id, s.code]));
  const fees = db.select().from(serviceFees).all();
  const closureRows = db
    .select()
    .from(closures)
    .where(eq(closures.municipalityId, municipalityId))
    .orderBy(asc(closures.date), asc(closures.id))
    .all();
  const closureOut = (c: (typeof closureRows)[number]) => ({ date: c.date, kind: c.kind, reason: c.reason });
  const locationRows = db
    .select()
    .from(locations)
    .where(eq(locations.municipalityId, municipalityId))
    .orderBy(asc(locations.id))
    .all();
  return {
    format: 'loket-setup',
    version: 1,
    municipality: { id: municipalityId },
    services: serviceRows.map((s) => {
      const fee = (group: 'adult' | 'minor') =>
        fees.find((f) => f.serviceId === s.id && f.ageGroup === group)?.amountCents ?? null;
      return {
        code: s.code,
        nameNl: s.nameNl,
        nameEn: s.nameEn,
        minutesPerPerson: s.minutesPerPerson,
        maxPersons: s.maxPersons,
        ticketLetter: s.ticketLetter,
        necessitiesNl: s.necessitiesNl,
        necessitiesEn: s.necessitiesEn,
        targetWaitMinutes: s.targetWaitMinutes,
        followUpServiceCode: s.followUpServiceCode,
        followUpMinWorkingDays: s.followUpMinWorkingDays,
        sortOrder: s.sortOrder,
        fees: { adult: fee('adult'), minor: fee('minor') },
      };
    }),
    closures: closureRows.filter((c) => c.locationId === null).map(closureOut),
    locations: locationRows.map((l) => {
      const counterRows = db
        .select()
        .from(counters)
        .where(eq(counters.locationId, l.id))
        .orderBy(asc(counters.id))
        .all();
      const nameOf = new Map(counterRows.map((c) => [c.id, c.name]));
      const skills = db.select().from(counterSkills).all();
      return {
        id: l.id,
        settings: {
          slotGridMinutes: l.slotGridMinutes,
          walkInShare: l.walkInShare,
          minNoticeMinutes: l.minNoticeMinutes,
          maxDaysAhead: l.maxDaysAhead,
          closedOnGoodFriday: l.closedOnGoodFriday,
          closedOnLiberationDay: l.closedOnLiberationDay,
          callAndStart: l.callAndStart,
        },
        services: db
          .select()
          .from(locationServices)
          .where(eq(locationServices.locationId, l.id))
          .all()
          .map((o) => ({ code: codeOf.get(o.serviceId) ?? '', bookableOnline: o.bookableOnline, walkIn: o.walkIn }))
          .sort((a, b) => a.code.localeCompare(b.code)),
        counters: counterRows.map((c) => ({
          id: c.id,
          name: c.name,
          active: c.active,
          skills: skills
            .filter((s) => s.counterId === c.id)
            .map((s) => codeOf.get(s.serviceId) ?? '')
            .sort(),
        })),
        scheduleRules: db
          .select()
          .from(scheduleRules)
          .where(eq(scheduleRules.locationId, l.id))
          .orderBy(asc(scheduleRules.id))
          .all()
          .map(({ kind, rrule, startsOn, endsOn, opensAt, closesAt }) => ({
            kind,
            rrule,
            startsOn,
            endsOn,
            opensAt,
            closesAt,
          })),
        rosterRules: db
          .select()
          .from(rosterRules)
          .where(eq(rosterRules.locationId, l.id))
          .orderBy(asc(rosterRules.id))
          .all()
          .map(({ counterId, rrule, startsOn, endsOn, startsAt, endsAt, mode }) => ({
            counter: nameOf.get(counterId) ?? '',
            rrule,
            startsOn,
            endsOn,
            startsAt,
            endsAt,
            mode,
          })),
        closures: closureRows.filter((c) => c.locationId === l.id).map(closureOut),
      };
    }),
  };
}

/** Everything the schema cannot say: references inside the document and against the database. */
export function checkSetupReferences(db: Db, municipalityId: string, doc: Doc): void {
  const bad = (detail: string): never => {
    throw new AppError('validation-failed', detail);
  };
  if (doc.municipality.id !== municipalityId) bad('The document is for another municipality');
  const codes = new Set<string>();
  for (const s of doc.services) {
    if (codes.has(s.code)) bad(`Service ${s.code} appears twice`);
    codes.add(s.code);
  }
  for (const s of doc.services)
    if (s.followUpServiceCode !== null && !codes.has(s.followUpServiceCode))
      bad(`Service ${s.code}: unknown follow-up service ${s.followUpServiceCode}`);
  for (const s of db
    .select({ code: services.code })
    .from(services)
    .where(eq(services.municipalityId, municipalityId))
    .all())
    if (!codes.has(s.code)) bad(`Service ${s.code} is missing: services cannot be removed by an import`);
  const known = new Map(
    db
      .select({ id: locations.id })
      .from(locations)
      .where(eq(locations.municipalityId, municipalityId))
      .all()
      .map((l) => [l.id, true]),
  );
  const seen = new Set<string>();
  for (const l of doc.locations) {
    if (!known.has(l.id)) bad(`Unknown location ${l.id}`);
    if (seen.has(l.id)) bad(`Location ${l.id} appears twice`);
    seen.add(l.id);
    const offered = new Set<string>();
    for (const o of l.services) {
      if (!codes.has(o.code)) bad(`${l.id}: unknown service ${o.code}`);
      if (offered.has(o.code)) bad(`${l.id}: service ${o.code} offered twice`);
      offered.add(o.code);
    }
    const names = new Set<string>();
    const ids = new Set<number>();
    for (const c of l.counters) {
      if (names.has(c.name)) bad(`${l.id}: counter name ${c.name} appears twice`);
      names.add(c.name);
      if (c.id !== undefined) {
        if (ids.has(c.id)) bad(`${l.id}: counter ${c.id} appears twice`);
        ids.add(c.id);
      }
      for (const code of c.skills) if (!codes.has(code)) bad(`${l.id}: counter ${c.name}: unknown service ${code}`);
    }
    for (const c of db.select().from(counters).where(eq(counters.locationId, l.id)).all())
      if (!ids.has(c.id)) bad(`${l.id}: counter ${c.id} (${c.name}) is missing: set active to false instead`);
    for (const id of ids)
      if (
        !db
          .select()
          .from(counters)
          .where(and(eq(counters.id, id), eq(counters.locationId, l.id)))
          .get()
      )
        bad(`${l.id}: no counter ${id} at this location (leave out the id to create one)`);
    for (const r of l.rosterRules) {
      if (!names.has(r.counter)) bad(`${l.id}: roster rule for unknown counter ${r.counter}`);
    }
  }
}

/** Pairs equal keys; what is left over on either side is created or removed. */
function matchByKey<T>(existing: { key: string; row: T }[], wanted: string[]) {
  const left = [...existing];
  const create: string[] = [];
  for (const key of wanted) {
    const i = left.findIndex((e) => e.key === key);
    if (i >= 0) left.splice(i, 1);
    else create.push(key);
  }
  return { create, remove: left };
}

/** Equal as JSON, whatever the order of the keys. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, canonical(v)]),
    );
  return value;
}
const same = (a: unknown, b: unknown) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

/** Writes the document (the caller's transaction) and says what changed. */
export function applySetupDocument(tx: Db, municipalityId: string, doc: Doc): SetupChange[] {
  const changes: SetupChange[] = [];
  const note = (kind: SetupChange['kind'], action: SetupChange['action'], locationId: string | null, key: string) =>
    changes.push({ kind, action, locationId, key });
  const current = readSetupDocument(tx, municipalityId);

  // Services and their fees (new services first, so follow-ups and skills can name them).
  for (const s of doc.services) {
    const { fees, ...fields } = s;
    const before = current.services.find((c) => c.code === s.code);
    if (!before) {
      tx.insert(services)
        .values({ ...fields, municipalityId })
        .run();
      replaceServiceFees(tx, municipalityId, s.code, fees);
      note('service', 'create', null, s.code);
    } else if (!same({ ...before }, { ...s })) {
      tx.update(services)
        .set(fields)
        .where(and(eq(services.municipalityId, municipalityId), eq(services.code, s.code)))
        .run();
      replaceServiceFees(tx, municipalityId, s.code, fees);
      note('service', 'change', null, s.code);
    }
  }
  const serviceId = new Map(
    tx
      .select({ id: services.id, code: services.code })
      .from(services)
      .where(eq(services.municipalityId, municipalityId))
      .all()
      .map((s) => [s.code, s.id]),
  );
  const sid = (code: string) => serviceId.get(code) as number;

  const syncClosures = (locationId: string | null, wanted: Doc['closures']) => {
    const rows = tx
      .select()
      .from(closures)
      .where(
        and(
          eq(closures.municipalityId, municipalityId),
          locationId === null ? isNull(closures.locationId) : eq(closures.locationId, locationId),
        ),
      )
      .all();
    const { create, remove } = matchByKey(
      rows.map((row) => ({ key: closureKey(row), row })),
      wanted.map(closureKey),
    );
    for (const { row } of remove) {
      tx.delete(closures).where(eq(closures.id, row.id)).run();
      note('closure', 'remove', locationId, closureKey(row));
    }
    for (const key of create) {
      const c = wanted.find((w) => closureKey(w) === key) as Doc['closures'][number];
      tx.insert(closures)
        .values({ ...c, municipalityId, locationId })
        .run();
      note('closure', 'create', locationId, key);
    }
  };
  syncClosures(null, doc.closures);

  for (const l of doc.locations) {
    const before = current.locations.find((c) => c.id === l.id) as Doc['locations'][number];
    if (!same(before.settings, l.settings)) {
      tx.update(locations).set(l.settings).where(eq(locations.id, l.id)).run();
      note('location', 'change', l.id, 'settings');
    }
    // Offered services.
    for (const o of l.services) {
      const was = before.services.find((b) => b.code === o.code);
      if (!was) {
        tx.insert(locationServices)
          .values({ locationId: l.id, serviceId: sid(o.code), bookableOnline: o.bookableOnline, walkIn: o.walkIn })
          .run();
        note('offer', 'create', l.id, o.code);
      } else if (!same(was, o)) {
        tx.update(locationServices)
          .set({ bookableOnline: o.bookableOnline, walkIn: o.walkIn })
          .where(and(eq(locationServices.locationId, l.id), eq(locationServices.serviceId, sid(o.code))))
          .run();
        note('offer', 'change', l.id, o.code);
      }
    }
    for (const b of before.services)
      if (!l.services.some((o) => o.code === b.code)) {
        tx.delete(locationServices)
          .where(and(eq(locationServices.locationId, l.id), eq(locationServices.serviceId, sid(b.code))))
          .run();
        note('offer', 'remove', l.id, b.code);
      }
    // Counters and skills.
    const counterId = new Map<string, number>();
    for (const c of l.counters) {
      const skills = [...c.skills].sort();
      let id = c.id;
      const was = id === undefined ? undefined : before.counters.find((b) => b.id === id);
      if (id === undefined) {
        id = tx.insert(counters).values({ locationId: l.id, name: c.name, active: c.active }).returning().get().id;
        note('counter', 'create', l.id, c.name);
      } else if (!same({ ...was, skills: was?.skills }, { id, name: c.name, active: c.active, skills })) {
        tx.update(counters).set({ name: c.name, active: c.active }).where(eq(counters.id, id)).run();
        note('counter', 'change', l.id, c.name);
      }
      if (!was || !same(was.skills, skills)) {
        tx.delete(counterSkills).where(eq(counterSkills.counterId, id)).run();
        if (skills.length > 0)
          tx.insert(counterSkills)
            .values(skills.map((code) => ({ counterId: id as number, serviceId: sid(code) })))
            .run();
      }
      counterId.set(c.name, id);
    }
    // Hours.
    const hourRows = tx.select().from(scheduleRules).where(eq(scheduleRules.locationId, l.id)).all();
    const hours = matchByKey(
      hourRows.map((row) => ({ key: scheduleKey(row), row })),
      l.scheduleRules.map(scheduleKey),
    );
    for (const { row } of hours.remove) {
      tx.delete(scheduleRules).where(eq(scheduleRules.id, row.id)).run();
      note('schedule-rule', 'remove', l.id, scheduleKey(row));
    }
    for (const key of hours.create) {
      const r = l.scheduleRules.find(
        (w) => scheduleKey(w) === key,
      ) as Doc['locations'][number]['scheduleRules'][number];
      tx.insert(scheduleRules)
        .values({ ...r, locationId: l.id })
        .run();
      note('schedule-rule', 'create', l.id, key);
    }
    // Rosters: compared by the counter's name in the document (a renamed counter keeps its rules).
    const docNameOf = new Map([...counterId].map(([name, id]) => [id, name]));
    const rosterRows = tx.select().from(rosterRules).where(eq(rosterRules.locationId, l.id)).all();
    const rosters = matchByKey(
      rosterRows.map((row) => ({ key: rosterKey({ ...row, counter: docNameOf.get(row.counterId) ?? '' }), row })),
      l.rosterRules.map(rosterKey),
    );
    for (const { key, row } of rosters.remove) {
      tx.delete(rosterRules).where(eq(rosterRules.id, row.id)).run();
      note('roster-rule', 'remove', l.id, key);
    }
    for (const key of rosters.create) {
      const { counter, ...r } = l.rosterRules.find(
        (w) => rosterKey(w) === key,
      ) as Doc['locations'][number]['rosterRules'][number];
      tx.insert(rosterRules)
        .values({ ...r, locationId: l.id, counterId: counterId.get(counter) as number })
        .run();
      note('roster-rule', 'create', l.id, key);
    }
    syncClosures(l.id, l.closures);
  }
  return changes;
}

export function municipalityLocationIds(db: Db, municipalityId: string): string[] {
  return db
    .select({ id: locations.id })
    .from(locations)
    .where(eq(locations.municipalityId, municipalityId))
    .all()
    .map((l) => l.id);
}
