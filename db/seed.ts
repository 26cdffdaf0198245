import { eq } from 'drizzle-orm';
import { type Db, writeTransaction } from './client.ts';
import {
  closures,
  counterSkills,
  counters,
  locationServices,
  locations,
  municipalities,
  municipalityProfiles,
  rosterRules,
  scheduleRules,
  serviceFees,
  services,
} from './schema/index.ts';

/**
 * The demo municipality: Haarlem's two offices with the opening pattern Haarlem has used since
 * March 2017 (walk-in Mon–Fri 09:00–11:00, appointments 11:00–16:00, Thursday until 20:00).
 * Deterministic: the same rows every time. Addresses are illustrative.
 */
export const DEMO_MUNICIPALITY = 'haarlem';
export const DEMO_LOCATIONS = { stadhuis: 'haarlem-zijlsingel', schalkwijk: 'haarlem-schalkwijk' } as const;

/** The demo data, shared with the PostgreSQL seed (db/pg/seed.ts). */
export const serviceRows = [
  {
    code: 'passport',
    nameNl: 'Paspoort aanvragen',
    nameEn: 'Apply for a passport',
    minutesPerPerson: 10,
    maxPersons: 4,
    ticketLetter: 'P',
    targetWaitMinutes: 10,
    followUpServiceCode: 'pickup',
    followUpMinWorkingDays: 5,
    necessitiesNl: ['Het huidige paspoort of de ID-kaart', 'Een recente pasfoto', 'Pinpas om te betalen'],
    necessitiesEn: ['The current passport or ID card', 'A recent passport photo', 'A debit card to pay'],
  },
  {
    code: 'id-card',
    nameNl: 'ID-kaart aanvragen',
    nameEn: 'Apply for an ID card',
    minutesPerPerson: 10,
    maxPersons: 4,
    ticketLetter: 'I',
    targetWaitMinutes: 10,
    followUpServiceCode: 'pickup',
    followUpMinWorkingDays: 5,
    necessitiesNl: ['De huidige ID-kaart of het paspoort', 'Een recente pasfoto', 'Pinpas om te betalen'],
    necessitiesEn: ['The current ID card or passport', 'A recent passport photo', 'A debit card to pay'],
  },
  {
    code: 'driving-licence',
    nameNl: 'Rijbewijs aanvragen of verlengen',
    nameEn: 'Apply for or renew a driving licence',
    minutesPerPerson: 5,
    maxPersons: 2,
    ticketLetter: 'R',
    targetWaitMinutes: 10,
    followUpServiceCode: 'pickup',
    followUpMinWorkingDays: 5,
    necessitiesNl: ['Het huidige rijbewijs', 'Een recente pasfoto', 'Gezondheidsverklaring indien nodig'],
    necessitiesEn: ['The current driving licence', 'A recent passport photo', 'Health declaration if required'],
  },
  {
    code: 'pickup',
    nameNl: 'Document ophalen',
    nameEn: 'Collect a document',
    minutesPerPerson: 5,
    maxPersons: 4,
    ticketLetter: 'A',
    targetWaitMinutes: 10,
    followUpServiceCode: null,
    followUpMinWorkingDays: null,
    necessitiesNl: ['De ontvangstbevestiging van uw aanvraag', 'Uw oude document (wordt ongeldig gemaakt)'],
    necessitiesEn: ['The receipt of your application', 'Your old document (it will be invalidated)'],
  },
  {
    code: 'birth',
    nameNl: 'Geboorteaangifte',
    nameEn: 'Register a birth',
    minutesPerPerson: 15,
    maxPersons: 1,
    ticketLetter: 'G',
    targetWaitMinutes: 10,
    followUpServiceCode: null,
    followUpMinWorkingDays: null,
    necessitiesNl: ['Uw identiteitsbewijs', 'Identiteitsbewijs van de moeder'],
    necessitiesEn: ['Your identity document', "The mother's identity document"],
  },
] as const;

export type Mode = 'appointments' | 'walk-in' | 'both';
export interface CounterPlan {
  name: string;
  skills: readonly string[];
  /** Roster: walk-in hours, appointment hours, Thursday evening. */
  morning: Mode | null;
  day: Mode | null;
  evening: Mode | null;
}

const travel = ['passport', 'id-card', 'driving-licence', 'pickup'] as const;

export const officePlans: Record<string, CounterPlan[]> = {
  [DEMO_LOCATIONS.stadhuis]: [
    { name: 'Balie 1', skills: [...travel, 'birth'], morning: 'walk-in', day: 'appointments', evening: 'appointments' },
    { name: 'Balie 2', skills: travel, morning: 'walk-in', day: 'appointments', evening: 'appointments' },
    { name: 'Balie 3', skills: travel, morning: 'walk-in', day: 'appointments', evening: 'appointments' },
    { name: 'Balie 4', skills: ['passport', 'id-card'], morning: 'walk-in', day: 'appointments', evening: null },
    { name: 'Balie 5', skills: ['passport', 'id-card'], morning: 'walk-in', day: 'appointments', evening: null },
    {
      name: 'Balie 6',
      skills: ['driving-licence', 'pickup'],
      morning: 'walk-in',
      day: 'both',
      evening: 'appointments',
    },
    { name: 'Balie 7', skills: ['pickup'], morning: 'walk-in', day: 'walk-in', evening: null },
    { name: 'Balie 8', skills: ['birth', 'passport'], morning: null, day: 'appointments', evening: null },
  ],
  [DEMO_LOCATIONS.schalkwijk]: [
    { name: 'Balie 1', skills: travel, morning: 'walk-in', day: 'appointments', evening: 'appointments' },
    { name: 'Balie 2', skills: travel, morning: 'walk-in', day: 'appointments', evening: null },
    { name: 'Balie 3', skills: ['passport', 'id-card'], morning: 'walk-in', day: 'appointments', evening: null },
    { name: 'Balie 4', skills: ['driving-licence', 'pickup'], morning: 'walk-in', day: 'both', evening: null },
  ],
};

export const WEEKDAYS = 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR';
export const NOT_THURSDAY = 'FREQ=WEEKLY;BYDAY=MO,TU,WE,FR';
export const THURSDAY = 'FREQ=WEEKLY;BYDAY=TH';
export const SEED_FROM = '2025-01-01';

/** Fees at the national maximum (FACTS.md: 2025 passport, 2024 ID card and driving licence), per person. */
export const DEMO_FEES: readonly [string, 'adult' | 'minor', number][] = [
  ['passport', 'adult', 8387],
  ['passport', 'minor', 6342],
  ['id-card', 'adult', 7580],
  ['id-card', 'minor', 4090],
  ['driving-licence', 'adult', 5110],
];
/** Bridge days by decree (docs/facts.md); public holidays themselves are computed. */
export const DEMO_BRIDGE_DAYS = ['2026-01-02', '2026-05-15', '2027-05-07', '2028-04-28', '2028-05-26'];

/** The demo municipality's house style and contact (GET /municipality; the calendar file's ORGANIZER). Example addresses only. */
export const DEMO_PROFILE = {
  municipalityId: DEMO_MUNICIPALITY,
  website: 'https://www.haarlem.nl',
  contactEmail: 'stadskantoor@haarlem.example',
  contactUrl: 'https://www.haarlem.nl/contact',
  houseStyle: {},
};

export const demoLocationRows = [
  {
    id: DEMO_LOCATIONS.stadhuis,
    municipalityId: DEMO_MUNICIPALITY,
    name: 'Stadskantoor Zijlsingel',
    street: 'Zijlsingel 1',
    postalCode: '2013 DN',
    city: 'Haarlem',
  },
  {
    id: DEMO_LOCATIONS.schalkwijk,
    municipalityId: DEMO_MUNICIPALITY,
    name: 'Stadsdeelkantoor Schalkwijk',
    street: 'Fie Carelsenplein 2',
    postalCode: '2034 NA',
    city: 'Haarlem',
  },
];

/** A service of `serviceRows` as inserted, at its place in the list. */
export function demoServiceRow(row: (typeof serviceRows)[number], sortOrder: number) {
  return {
    ...row,
    necessitiesNl: [...row.necessitiesNl],
    necessitiesEn: [...row.necessitiesEn],
    municipalityId: DEMO_MUNICIPALITY,
    sortOrder,
  };
}

/**
 * The services a location offers: pickup walk-in at the Zijlsingel (as Haarlem does) and by appointment in
 * Schalkwijk, to show both; no birth registration in Schalkwijk.
 */
export function demoLocationServiceRows(locationId: string, idOf: (code: string) => number) {
  const pickupByAppointment = locationId === DEMO_LOCATIONS.schalkwijk;
  return serviceRows
    .filter((row) => !(row.code === 'birth' && locationId === DEMO_LOCATIONS.schalkwijk))
    .map((row) => {
      const isPickup = row.code === 'pickup';
      return {
        locationId,
        serviceId: idOf(row.code),
        bookableOnline: isPickup ? pickupByAppointment : true,
        walkIn: isPickup ? !pickupByAppointment : row.code !== 'birth',
      };
    });
}

/** Opening, walk-in and appointment hours of every demo office: late opening on Thursdays. */
export function demoScheduleRules(locationId: string) {
  const rule = (kind: 'opening' | 'walk-in' | 'appointments', rrule: string, opensAt: string, closesAt: string) => ({
    locationId,
    kind,
    rrule,
    startsOn: SEED_FROM,
    opensAt,
    closesAt,
  });
  return [
    rule('opening', NOT_THURSDAY, '09:00', '16:00'),
    rule('opening', THURSDAY, '09:00', '20:00'),
    rule('walk-in', WEEKDAYS, '09:00', '11:00'),
    rule('appointments', NOT_THURSDAY, '11:00', '16:00'),
    rule('appointments', THURSDAY, '11:00', '20:00'),
  ];
}

/** Seeds the demo municipality once; returns false when it was already there. */
export function seedDemo(db: Db): boolean {
  // The look and the inserts share one BEGIN IMMEDIATE transaction: processes starting together on one
  // file seed once, the others find the municipality there.
  return writeTransaction(db, (tx) => {
    if (tx.select().from(municipalities).where(eq(municipalities.id, DEMO_MUNICIPALITY)).get()) return false;
    tx.insert(municipalities).values({ id: DEMO_MUNICIPALITY, name: 'Gemeente Haarlem' }).run();
    tx.insert(municipalityProfiles).values(DEMO_PROFILE).run();
    tx.insert(locations).values(demoLocationRows).run();
    const serviceIds = new Map<string, number>();
    serviceRows.forEach((row, sortOrder) => {
      const inserted = tx.insert(services).values(demoServiceRow(row, sortOrder)).returning({ id: services.id }).get();
      serviceIds.set(row.code, inserted.id);
    });
    const idOf = (code: string) => {
      const id = serviceIds.get(code);
      if (id === undefined) throw new Error(`seed: unknown service ${code}`);
      return id;
    };

    for (const [code, ageGroup, amountCents] of DEMO_FEES)
      tx.insert(serviceFees)
        .values({ serviceId: idOf(code), ageGroup, amountCents })
        .run();

    for (const [locationId, plans] of Object.entries(officePlans)) {
      tx.insert(locationServices).values(demoLocationServiceRows(locationId, idOf)).run();
      tx.insert(scheduleRules).values(demoScheduleRules(locationId)).run();
      for (const plan of plans) {
        const counter = tx
          .insert(counters)
          .values({ locationId, name: plan.name })
          .returning({ id: counters.id })
          .get();
        tx.insert(counterSkills)
          .values(plan.skills.map((code) => ({ counterId: counter.id, serviceId: idOf(code) })))
          .run();
        const roster = (rrule: string, startsAt: string, endsAt: string, mode: Mode | null) =>
          mode &&
          tx
            .insert(rosterRules)
            .values({ locationId, counterId: counter.id, rrule, startsOn: SEED_FROM, startsAt, endsAt, mode })
            .run();
        roster(WEEKDAYS, '09:00', '11:00', plan.morning);
        roster(WEEKDAYS, '11:00', '16:00', plan.day);
        roster(THURSDAY, '16:00', '20:00', plan.evening);
      }
    }
    // Bridge days by decree (docs/facts.md); public holidays themselves are computed.
    tx.insert(closures)
      .values(
        DEMO_BRIDGE_DAYS.map((date) => ({
          municipalityId: DEMO_MUNICIPALITY,
          date,
          kind: 'bridge' as const,
          reason: 'Brugdag',
        })),
      )
      .run();
    return true;
  });
}
