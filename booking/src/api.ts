import type { TicketDto } from '../../server/contracts/queue.ts';
import { api, servicesParam, toApiError } from '../../shared-web/api.ts';

/** A service as the resident sees it; text in both languages so a language switch needs no refetch. */
export interface Service {
  code: string;
  name: { nl: string; en: string };
  minutesPerPerson: number;
  maxPersons: number;
  bookableOnline: boolean;
  walkIn: boolean;
  necessities: { nl: string[]; en: string[] };
  /** The pickup this service leads to (passport: collect it some working days later). */
  followUp: { serviceCode: string; minWorkingDays: number } | null;
}

export interface Location {
  id: string;
  name: string;
  address: string;
  timeZone: string;
  serviceCodes: string[];
  /** Codes bookable online at this office (a service may be walk-in only here). */
  bookableCodes: string[];
  waiting: number | null;
  waitMinutes: number | null;
}

export interface Appointment {
  reference: string;
  start: string;
  end: string;
  status: string;
  location: Location | null;
  services: {
    code: string;
    persons: number;
    name: { nl: string; en: string } | null;
    necessities: { nl: string[]; en: string[] };
  }[];
  customer: { name: string; email: string; phone?: string | null } | null;
}

export interface FollowUp {
  serviceCode: string;
  persons: number;
  earliestDate: string;
  byAppointment: boolean;
  appointment: { reference: string; start: string; end: string } | null;
}

export interface Booked extends Appointment {
  manageToken: string;
  followUp: FollowUp | null;
}

type Json = Record<string, unknown>;
const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function bilingual(obj: Json, key: string): { nl: string; en: string } {
  const v = obj[key] ?? obj[`${key}s`];
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Json;
    return { nl: str(o.nl, str(o.en)), en: str(o.en, str(o.nl)) };
  }
  const nl = str(obj[`${key}Nl`], str(v));
  return { nl, en: str(obj[`${key}En`], nl) };
}

function lists(obj: Json, key: string): { nl: string[]; en: string[] } {
  const v = obj[key];
  const arr = (x: unknown): string[] => (Array.isArray(x) ? x.map((i) => str(i)).filter(Boolean) : []);
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Json;
    return { nl: arr(o.nl), en: arr(o.en).length ? arr(o.en) : arr(o.nl) };
  }
  const nl = arr(obj[`${key}Nl`]).length ? arr(obj[`${key}Nl`]) : arr(v);
  return { nl, en: arr(obj[`${key}En`]).length ? arr(obj[`${key}En`]) : nl };
}

function listOf(body: unknown, key: string): Json[] {
  if (Array.isArray(body)) return body as Json[];
  const inner = body && typeof body === 'object' ? (body as Json)[key] : null;
  return Array.isArray(inner) ? (inner as Json[]) : [];
}

export function toService(s: Json): Service {
  return {
    code: str(s.code),
    name: bilingual(s, 'name'),
    minutesPerPerson: num(s.minutesPerPerson) ?? 0,
    maxPersons: num(s.maxPersons) ?? 1,
    bookableOnline: s.bookableOnline !== false,
    walkIn: s.walkIn === true,
    necessities: lists(s, 'necessities'),
    followUp: toServiceFollowUp(s.followUp),
  };
}

function toServiceFollowUp(v: unknown): Service['followUp'] {
  if (!v || typeof v !== 'object') return null;
  const f = v as Json;
  const code = str(f.serviceCode);
  return code ? { serviceCode: code, minWorkingDays: num(f.minWorkingDays) ?? 0 } : null;
}

export function toFollowUp(v: unknown): FollowUp | null {
  if (!v || typeof v !== 'object') return null;
  const f = v as Json;
  const a = f.appointment && typeof f.appointment === 'object' ? (f.appointment as Json) : null;
  return {
    serviceCode: str(f.serviceCode),
    persons: num(f.persons) ?? 1,
    earliestDate: str(f.earliestDate),
    byAppointment: f.byAppointment === true,
    appointment: a ? { reference: str(a.reference), start: str(a.start), end: str(a.end) } : null,
  };
}

function addressText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object') {
    const a = v as Json;
    return [str(a.street), [str(a.postalCode), str(a.city)].filter(Boolean).join(' ')].filter(Boolean).join(', ');
  }
  return '';
}

export function toLocation(l: Json): Location {
  const codes = l.serviceCodes ?? l.services;
  const offered = Array.isArray(l.services) ? (l.services as Json[]).filter((x) => x && typeof x === 'object') : [];
  return {
    id: str(l.id),
    name: str(l.name),
    address: addressText(l.address),
    timeZone: str(l.timeZone, 'Europe/Amsterdam'),
    serviceCodes: Array.isArray(codes)
      ? codes.map((c) => (typeof c === 'string' ? c : str((c as Json)?.code))).filter(Boolean)
      : [],
    bookableCodes: offered.filter((x) => x.bookableOnline !== false).map((x) => str(x.code)),
    waiting: num(l.waiting),
    waitMinutes: num(l.waitMinutes),
  };
}

export function toAppointment(a: Json): Appointment {
  const loc = a.location;
  const services = Array.isArray(a.services)
    ? (a.services as Json[])
    : Array.isArray(a.items)
      ? (a.items as Json[])
      : [];
  const customer = a.customer && typeof a.customer === 'object' ? (a.customer as Json) : null;
  return {
    reference: str(a.reference),
    start: str(a.start ?? a.startsAt),
    end: str(a.end ?? a.endsAt),
    status: str(a.status, 'booked'),
    location: loc && typeof loc === 'object' ? toLocation(loc as Json) : null,
    services: services.map((s) => {
      const name = bilingual(s, 'name');
      return {
        code: str(s.code ?? s.serviceCode),
        persons: num(s.persons) ?? 1,
        name: name.nl ? name : null,
        necessities: lists(s, 'necessities'),
      };
    }),
    customer: customer
      ? { name: str(customer.name), email: str(customer.email), phone: str(customer.phone) || null }
      : null,
  };
}

export type Items = readonly { code: string; persons: number }[];

export const bookingApi = {
  async services(): Promise<Service[]> {
    return listOf(await api.get('/services'), 'services').map(toService);
  },
  async locations(): Promise<Location[]> {
    return listOf(await api.get('/locations'), 'locations').map(toLocation);
  },
  async availableDays(locationId: string, items: Items, from: string, to: string): Promise<string[]> {
    const r = await api.get<{ days: string[] }>(`/locations/${encodeURIComponent(locationId)}/available-days`, {
      query: { services: servicesParam(items), from, to },
    });
    return r.days ?? [];
  },
  async availableTimes(locationId: string, items: Items, date: string): Promise<string[]> {
    const r = await api.get<{ times: string[] }>(`/locations/${encodeURIComponent(locationId)}/available-times`, {
      query: { services: servicesParam(items), date },
    });
    return r.times ?? [];
  },
  async book(input: {
    locationId: string;
    services: Items;
    start: string;
    customer: { name: string; email: string; phone?: string };
    language: string;
    followUp?: { start: string };
  }): Promise<Booked> {
    const r = await api.post<Json>('/appointments', input);
    return { ...toAppointment(r), manageToken: str(r.manageToken), followUp: toFollowUp(r.followUp) };
  },
  async appointment(reference: string, token: string): Promise<Appointment> {
    return toAppointment(await api.get<Json>(`/appointments/${encodeURIComponent(reference)}`, { token }));
  },
  async cancel(reference: string, token: string): Promise<void> {
    await api.del(`/appointments/${encodeURIComponent(reference)}`, { token });
  },
  async reschedule(reference: string, token: string, start: string): Promise<Appointment> {
    return toAppointment(
      await api.post<Json>(`/appointments/${encodeURIComponent(reference)}/reschedule`, { start }, { token }),
    );
  },
  async calendarFile(reference: string, token: string): Promise<Blob> {
    const res = await fetch(`/api/v1/appointments/${encodeURIComponent(reference)}/calendar.ics`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (!res.ok) throw await toApiError(res);
    return res.blob();
  },
  async ticket(publicId: string): Promise<TicketDto> {
    return api.get<TicketDto>(`/tickets/${encodeURIComponent(publicId)}`);
  },
};
