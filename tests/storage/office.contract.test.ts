import { expect, it } from 'vitest';
import type { MunicipalitySetupDocument } from '../../server/contracts/municipality-setup.ts';
import type { Repositories } from '../../server/storage.ts';
import { describeStorageContract, type StorageHarness } from './harness.ts';

/**
 * The office configuration and set-up (server/scheduling/office-store.ts) on every engine: the office as the
 * engine reads it, the version that every kind of change bumps (also a change another node makes), the set-up
 * reads and writes, the set-up document round trip, and the same 409/400 codes on both engines.
 */
async function fixture(h: StorageHarness): Promise<void> {
  await h.exec("INSERT INTO municipalities (id, name) VALUES ('m1', 'Eén'), ('m2', 'Twee')");
  await h.exec(
    "INSERT INTO locations (id, municipality_id, name, street, postal_code, city) VALUES ('l-b', 'm1', 'stadhuis', 'Markt 1', '2011 AA', 'Haarlem'), ('l-a', 'm1', 'Stadskantoor', 'Zijlweg 1', '2011 AB', 'Haarlem'), ('l-c', 'm2', 'Elders', 's', 'p', 'c')",
  );
  for (const [municipality, code, letter, order] of [
    ['m1', 'passport', 'P', 1],
    ['m1', 'id-card', 'I', 0],
    ['m1', 'pickup', 'A', 2],
    ['m2', 'passport', 'P', 0],
  ] as const) {
    await h.exec(
      'INSERT INTO services (municipality_id, code, name_nl, name_en, minutes_per_person, ticket_letter, sort_order) VALUES (?, ?, ?, ?, 10, ?, ?)',
      [municipality, code, `${code} nl`, `${code} en`, letter, order],
    );
  }
  const id = await serviceIdOf(h);
  await h.exec("INSERT INTO service_fees (service_id, age_group, amount_cents) VALUES (?, 'adult', 7500)", [
    id('m1', 'passport'),
  ]);
  await h.exec(
    'INSERT INTO location_services (location_id, service_id, bookable_online, walk_in) VALUES (?, ?, 1 = 1, 1 = 0), (?, ?, 1 = 1, 1 = 1), (?, ?, 1 = 0, 1 = 1)',
    ['l-a', id('m1', 'passport'), 'l-a', id('m1', 'id-card'), 'l-b', id('m1', 'pickup')],
  );
  await h.exec(
    "INSERT INTO counters (location_id, name, active) VALUES ('l-a', 'Balie 1', 1 = 1), ('l-a', 'Balie 2', 1 = 0), ('l-b', 'Balie 1', 1 = 1)",
  );
  const counters = await h.rows<{ id: number }>('SELECT id FROM counters ORDER BY id');
  await h.exec('INSERT INTO counter_skills (counter_id, service_id) VALUES (?, ?), (?, ?), (?, ?)', [
    counters[0]?.id,
    id('m1', 'passport'),
    counters[0]?.id,
    id('m1', 'id-card'),
    counters[1]?.id,
    id('m1', 'passport'),
  ]);
  await h.exec(
    "INSERT INTO schedule_rules (location_id, kind, rrule, starts_on, ends_on, opens_at, closes_at) VALUES ('l-a', 'opening', 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', '2026-01-01', NULL, '08:30', '17:00'), ('l-a', 'appointments', 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', '2026-01-01', NULL, '09:00', '16:00')",
  );
  await h.exec(
    "INSERT INTO roster_rules (location_id, counter_id, rrule, starts_on, ends_on, starts_at, ends_at, mode) VALUES ('l-a', ?, 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', '2026-01-01', NULL, '09:00', '16:00', 'both')",
    [counters[0]?.id],
  );
  await h.exec(
    "INSERT INTO closures (municipality_id, location_id, date, kind, reason) VALUES ('m1', NULL, '2026-12-24', 'bridge', 'Kerstavond'), ('m1', 'l-a', '2026-11-30', 'local', 'Verbouwing'), ('m2', NULL, '2026-12-31', 'bridge', 'Oudjaar')",
  );
}

async function serviceIdOf(h: StorageHarness): Promise<(municipality: string, code: string) => number> {
  const rows = await h.rows<{ id: number; municipality_id: string; code: string }>(
    'SELECT id, municipality_id, code FROM services',
  );
  return (municipality, code) => {
    const row = rows.find((r) => r.municipality_id === municipality && r.code === code);
    if (!row) throw new Error(`fixture: no service ${municipality}/${code}`);
    return row.id;
  };
}

const versionOf = async (h: StorageHarness): Promise<number> =>
  Number((await h.rows<{ version: number | string }>('SELECT version FROM scheduling_config_version'))[0]?.version);

const sortedBy = <T>(rows: T[], key: (row: T) => string | number) =>
  [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));

describeStorageContract('office repository contract', fixture, (harness) => {
  it('the office: location, offered services, active counters with skills, rules and the municipality closures', async () => {
    const h = harness();
    const id = await serviceIdOf(h);
    const { version, office } = await h.storage.read.office.officeSince('l-a', null);
    expect(version).toBe(await versionOf(h));
    if (!office) throw new Error('no office');
    expect(office.location).toMatchObject({
      id: 'l-a',
      municipalityId: 'm1',
      name: 'Stadskantoor',
      timeZone: 'Europe/Amsterdam',
      slotGridMinutes: 5,
      walkInShare: 0.2,
      closedOnGoodFriday: true,
      mailboxCap: null,
      challengeMode: 'off',
      callAndStart: false,
    });
    expect(sortedBy(office.services, (s) => s.code)).toEqual([
      expect.objectContaining({ code: 'id-card', bookableOnline: true, walkIn: true, necessitiesNl: [], sortOrder: 0 }),
      expect.objectContaining({ code: 'passport', bookableOnline: true, walkIn: false, ticketLetter: 'P' }),
    ]);
    expect(office.counters.map((c) => ({ ...c, skillIds: [...c.skillIds].sort((a, b) => a - b) }))).toEqual([
      {
        id: expect.any(Number),
        name: 'Balie 1',
        skillIds: [id('m1', 'passport'), id('m1', 'id-card')].sort((a, b) => a - b),
      },
    ]);
    expect(office.scheduleRules.map((r) => [r.kind, r.opensAt, r.closesAt, r.endsOn])).toEqual([
      ['opening', '08:30', '17:00', null],
      ['appointments', '09:00', '16:00', null],
    ]);
    expect(office.rosterRules).toEqual([
      expect.objectContaining({ locationId: 'l-a', mode: 'both', startsAt: '09:00', rrule: expect.any(String) }),
    ]);
    expect(sortedBy(office.closures, (c) => c.date)).toEqual([
      { date: '2026-11-30', locationId: 'l-a' },
      { date: '2026-12-24', locationId: null },
    ]);

    // Unchanged version: no rows; unknown location: null.
    expect(await h.storage.read.office.officeSince('l-a', version)).toEqual({ version, office: undefined });
    expect((await h.storage.read.office.officeSince('nowhere', null)).office).toBeNull();
    // Inside a write the same office (read in the transaction).
    const inTx = await h.storage.write((tx) => tx.office.officeSince('l-a', null));
    expect(inTx.version).toBe(version);
    expect(inTx.office?.counters.map((c) => c.name)).toEqual(['Balie 1']);
  });

  it('a change made by another process or node bumps the version, and the next read serves the changed office', async () => {
    const h = harness();
    const office = h.storage.read.office;
    const id = await serviceIdOf(h);
    await office.officeSince('l-a', null); // fill any cache
    const changes: [string, string, unknown[]][] = [
      ['locations', "UPDATE locations SET name = 'Stadskantoor Zuid' WHERE id = 'l-a'", []],
      ['services', "UPDATE services SET name_nl = 'Paspoort' WHERE code = 'passport' AND municipality_id = 'm1'", []],
      [
        'location_services',
        "UPDATE location_services SET walk_in = 1 = 1 WHERE location_id = 'l-a' AND service_id = ?",
        [id('m1', 'passport')],
      ],
      ['counters', "UPDATE counters SET active = 1 = 1 WHERE name = 'Balie 2'", []],
      [
        'counter_skills',
        "INSERT INTO counter_skills (counter_id, service_id) SELECT id, ? FROM counters WHERE name = 'Balie 2'",
        [id('m1', 'id-card')],
      ],
      ['schedule_rules', "UPDATE schedule_rules SET closes_at = '17:30' WHERE kind = 'opening'", []],
      ['roster_rules', "UPDATE roster_rules SET ends_at = '15:30' WHERE location_id = 'l-a'", []],
      [
        'closures',
        "INSERT INTO closures (municipality_id, location_id, date, kind, reason) VALUES ('m1', NULL, '2026-12-31', 'bridge', 'Oudjaar')",
        [],
      ],
    ];
    for (const [table, statement, params] of changes) {
      const before = (await office.officeSince('l-a', null)).version;
      await h.exec(statement, params);
      const after = await office.officeSince('l-a', before);
      expect(after.version, table).toBeGreaterThan(before);
      expect(after.office, table).toBeTruthy();
    }
    const { office: changed } = await office.officeSince('l-a', null);
    expect(changed?.location.name).toBe('Stadskantoor Zuid');
    expect(changed?.services.find((s) => s.code === 'passport')).toMatchObject({ nameNl: 'Paspoort', walkIn: true });
    expect(changed?.counters.map((c) => c.name).sort()).toEqual(['Balie 1', 'Balie 2']);
    expect(changed?.scheduleRules.find((r) => r.kind === 'opening')?.closesAt).toBe('17:30');
    expect(changed?.rosterRules[0]?.endsAt).toBe('15:30');
    expect(changed?.closures.map((c) => c.date).sort()).toEqual(['2026-11-30', '2026-12-24', '2026-12-31']);

    // The console's live state is not configuration: a counter opening does not invalidate the offices.
    const before = await versionOf(h);
    await h.exec("UPDATE counters SET state = 'open' WHERE name = 'Balie 1' AND location_id = 'l-a'");
    expect(await versionOf(h)).toBe(before);
    // Put the fixture back for the tests below.
    await h.exec("UPDATE counters SET active = 1 = 0, state = 'closed' WHERE name = 'Balie 2'");
    await h.exec(
      "DELETE FROM counter_skills WHERE counter_id IN (SELECT id FROM counters WHERE name = 'Balie 2') AND service_id = ?",
      [id('m1', 'id-card')],
    );
    await h.exec("DELETE FROM closures WHERE reason = 'Oudjaar' AND municipality_id = 'm1'");
  });

  it('set-up reads: location, locations of a municipality, the set-up screen, service ids, counters and closures', async () => {
    const h = harness();
    const office = h.storage.read.office;
    const id = await serviceIdOf(h);
    expect(await office.location('l-b')).toMatchObject({ id: 'l-b', municipalityId: 'm1', name: 'stadhuis' });
    expect(await office.location('nowhere')).toBeNull();
    expect([...(await office.locationIdsOf('m1'))].sort()).toEqual(['l-a', 'l-b']);
    expect(await office.locationIdsOf('none')).toEqual([]);

    const setup = await office.locationSetup('l-a', 'm1');
    expect(setup.counters).toEqual([
      { id: expect.any(Number), locationId: 'l-a', name: 'Balie 1', active: true, skills: expect.any(Array) },
      { id: expect.any(Number), locationId: 'l-a', name: 'Balie 2', active: false, skills: ['passport'] },
    ]);
    expect([...(setup.counters[0]?.skills ?? [])].sort()).toEqual(['id-card', 'passport']);
    expect(sortedBy(setup.services, (s) => s.code)).toEqual([
      { code: 'id-card', bookableOnline: true, walkIn: true },
      { code: 'passport', bookableOnline: true, walkIn: true },
    ]);
    expect(setup.scheduleRules).toHaveLength(2);
    expect(setup.rosterRules).toHaveLength(1);
    expect(setup.closures.map((c) => [c.date, c.locationId, c.kind, c.reason])).toEqual([
      ['2026-11-30', 'l-a', 'local', 'Verbouwing'],
      ['2026-12-24', null, 'bridge', 'Kerstavond'],
    ]);

    const ids = await office.serviceIds('m1', ['passport', 'pickup', 'unknown']);
    expect(ids).toEqual(
      new Map([
        ['passport', id('m1', 'passport')],
        ['pickup', id('m1', 'pickup')],
      ]),
    );
    expect(await office.serviceIds('m1', [])).toEqual(new Map());

    const counterId = setup.counters[1]?.id as number;
    expect(await office.counter(counterId)).toEqual({
      id: counterId,
      locationId: 'l-a',
      name: 'Balie 2',
      active: false,
      skills: ['passport'],
    });
    expect(await office.counter(999_999)).toBeNull();
    const closureId = setup.closures[0]?.id as number;
    expect(await office.closure(closureId)).toEqual({
      id: closureId,
      municipalityId: 'm1',
      locationId: 'l-a',
      date: '2026-11-30',
      kind: 'local',
      reason: 'Verbouwing',
    });
    expect(await office.closure(999_999)).toBeNull();
    expect(await office.serviceByCode('m2', 'passport')).toMatchObject({ municipalityId: 'm2', code: 'passport' });
    expect(await office.serviceByCode('m2', 'pickup')).toBeNull();
  });

  it('the catalogue: services by municipality and sort order with offers and fees; locations by name', async () => {
    const h = harness();
    const office = h.storage.read.office;
    const all = await office.catalogServices();
    expect(all.map((s) => `${s.municipalityId}/${s.code}`)).toEqual([
      'm1/id-card',
      'm1/passport',
      'm1/pickup',
      'm2/passport',
    ]);
    expect(all[1]).toMatchObject({ bookableOnline: true, walkIn: true, fees: { adult: 7500, minor: null } });
    expect(all[2]).toMatchObject({ bookableOnline: false, walkIn: true, fees: { adult: null, minor: null } });
    expect(all[3]).toMatchObject({ bookableOnline: false, walkIn: false });
    expect((await office.catalogServices('m2')).map((s) => s.code)).toEqual(['passport']);

    const locations = await office.catalogLocations('m1');
    // Code-unit order, as SQLite sorts text: upper case before lower case.
    expect(locations.map((l) => l.location.name)).toEqual(['Stadskantoor Zuid', 'stadhuis']);
    expect(locations[0]?.services).toEqual([
      { code: 'id-card', bookableOnline: true, walkIn: true },
      { code: 'passport', bookableOnline: true, walkIn: true },
    ]);
    expect(locations[1]?.services).toEqual([{ code: 'pickup', bookableOnline: false, walkIn: true }]);
    expect((await office.catalogLocations()).map((l) => l.location.id)).toEqual(['l-c', 'l-a', 'l-b']);
  });

  it('every set-up write bumps the version and the next read of the office shows it', async () => {
    const h = harness();
    const read = h.storage.read.office;
    const id = await serviceIdOf(h);
    const step = async <T>(what: string, work: (tx: Repositories) => Promise<T>): Promise<T> => {
      const before = (await read.officeSince('l-a', null)).version;
      const result = await h.storage.write(work);
      const after = await read.officeSince('l-a', before);
      expect(after.version, what).toBeGreaterThan(before);
      expect(after.office, what).toBeTruthy();
      return result;
    };
    await step('updateLocation', (tx) => tx.office.updateLocation('l-a', { walkInShare: 0.5, mailboxCap: 3 }));
    expect((await read.location('l-a'))?.walkInShare).toBe(0.5);

    const counter = await step('insertCounter', (tx) =>
      tx.office.insertCounter('l-a', 'Balie 3', [id('m1', 'passport'), id('m1', 'passport')]),
    );
    expect(counter).toMatchObject({ locationId: 'l-a', name: 'Balie 3', active: true, skills: ['passport'] });
    const updated = await step('updateCounter', (tx) =>
      tx.office.updateCounter(counter.id, { active: false }, [id('m1', 'id-card')]),
    );
    expect(updated).toMatchObject({ name: 'Balie 3', active: false, skills: ['id-card'] });
    expect(
      await h.storage.write((tx) => tx.office.updateCounter(counter.id, { name: 'Balie drie' }, null)),
    ).toMatchObject({ name: 'Balie drie', active: false, skills: ['id-card'] });

    const closure = await step('insertClosure', (tx) =>
      tx.office.insertClosure({
        municipalityId: 'm1',
        locationId: null,
        date: '2027-01-02',
        kind: 'bridge',
        reason: 'Brug',
      }),
    );
    expect(closure).toEqual({
      id: expect.any(Number),
      municipalityId: 'm1',
      locationId: null,
      date: '2027-01-02',
      kind: 'bridge',
      reason: 'Brug',
    });
    await step('deleteClosure', (tx) => tx.office.deleteClosure(closure.id));
    expect(await read.closure(closure.id)).toBeNull();

    const hours = { kind: 'walk-in' as const, rrule: 'FREQ=WEEKLY;BYDAY=SA', startsOn: '2026-01-01', endsOn: null };
    const rule = await step('saveScheduleRule (new)', (tx) =>
      tx.office.saveScheduleRule('l-a', { ...hours, opensAt: '10:00', closesAt: '12:00' }),
    );
    expect(rule).toMatchObject({ id: expect.any(Number), locationId: 'l-a', kind: 'walk-in', opensAt: '10:00' });
    const ruleId = rule?.id as number;
    expect(
      await step('saveScheduleRule (change)', (tx) =>
        tx.office.saveScheduleRule('l-a', { ...hours, opensAt: '10:00', closesAt: '13:00' }, ruleId),
      ),
    ).toMatchObject({ id: ruleId, closesAt: '13:00' });
    // A rule of another location is neither changed nor removed.
    expect(
      await h.storage.write((tx) =>
        tx.office.saveScheduleRule('l-b', { ...hours, opensAt: '10:00', closesAt: '11:00' }, ruleId),
      ),
    ).toBeNull();
    expect(await h.storage.write((tx) => tx.office.deleteScheduleRule('l-b', ruleId))).toBe(false);
    expect(await step('deleteScheduleRule', (tx) => tx.office.deleteScheduleRule('l-a', ruleId))).toBe(true);

    const roster = { rrule: null, startsOn: '2026-12-05', endsOn: null, mode: 'walk-in' as const };
    const shift = await step('saveRosterRule (new)', (tx) =>
      tx.office.saveRosterRule('l-a', { ...roster, counterId: counter.id, startsAt: '10:00', endsAt: '12:00' }),
    );
    expect(shift).toMatchObject({ locationId: 'l-a', counterId: counter.id, rrule: null, startsOn: '2026-12-05' });
    const shiftId = shift?.id as number;
    await step('saveRosterRule (change)', (tx) =>
      tx.office.saveRosterRule(
        'l-a',
        { ...roster, counterId: counter.id, startsAt: '10:00', endsAt: '11:00' },
        shiftId,
      ),
    );
    expect(await h.storage.write((tx) => tx.office.deleteRosterRule('l-b', shiftId))).toBe(false);
    expect(await step('deleteRosterRule', (tx) => tx.office.deleteRosterRule('l-a', shiftId))).toBe(true);

    await step('setOffered (offer)', (tx) =>
      tx.office.setOffered('l-a', id('m1', 'pickup'), { bookableOnline: true, walkIn: false }),
    );
    expect((await read.locationSetup('l-a', 'm1')).services).toContainEqual({
      code: 'pickup',
      bookableOnline: true,
      walkIn: false,
    });
    await step('setOffered (stop)', (tx) => tx.office.setOffered('l-a', id('m1', 'pickup'), null));
    expect((await read.locationSetup('l-a', 'm1')).services.map((s) => s.code)).not.toContain('pickup');

    const service = await step('insertService', (tx) =>
      tx.office.insertService({
        municipalityId: 'm1',
        code: 'birth',
        nameNl: 'Geboorte',
        nameEn: 'Birth',
        minutesPerPerson: 15,
        maxPersons: 1,
        ticketLetter: 'G',
        necessitiesNl: ['Paspoort'],
        necessitiesEn: ['Passport'],
        targetWaitMinutes: 10,
        followUpServiceCode: null,
        followUpMinWorkingDays: null,
      }),
    );
    expect(service).toMatchObject({ id: expect.any(Number), code: 'birth', necessitiesNl: ['Paspoort'], sortOrder: 0 });
    expect(
      await step('updateService', (tx) =>
        tx.office.updateService('m1', 'birth', { minutesPerPerson: 20, sortOrder: 5 }),
      ),
    ).toMatchObject({ code: 'birth', minutesPerPerson: 20, sortOrder: 5 });
    expect(await h.storage.write((tx) => tx.office.updateService('m1', 'birth', {}))).toMatchObject({ sortOrder: 5 });
    expect(await h.storage.write((tx) => tx.office.updateService('m1', 'nothing', { sortOrder: 1 }))).toBeNull();
    expect(
      await h.storage.write((tx) => tx.office.replaceServiceFees('m1', 'birth', { adult: 1000, minor: 500 })),
    ).toBe(true);
    expect(await h.storage.write((tx) => tx.office.replaceServiceFees('m1', 'nothing', { adult: 1, minor: 1 }))).toBe(
      false,
    );
    expect((await read.catalogServices('m1')).find((s) => s.code === 'birth')?.fees).toEqual({
      adult: 1000,
      minor: 500,
    });
    // Another municipality's rows were never touched.
    expect((await read.catalogServices('m2')).map((s) => s.code)).toEqual(['passport']);
  });

  it('conflicts end in the same AppError on both engines, and a refused write changes nothing', async () => {
    const h = harness();
    const version = await versionOf(h);
    const duplicate = h.storage.write((tx) =>
      tx.office.insertService({
        municipalityId: 'm1',
        code: 'passport',
        nameNl: 'Nog een',
        nameEn: 'Another',
        minutesPerPerson: 10,
        maxPersons: 1,
        ticketLetter: 'Q',
        necessitiesNl: [],
        necessitiesEn: [],
        targetWaitMinutes: 10,
        followUpServiceCode: null,
        followUpMinWorkingDays: null,
      }),
    );
    await expect(duplicate).rejects.toMatchObject({
      name: 'AppError',
      code: 'conflict',
      message: 'Service passport exists',
    });
    expect(await versionOf(h)).toBe(version);
    expect((await h.rows("SELECT id FROM services WHERE code = 'passport' AND municipality_id = 'm1'")).length).toBe(1);

    // All or nothing: a counter written before the transaction fails is gone with it.
    await expect(
      h.storage.write(async (tx) => {
        await tx.office.insertCounter('l-b', 'Tijdelijk', []);
        throw new Error('later step failed');
      }),
    ).rejects.toThrow('later step failed');
    expect(await h.rows("SELECT id FROM counters WHERE name = 'Tijdelijk'")).toEqual([]);
    expect(await versionOf(h)).toBe(version);
  });

  it('the set-up document: exported, written back unchanged, changed, and refused with 400 when it names what is not there', async () => {
    const h = harness();
    const office = h.storage.read.office;
    const doc = await office.setupDocument('m1');
    expect(doc.format).toBe('loket-setup');
    expect(doc.municipality).toEqual({ id: 'm1' });
    expect(doc.services.map((s) => s.code)).toEqual(['id-card', 'passport', 'pickup', 'birth']);
    expect(doc.services.find((s) => s.code === 'passport')?.fees).toEqual({ adult: 7500, minor: null });
    expect(doc.closures).toEqual([{ date: '2026-12-24', kind: 'bridge', reason: 'Kerstavond' }]);
    expect(doc.locations.map((l) => l.id)).toEqual(['l-a', 'l-b']);
    const la = doc.locations[0] as MunicipalitySetupDocument['locations'][number];
    expect(la.settings).toEqual({
      slotGridMinutes: 5,
      walkInShare: 0.5,
      minNoticeMinutes: 60,
      maxDaysAhead: 56,
      closedOnGoodFriday: true,
      closedOnLiberationDay: false,
      callAndStart: false,
    });
    expect(la.counters.map((c) => [c.name, c.active, c.skills])).toEqual([
      ['Balie 1', true, ['id-card', 'passport']],
      ['Balie 2', false, ['passport']],
      ['Balie drie', false, ['id-card']],
    ]);
    expect(la.rosterRules).toEqual([
      {
        counter: 'Balie 1',
        rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR',
        startsOn: '2026-01-01',
        endsOn: null,
        startsAt: '09:00',
        endsAt: '15:30',
        mode: 'both',
      },
    ]);
    expect(la.closures).toEqual([{ date: '2026-11-30', kind: 'local', reason: 'Verbouwing' }]);
    expect((await h.storage.read.office.setupDocument('m2')).locations.map((l) => l.id)).toEqual(['l-c']);

    // Written back unchanged: no change, no bump.
    const version = await versionOf(h);
    await office.checkSetupReferences('m1', doc);
    expect(await h.storage.write((tx) => tx.office.applySetupDocument('m1', doc))).toEqual([]);
    expect(await office.setupDocument('m1')).toEqual(doc);

    // Changed: a service, a new counter with a shift, hours, an offer, settings, closures.
    const lb = doc.locations[1] as MunicipalitySetupDocument['locations'][number];
    const next: MunicipalitySetupDocument = {
      ...doc,
      services: [
        ...doc.services.map((s) =>
          s.code === 'pickup' ? { ...s, minutesPerPerson: 5, fees: { adult: 100, minor: null } } : s,
        ),
        {
          ...(doc.services[0] as MunicipalitySetupDocument['services'][number]),
          code: 'moving',
          sortOrder: 9,
          ticketLetter: 'V',
        },
      ],
      closures: [{ date: '2026-12-31', kind: 'bridge', reason: 'Oudjaar' }],
      locations: [
        {
          ...la,
          settings: { ...la.settings, slotGridMinutes: 10 },
          services: la.services.filter((s) => s.code !== 'id-card'),
          counters: [...la.counters, { name: 'Balie 4', active: true, skills: ['moving', 'passport'] }],
          scheduleRules: la.scheduleRules.filter((r) => r.kind !== 'appointments'),
          rosterRules: [
            ...la.rosterRules,
            {
              counter: 'Balie 4',
              rrule: null,
              startsOn: '2026-12-07',
              endsOn: null,
              startsAt: '09:00',
              endsAt: '12:00',
              mode: 'appointments',
            },
          ],
        },
        { ...lb, services: [...lb.services, { code: 'moving', bookableOnline: true, walkIn: true }] },
      ],
    };
    await office.checkSetupReferences('m1', next);
    const changes = await h.storage.write((tx) => tx.office.applySetupDocument('m1', next));
    expect(changes).toEqual([
      { kind: 'service', action: 'change', locationId: null, key: 'pickup' },
      { kind: 'service', action: 'create', locationId: null, key: 'moving' },
      { kind: 'closure', action: 'remove', locationId: null, key: '2026-12-24 bridge Kerstavond' },
      { kind: 'closure', action: 'create', locationId: null, key: '2026-12-31 bridge Oudjaar' },
      { kind: 'location', action: 'change', locationId: 'l-a', key: 'settings' },
      { kind: 'offer', action: 'remove', locationId: 'l-a', key: 'id-card' },
      { kind: 'counter', action: 'create', locationId: 'l-a', key: 'Balie 4' },
      {
        kind: 'schedule-rule',
        action: 'remove',
        locationId: 'l-a',
        key: 'appointments FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR 2026-01-01.. 09:00-16:00',
      },
      {
        kind: 'roster-rule',
        action: 'create',
        locationId: 'l-a',
        key: 'Balie 4: appointments once 2026-12-07.. 09:00-12:00',
      },
      { kind: 'offer', action: 'create', locationId: 'l-b', key: 'moving' },
    ]);
    expect(await versionOf(h)).toBeGreaterThan(version);
    const after = await office.setupDocument('m1');
    const created = after.locations[0]?.counters.find((c) => c.name === 'Balie 4');
    expect(created?.id).toEqual(expect.any(Number));
    expect(after).toEqual({
      ...next,
      services: [...next.services].sort((a, b) => a.sortOrder - b.sortOrder || (a.code < b.code ? -1 : 1)),
      locations: next.locations.map((l) => ({
        ...l,
        services: sortedBy(l.services, (s) => s.code),
        counters: l.counters.map((c) => (c.name === 'Balie 4' ? { ...c, id: created?.id } : c)),
      })),
    });
    // The office sees the new counter, its skills and its shift.
    const { office: la2 } = await office.officeSince('l-a', null);
    expect(la2?.counters.find((c) => c.name === 'Balie 4')?.skillIds).toHaveLength(2);
    expect(la2?.rosterRules.some((r) => r.counterId === created?.id)).toBe(true);
    expect(la2?.location.slotGridMinutes).toBe(10);

    // Refused (400, nothing changed): a skill named twice, a counter left out, another municipality.
    const bumped = await versionOf(h);
    const withTwice: MunicipalitySetupDocument = {
      ...after,
      locations: after.locations.map((l) =>
        l.id === 'l-b'
          ? { ...l, counters: [...l.counters, { name: 'Balie 9', active: true, skills: ['pickup', 'pickup'] }] }
          : l,
      ),
    };
    const withoutCounter: MunicipalitySetupDocument = {
      ...after,
      locations: after.locations.map((l) => (l.id === 'l-b' ? { ...l, counters: [] } : l)),
    };
    for (const bad of [withTwice, withoutCounter, { ...after, municipality: { id: 'm2' } }]) {
      await expect(office.checkSetupReferences('m1', bad)).rejects.toMatchObject({ code: 'validation-failed' });
      await expect(h.storage.write((tx) => tx.office.applySetupDocument('m1', bad))).rejects.toMatchObject({
        code: 'validation-failed',
      });
    }
    expect(await versionOf(h)).toBe(bumped);
    expect(await office.setupDocument('m1')).toEqual(after);
  });
});
