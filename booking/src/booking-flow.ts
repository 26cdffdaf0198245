/**
 * The booking wizard as a pure state machine: which step comes next, what each step needs, and
 * what to offer when the chosen time was just taken. No I/O here; the screens call the API.
 */
export const steps = ['services', 'location', 'day', 'time', 'pickup', 'details', 'confirm'] as const;
export type Step = (typeof steps)[number] | 'done';

export interface Customer {
  name: string;
  email: string;
  phone: string;
}

export interface BookingState {
  step: Step;
  /** persons per service code; 0 or absent = not chosen */
  persons: Record<string, number>;
  locationId: string | null;
  date: string | null;
  start: string | null;
  customer: Customer;
  /** Times offered after a `slot-unavailable`, nearest to the one that was taken first. */
  alternatives: string[];
  /** Whether the chosen services and office make a pickup by appointment possible (the page says so). */
  pickupOffered: boolean;
  /** The optional pickup appointment, booked with the application (`followUp`). */
  pickupDate: string | null;
  pickupStart: string | null;
}

/** The steps this booking walks through: the pickup step only where the office takes pickups by appointment. */
export function stepsOf(state: Pick<BookingState, 'pickupOffered'>): Step[] {
  return steps.filter((s) => s !== 'pickup' || state.pickupOffered);
}

export interface ServiceFollowUp {
  code: string;
  maxPersons?: number;
  followUp?: { serviceCode: string; minWorkingDays: number } | null;
}

/**
 * The pickup these services imply, as the server's `followUpFor` works it out (first pickup code,
 * persons summed, the longest wait), or null when there is none or this office takes it walk-in only.
 */
export function pickupFor(
  services: readonly ServiceFollowUp[],
  items: readonly { code: string; persons: number }[],
  bookableAtOffice: readonly string[],
): { serviceCode: string; persons: number; minWorkingDays: number } | null {
  let code: string | null = null;
  let persons = 0;
  let minWorkingDays = 0;
  for (const item of items) {
    const f = services.find((s) => s.code === item.code)?.followUp;
    if (!f) continue;
    code ??= f.serviceCode;
    if (f.serviceCode !== code) continue;
    persons += item.persons;
    minWorkingDays = Math.max(minWorkingDays, f.minWorkingDays);
  }
  if (!code || !bookableAtOffice.includes(code)) return null;
  const max = services.find((s) => s.code === code)?.maxPersons;
  return { serviceCode: code, persons: max ? Math.min(persons, max) : persons, minWorkingDays };
}

export const initialState: BookingState = {
  step: 'services',
  persons: {},
  locationId: null,
  date: null,
  start: null,
  customer: { name: '', email: '', phone: '' },
  alternatives: [],
  pickupOffered: false,
  pickupDate: null,
  pickupStart: null,
};

const noPickup = { pickupDate: null, pickupStart: null } as const;

export type BookingAction =
  | { type: 'set-persons'; code: string; persons: number }
  | { type: 'choose-location'; locationId: string }
  | { type: 'choose-day'; date: string }
  | { type: 'choose-time'; start: string }
  /** The "first free time" shortcut: day and time at once, on to the step after the time. */
  | { type: 'choose-first-free'; date: string; start: string }
  | { type: 'set-customer'; customer: Partial<Customer> }
  | { type: 'next' }
  | { type: 'back' }
  | { type: 'goto'; step: Step }
  | { type: 'pickup-offered'; offered: boolean }
  | { type: 'choose-pickup-day'; date: string }
  | { type: 'choose-pickup-time'; start: string }
  | { type: 'skip-pickup' }
  | { type: 'pickup-taken' }
  | { type: 'slot-taken'; available: string[] }
  | { type: 'booked' }
  | { type: 'restart' };

export function chosenItems(state: BookingState, order: readonly string[] = []): { code: string; persons: number }[] {
  const rank = (code: string) => {
    const i = order.indexOf(code);
    return i === -1 ? Number.MAX_SAFE_INTEGER : i;
  };
  return Object.entries(state.persons)
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([code, persons]) => ({ code, persons }));
}

export type FieldError = 'required' | 'invalid';
export type CustomerErrors = Partial<Record<keyof Customer, FieldError>>;

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const phonePattern = /^\+?[0-9 ()-]{8,20}$/;

export function validateCustomer(c: Customer): CustomerErrors {
  const errors: CustomerErrors = {};
  if (c.name.trim().length < 2) errors.name = 'required';
  if (!c.email.trim()) errors.email = 'required';
  else if (!emailPattern.test(c.email.trim())) errors.email = 'invalid';
  if (c.phone.trim() && !phonePattern.test(c.phone.trim())) errors.phone = 'invalid';
  return errors;
}

/** Why the resident may not leave a step yet (null: go ahead). */
export function blockerOf(state: BookingState): string | null {
  switch (state.step) {
    case 'services':
      return chosenItems(state).length === 0 ? 'choose-service' : null;
    case 'location':
      return state.locationId ? null : 'choose-location';
    case 'day':
      return state.date ? null : 'choose-day';
    case 'time':
      return state.start ? null : 'choose-time';
    case 'pickup':
      // Optional: nothing chosen means no pickup appointment now, but a day alone is not enough.
      return state.pickupDate && !state.pickupStart ? 'choose-pickup-time' : null;
    case 'details':
      return Object.keys(validateCustomer(state.customer)).length ? 'fix-details' : null;
    default:
      return null;
  }
}

/** Up to `n` times nearest to `wanted` (ties: the earlier first), in chronological order. */
export function nearestAlternatives(times: readonly string[], wanted: string, n = 3): string[] {
  const target = new Date(wanted).getTime();
  return times
    .filter((t) => t !== wanted)
    .map((t) => ({ t, d: Math.abs(new Date(t).getTime() - target), at: new Date(t).getTime() }))
    .sort((a, b) => a.d - b.d || a.at - b.at)
    .slice(0, n)
    .sort((a, b) => a.at - b.at)
    .map((x) => x.t);
}

export function bookingReducer(state: BookingState, action: BookingAction): BookingState {
  switch (action.type) {
    case 'set-persons': {
      const persons = { ...state.persons, [action.code]: Math.max(0, Math.floor(action.persons)) };
      // Another duration or skill set: earlier day and time choices may no longer fit.
      return { ...state, persons, date: null, start: null, alternatives: [], ...noPickup };
    }
    case 'choose-location':
      return state.locationId === action.locationId
        ? state
        : { ...state, locationId: action.locationId, date: null, start: null, alternatives: [], ...noPickup };
    case 'choose-day':
      // The pickup's first day counts from the application's day.
      return state.date === action.date
        ? state
        : { ...state, date: action.date, start: null, alternatives: [], ...noPickup };
    case 'choose-time':
      return { ...state, start: action.start };
    case 'choose-first-free': {
      if (state.step !== 'day') return state;
      const chosen = { ...state, date: action.date, start: action.start, alternatives: [], ...noPickup };
      const flow = stepsOf(chosen);
      return { ...chosen, step: flow[flow.indexOf('time') + 1] ?? 'details' };
    }
    case 'set-customer':
      return { ...state, customer: { ...state.customer, ...action.customer } };
    case 'pickup-offered':
      return state.pickupOffered === action.offered
        ? state
        : {
            ...state,
            pickupOffered: action.offered,
            ...noPickup,
            step: !action.offered && state.step === 'pickup' ? 'details' : state.step,
          };
    case 'choose-pickup-day':
      return state.pickupDate === action.date ? state : { ...state, pickupDate: action.date, pickupStart: null };
    case 'choose-pickup-time':
      return { ...state, pickupStart: action.start };
    case 'skip-pickup':
      return state.step === 'pickup' ? { ...state, ...noPickup, step: 'details' } : { ...state, ...noPickup };
    case 'pickup-taken':
      return { ...state, step: 'pickup', pickupStart: null };
    case 'next': {
      if (state.step === 'done' || blockerOf(state)) return state;
      const flow = stepsOf(state);
      const i = flow.indexOf(state.step);
      return { ...state, step: flow[Math.min(i + 1, flow.length - 1)] ?? state.step };
    }
    case 'back': {
      if (state.step === 'done') return state;
      const flow = stepsOf(state);
      const i = flow.indexOf(state.step);
      return { ...state, step: flow[Math.max(i - 1, 0)] ?? state.step };
    }
    case 'goto': {
      // Only to a step already reachable: every step before it is complete.
      if (action.step === 'done') return state;
      const flow = stepsOf(state);
      const target = flow.indexOf(action.step);
      if (target === -1) return state;
      for (let i = 0; i < target; i++) {
        const s = flow[i];
        if (s && blockerOf({ ...state, step: s })) return state;
      }
      return { ...state, step: action.step };
    }
    case 'slot-taken':
      return {
        ...state,
        step: 'time',
        alternatives: state.start ? nearestAlternatives(action.available, state.start) : action.available.slice(0, 3),
        start: null,
      };
    case 'booked':
      return { ...state, step: 'done' };
    case 'restart':
      return { ...initialState, customer: state.customer };
  }
}
