import { type CounterWindow, type Interval, mergeIntervals } from './calendar.ts';

/**
 * The allocation engine (ARCHITECTURE.md, "The engine"). Pure: no I/O, no clock.
 * A request needs ONE counter that has every skill, is rostered for appointments for the whole
 * duration, is free, and (on a `both` window) leaves the walk-in share of that window untouched.
 * When no counter is free, not-yet-started appointments may move to other counters: a bounded
 * depth-first search for an augmenting chain (place the request on counter c, re-place what it
 * displaces elsewhere, and so on), undone completely when it fails.
 */

export interface EngineCounter {
  id: number;
  skills: ReadonlySet<number>;
  windows: readonly CounterWindow[];
}

export interface EngineAppointment {
  id: number;
  counterId: number;
  start: number;
  end: number;
  serviceIds: readonly number[];
  /** False for appointments that started, are checked in, or must not move for another reason. */
  movable: boolean;
  /** Booked online (counts against the online part when a share is kept for phone and desk bookings). */
  online?: boolean;
}

export interface EngineRequest {
  start: number;
  end: number;
  serviceIds: readonly number[];
}

export interface Move {
  appointmentId: number;
  fromCounterId: number;
  toCounterId: number;
}

export interface Placement {
  counterId: number;
  moves: Move[];
}

export interface EngineOptions {
  /** Share (0..1) of every `both` window kept free for walk-ins. */
  walkInShare: number;
  /** Moves allowed at all (false = naive first-fit, used as the benchmark baseline). */
  allowMoves?: boolean;
  /** Longest chain of displaced appointments. */
  maxDepth?: number;
  /** Search effort cap per booking; the search gives up (answers "no") beyond it. */
  maxNodes?: number;
  /**
   * Effort cap per probe (availability lists many candidate times). Lower than `maxNodes`, so a
   * listed time may be one that a booking could have squeezed in, never one it cannot.
   */
  probeMaxNodes?: number;
  /** Counter choice: `least-flexible` (default) or `first` (lowest id, the naive baseline). */
  choice?: 'least-flexible' | 'first';
  /**
   * Skip the searches that cannot succeed (default true): a time whose counters are all taken by appointments
   * that can go nowhere else (Hall's condition), and a swap with an appointment of the same time that can go
   * nowhere the request cannot. False only to compare against, in tests and benches.
   */
  prune?: boolean;
}

interface Item {
  id: number;
  start: number;
  end: number;
  serviceIds: readonly number[];
  movable: boolean;
  /** The counters that may hold it (every skill, roster coverage) in rank order; fixed for the allocator's life. */
  eligible?: CounterState[];
  /** The same as flags by counter rank. */
  eligibleMask?: Uint8Array;
}

interface CounterState {
  counter: EngineCounter;
  coverage: Interval[];
  both: CounterWindow[];
  budgets: number[];
  /** Per `both` window, the time its items take of it (kept up to date by every assign and unassign). */
  used: number[];
  /** By start: what overlaps an interval is found by binary search, not by a scan of the counter's day. */
  items: Item[];
  /** The longest item ever on this counter: no earlier start than `t - longest` can reach the instant t. */
  longest: number;
  rank: number;
}

const NEW = -1;

export class DayAllocator {
  private readonly counters: CounterState[];
  private readonly byId = new Map<number, CounterState>();
  private readonly where = new Map<number, number>();
  private readonly items = new Map<number, Item>();
  private readonly journal: { item: Item; from: number | null; to: number | null }[] = [];
  private readonly options: Required<EngineOptions>;
  private nodes = 0;
  private limit = 0;
  /**
   * Items that could not be re-placed in this search, with the depth they had: not tried again with
   * as little or less depth left (as in Kuhn's augmenting paths; it makes failures cheap).
   */
  private failed = new Map<number, number>();
  private nextId = -2;

  constructor(counters: readonly EngineCounter[], appointments: readonly EngineAppointment[], options: EngineOptions) {
    this.options = {
      allowMoves: true,
      maxDepth: 4,
      maxNodes: 4000,
      probeMaxNodes: 300,
      choice: 'least-flexible',
      prune: true,
      ...options,
    };
    const share = Math.min(1, Math.max(0, this.options.walkInShare));
    this.counters = counters.map((counter) => {
      const both = counter.windows.filter((w) => w.mode === 'both');
      return {
        counter,
        coverage: mergeIntervals(counter.windows),
        both,
        budgets: both.map((w) => Math.floor((w.end - w.start) * (1 - share))),
        used: both.map(() => 0),
        items: [],
        longest: 0,
        rank: 0,
      };
    });
    const rosteredMs = (s: CounterState) => s.coverage.reduce((sum, i) => sum + i.end - i.start, 0);
    // Least flexible first: fewest skills, then least rostered time, so flexible counters stay free.
    const order =
      this.options.choice === 'first'
        ? [...this.counters].sort((a, b) => a.counter.id - b.counter.id)
        : [...this.counters].sort(
            (a, b) =>
              a.counter.skills.size - b.counter.skills.size ||
              rosteredMs(a) - rosteredMs(b) ||
              a.counter.id - b.counter.id,
          );
    order.forEach((s, rank) => {
      s.rank = rank;
    });
    this.counters.sort((a, b) => a.rank - b.rank);
    for (const s of this.counters) this.byId.set(s.counter.id, s);
    for (const a of appointments) {
      const state = this.byId.get(a.counterId);
      const item: Item = { id: a.id, start: a.start, end: a.end, serviceIds: a.serviceIds, movable: a.movable };
      this.items.set(a.id, item);
      // An appointment on a counter that is no longer rostered stays where it is and blocks nothing new.
      if (state) {
        state.items.push(item);
        this.where.set(a.id, a.counterId);
      }
    }
    for (const s of this.counters) {
      s.items.sort((a, b) => a.start - b.start);
      for (const o of s.items) this.account(s, o, 1);
    }
  }

  /** Where `request` would go (and which appointments move), or null; changes nothing. */
  probe(request: EngineRequest): Placement | null {
    return this.run(request, false);
  }

  /** Places the request for good (tentative state of this allocator); returns its placement. */
  commit(request: EngineRequest, id?: number): Placement | null {
    return this.run(request, true, id);
  }

  /** Removes an appointment (cancelled, or about to be rescheduled). */
  remove(appointmentId: number): void {
    const at = this.where.get(appointmentId);
    const item = this.items.get(appointmentId);
    if (at === undefined || !item) return;
    const s = this.byId.get(at);
    if (s) this.detach(s, item);
    this.where.delete(appointmentId);
    this.items.delete(appointmentId);
  }

  /** Current counter of every placed appointment. */
  assignment(): Map<number, number> {
    return new Map(this.where);
  }

  private run(request: EngineRequest, keep: boolean, id?: number): Placement | null {
    if (request.end <= request.start) return null;
    const itemId = keep ? (id ?? this.nextId--) : NEW;
    const item: Item = { id: itemId, ...request, movable: true };
    this.nodes = 0;
    this.limit = keep ? this.options.maxNodes : this.options.probeMaxNodes;
    this.failed = new Map();
    const mark = this.journal.length;
    const depth = this.options.allowMoves ? this.options.maxDepth : 0;
    if (!this.place(item, depth, new Set([itemId]))) {
      this.undo(mark);
      return null;
    }
    const counterId = this.where.get(itemId);
    if (counterId === undefined) throw new Error('allocation: placed item has no counter');
    // The counter each touched appointment had before this run is the `from` of its first step.
    const before = new Map<Item, number | null>();
    for (let k = mark; k < this.journal.length; k++) {
      const step = this.journal[k] as { item: Item; from: number | null };
      if (!before.has(step.item)) before.set(step.item, step.from);
    }
    const moves: Move[] = [];
    for (const [moved, from] of before) {
      const to = this.where.get(moved.id);
      if (moved.id !== itemId && from !== null && to !== undefined && from !== to)
        moves.push({ appointmentId: moved.id, fromCounterId: from, toCounterId: to });
    }
    if (keep) {
      this.items.set(itemId, item);
      this.journal.length = mark;
    } else {
      this.undo(mark);
    }
    return { counterId, moves };
  }

  /** The counters that may hold `item` (skills, roster), rank order; computed once per item. */
  private eligibleOf(item: Item): CounterState[] {
    if (item.eligible) return item.eligible;
    const list: CounterState[] = [];
    const mask = new Uint8Array(this.counters.length);
    for (const s of this.counters) {
      if (!item.serviceIds.every((code) => s.counter.skills.has(code))) continue;
      if (!s.coverage.some((c) => c.start <= item.start && item.end <= c.end)) continue;
      list.push(s);
      mask[s.rank] = 1;
    }
    item.eligible = list;
    item.eligibleMask = mask;
    return list;
  }

  /** Every counter that may hold `a` may hold `b` too (`b` can go wherever `a` can). */
  private coveredBy(a: Item, b: Item): boolean {
    // Usual case first: `a` spans `b` and needs every skill `b` needs, so a counter for `a` is one for `b`.
    if (a.start <= b.start && b.end <= a.end && b.serviceIds.every((code) => a.serviceIds.includes(code))) return true;
    this.eligibleOf(b);
    const mask = b.eligibleMask as Uint8Array;
    for (const s of this.eligibleOf(a)) if (mask[s.rank] === 0) return false;
    return true;
  }

  /** Index of the first item of `s` starting after `t` (binary search). */
  private firstAfter(s: CounterState, t: number): number {
    let lo = 0;
    let hi = s.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((s.items[mid] as Item).start <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the first item of `s` starting at or after `t`. */
  private firstFrom(s: CounterState, t: number): number {
    let lo = 0;
    let hi = s.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((s.items[mid] as Item).start < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private conflicts(s: CounterState, item: Item): Item[] {
    const out: Item[] = [];
    const end = this.firstFrom(s, item.end);
    for (let k = this.firstAfter(s, item.start - s.longest); k < end; k++) {
      const o = s.items[k] as Item;
      if (o.end > item.start) out.push(o);
    }
    return out;
  }

  private free(s: CounterState, item: Item): boolean {
    const end = this.firstFrom(s, item.end);
    for (let k = this.firstAfter(s, item.start - s.longest); k < end; k++)
      if ((s.items[k] as Item).end > item.start) return false;
    return true;
  }

  /** Walk-in share on `both` windows, with `without` (items of `s`) removed first. */
  private budgetOk(s: CounterState, item: Item, without: readonly Item[] = []): boolean {
    for (let k = 0; k < s.both.length; k++) {
      const w = s.both[k] as CounterWindow;
      const add = overlap(item, w);
      if (add === 0) continue;
      let used = (s.used[k] as number) + add;
      for (const o of without) used -= overlap(o, w);
      if (used > (s.budgets[k] as number)) return false;
    }
    return true;
  }

  /** Adds (sign 1) or takes away (-1) an item's time from the counter's `both` windows. */
  private account(s: CounterState, item: Item, sign: 1 | -1): void {
    if (sign === 1 && item.end - item.start > s.longest) s.longest = item.end - item.start;
    for (let k = 0; k < s.both.length; k++) {
      const add = overlap(item, s.both[k] as CounterWindow);
      if (add > 0) s.used[k] = (s.used[k] as number) + sign * add;
    }
  }

  private attach(s: CounterState, item: Item): void {
    s.items.splice(this.firstAfter(s, item.start), 0, item);
    this.account(s, item, 1);
  }

  private detach(s: CounterState, item: Item): void {
    // Items of one start lie together; the one that is this item is among them.
    for (let k = this.firstFrom(s, item.start); k < s.items.length; k++) {
      if (s.items[k] === item) {
        s.items.splice(k, 1);
        this.account(s, item, -1);
        return;
      }
      if ((s.items[k] as Item).start > item.start) break;
    }
  }

  private assign(item: Item, s: CounterState): void {
    this.attach(s, item);
    this.journal.push({ item, from: this.where.get(item.id) ?? null, to: s.counter.id });
    this.where.set(item.id, s.counter.id);
  }

  private unassign(item: Item, s: CounterState): void {
    this.detach(s, item);
    this.journal.push({ item, from: s.counter.id, to: null });
    this.where.delete(item.id);
  }

  private undo(mark: number): void {
    while (this.journal.length > mark) {
      const step = this.journal.pop();
      if (!step) break;
      const { item } = step;
      if (step.to !== null) {
        const s = this.byId.get(step.to);
        if (s) this.detach(s, item);
      }
      const from = step.from === null ? undefined : this.byId.get(step.from);
      if (from) {
        this.attach(from, item);
        this.where.set(item.id, from.counter.id);
      } else {
        this.where.delete(item.id);
      }
    }
  }

  /**
   * True when no placement can exist, by Hall's condition at one instant t of the request: the request and
   * the appointments at t that can only be on the request's own counters need more of them than there are.
   * Sound (it only refuses what no chain of moves could make room for), and it lets a full time answer "no"
   * without a search that could only fail.
   */
  private crowded(item: Item, candidates: readonly CounterState[]): boolean {
    const instants = [item.start];
    for (const s of candidates)
      for (const o of this.conflicts(s, item)) if (o.start > item.start) instants.push(o.start);
    for (const t of instants) {
      // Counters of the request's that hold, at t, an appointment that cannot leave them.
      let taken = 0;
      for (const s of candidates) {
        const end = this.firstAfter(s, t);
        for (let k = this.firstAfter(s, t - s.longest); k < end; k++) {
          const o = s.items[k] as Item;
          if (o.end <= t) continue;
          if (!o.movable || this.coveredBy(o, item)) {
            taken++;
            break;
          }
        }
      }
      if (taken + 1 > candidates.length) return true;
    }
    return false;
  }

  private place(item: Item, depth: number, locked: Set<number>): boolean {
    if (++this.nodes > this.limit) return false;
    const candidates = this.eligibleOf(item);
    for (const s of candidates) {
      if (this.free(s, item) && this.budgetOk(s, item)) {
        this.assign(item, s);
        return true;
      }
    }
    if (depth === 0) return false;
    const prune = this.options.prune;
    if (prune && locked.size === 1 && this.crowded(item, candidates)) return false;
    for (const s of candidates) {
      const displaced = this.conflicts(s, item);
      if (displaced.some((o) => !o.movable || locked.has(o.id) || (this.failed.get(o.id) ?? -1) >= depth - 1)) continue;
      // Swapping with one appointment of the same time that can go nowhere the item cannot is the same problem
      // again with less depth: any chain it could find starts with another counter of this loop.
      const only = displaced.length === 1 ? (displaced[0] as Item) : null;
      if (prune && only && only.start === item.start && only.end === item.end && this.coveredBy(only, item)) continue;
      if (!this.budgetOk(s, item, displaced)) continue;
      const mark = this.journal.length;
      for (const o of displaced) this.unassign(o, s);
      this.assign(item, s);
      const nextLocked = new Set(locked);
      for (const o of displaced) nextLocked.add(o.id);
      let ok = true;
      for (const o of displaced) {
        if (!this.place(o, depth - 1, nextLocked)) {
          this.failed.set(o.id, Math.max(this.failed.get(o.id) ?? -1, depth - 1));
          ok = false;
          break;
        }
      }
      if (ok) return true;
      this.undo(mark);
      if (this.nodes > this.limit) return false;
    }
    return false;
  }
}

function overlap(a: Interval, b: Interval): number {
  return Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start));
}

/**
 * Every way an assignment breaks invariant 1 (ARCHITECTURE.md#invariants): overlap on a counter, missing skill, outside the counter's
 * rostered appointment windows, walk-in share used up. Empty when the assignment is valid.
 */
export function findViolations(
  counters: readonly EngineCounter[],
  appointments: readonly EngineAppointment[],
  walkInShare: number,
): string[] {
  const out: string[] = [];
  const byId = new Map(counters.map((c) => [c.id, c]));
  const onCounter = new Map<number, EngineAppointment[]>();
  for (const a of appointments) {
    const c = byId.get(a.counterId);
    if (!c) {
      out.push(`appointment ${a.id} on unknown or unrostered counter ${a.counterId}`);
      continue;
    }
    if (a.serviceIds.some((s) => !c.skills.has(s))) out.push(`appointment ${a.id} lacks a skill on ${c.id}`);
    if (!mergeIntervals(c.windows).some((w) => w.start <= a.start && a.end <= w.end))
      out.push(`appointment ${a.id} outside the roster of counter ${c.id}`);
    const list = onCounter.get(c.id) ?? [];
    list.push(a);
    onCounter.set(c.id, list);
  }
  for (const [counterId, list] of onCounter) {
    const sorted = [...list].sort((a, b) => a.start - b.start);
    for (let k = 1; k < sorted.length; k++) {
      const prev = sorted[k - 1] as EngineAppointment;
      const cur = sorted[k] as EngineAppointment;
      if (cur.start < prev.end) out.push(`appointments ${prev.id} and ${cur.id} overlap on counter ${counterId}`);
    }
    const c = byId.get(counterId) as EngineCounter;
    for (const w of c.windows) {
      if (w.mode !== 'both') continue;
      const used = list.reduce((sum, a) => sum + overlap(a, w), 0);
      if (used > Math.floor((w.end - w.start) * (1 - walkInShare)))
        out.push(`counter ${counterId} uses the walk-in share of a both window`);
    }
  }
  return out;
}

/** A counter's merged roster windows (engine counters are read-only and memoised per day plan). */
const coverageOf = new WeakMap<EngineCounter, Interval[]>();

/**
 * The first of `starts` at which a request of `durationMs` for `serviceIds` fits on some counter as the day
 * stands (its stored appointments, as the repository gives them), without moving anyone: the placement `DayAllocator.probe` tries before any move (same skills,
 * roster coverage, overlap and walk-in share rules). -1 when none does — then only moves could make room.
 * One pass over the day's appointments plus a binary search per counter and start, instead of an allocator
 * per day: what the list of available days needs for all but the fullest days.
 */
export function firstDirectFit(
  counters: readonly EngineCounter[],
  appointments: readonly { counterId: number; startsAt: number; endsAt: number }[],
  request: { serviceIds: readonly number[]; durationMs: number; starts: readonly number[] },
  walkInShare: number,
): number {
  const share = Math.min(1, Math.max(0, walkInShare));
  const skilled = counters.filter((c) => request.serviceIds.every((s) => c.skills.has(s)));
  if (skilled.length === 0 || request.durationMs <= 0) return -1;
  const states = skilled.map((counter) => {
    const both = counter.windows.filter((w) => w.mode === 'both');
    let coverage = coverageOf.get(counter);
    if (!coverage) {
      coverage = mergeIntervals(counter.windows);
      coverageOf.set(counter, coverage);
    }
    return {
      id: counter.id,
      coverage,
      both,
      budgets: both.map((w) => Math.floor((w.end - w.start) * (1 - share))),
      used: both.map(() => 0),
      items: [] as { startsAt: number; endsAt: number }[],
      maxEnd: [] as number[],
    };
  });
  const byId = new Map(states.map((s) => [s.id, s]));
  for (const a of appointments) byId.get(a.counterId)?.items.push(a);
  for (const s of states) {
    s.items.sort((a, b) => a.startsAt - b.startsAt);
    let max = Number.NEGATIVE_INFINITY;
    for (const o of s.items) {
      max = Math.max(max, o.endsAt);
      s.maxEnd.push(max);
      for (let k = 0; k < s.both.length; k++)
        s.used[k] = (s.used[k] as number) + overlap({ start: o.startsAt, end: o.endsAt }, s.both[k] as CounterWindow);
    }
  }
  for (let i = 0; i < request.starts.length; i++) {
    const start = request.starts[i] as number;
    const item = { start, end: start + request.durationMs };
    for (const s of states) {
      if (!s.coverage.some((c) => c.start <= item.start && item.end <= c.end)) continue;
      // Items starting before the request ends; one of them overlaps it iff the latest end among them is after its start.
      let lo = 0;
      let hi = s.items.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((s.items[mid] as { startsAt: number }).startsAt < item.end) lo = mid + 1;
        else hi = mid;
      }
      if (lo > 0 && (s.maxEnd[lo - 1] as number) > item.start) continue;
      let fits = true;
      for (let k = 0; k < s.both.length && fits; k++) {
        const add = overlap(item, s.both[k] as CounterWindow);
        if (add > 0 && (s.used[k] as number) + add > (s.budgets[k] as number)) fits = false;
      }
      if (fits) return i;
    }
  }
  return -1;
}
