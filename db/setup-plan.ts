import type { MunicipalitySetupDocument, SetupChange } from '../server/contracts/municipality-setup.ts';
import { AppError } from '../server/errors.ts';
import type {
  LocationRecord,
  RosterRuleRecord,
  ScheduleRuleRecord,
  ServiceRecord,
} from '../server/scheduling/office-store.ts';

/**
 * The municipality set-up document (server/contracts/municipality-setup.ts) without a database: built from the
 * stored rows, checked against them, and turned into the list of writes that makes the rows equal to a
 * document. Shared by SQLite (db/setup-document.ts) and PostgreSQL (db/pg/setup-document.ts), which only read
 * the rows and run the writes, so both export the same document and answer the same changes and refusals.
 * Ordering happens here, not in SQL: the engines' text collations differ.
 */

type Doc = MunicipalitySetupDocument;
type DocLocation = Doc['locations'][number];
type DocService = Doc['services'][number];
type DocClosure = Doc['closures'][number];
type DocScheduleRule = DocLocation['scheduleRules'][number];
type DocRosterRule = DocLocation['rosterRules'][number];
export type LocationSettings = DocLocation['settings'];

/** A municipality's stored set-up: every row the document is made of (only its services and locations). */
export interface SetupRows {
  services: ServiceRecord[];
  fees: { serviceId: number; ageGroup: 'adult' | 'minor'; amountCents: number }[];
  closures: { id: number; locationId: string | null; date: string; kind: 'bridge' | 'local'; reason: string }[];
  locations: (Pick<LocationRecord, 'id'> & LocationSettings)[];
  counters: { id: number; locationId: string; name: string; active: boolean }[];
  skills: { counterId: number; serviceId: number }[];
  offers: { locationId: string; serviceId: number; bookableOnline: boolean; walkIn: boolean }[];
  scheduleRules: ScheduleRuleRecord[];
  rosterRules: RosterRuleRecord[];
}

/** A service code the municipality already has (its unique index, or the set-up's own check): 409 on both engines. */
export const serviceExists = (code: string) => new AppError('conflict', `Service ${code} exists`);

/** Code-unit order, as SQLite's BINARY collation sorts text. */
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byId = (a: { id: number }, b: { id: number }) => a.id - b.id;

const closureKey = (c: { date: string; kind: string; reason: string }) => `${c.date} ${c.kind} ${c.reason}`;
const scheduleKey = (r: DocScheduleRule) =>
  `${r.kind} ${r.rrule} ${r.startsOn}..${r.endsOn ?? ''} ${r.opensAt}-${r.closesAt}`;
const rosterKey = (r: DocRosterRule) =>
  `${r.counter}: ${r.mode} ${r.rrule ?? 'once'} ${r.startsOn}..${r.endsOn ?? ''} ${r.startsAt}-${r.endsAt}`;

export function assembleSetupDocument(municipalityId: string, rows: SetupRows): Doc {
  const codeOf = new Map(rows.services.map((s) => [s.id, s.code]));
  const closureRows = [...rows.closures].sort((a, b) => byText(a.date, b.date) || a.id - b.id);
  const closureOut = (c: (typeof closureRows)[number]) => ({ date: c.date, kind: c.kind, reason: c.reason });
  return {
    format: 'loket-setup',
    version: 1,
    municipality: { id: municipalityId },
    services: [...rows.services]
      .sort((a, b) => a.sortOrder - b.sortOrder || byText(a.code, b.code))
      .map((s) => {
        const fee = (group: 'adult' | 'minor') =>
          rows.fees.find((f) => f.serviceId === s.id && f.ageGroup === group)?.amountCents ?? null;
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
    locations: [...rows.locations]
      .sort((a, b) => byText(a.id, b.id))
      .map((l) => {
        const counterRows = rows.counters.filter((c) => c.locationId === l.id).sort(byId);
        const nameOf = new Map(counterRows.map((c) => [c.id, c.name]));
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
          services: rows.offers
            .filter((o) => o.locationId === l.id)
            .map((o) => ({ code: codeOf.get(o.serviceId) ?? '', bookableOnline: o.bookableOnline, walkIn: o.walkIn }))
            .sort((a, b) => a.code.localeCompare(b.code)),
          counters: counterRows.map((c) => ({
            id: c.id,
            name: c.name,
            active: c.active,
            skills: rows.skills
              .filter((s) => s.counterId === c.id)
              .map((s) => codeOf.get(s.serviceId) ?? '')
              .sort(),
          })),
          scheduleRules: rows.scheduleRules
            .filter((r) => r.locationId === l.id)
            .sort(byId)
            .map(({ kind, rrule, startsOn, endsOn, opensAt, closesAt }) => ({
              kind,
              rrule,
              startsOn,
              endsOn,
              opensAt,
              closesAt,
            })),
          rosterRules: rows.rosterRules
            .filter((r) => r.locationId === l.id)
            .sort(byId)
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

/** Everything the schema cannot say: references inside the document and against the stored rows (400). */
export function checkSetupReferences(municipalityId: string, doc: Doc, rows: SetupRows): void {
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
  for (const s of rows.services)
    if (!codes.has(s.code)) bad(`Service ${s.code} is missing: services cannot be removed by an import`);
  const known = new Set(rows.locations.map((l) => l.id));
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
      const skills = new Set<string>();
      for (const code of c.skills) {
        if (!codes.has(code)) bad(`${l.id}: counter ${c.name}: unknown service ${code}`);
        // Two equal skills would be two equal rows of a primary key: refused here, not by the database.
        if (skills.has(code)) bad(`${l.id}: counter ${c.name}: service ${code} appears twice`);
        skills.add(code);
      }
    }
    const stored = rows.counters.filter((c) => c.locationId === l.id);
    for (const c of stored)
      if (!ids.has(c.id)) bad(`${l.id}: counter ${c.id} (${c.name}) is missing: set active to false instead`);
    for (const id of ids)
      if (!stored.some((c) => c.id === id))
        bad(`${l.id}: no counter ${id} at this location (leave out the id to create one)`);
    for (const r of l.rosterRules) {
      if (!names.has(r.counter)) bad(`${l.id}: roster rule for unknown counter ${r.counter}`);
    }
  }
}

/** A counter as a write names it: by id, or (created by an earlier write of the same plan) by location and name. */
export type CounterRef = { id: number } | { locationId: string; name: string };

/**
 * One write of a plan, in the order the plan lists them. Services are named by code: a created service's id is
 * known only once it is written, so the engine keeps a code → id map (the stored ids plus those it inserted),
 * and a map of the counters it created (`createdCounterKey`).
 */
export type SetupWrite =
  | { kind: 'insert-service'; values: Omit<DocService, 'fees'> & { municipalityId: string }; fees: DocService['fees'] }
  | { kind: 'update-service'; code: string; values: Omit<DocService, 'fees'>; fees: DocService['fees'] }
  | { kind: 'delete-closure'; id: number }
  | { kind: 'insert-closure'; values: DocClosure & { municipalityId: string; locationId: string | null } }
  | { kind: 'update-location'; locationId: string; settings: LocationSettings }
  | { kind: 'insert-offer'; locationId: string; code: string; bookableOnline: boolean; walkIn: boolean }
  | { kind: 'update-offer'; locationId: string; code: string; bookableOnline: boolean; walkIn: boolean }
  | { kind: 'delete-offer'; locationId: string; code: string }
  | { kind: 'insert-counter'; locationId: string; name: string; active: boolean }
  | { kind: 'update-counter'; id: number; name: string; active: boolean }
  | { kind: 'replace-skills'; counter: CounterRef; codes: string[] }
  | { kind: 'delete-schedule-rule'; id: number }
  | { kind: 'insert-schedule-rule'; values: DocScheduleRule & { locationId: string } }
  | { kind: 'delete-roster-rule'; id: number }
  | {
      kind: 'insert-roster-rule';
      counter: CounterRef;
      values: Omit<DocRosterRule, 'counter'> & { locationId: string };
    };

export const createdCounterKey = (locationId: string, name: string) => `${locationId}\u001f${name}`;

/** The id a write's counter has: its own, or the one an earlier `insert-counter` of the plan got. */
export function counterIdOf(ref: CounterRef, created: ReadonlyMap<string, number>): number {
  if ('id' in ref) return ref.id;
  const id = created.get(createdCounterKey(ref.locationId, ref.name));
  if (id === undefined) throw new Error(`the plan names counter ${ref.name} before creating it`);
  return id;
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

/**
 * What writing `doc` over the stored set-up changes, and the writes that do it (in this order: services and
 * fees, municipality closures, then per location its settings, offers, counters and skills, hours, rosters and
 * closures). The document has passed `checkSetupReferences` against the same rows.
 */
export function planSetupDocument(
  municipalityId: string,
  rows: SetupRows,
  doc: Doc,
): { changes: SetupChange[]; writes: SetupWrite[] } {
  const changes: SetupChange[] = [];
  const writes: SetupWrite[] = [];
  const note = (kind: SetupChange['kind'], action: SetupChange['action'], locationId: string | null, key: string) =>
    changes.push({ kind, action, locationId, key });
  const current = assembleSetupDocument(municipalityId, rows);

  // Services and their fees (new services first, so follow-ups and skills can name them).
  for (const s of doc.services) {
    const { fees, ...fields } = s;
    const before = current.services.find((c) => c.code === s.code);
    if (!before) {
      writes.push({ kind: 'insert-service', values: { ...fields, municipalityId }, fees });
      note('service', 'create', null, s.code);
    } else if (!same({ ...before }, { ...s })) {
      writes.push({ kind: 'update-service', code: s.code, values: fields, fees });
      note('service', 'change', null, s.code);
    }
  }

  const syncClosures = (locationId: string | null, wanted: DocClosure[]) => {
    const { create, remove } = matchByKey(
      rows.closures.filter((c) => c.locationId === locationId).map((row) => ({ key: closureKey(row), row })),
      wanted.map(closureKey),
    );
    for (const { row } of remove) {
      writes.push({ kind: 'delete-closure', id: row.id });
      note('closure', 'remove', locationId, closureKey(row));
    }
    for (const key of create) {
      const c = wanted.find((w) => closureKey(w) === key) as DocClosure;
      writes.push({ kind: 'insert-closure', values: { ...c, municipalityId, locationId } });
      note('closure', 'create', locationId, key);
    }
  };
  syncClosures(null, doc.closures);

  for (const l of doc.locations) {
    const before = current.locations.find((c) => c.id === l.id) as DocLocation;
    if (!same(before.settings, l.settings)) {
      writes.push({ kind: 'update-location', locationId: l.id, settings: l.settings });
      note('location', 'change', l.id, 'settings');
    }
    // Offered services.
    for (const o of l.services) {
      const was = before.services.find((b) => b.code === o.code);
      const offer = { locationId: l.id, code: o.code, bookableOnline: o.bookableOnline, walkIn: o.walkIn };
      if (!was) {
        writes.push({ kind: 'insert-offer', ...offer });
        note('offer', 'create', l.id, o.code);
      } else if (!same(was, o)) {
        writes.push({ kind: 'update-offer', ...offer });
        note('offer', 'change', l.id, o.code);
      }
    }
    for (const b of before.services)
      if (!l.services.some((o) => o.code === b.code)) {
        writes.push({ kind: 'delete-offer', locationId: l.id, code: b.code });
        note('offer', 'remove', l.id, b.code);
      }
    // Counters and skills.
    const counterOf = new Map<string, CounterRef>();
    const docNameOf = new Map<number, string>();
    for (const c of l.counters) {
      const skills = [...c.skills].sort();
      const id = c.id;
      const was = id === undefined ? undefined : before.counters.find((b) => b.id === id);
      let ref: CounterRef;
      if (id === undefined) {
        writes.push({ kind: 'insert-counter', locationId: l.id, name: c.name, active: c.active });
        note('counter', 'create', l.id, c.name);
        ref = { locationId: l.id, name: c.name };
      } else {
        if (!same({ ...was, skills: was?.skills }, { id, name: c.name, active: c.active, skills })) {
          writes.push({ kind: 'update-counter', id, name: c.name, active: c.active });
          note('counter', 'change', l.id, c.name);
        }
        ref = { id };
        docNameOf.set(id, c.name);
      }
      if (!was || !same(was.skills, skills)) writes.push({ kind: 'replace-skills', counter: ref, codes: skills });
      counterOf.set(c.name, ref);
    }
    // Hours.
    const hours = matchByKey(
      rows.scheduleRules.filter((r) => r.locationId === l.id).map((row) => ({ key: scheduleKey(row), row })),
      l.scheduleRules.map(scheduleKey),
    );
    for (const { row } of hours.remove) {
      writes.push({ kind: 'delete-schedule-rule', id: row.id });
      note('schedule-rule', 'remove', l.id, scheduleKey(row));
    }
    for (const key of hours.create) {
      const r = l.scheduleRules.find((w) => scheduleKey(w) === key) as DocScheduleRule;
      writes.push({ kind: 'insert-schedule-rule', values: { ...r, locationId: l.id } });
      note('schedule-rule', 'create', l.id, key);
    }
    // Rosters: compared by the counter's name in the document (a renamed counter keeps its rules).
    const rosters = matchByKey(
      rows.rosterRules
        .filter((r) => r.locationId === l.id)
        .map((row) => ({ key: rosterKey({ ...row, counter: docNameOf.get(row.counterId) ?? '' }), row })),
      l.rosterRules.map(rosterKey),
    );
    for (const { key, row } of rosters.remove) {
      writes.push({ kind: 'delete-roster-rule', id: row.id });
      note('roster-rule', 'remove', l.id, key);
    }
    for (const key of rosters.create) {
      const { counter, ...r } = l.rosterRules.find((w) => rosterKey(w) === key) as DocRosterRule;
      writes.push({
        kind: 'insert-roster-rule',
        counter: counterOf.get(counter) as CounterRef,
        values: { ...r, locationId: l.id },
      });
      note('roster-rule', 'create', l.id, key);
    }
    syncClosures(l.id, l.closures);
  }
  return { changes, writes };
}
