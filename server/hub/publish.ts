import { randomUUID } from 'node:crypto';
import type { EstimateGate } from '../cluster/estimate-gate.ts';
import type { ClusterFact, ClusterLog } from '../cluster/log-store.ts';
import { publicFactKinds } from '../cluster/log-store.ts';
import type { BatchedFact, HubSnapshot } from '../contracts/hub.ts';
import type { CallDto, CounterDto, ServiceWaitDto, TicketDto } from '../contracts/queue.ts';
import type { Deps } from '../deps.ts';
import { type Estimates, estimateWaits } from '../queue/estimate-waits.ts';
import type { ChangedTicket, QueueChange } from '../queue/queue-change.ts';
import { counterNamesOf, toCounterDto, toTicketDto } from '../queue/queue-dto.ts';
import type { ActiveTicket, CounterInfo, QueueState } from '../queue/queue-model.ts';
import { serviceDateOf } from '../queue/queue-model.ts';
import { snapshotOf } from '../queue/queue-read.ts';
import { learnedTimesFor, loadQueueState } from '../queue/queue-state.ts';
import { actorOf, type CommandActor } from './actor.ts';
import { liveQueues } from './live-queue.ts';
import { batchedStaffRoom, followedTicketOf, locationRoom, publicRooms, staffRooms, ticketRoom } from './rooms.ts';
import type { FollowsMessage, HubServer, PeerFact } from './types.ts';

/** A command's follow-ups (call, then start) arrive within this window: one estimate run for both… */
const ESTIMATE_DEBOUNCE_MS = 50;
/**
 * A round that only started the visit of a ticket called before (no call-and-start) waits this long for the office's
 * next change, whose run (or call) includes it: see `startOnly`.
 */
const START_COALESCE_MS = 2_000;
/**
 * Waits are computed at queue changes; when none comes for a while (a long visit) they grow stale. An office whose
 * waits (this node's, or the cluster's run another node claimed) are older than this on the office's clock is
 * estimated again, while they can change with time (`ages`)…
 */
const WAITS_MAX_AGE_MS = 30_000;
/** …looked for this often. */
const WAITS_REFRESH_EVERY_MS = 5_000;
/** …for one location at most this often… */
const MIN_ESTIMATE_INTERVAL_MS = 250;
/** …and never take more than about this share of the process (a long line makes the predictor slow). */
const MAX_ESTIMATE_SHARE = 0.25;
/** A reconnect storm asks for thousands of snapshots of a few offices: compute each once per change. */
const SNAPSHOT_MAX_AGE_MS = 1000;
type SeqSnapshot = HubSnapshot & { seq: number };
/** How often a node reads the cluster log when nothing happened in this process. */
const POLL_MS = 75;
/** Facts read per round at most; a full round is followed by the next at once. */
const BATCH = 500;
/** Facts are kept this long (a ticket lives one service day; its later facts need its first one). */
const KEEP_MS = 26 * 60 * 60_000;
const PRUNE_EVERY_MS = 10 * 60_000;
/** The live view of an office's queue is read again at least this often (rows changed without a fact). */
const LIVE_VIEW_MAX_AGE_MS = 5_000;
/**
 * With peers: a fact of another node's change waits at most this long (from when this node first read it) for
 * what that node built for it (`hub:facts`) before it is read from the database instead.
 */
const PEER_WAIT_MS = 150;
/** What peers sent is kept this long for the log to bring its facts (a node far behind reads them instead). */
const PEER_KEEP_MS = 30_000;
/**
 * With peers: a node that sent another node's facts before their message came (it read them itself) leaves the
 * estimates to that node, unless no message for them has come after this long (that node died, or lost Redis).
 */
const LATE_PEER_CHECK_MS = 1_000;
const PEER_KEEP_MAX = 20_000;
/**
 * With peers: a round reads the facts of at most this many offices whose peer's message did not come within
 * `peerWaitMs` (their other offices' facts wait for the next round, or for their message).
 */
const READ_OFFICES_PER_ROUND = 16;
/** A round publishes this many offices at once (their reads share the pool with the clerks' transactions). */
const APPLY_OFFICES_AT_ONCE = 8;
/**
 * With peers: facts handed to publishing and not yet sent, at most; beyond it the tail reads no further until the
 * offices have caught up (the log keeps the rest).
 */
const MAX_HANDED_FACTS = 2_000;
/**
 * With peers, every node sends the others the tickets its sockets follow in full this often (changes go at once,
 * and a node that starts asks for them)…
 */
const FOLLOWS_FULL_MS = 10_000;
/**
 * …a node not heard of for three periods is gone, and its follows with it; and a node that started less than a
 * period (+ 2 s) ago may not know them all: its runs for the cluster send every waiting ticket, as before.
 */
const followsTimes = (fullMs: number) => ({ expireMs: 3 * fullMs, learnMs: fullMs + Math.min(2_000, fullMs) });
/** A node's last run for the cluster, per office, is kept this long for a follow that began before it. */
const LAST_RUN_KEEP_MS = 30_000;

export interface PublisherOptions {
  log: ClusterLog;
  estimates: EstimateGate;
  pollMs?: number;
  /** How long the live view of an office's queue serves before it is read again (default 5 s). */
  liveViewMaxAgeMs?: number;
  /**
   * Several nodes share an adapter that carries server-side events (Redis): the node whose use-case made a change
   * sends its facts' tickets and counters to the others (`hub:facts`), which send those instead of reading them.
   */
  peers?: boolean;
  /** How long a peer's fact waits for what that peer built for it before it is read (default 150 ms). */
  peerWaitMs?: number;
  /** The share of the process the predictor may take per office (default 0.25; runs are spaced to keep it). */
  estimateShare?: number;
  /** With peers: how often a node sends its followed tickets in full (default 10 s; tests shorten it). */
  followsFullMs?: number;
  /** Waits older than this (office clock, ms) are estimated again with no change (default 30 s). */
  waitsMaxAgeMs?: number;
  /** How often (ms) the node looks for offices whose waits are older than `waitsMaxAgeMs` (default 5 s). */
  waitsRefreshMs?: number;
  /** How long a start-only round's run waits for the office's next change (default 2 s; see `startOnly`). */
  startCoalesceMs?: number;
  /**
   * A revocation read from the cluster log (any node's, this one's too), before this node's sockets of it are cut off:
   * the hub forgets what it keeps of the token (without Redis no `hub:revoked` comes, and a node with no socket of
   * the device would let its cached token in until its re-check).
   */
  onRevoked?: (kind: 'staff' | 'device' | 'api-key', id: number) => void;
}

/**
 * Turns the cluster log into socket facts (ARCHITECTURE.md#scale-out). Every node tails the log by id — every
 * `pollMs`, and at once when a use-case of this process publishes a fact (the fast path) — and emits each fact to
 * its own sockets (`io.local`) with the location's `seq`, so every socket gets every fact exactly once,
 * whichever node made the change:
 * 1. facts (`ticket:issued`, `ticket:updated` to the staff; `ticket:called`, `counter:updated`,
 *    `display:ticker-changed` to everyone; a `queue:snapshot` after a set-up change), in log order. A fact of
 *    this process whose use-case carried its ticket or counter (`queue:changed`, server/queue/queue-change.ts:
 *    every queue use-case does) is sent as carried, with no read. With peers (Redis) that node also sends the
 *    other nodes what it built for each such fact (`hub:facts`, keyed by seq), and they send it in turn: a fact
 *    waits up to 150 ms for it, so no node but the one that made a change reads anything for it. The tickets of
 *    the other facts of a round (no peer sent them: no Redis, or a change without a carried ticket) are read once;
 * 2. the live estimates (`wait:estimates`, and each followed ticket's position and expected wait on the
 *    residents' phones) follow every change within 50 ms, coalesced per location to at most one run per 250 ms
 *    — and spaced further when the predictor itself is slow. They run on the node's live view of the office's
 *    queue (live-queue.ts), which the carried changes keep current, so they read nothing while only this node
 *    changes the office. With Redis one node per change computes them (estimate-gate.ts) and broadcasts through
 *    the adapter: the node that made the change (it has the live view); a node that got the change from a peer
 *    leaves them to that node and computes nothing. It sends the other nodes the updates of the tickets their
 *    sockets follow only (`hub:followers`), which each node tells the others (`hub:follows`). A call's estimates are
 *    computed at once by the node that made it, when its live view followed it, and sent with the `ticket:called`
 *    (one message per screen and call instead of two) — with Redis in `hub:facts` too, so every node sends them.
 *
 * Order: staff see every fact of their location, so `prev` is `seq - 1`; kiosks and displays see only the
 * public ones, so theirs carry the previous public fact's seq. A client whose last seq is below `prev`
 * missed something and asks for a snapshot (shared-web/use-location-feed.ts).
 */
export interface Publisher {
  /**
   * A snapshot of the location with its seq, shared by every socket (re)connecting before the queue changes again.
   * With `sent` (the seq of the snapshot a socket was already sent): `'current'` when that one is still at or after
   * the seq a new one would need — nothing is built.
   */
  snapshot(locationId: string, sent?: number): Promise<HubSnapshot | 'current' | null>;
  /** Reads the log now (tests; the hub's own facts do it by themselves). */
  drain(): Promise<void>;
  /** Reads the log now and waits for the estimates runs it scheduled to end (tests). */
  settled(): Promise<void>;
  /** A node's followed tickets get the estimates another node computed (at the office's `seq`). */
  applyFollowerUpdates(seq: number, tickets: TicketDto[]): void;
  /** Another node's followed tickets (`hub:follows`). */
  applyFollows(message: FollowsMessage): void;
  /**
   * A socket starts following a ticket: call before reading the ticket for its answer, and the function it returns
   * with the ticket's office after the read (the runs for the cluster since, which may have left it out, send it).
   */
  beginFollow(): (publicId: string, locationId: string) => void;
  /** What the node that made a change sent for its facts (`hub:facts`): sent for them here too, without a read. */
  applyPeerFacts(locationId: string, facts: PeerFact[]): void;
  /** Stops polling; resolves when a round under way has finished (the log may then be closed). */
  stop(): Promise<void>;
}

/**
 * How a round of an office went: `from-peers` (a peer sent every fact: it does the estimates), `with-estimates` (the
 * round's call carried them), `late` (every fact a peer's change whose message had not come: see `checkLate`), `sent`.
 */
type Outcome = 'from-peers' | 'with-estimates' | 'late' | 'sent' | 'started';

/**
 * What a scheduled estimates run is for: a `change`; a round that only started a visit (`started`: coalesced with the
 * next change, see `startOnly`); or a `refresh` of waits grown old with no change.
 */
type RunKind = 'change' | 'started' | 'refresh';

export function startPublisher(io: HubServer, deps: Deps, options: PublisherOptions): Publisher {
  const { log, estimates: gate } = options;
  /** Per location: the last snapshot built, the build under way, and the newest seq this node has begun to send. */
  const snapshots = new Map<string, { at: number; snapshot: SeqSnapshot }>();
  const building = new Map<string, Promise<SeqSnapshot | null>>();
  const announced = new Map<string, number>();
  const seqReads = new Map<string, { started?: Promise<number>; queued?: Promise<number> }>();
  const estimateTimers = new Map<string, NodeJS.Timeout>();
  /** What each scheduled run is for (a `change` replaces a coalesced `started` one). */
  const estimateKinds = new Map<string, RunKind>();
  /**
   * Per location: the office-clock time (ms) of the newest waits known here — computed here, or claimed by another
   * node (the gate said skip) or carried by a peer's call — and whether they can change with time alone (`agesOf`).
   */
  const waitsAt = new Map<string, { at: number; ages: boolean }>();
  const waitsMaxAgeMs = options.waitsMaxAgeMs ?? WAITS_MAX_AGE_MS;
  const startCoalesceMs = options.startCoalesceMs ?? START_COALESCE_MS;
  /** Per location: the waits this node last sent with a refresh or a run (a refresh that finds them again sends none). */
  const lastSentWaits = new Map<string, string>();
  const estimateRuns = new Set<Promise<void>>();
  const lastEstimate = new Map<string, { at: number; tookMs: number }>();
  /** Per location: the newest seq this node processed, and the newest public one. */
  const latestSeq = new Map<string, number>();
  /**
   * With peers, per location: the newest seq handed to its publishing (`apply`; at or after `latestSeq`), the chain
   * of its rounds under way (each office's in order, the offices independent of each other and of the tail), and the
   * facts handed over and not yet published (their carried changes are kept for them: `forget`).
   */
  const handedSeq = new Map<string, number>();
  const chains = new Map<string, Promise<void>>();
  const handedLists = new Set<ClusterFact[]>();
  let handedFacts = 0;
  /** Rounds of offices whose facts this node reads (a peer's message late, a set-up change) under way, and those waiting. */
  let readingOffices = 0;
  const readingWaiters: (() => void)[] = [];
  const lastPublic = new Map<string, number>();
  let cursor: number | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let wakeScheduled = false;
  /**
   * Whether the next round reads the log: a poll, a use-case of this process or a caller (drain) asks; a peer's
   * message alone does not when its facts could be sent ahead of the log (`sendAhead`).
   */
  let readWanted = true;
  /** Offices with peer messages not yet looked at by `sendAhead`, with the newest seq those messages brought. */
  const aheadOffices = new Map<string, number>();
  let stopped = false;
  let lastPrune = Date.now();
  let lastTailError = 0;
  /**
   * Tickets and counters this process's use-cases carried (`queue:changed`), by id, until the log brings the facts
   * they belong to. `left`: facts of the change not yet matched. `round`: the log round under way when the
   * use-case published (see `carriedFor`, `forget`).
   */
  const carried = new Map<
    number,
    { changed: ChangedTicket; left: number; round: number; actor: CommandActor | undefined }
  >();
  const carriedCounters = new Map<number, { counter: CounterInfo; round: number; actor: CommandActor | undefined }>();
  const live = liveQueues(options.liveViewMaxAgeMs ?? LIVE_VIEW_MAX_AGE_MS);
  const peerWaitMs = options.peerWaitMs ?? PEER_WAIT_MS;
  const estimateShare = options.estimateShare ?? MAX_ESTIMATE_SHARE;
  let round = 0;
  /** What peers sent for their facts, by `location:seq`, in arrival order; and when a fact awaiting one was first read. */
  const fromPeers = new Map<string, { fact: PeerFact; at: number }>();
  const firstSeen = new Map<number, number>();
  /**
   * With peers: the facts read from the log and not published yet, per office in seq order (a peer's message is on
   * its way, see `release`), and the revocations read after one of them.
   */
  const queued = new Map<string, ClusterFact[]>();
  const revocations: ClusterFact[] = [];
  /**
   * Per location: the waits this node last sent its own sockets inline with a call (`ticket:called`'s `estimates`),
   * until the next `wait:estimates` or snapshot — a run that finds the same waits does not send them again.
   */
  const sentWithCall = new Map<string, string>();
  /** Per location: the seq of the newest call this node sent its sockets with the waits after it. */
  const waitsWithCallSeq = new Map<string, number>();
  /** Per location: a check under way whether the maker of facts this node read itself is still there (see apply). */
  const lateChecks = new Map<string, NodeJS.Timeout>();
  /**
   * Public ids of the tickets a resident follows on this node (a `ticket:` room exists while a socket is in it),
   * kept from the adapter's room events: the estimates after a change look a waiting ticket up here instead of
   * building its room's name, and skip the line when nobody here follows a ticket (the usual case for most offices).
   */
  const followedHere = new Set<string>();
  /**
   * With peers: the tickets the other nodes' sockets follow, per node (`hub:follows`: each node sends its changes at
   * once and its full list every 10 s and when asked; a node not heard of for 30 s is dropped). The node computing an
   * office's estimates for the cluster builds and sends follower updates for these tickets only, not for every
   * waiting one (for a 200-ticket line ~90 KB of JSON per run, to every node, when nobody follows).
   */
  const node = randomUUID();
  const startedAt = Date.now();
  const followsFullMs = options.followsFullMs ?? FOLLOWS_FULL_MS;
  const { expireMs: followsExpireMs, learnMs: followsLearnMs } = followsTimes(followsFullMs);
  const followedElsewhere = new Map<string, { ids: Set<string>; at: number }>();
  const follows = {
    added: new Set<string>(),
    removed: new Set<string>(),
    caughtUp: [] as NonNullable<FollowsMessage['caughtUp']>,
    full: false,
    ask: false,
    scheduled: false,
  };
  /** Per followed ticket here: the office's seq of the newest update its followers got (older ones are dropped). */
  const followerSeq = new Map<string, number>();
  /**
   * Per office, this node's last run for the cluster: a follow that began before it (its answer read before the
   * run's seq) and that the run left out gets the ticket from it (`caughtUp`).
   */
  const lastRuns = new Map<
    string,
    { seq: number; at: number; state: QueueState; estimates: Estimates; sent: ReadonlySet<number> }
  >();
  const adapter = io.of('/').adapter;
  const roomCreated = (room: string) => {
    const publicId = followedTicketOf(room);
    if (publicId === null) return;
    followedHere.add(publicId);
    if (!options.peers) return;
    follows.removed.delete(publicId);
    follows.added.add(publicId);
    scheduleFollows();
  };
  const roomDeleted = (room: string) => {
    const publicId = followedTicketOf(room);
    if (publicId === null) return;
    followedHere.delete(publicId);
    followerSeq.delete(publicId);
    if (!options.peers) return;
    follows.added.delete(publicId);
    follows.removed.add(publicId);
    scheduleFollows();
  };
  for (const room of adapter.rooms.keys()) roomCreated(room);
  adapter.on('create-room', roomCreated);
  adapter.on('delete-room', roomDeleted);

  /** The queue as committed (storage.read: never a write transaction's rows that may still roll back). */
  const reads = () => deps.storage.read;
  const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

  /** Reads the log until it is drained; a wake-up during a round makes another round. */
  function tail(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      // The round may not wait for anything (no read): `running` must be set before its end clears it.
      await Promise.resolve();
      try {
        if (cursor === null) cursor = await log.lastId();
        do {
          again = false;
          const started = ++round;
          // Another node's facts whose message came, next in their office's seq: sent without reading the log.
          const stuck = sendAhead();
          // The log is read from where the last read ended, never again: a peer's fact whose payload is on its way
          // waits in memory with its office's later facts (`queued`, released by `release`), so a node behind does
          // not read the same rows round after round (issue #9).
          // A node whose publishing is far behind reads no further until it has caught up (the log keeps the rest).
          const behind = options.peers === true && handedFacts >= MAX_HANDED_FACTS;
          if ((readWanted || stuck) && !behind) {
            readWanted = false;
            const facts = await log.after(cursor, BATCH);
            cursor = facts.at(-1)?.id ?? cursor;
            if (facts.length === BATCH) again = true;
            if (!options.peers) {
              if (facts.length > 0) await apply(facts);
              if (facts.length < BATCH) forget(started);
              continue;
            }
            enqueue(facts);
            const ready = release();
            if (ready.length > 0) void apply(ready);
            if (facts.length < BATCH) forget(started);
          } else if (queued.size > 0 || revocations.length > 0) {
            const ready = release();
            if (ready.length > 0) void apply(ready);
          }
        } while (again && !stopped);
        if (Date.now() - lastPrune > PRUNE_EVERY_MS) {
          lastPrune = Date.now();
          await log.prune(new Date(deps.clock.now().getTime() - KEEP_MS));
        }
      } catch (err) {
        // Once a minute at most: the poll retries every 75 ms while the database is away.
        if (Date.now() - lastTailError > 60_000) {
          lastTailError = Date.now();
          deps.log.error('hub tail failed', { error: errorText(err) });
        }
      } finally {
        running = null;
      }
    })();
    return running;
  }

  const wake = () => {
    readWanted = true;
    wakeForPeers();
  };
  const wakeForPeers = () => {
    if (wakeScheduled || stopped) return;
    wakeScheduled = true;
    setImmediate(() => {
      wakeScheduled = false;
      void tail();
    });
  };

  /**
   * A use-case of this process committed and published its change: keep its tickets and counters for the log's
   * facts of that change. The publisher subscribes to its own process's changes only, so another node's change
   * is always read.
   */
  function carry(change: QueueChange): void {
    // A socket's command published it (hub.ts gives each command events that mark its changes, actor.ts): a socket
    // taking batched facts learns this change from its ack, which waits for the publisher's report.
    const actor = actorOf(change);
    if (actor?.batched) actor.pending = true;
    for (const changed of change.tickets)
      carried.set(changed.ticket.row.id, { changed, left: changed.facts, round, actor });
    for (const counter of change.counters) carriedCounters.set(counter.id, { counter, round, actor });
  }

  /**
   * The carried ticket for a fact from the log, if this process's use-case made exactly this change: same
   * ticket, kind and (for a call) call or recall, as many times as the change wrote such facts. A fact of the
   * ticket that does not match belongs to a later change (another node's), so the ticket is read from then on.
   */
  function carriedFor(f: ClusterFact): { changed: ChangedTicket; actor: CommandActor | undefined } | undefined {
    if (f.ticketId === null) return undefined;
    const entry = carried.get(f.ticketId);
    if (!entry) return undefined;
    const { changed } = entry;
    const matches =
      changed.fact === f.kind && (f.kind !== 'ticket:called' || (f.detail === 'recall') === changed.recall);
    if (!matches || --entry.left <= 0) carried.delete(f.ticketId);
    return matches ? { changed, actor: entry.actor } : undefined;
  }

  /**
   * With peers: the facts of a read, queued per office in seq order (a revocation in a queue of its own) until
   * `release` lets them go. Every fact of one read waits from the same moment (a run of facts no peer sends for,
   * e.g. after Redis went away, waits once).
   */
  function enqueue(facts: ClusterFact[]): void {
    const t = Date.now();
    for (const f of facts) {
      if (f.kind === 'auth:revoked') revocations.push(f);
      if (f.locationId === null || f.seq === null) continue;
      firstSeen.set(f.id, t);
      const list = queued.get(f.locationId);
      if (list) list.push(f);
      else queued.set(f.locationId, [f]);
    }
  }

  /**
   * With peers, which of the queued facts to publish now: per office, those before the first one another node's change
   * made moments ago (this node has no carried change for it) whose payload has not arrived yet — which waits for at
   * most `peerWaitMs` from when this node first read it. Only that office's later facts wait with it: holding every
   * office's behind it held this node's own facts too, and so the messages the other nodes wait for — with clerks on
   * every node, each node waited on the others in turn, and fell seconds behind (issue #9). Past the wait, the
   * facts are read here — for at most `READ_OFFICES_PER_ROUND` offices per round (the rest wait on: their messages
   * may come meanwhile). A revocation waits while a fact read before it does.
   */
  function release(): ClusterFact[] {
    const t = Date.now();
    const ready: ClusterFact[] = [];
    const reading = new Set<string>();
    let oldestHeld = Number.POSITIVE_INFINITY;
    for (const [locationId, list] of queued) {
      let n = 0;
      for (; n < list.length; n++) {
        const f = list[n] as ClusterFact;
        if (!awaitsPeer(f)) continue;
        if (t - (firstSeen.get(f.id) ?? t) < peerWaitMs) break;
        if (!reading.has(locationId) && reading.size >= READ_OFFICES_PER_ROUND) break;
        reading.add(locationId);
      }
      for (const f of list.slice(0, n)) {
        ready.push(f);
        firstSeen.delete(f.id);
      }
      if (n === list.length) queued.delete(locationId);
      else {
        list.splice(0, n);
        oldestHeld = Math.min(oldestHeld, (list[0] as ClusterFact).id);
      }
    }
    while (revocations.length > 0 && (revocations[0] as ClusterFact).id < oldestHeld)
      ready.push(revocations.shift() as ClusterFact);
    return ready;
  }

  function awaitsPeer(f: ClusterFact): boolean {
    if (f.locationId === null || f.seq === null || fromPeers.has(`${f.locationId}:${f.seq}`)) return false;
    // Sent ahead of the log already (its message came first).
    if (f.seq <= (handedSeq.get(f.locationId) ?? 0)) return false;
    if (f.kind === 'counter:updated') return f.counterId !== null && !carriedCounters.has(f.counterId);
    if (f.kind === 'ticket:issued' || f.kind === 'ticket:called' || f.kind === 'ticket:updated')
      return f.ticketId !== null && !carried.has(f.ticketId);
    return false;
  }

  function applyPeerFacts(locationId: string, facts: PeerFact[]): void {
    const at = Date.now();
    for (const fact of facts) fromPeers.set(`${locationId}:${fact.seq}`, { fact, at });
    sendLateWaits(locationId, facts);
    const newest = Math.max(...facts.map((f) => f.seq));
    if (facts.length > 0) aheadOffices.set(locationId, Math.max(aheadOffices.get(locationId) ?? 0, newest));
    for (const [key, entry] of fromPeers) {
      if (at - entry.at <= PEER_KEEP_MS && fromPeers.size <= PEER_KEEP_MAX) break;
      fromPeers.delete(key);
    }
    wakeForPeers();
  }

  /**
   * The waits after a call that this node sent before the maker's message came (it read the call itself): sent now,
   * unless this node has sent a later fact of the office since (a later change brings its own waits).
   */
  function sendLateWaits(locationId: string, facts: PeerFact[]): void {
    const call = facts.findLast((f) => f.estimates !== undefined);
    if (!call?.estimates) return;
    const latest = latestSeq.get(locationId) ?? 0;
    if (latest < call.seq || latest > (facts.at(-1)?.seq ?? 0)) return;
    if ((waitsWithCallSeq.get(locationId) ?? 0) >= call.seq) return;
    waitsWithCallSeq.set(locationId, call.seq);
    io.local.to(locationRoom(locationId)).emit('wait:estimates', { locationId, ...call.estimates });
  }

  /** What a peer sent for exactly this fact (same seq, kind, ticket and counter), once. */
  function peerFactFor(f: ClusterFact): PeerFact | undefined {
    const key = `${f.locationId}:${f.seq}`;
    const fact = fromPeers.get(key)?.fact;
    if (!fact) return undefined;
    fromPeers.delete(key);
    return fact.kind === f.kind && fact.ticketId === f.ticketId && fact.counterId === f.counterId ? fact : undefined;
  }

  /** The carried counter for a `counter:updated` fact (a change updates a counter once: one fact). */
  function carriedCounterFor(f: ClusterFact): { counter: CounterInfo; actor: CommandActor | undefined } | undefined {
    if (f.counterId === null) return undefined;
    const entry = carriedCounters.get(f.counterId);
    carriedCounters.delete(f.counterId);
    return entry ? { counter: entry.counter, actor: entry.actor } : undefined;
  }

  /**
   * After a round that read the log to its end: the facts of every change published before the round began
   * were committed before it, so they were in this round or an earlier one — an entry left over from then
   * (its fact was read before the use-case published, or it made none) must not serve a later change.
   */
  function forget(startedRound: number): void {
    // Those of facts still queued (a fact of another node's change before them in their office) are kept for them.
    const tickets = new Set<number>();
    const counters = new Set<number>();
    for (const list of [...queued.values(), ...handedLists])
      for (const f of list) {
        if (f.ticketId !== null) tickets.add(f.ticketId);
        if (f.counterId !== null) counters.add(f.counterId);
      }
    for (const [ticketId, entry] of carried)
      if (entry.round < startedRound && !tickets.has(ticketId)) carried.delete(ticketId);
    for (const [counterId, entry] of carriedCounters)
      if (entry.round < startedRound && !counters.has(counterId)) carriedCounters.delete(counterId);
  }

  /**
   * The office's live queue at `now`, as committed: the node's live view when it is at the office's newest seq
   * (live-queue.ts; one indexed read of the seq), else read — with the seq before and after, and kept as the view
   * when no change came in between. (The tail may not have brought the newest facts yet: then it is read.)
   */
  async function liveState(locationId: string, now: Date): Promise<QueueState | null> {
    return (await liveStateAt(locationId, now))?.state ?? null;
  }

  /** `liveState` with the office's seq it reflects (at least). */
  async function liveStateAt(locationId: string, now: Date): Promise<{ state: QueueState; seq: number } | null> {
    const location = await reads().queue.location(locationId);
    if (!location) return null;
    const before = await log.seqOf(locationId);
    const seq = Math.max(before, latestSeq.get(locationId) ?? 0);
    const view = live.get(locationId, serviceDateOf(now, location.timeZone), seq);
    if (view && view.location === location) {
      return { state: { ...view, now, learned: await learnedTimesFor(reads(), view, now) }, seq };
    }
    const state = await loadQueueState(reads(), location, now);
    if ((await log.seqOf(locationId)) === before) live.set(locationId, before, state, latestSeq.get(locationId) ?? 0);
    return { state, seq: before };
  }

  /**
   * With peers: sends, per office with new messages, the facts whose message came and that follow the office's newest
   * seq here without a gap — as the log would bring them, before it does (the log's round then passes them by: their
   * seq is not above the office's newest). Another node's change so costs this node no read of the log; it is read on
   * the poll (every 75 ms, at once for this process's own changes). True when a message waits for a fact before it
   * (the log must bring that first), or came from a node that does not send what the log holds (`detail`).
   */
  function sendAhead(): boolean {
    if (!options.peers || aheadOffices.size === 0) return false;
    let stuck = false;
    const ready: ClusterFact[] = [];
    for (const [locationId, newest] of aheadOffices) {
      const latest = handedSeq.get(locationId);
      let next = (latest ?? 0) + 1;
      for (;;) {
        const fact = fromPeers.get(`${locationId}:${next}`)?.fact;
        if (latest === undefined || !fact || fact.detail === undefined || (!fact.ticket && !fact.counter)) break;
        ready.push({
          id: 0,
          locationId,
          seq: fact.seq,
          kind: fact.kind,
          ticketId: fact.ticketId,
          counterId: fact.counterId,
          subjectId: null,
          detail: fact.detail,
          at: Date.now(),
        });
        next++;
      }
      // A message beyond what could be sent: the log brings the facts before it.
      if (newest >= next) stuck = true;
    }
    aheadOffices.clear();
    if (ready.length > 0) void apply(ready);
    return stuck;
  }

  /**
   * Publishes facts, each office's in seq order. With peers the offices go on independently of each other and of the
   * tail (which does not wait for them: `chains`): an office whose facts this node must read (a peer's message late)
   * or whose set-up changed holds back neither this node's own changes — and so the messages the other nodes wait for —
   * nor the next read of the log, nor the facts sent ahead of it (issue #9; until 2026-12-07 every round waited for
   * its slowest office). Up to `APPLY_OFFICES_AT_ONCE` offices that read go at once (their reads share the pool with
   * the clerks' transactions); the others do not wait for a turn. Resolves when the facts went out.
   */
  function apply(facts: ClusterFact[]): Promise<void> {
    const byLocation = new Map<string, ClusterFact[]>();
    for (const f of facts) {
      if (f.kind === 'auth:revoked') {
        revoke(f);
        continue;
      }
      if (f.locationId === null || f.seq === null) continue;
      // Sent already: its message came before the log brought it (sendAhead).
      if (f.seq <= (handedSeq.get(f.locationId) ?? latestSeq.get(f.locationId) ?? 0)) continue;
      const list = byLocation.get(f.locationId) ?? [];
      list.push(f);
      byLocation.set(f.locationId, list);
    }
    if (!options.peers) return applyInTurns(byLocation);
    const runs: Promise<void>[] = [];
    for (const [locationId, list] of byLocation) {
      const reads = list.some((f) => f.kind === 'location:changed' || awaitsPeer(f));
      handedSeq.set(locationId, list[list.length - 1]?.seq ?? 0);
      handedLists.add(list);
      handedFacts += list.length;
      const run = (chains.get(locationId) ?? Promise.resolve())
        .then(async () => {
          const done = reads ? await readingTurn() : undefined;
          try {
            await applyOffice(locationId, list);
          } finally {
            done?.();
            handedLists.delete(list);
            handedFacts -= list.length;
          }
        })
        .catch((err) => deps.log.error('hub publish failed', { locationId, error: errorText(err) }));
      chains.set(locationId, run);
      void run.finally(() => {
        if (chains.get(locationId) === run) chains.delete(locationId);
      });
      runs.push(run);
    }
    return Promise.all(runs).then(() => undefined);
  }

  /** A turn among the offices whose rounds read (at most `APPLY_OFFICES_AT_ONCE` at once); call the result when done. */
  function readingTurn(): Promise<() => void> {
    const done = () => {
      const next = readingWaiters.shift();
      if (next) next();
      else readingOffices--;
    };
    if (readingOffices < APPLY_OFFICES_AT_ONCE) {
      readingOffices++;
      return Promise.resolve(done);
    }
    return new Promise((resolve) => readingWaiters.push(() => resolve(done)));
  }

  /** Until every office's publishing under way has ended. */
  async function idle(): Promise<void> {
    while (chains.size > 0) await Promise.all([...chains.values()]);
  }

  /** Without peers: up to `APPLY_OFFICES_AT_ONCE` offices at once, this node's own changes first. */
  async function applyInTurns(byLocation: Map<string, ClusterFact[]>): Promise<void> {
    // Offices are independent (each has its own seq): up to `APPLY_OFFICES_AT_ONCE` go at once, each office's facts
    // in order. One after the other, a round's offices whose facts this node had to read (a peer's message late)
    // held back those of this node's own changes — and so the messages the other nodes wait for (issue #9).
    // This node's own changes first: the other nodes wait for their messages.
    const own = (list: ClusterFact[]) =>
      list.some(
        (f) =>
          (f.ticketId !== null && carried.has(f.ticketId)) ||
          (f.kind === 'counter:updated' && f.counterId !== null && carriedCounters.has(f.counterId)),
      );
    const offices = [...byLocation].sort((x, y) => Number(own(y[1])) - Number(own(x[1])));
    let next = 0;
    const worker = async () => {
      for (let entry = offices[next++]; entry; entry = offices[next++]) await applyOffice(entry[0], entry[1]);
    };
    await Promise.all(Array.from({ length: Math.min(APPLY_OFFICES_AT_ONCE, offices.length) }, worker));
  }

  async function applyOffice(locationId: string, list: ClusterFact[]): Promise<void> {
    announce(locationId, list[list.length - 1]?.seq ?? 0);
    let outcome: Outcome = 'sent';
    try {
      outcome = await publishFacts(locationId, list);
    } catch (err) {
      deps.log.error('hub publish failed', { locationId, error: errorText(err) });
    }
    latestSeq.set(locationId, Math.max(latestSeq.get(locationId) ?? 0, list[list.length - 1]?.seq ?? 0));
    // The node that made the change computes the estimates for the cluster, on its live view — unless the round's
    // call carried them already.
    if (outcome === 'sent') scheduleEstimates(locationId);
    else if (outcome === 'started') scheduleEstimates(locationId, 'started');
    else if (outcome === 'late') checkLate(locationId, list);
    // A peer computes them for this change (its call carried them, or it claims the run).
    else if (outcome === 'from-peers') waitsAt.set(locationId, { at: deps.clock.now().getTime(), ages: true });
  }

  /**
   * Facts another node's use-case made, sent before that node's message came (a loaded node, or one that died after
   * its commit): that node computes the estimates for the cluster when its message is only late — computing them here
   * as well would cost a read of the queue and a second broadcast per change on every such node, just when the
   * cluster is loaded. So the estimates run here only if no message for these facts came within a second.
   */
  function checkLate(locationId: string, facts: ClusterFact[]): void {
    if (stopped || lateChecks.has(locationId) || estimateTimers.has(locationId)) return;
    const keys = facts.map((f) => `${locationId}:${f.seq}`);
    const timer = setTimeout(() => {
      lateChecks.delete(locationId);
      if (!keys.some((key) => fromPeers.has(key))) scheduleEstimates(locationId);
    }, LATE_PEER_CHECK_MS);
    timer.unref?.();
    lateChecks.set(locationId, timer);
  }

  function revoke(f: ClusterFact): void {
    if (f.subjectId === null) return;
    if (f.detail === 'device' || f.detail === 'staff' || f.detail === 'api-key')
      options.onRevoked?.(f.detail, f.subjectId);
    const room =
      f.detail === 'device' ? `device:${f.subjectId}` : f.detail === 'staff' ? `session:${f.subjectId}` : null;
    if (room) io.local.in(room).disconnectSockets(true);
  }

  /** The seq of the public fact before `seq` (0: none kept), from memory or, once per location, from the log. */
  async function publicPrev(locationId: string, seq: number): Promise<number> {
    const known = lastPublic.get(locationId);
    if (known !== undefined) return known;
    return log.lastSeqBefore(locationId, seq, publicFactKinds);
  }

  /**
   * Publishes a location's facts of a round: `from-peers` when a peer sent every one of them (it does the estimates),
   * `with-estimates` when the round's call carried the estimates after it (no run needed for this round).
   */
  async function publishFacts(locationId: string, facts: ClusterFact[]): Promise<Outcome> {
    const now = deps.clock.now();
    // Staff of before (one event per fact); those taking batched facts get the round's as one `queue:facts`.
    const staff = () => io.local.to(staffRooms(locationId)).except(batchedStaffRoom(locationId));
    const batch: BatchedFact[] = [];
    /** Per batched fact: the socket whose command made it (undefined: none, or a socket of before). */
    const batchActors: (CommandActor | undefined)[] = [];

    // A fact this process's use-case carried its ticket or counter on is sent as carried (the transaction built
    // it), and moves the live view of the office on; any other fact makes the view read again. A fact another
    // node's use-case made is sent as that node sent it (`hub:facts`), when it did.
    const fromUseCase = new Map<ClusterFact, TicketDto>();
    const local = new Set<ClusterFact>();
    const peerCounters = new Map<ClusterFact, CounterDto>();
    /** The waits a peer computed after its call, per call fact (`hub:facts`). */
    const peerEstimates = new Map<ClusterFact, { at: string; waits: ServiceWaitDto[] }>();
    /** Whether every fact of the round that no peer sent is one another node's use-case made (its message is late). */
    let allLate = true;
    /** Per fact: the socket whose command made it (the module's `actorOf` finds it per change). */
    const factActors = new Map<ClusterFact, CommandActor>();
    let allFromPeers = true;
    /** Whether every fact of the round is a start this process's use-case made (see `startOnly`). */
    let onlyStarts = facts.length > 0;
    for (const f of facts) {
      const carriedTicket = carriedFor(f);
      const changed = carriedTicket?.changed;
      if (!changed || !isStart(changed)) onlyStarts = false;
      const carriedCounter = f.kind === 'counter:updated' ? carriedCounterFor(f) : undefined;
      const counter = carriedCounter?.counter;
      const actor = carriedTicket?.actor ?? carriedCounter?.actor;
      if (actor) factActors.set(f, actor);
      const peer = changed || counter ? undefined : peerFactFor(f);
      if (changed) fromUseCase.set(f, changed.dto);
      else if (peer?.ticket) fromUseCase.set(f, peer.ticket);
      if (peer?.counter) peerCounters.set(f, peer.counter);
      if (peer?.estimates && f.kind === 'ticket:called') peerEstimates.set(f, peer.estimates);
      if (changed || counter) local.add(f);
      if (!peer?.ticket && !peer?.counter) {
        allFromPeers = false;
        if (changed || counter || !madeByPeer(f)) allLate = false;
      }
      live.apply(locationId, f.seq as number, changed ? { ticket: changed.ticket } : counter ? { counter } : null);
    }
    // The other facts' tickets, read once, as they are now (a later fact in the log brings any later change).
    const ticketIds = [
      ...new Set(facts.filter((f) => !fromUseCase.has(f)).flatMap((f) => (f.ticketId === null ? [] : [f.ticketId]))),
    ];
    const view = new Map<number, TicketDto>();
    const ticketOf = (f: ClusterFact) => fromUseCase.get(f) ?? (f.ticketId !== null ? view.get(f.ticketId) : undefined);
    if (ticketIds.length > 0) {
      const names = new Map((await reads().queue.counters(locationId)).map((c) => [c.id, c.name]));
      // Position and estimate of waiting tickets follow in stage 2 (or come with the command's answer).
      for (const t of await reads().queue.ticketsWithDetails(ticketIds)) view.set(t.row.id, toTicketDto(t, names));
    }
    // Counters need the whole queue (a counter's current ticket): the live view after the round's facts when it
    // followed them all, else read once — only when a counter changed.
    let counterView: Map<number, CounterDto> | null = null;
    const counterDto = async (counterId: number): Promise<CounterDto | undefined> => {
      if (!counterView) {
        counterView = new Map();
        const state = await liveState(locationId, now);
        for (const c of state?.counters ?? []) counterView.set(c.id, toCounterDto(c, locationId));
      }
      return counterView.get(counterId);
    };

    // A call changes the waits every screen shows: they ride on the call (one message per screen instead of a
    // `wait:estimates` 50 ms later), computed now on the live view when it follows the round's facts — with peers by
    // the node whose use-case made the call, for every node (in `hub:facts`).
    const estimates = facts.some((f) => f.kind === 'ticket:called' && (!options.peers || local.has(f)))
      ? await estimatesWithCall(locationId, facts[facts.length - 1]?.seq ?? 0, now)
      : undefined;

    // The other nodes get what this one built for its own facts before its sockets do: they wait for it.
    if (options.peers && local.size > 0) {
      const out: PeerFact[] = [];
      for (const f of facts) {
        if (!local.has(f)) continue;
        const fact = {
          seq: f.seq as number,
          kind: f.kind,
          ticketId: f.ticketId,
          counterId: f.counterId,
          detail: f.detail,
        };
        const ticket = fromUseCase.get(f);
        const counter =
          f.kind === 'counter:updated' && f.counterId !== null ? await counterDto(f.counterId) : undefined;
        if (ticket) out.push({ ...fact, ticket, ...(estimates && f.kind === 'ticket:called' ? { estimates } : {}) });
        else if (counter) out.push({ ...fact, counter });
      }
      if (out.length > 0) io.serverSideEmit('hub:facts', locationId, out);
    }
    // Sockets of kinds this node has none of for the office cost no encoding (a node of displays has no staff).
    const anyone = (rooms: string[]) => rooms.some((room) => (adapter.rooms.get(room)?.size ?? 0) > 0);
    const batchedHere = adapter.rooms.get(batchedStaffRoom(locationId));
    const staffOfBefore = staffRooms(locationId).some((room) =>
      [...(adapter.rooms.get(room) ?? [])].some((id) => !batchedHere?.has(id)),
    );
    const publicHere = anyone(publicRooms(locationId));

    let snapshot = false;
    for (const f of facts) {
      const seq = f.seq as number;
      const isPublic = publicFactKinds.includes(f.kind);
      const prev = isPublic ? await publicPrev(locationId, seq) : 0;
      if (isPublic) lastPublic.set(locationId, seq);
      /** A fact for the staff: sent now to those of before, batched for the others. */
      const toStaff = (fact: BatchedFact) => {
        if (staffOfBefore) (staff().emit as (event: string, data: unknown) => void)(fact.event, fact.data);
        batch.push(fact);
        batchActors.push(factActors.get(f));
      };
      /** Staff see every fact of the location; kiosks and displays the public ones. */
      const toAll = <T extends object>(
        event: 'ticket:called' | 'counter:updated' | 'display:ticker-changed',
        emit: (target: ReturnType<typeof staff>, payload: T) => void,
        payload: T,
      ) => {
        toStaff({ event, data: { ...payload, seq, prev: seq - 1 } } as unknown as BatchedFact);
        if (publicHere) emit(io.local.to(publicRooms(locationId)), { ...payload, seq, prev });
      };
      if (f.kind === 'ticket:issued' || f.kind === 'ticket:updated') {
        const dto = ticketOf(f);
        if (dto) toStaff({ event: f.kind, data: { ...dto, seq, prev: seq - 1 } });
      } else if (f.kind === 'ticket:called') {
        const ticket = ticketOf(f);
        if (!ticket) continue;
        const counterId = f.counterId ?? ticket.counterId ?? 0;
        const call: CallDto = {
          ticketId: ticket.id,
          number: ticket.number,
          counterId,
          counterName: ticket.counterId === counterId ? (ticket.counterName ?? '') : '',
          calledAt: ticket.calledAt ?? now.toISOString(),
          recall: f.detail === 'recall',
        };
        const waits = estimates ?? peerEstimates.get(f);
        if (waits) waitsWithCallSeq.set(locationId, Math.max(waitsWithCallSeq.get(locationId) ?? 0, seq));
        toAll('ticket:called', (target, p) => target.emit('ticket:called', p), {
          ...call,
          ticket,
          ...(waits ? { estimates: waits } : {}),
        });
      } else if (f.kind === 'counter:updated') {
        const dto = peerCounters.get(f) ?? (f.counterId !== null ? await counterDto(f.counterId) : undefined);
        if (dto) toAll('counter:updated', (target, p) => target.emit('counter:updated', p), dto);
      } else if (f.kind === 'location:changed') {
        // A set-up change (renamed or removed counter, services, rules) or a new ticker text: every display,
        // kiosk and console of the location gets a fresh snapshot after the round's facts.
        snapshot = true;
        if (f.detail === 'ticker') {
          const location = await reads().queue.location(locationId);
          if (location)
            toAll('display:ticker-changed', (target, p) => target.emit('display:ticker-changed', p), {
              locationId,
              text: location.tickerText,
            });
        }
      }
    }
    if (batch.length > 0) sendBatch(locationId, batch, batchActors, estimates);
    // Residents following a ticket that left the line (called, done, …) hear it at once, in its newest state.
    const newest = new Map<number, TicketDto>();
    for (const [f, dto] of fromUseCase) if (f.ticketId !== null && !view.has(f.ticketId)) newest.set(f.ticketId, dto);
    for (const [id, dto] of view) newest.set(id, dto);
    for (const dto of newest.values()) {
      if (dto.status !== 'waiting' && followedHere.has(dto.publicId)) {
        io.local.to(ticketRoom(dto.publicId)).emit('ticket:updated', { ...dto, appointmentReference: null });
      }
    }
    if (snapshot) {
      const fresh = await readSnapshot(locationId);
      if (fresh) io.local.to(locationRoom(locationId)).emit('queue:snapshot', fresh);
    }
    if (allFromPeers) return 'from-peers';
    if (estimates) return 'with-estimates';
    if (onlyStarts && (await startOnly(locationId))) return 'started';
    return options.peers && allLate ? 'late' : 'sent';
  }

  /**
   * Whether an office's waits can change with time alone: someone waits or is being served (the visits ahead run
   * on, the waiting give up, appointments fall due), or walk-in hours start or end later today (a service's status).
   * An office with nobody in it after its last walk-in hour is not estimated again until it changes.
   */
  function agesOf(state: QueueState): boolean {
    if (state.tickets.some((t) => t.row.status === 'waiting')) return true;
    if (state.counters.some((c) => c.active && c.currentTicketId !== null)) return true;
    const t = state.now.getTime();
    const ahead = (hours: readonly { start: number; end: number }[] | undefined) =>
      (hours ?? []).some((i) => i.start > t || i.end > t);
    const hours = state.walkInHours;
    return ahead(hours?.hours) || Object.values(hours?.byService ?? {}).some(ahead);
  }

  /** A carried change that started the visit of a called ticket (the only way to `serving`: ticket-state.ts). */
  function isStart(changed: ChangedTicket): boolean {
    return changed.fact === 'ticket:updated' && changed.facts === 1 && changed.ticket.row.status === 'serving';
  }

  /**
   * A round whose facts only started visits (this process's use-cases) changes no wait but by the walk-up: the
   * waits after the call counted the called resident's visit from then plus the walk-up allowance (the predictor's
   * `walkUpMinutes`, half a minute), after the start from the start. Nothing else a screen shows moves: the line,
   * the counters' states and who is at each are the same. So its run waits for the office's next change (usually
   * the next call, whose waits ride on it) for up to `startCoalesceMs` (issue #9: a second run per call + start, its
   * reads and the predictor, for waits the screens mostly had already). Not with call-and-start, where a visit counts
   * from the call and a start moves it (estimate-waits.ts).
   */
  async function startOnly(locationId: string): Promise<boolean> {
    const location = await reads().queue.location(locationId);
    return location !== null && location !== undefined && !location.callAndStart;
  }

  /** A fact of a change another node's use-case made and sends the others (`hub:facts`; see `awaitsPeer`). */
  function madeByPeer(f: ClusterFact): boolean {
    if (f.kind === 'counter:updated') return f.counterId !== null;
    return (
      (f.kind === 'ticket:issued' || f.kind === 'ticket:called' || f.kind === 'ticket:updated') && f.ticketId !== null
    );
  }

  /**
   * A round's staff facts of one office as one `queue:facts` to the sockets taking batched facts. When every fact of
   * the round is the change of one such socket's command, that socket is left out: its command's ack carries the
   * change, and the last seq and the call's waits from here (`CommandActor.report`). A round that mixes changes goes
   * to every socket whole (nothing to skip, so a client's order needs nothing from an ack).
   */
  function sendBatch(
    locationId: string,
    facts: BatchedFact[],
    actors: (CommandActor | undefined)[],
    estimates: { at: string; waits: ServiceWaitDto[] } | undefined,
  ): void {
    const room = io.local.to(batchedStaffRoom(locationId));
    const actor = actors[0];
    if ((adapter.rooms.get(batchedStaffRoom(locationId))?.size ?? 0) === 0) {
      // Nobody here takes batched facts (a node of displays): nothing to encode; an actor's ack needs no report.
      for (const a of actors) {
        if (!a || a.report !== undefined) continue;
        a.report = {};
        a.reported?.();
      }
      return;
    }
    const alone =
      actor?.batched && !actor.gaveUp && actor.report === undefined && actors.every((a) => a === actor)
        ? actor
        : undefined;
    (alone ? room.except(alone.socketId) : room).emit('queue:facts', { locationId, facts });
    if (!alone) {
      // Their sockets got the facts: their acks need not wait for a report.
      for (const a of actors) {
        if (!a || a.report !== undefined) continue;
        a.report = {};
        a.reported?.();
      }
      return;
    }
    const last = facts[facts.length - 1]?.data as { seq?: number } | undefined;
    alone.report = { ...(last?.seq !== undefined ? { seq: last.seq } : {}), ...(estimates ? { estimates } : {}) };
    alone.reported?.();
  }

  /**
   * The estimates after a round with a call, to send with it — by the node whose use-case made the call (with peers
   * for the cluster: they go in `hub:facts`, and the followers elsewhere get theirs), when the live view followed the round's facts (no read) and
   * the predictor is not taking more than its share of the process (else the usual run follows). Followed tickets
   * get their positions as after any run.
   */
  async function estimatesWithCall(
    locationId: string,
    seq: number,
    now: Date,
  ): Promise<{ at: string; waits: ServiceWaitDto[] } | undefined> {
    if (stopped) return undefined;
    // Calls come at the pace of people (not the 250 ms spacing of other changes' runs), but a slow predictor still
    // keeps to its share of the process.
    const last = lastEstimate.get(locationId);
    if (last && Date.now() < last.at + last.tookMs / estimateShare) return undefined;
    let state: QueueState;
    if (options.peers) {
      // On the tail's path, where every office of the round waits for this one: no read at all (a read waiting for
      // a connection of a pool busy with the clerks' transactions held every call of the node back by seconds). The
      // view as it is — the facts of a set-up change drop it, and it is at most 5 s old — with its learned times.
      const view = live.peek(locationId, seq);
      if (!view || view.serviceDate !== serviceDateOf(now, view.location.timeZone)) return undefined;
      state = { ...view, now };
    } else {
      const location = await reads().queue.location(locationId);
      if (!location) return undefined;
      const view = live.get(locationId, serviceDateOf(now, location.timeZone), seq);
      if (!view || view.location !== location) return undefined;
      state = { ...view, now, learned: await learnedTimesFor(reads(), view, now) };
    }
    const started = Date.now();
    // With peers the waits go to every node (with the call, in `hub:facts`), and the followed tickets' positions too.
    const waits = sendEstimates(locationId, state, seq, options.peers === true, false);
    // This run stands for the round's: a run already scheduled would compute the same.
    const timer = estimateTimers.get(locationId);
    if (timer) clearTimeout(timer);
    estimateTimers.delete(locationId);
    estimateKinds.delete(locationId);
    lastEstimate.set(locationId, { at: started, tookMs: Date.now() - started });
    sentWithCall.set(locationId, JSON.stringify(waits));
    lastSentWaits.set(locationId, JSON.stringify(waits));
    // The next run here (the round's start, say) claims a later seq; other nodes leave these to this one.
    return { at: now.toISOString(), waits };
  }

  /**
   * The location's queue with the seq it reflects: the seq read before and after the queue; if a change came
   * in between, again (the seq read before is safe: a client then gets a fact it already has, never misses one).
   */
  async function readSnapshot(locationId: string): Promise<HubSnapshot | null> {
    for (let attempt = 0; ; attempt++) {
      const before = await log.seqOf(locationId);
      const location = await reads().queue.location(locationId);
      if (!location) return null;
      const state = await loadQueueState(reads(), location, deps.clock.now());
      const snapshot = await snapshotOf(reads(), state);
      const after = await log.seqOf(locationId);
      if (after === before) live.set(locationId, before, state, latestSeq.get(locationId) ?? 0);
      if (after === before || attempt >= 2) return { ...snapshot, seq: before };
    }
  }

  /**
   * A run of the office's estimates, debounced and spaced (see the constants). A `started` run waits
   * `startCoalesceMs` for the next change; a `change` scheduled meanwhile takes its place at the usual delay, and a
   * call that carries its estimates cancels it (`estimatesWithCall`).
   */
  function scheduleEstimates(locationId: string, kind: RunKind = 'change'): void {
    if (stopped) return;
    const pending = estimateTimers.get(locationId);
    if (pending) {
      if (kind !== 'change' || estimateKinds.get(locationId) !== 'started') return;
      clearTimeout(pending);
      estimateTimers.delete(locationId);
    }
    const last = lastEstimate.get(locationId);
    const spacing = Math.max(MIN_ESTIMATE_INTERVAL_MS, (last?.tookMs ?? 0) / estimateShare);
    const wait = Math.max(
      kind === 'started' ? startCoalesceMs : ESTIMATE_DEBOUNCE_MS,
      last ? last.at + spacing - Date.now() : 0,
    );
    const timer = setTimeout(() => {
      const run = (async () => {
        const seq = latestSeq.get(locationId) ?? 0;
        const now = deps.clock.now().getTime();
        // A refresh claims the period of the office's clock it falls in: one node per period in the cluster.
        const claim = await gate.claim(
          locationId,
          seq,
          kind === 'refresh' ? `r${Math.floor(now / waitsMaxAgeMs)}` : undefined,
        );
        if (estimateTimers.get(locationId) === timer) {
          estimateTimers.delete(locationId);
          estimateKinds.delete(locationId);
        }
        if (stopped) return;
        if (claim === 'skip') {
          // Another node computes them for the cluster now.
          waitsAt.set(locationId, { at: now, ages: waitsAt.get(locationId)?.ages ?? true });
          return;
        }
        const started = Date.now();
        try {
          await publishEstimates(locationId, claim === 'cluster', kind === 'refresh' && claim === 'local');
        } catch (err) {
          deps.log.error('hub estimates failed', { locationId, error: errorText(err) });
        }
        lastEstimate.set(locationId, { at: started, tookMs: Date.now() - started });
      })();
      estimateRuns.add(run);
      void run.finally(() => estimateRuns.delete(run));
    }, wait);
    timer.unref?.();
    estimateTimers.set(locationId, timer);
    estimateKinds.set(locationId, kind);
  }

  /**
   * Every `waitsRefreshMs`: the offices whose newest waits are older than `waitsMaxAgeMs` on the office's clock and can
   * change with time alone are estimated again (at most one run per office and period; with Redis on one node).
   */
  function refreshStaleWaits(): void {
    if (stopped) return;
    const now = deps.clock.now().getTime();
    for (const [locationId, known] of waitsAt) {
      if (!known.ages || now - known.at < waitsMaxAgeMs || estimateTimers.has(locationId)) continue;
      scheduleEstimates(locationId, 'refresh');
    }
  }

  /**
   * `cluster`: this node computes for every node (adapter broadcast); else for its own sockets. `unlessSent`: not
   * when they are the waits this node last sent its sockets (a refresh without Redis, where no other node sends them).
   */
  async function publishEstimates(locationId: string, cluster: boolean, unlessSent = false): Promise<void> {
    const live = await liveStateAt(locationId, deps.clock.now());
    if (live) sendEstimates(locationId, live.state, live.seq, cluster, true, unlessSent);
  }

  /**
   * Computes the estimates on `state` (the office at `seq`), sends them (`broadcast`: as `wait:estimates`, unless
   * they are the waits the last call carried to the same sockets) and the followed tickets' positions; returns the
   * waits.
   */
  function sendEstimates(
    locationId: string,
    state: QueueState,
    seq: number,
    cluster: boolean,
    broadcast: boolean,
    unlessSent = false,
  ): ServiceWaitDto[] {
    // Each waiting ticket's band and position only for followers — on this node, or computed for the cluster on any
    // node: nobody following a ticket of the office is the usual case (residents rarely follow), and then the
    // screens' per-service waits are all a run is for. A DTO per waiting ticket was most of the work of a long line.
    const followed = followedIn(state, cluster);
    const ids = new Set(followed.map((t) => t.row.id));
    const estimates = estimateWaits(state, { live: true, waitsOnly: followed.length === 0, positionsFor: ids });
    waitsAt.set(locationId, { at: state.now.getTime(), ages: agesOf(state) });
    if (broadcast) {
      const carried = sentWithCall.get(locationId);
      sentWithCall.delete(locationId);
      const text = JSON.stringify(estimates.waits);
      const sent = lastSentWaits.get(locationId);
      lastSentWaits.set(locationId, text);
      // The waits a call carried went to the same sockets — with peers to every node's (`hub:facts`).
      if (carried !== text && !(unlessSent && sent === text)) {
        const payload = { locationId, at: state.now.toISOString(), waits: estimates.waits };
        if (cluster) io.to(locationRoom(locationId)).emit('wait:estimates', payload);
        else io.local.to(locationRoom(locationId)).emit('wait:estimates', payload);
      }
    }
    if (cluster) lastRuns.set(locationId, { seq, at: Date.now(), state, estimates, sent: ids });
    if (followed.length === 0) return estimates.waits;
    const names = counterNamesOf(state);
    const here: TicketDto[] = [];
    const elsewhere: TicketDto[] = [];
    for (const t of followed) {
      const dto = { ...toTicketDto(t, names, estimates), appointmentReference: null };
      if (followedHere.has(t.row.publicId)) here.push(dto);
      // Computed for the cluster: the other nodes' followers get theirs in one message (a room per ticket would be
      // one each).
      if (cluster && (learning() || isFollowedElsewhere(t.row.publicId))) elsewhere.push(dto);
    }
    applyFollowerUpdates(seq, here);
    if (elsewhere.length > 0) io.serverSideEmit('hub:followers', locationId, seq, elsewhere);
    return estimates.waits;
  }

  /**
   * The office's waiting tickets someone follows: on this node, or (`cluster`) on any — every waiting ticket while
   * this node may not have heard every other node's follows yet (it started moments ago).
   */
  function followedIn(state: QueueState, cluster: boolean): ActiveTicket[] {
    const everyone = cluster && learning();
    const out: ActiveTicket[] = [];
    if (!everyone && followedHere.size === 0 && (!cluster || followedElsewhere.size === 0)) return out;
    for (const t of state.tickets) {
      if (t.row.status !== 'waiting') continue;
      const id = t.row.publicId;
      if (everyone || followedHere.has(id) || (cluster && isFollowedElsewhere(id))) out.push(t);
    }
    return out;
  }

  const learning = () => Date.now() - startedAt < followsLearnMs;

  function isFollowedElsewhere(publicId: string): boolean {
    for (const entry of followedElsewhere.values()) if (entry.ids.has(publicId)) return true;
    return false;
  }

  /** Sends the followers here their tickets' updates, unless they already got a newer one (a later seq). */
  function applyFollowerUpdates(seq: number, tickets: TicketDto[]): void {
    for (const dto of tickets) {
      if (!followedHere.has(dto.publicId)) continue;
      if ((followerSeq.get(dto.publicId) ?? 0) > seq) continue;
      followerSeq.set(dto.publicId, seq);
      io.local.to(ticketRoom(dto.publicId)).emit('ticket:updated', dto);
    }
  }

  function scheduleFollows(): void {
    if (follows.scheduled || stopped) return;
    follows.scheduled = true;
    // Joins and leaves of one tick (a reconnect storm) go in one message.
    setImmediate(sendFollows);
  }

  function sendFollows(): void {
    follows.scheduled = false;
    if (stopped) return;
    const message: FollowsMessage = { node };
    if (follows.full) message.full = [...followedHere];
    else {
      if (follows.added.size > 0) message.added = [...follows.added];
      if (follows.removed.size > 0) message.removed = [...follows.removed];
    }
    if (follows.ask) message.ask = true;
    if (follows.caughtUp.length > 0) message.caughtUp = follows.caughtUp.splice(0);
    follows.added.clear();
    follows.removed.clear();
    follows.full = false;
    follows.ask = false;
    io.serverSideEmit('hub:follows', message);
  }

  function applyFollows(message: FollowsMessage): void {
    if (message.node === node) return;
    const at = Date.now();
    let entry = followedElsewhere.get(message.node);
    if (!entry) {
      entry = { ids: new Set(), at };
      followedElsewhere.set(message.node, entry);
      // A node this one missed the full list of (its messages were lost, or this one expired it): ask for it.
      if (!message.full) {
        follows.ask = true;
        follows.full = true;
        scheduleFollows();
      }
    }
    entry.at = at;
    if (message.full) entry.ids = new Set(message.full);
    for (const id of message.added ?? []) entry.ids.add(id);
    for (const id of message.removed ?? []) entry.ids.delete(id);
    if (message.ask) {
      follows.full = true;
      scheduleFollows();
    }
    for (const follow of message.caughtUp ?? []) catchUp(follow, false);
  }

  /**
   * A ticket whose follow began when its node had seen the office up to `seq`: if this node's last run for the
   * cluster reflects a later seq and left the ticket out (nobody followed it then), its update goes now — to the
   * followers here (`mine`) or to the node they are on.
   */
  function catchUp(follow: { publicId: string; locationId: string; seq: number }, mine: boolean): void {
    const run = lastRuns.get(follow.locationId);
    if (!run || run.seq <= follow.seq || Date.now() - run.at > LAST_RUN_KEEP_MS) return;
    const ticket = run.state.tickets.find((t) => t.row.publicId === follow.publicId && t.row.status === 'waiting');
    if (!ticket || run.sent.has(ticket.row.id)) return;
    const estimates = estimateWaits(run.state, { live: true, positionsFor: new Set([ticket.row.id]) });
    const dto = { ...toTicketDto(ticket, counterNamesOf(run.state), estimates), appointmentReference: null };
    if (mine) applyFollowerUpdates(run.seq, [dto]);
    else io.serverSideEmit('hub:followers', follow.locationId, run.seq, [dto]);
  }

  function beginFollow(): (publicId: string, locationId: string) => void {
    if (!options.peers) return () => {};
    const seen = new Map(latestSeq);
    return (publicId, locationId) => {
      if (stopped) return;
      const follow = { publicId, locationId, seq: seen.get(locationId) ?? 0 };
      catchUp(follow, true);
      follows.caughtUp.push(follow);
      scheduleFollows();
    };
  }

  /** Every full period: this node's full list, and the others' and the kept runs that are too old dropped. */
  function refreshFollows(): void {
    const t = Date.now();
    for (const [peer, entry] of followedElsewhere) if (t - entry.at > followsExpireMs) followedElsewhere.delete(peer);
    for (const [locationId, run] of lastRuns) if (t - run.at > LAST_RUN_KEEP_MS) lastRuns.delete(locationId);
    follows.full = true;
    scheduleFollows();
  }

  // The changes of this process's use-cases, kept for their facts; their facts make the node read the log at once
  // instead of at the next poll.
  const stops = [
    deps.events.subscribe('queue:changed', carry),
    ...(['ticket:issued', 'ticket:updated', 'ticket:called', 'counter:updated', 'location:changed'] as const).map(
      (type) => deps.events.subscribe(type, wake),
    ),
  ];
  /**
   * The snapshot a socket gets once it has joined the office's rooms. It must reflect every fact this node sent those
   * rooms before the join — the facts after it reach the socket, and a client ignores those it already has by seq —
   * and every change committed before it asked, on any node (a ticket a kiosk drew on node A is in the next snapshot
   * a screen on node B asks for, even when B has not heard of it yet). So its seq must be at least both the newest
   * this node had begun to send (`announce`, before a round's facts of the office go out) and the office's seq in the
   * database read after the request came in (`freshSeq`: one indexed read, shared by every request that came in
   * before it started). Hence: the office's last snapshot while it is at that seq (and under a second old), or the
   * build under way when it ends at that seq; else one new build. A reconnect storm (a node died: its screens all
   * reconnect elsewhere at once) then costs one seq read per read's round trip and one build per office and change
   * at most, each one pass over the node's live view of the queue when it is current (only the recent calls are
   * read) or one read of the queue.
   */
  function announce(locationId: string, seq: number): void {
    announced.set(locationId, Math.max(announced.get(locationId) ?? 0, seq));
    snapshots.delete(locationId);
  }

  /**
   * The office's seq in the database, read after this call: requests that come in while a read is under way share
   * the next one (it starts when that one ends), so concurrent callers cost one read in flight and one queued.
   */
  function freshSeq(locationId: string): Promise<number> {
    const entry = seqReads.get(locationId) ?? {};
    seqReads.set(locationId, entry);
    if (entry.queued) return entry.queued;
    const start = (): Promise<number> => {
      const read = log.seqOf(locationId);
      entry.started = read;
      const done = () => {
        if (entry.started === read) entry.started = undefined;
        if (!entry.started && !entry.queued && seqReads.get(locationId) === entry) seqReads.delete(locationId);
      };
      read.then(done, done);
      return read;
    };
    if (!entry.started) return start();
    const queued = entry.started
      .catch(() => 0)
      .then(() => {
        entry.queued = undefined;
        return start();
      });
    entry.queued = queued;
    return queued;
  }

  async function snapshot(locationId: string, sent?: number): Promise<SeqSnapshot | 'current' | null> {
    const committed = await freshSeq(locationId);
    const floor = Math.max(announced.get(locationId) ?? 0, committed);
    if (sent !== undefined && sent >= floor) return 'current';
    for (;;) {
      const cached = snapshots.get(locationId);
      if (cached && cached.snapshot.seq >= floor && Date.now() - cached.at < SNAPSHOT_MAX_AGE_MS)
        return cached.snapshot;
      const going = building.get(locationId);
      if (!going) break;
      const built = await going.catch(() => undefined);
      if (built === null || (built && built.seq >= floor)) return built;
    }
    const build = buildSnapshot(locationId, committed);
    building.set(locationId, build);
    const done = () => {
      if (building.get(locationId) === build) building.delete(locationId);
    };
    build.then(done, done);
    return build;
  }

  /**
   * The office's queue with a seq it reflects: the seq (read before, by the caller) first, then the queue — the
   * node's live view when it is at that seq or later, else read (and kept as the view when the seq did not move
   * meanwhile).
   */
  async function buildSnapshot(locationId: string, seq: number): Promise<SeqSnapshot | null> {
    const location = await reads().queue.location(locationId);
    if (!location) return null;
    const now = deps.clock.now();
    const processed = latestSeq.get(locationId) ?? 0;
    const view = live.get(locationId, serviceDateOf(now, location.timeZone), Math.max(seq, processed));
    let state: QueueState;
    if (view && view.location === location) {
      state = { ...view, now, learned: await learnedTimesFor(reads(), view, now) };
    } else {
      state = await loadQueueState(reads(), location, now);
      if ((await log.seqOf(locationId)) === seq) live.set(locationId, seq, state, latestSeq.get(locationId) ?? 0);
    }
    const snapshot = { ...(await snapshotOf(reads(), state)), seq };
    if (seq >= (announced.get(locationId) ?? 0)) snapshots.set(locationId, { at: Date.now(), snapshot });
    return snapshot;
  }

  const poll = setInterval(() => {
    readWanted = true;
    void tail();
  }, options.pollMs ?? POLL_MS);
  poll.unref();
  const followsTimer = options.peers ? setInterval(refreshFollows, followsFullMs) : undefined;
  followsTimer?.unref();
  const refreshTimer = setInterval(refreshStaleWaits, options.waitsRefreshMs ?? WAITS_REFRESH_EVERY_MS);
  refreshTimer.unref();
  if (options.peers) {
    // A node that starts asks the others for their follows (and until a full period has passed sends every ticket).
    follows.ask = true;
    follows.full = true;
    scheduleFollows();
  }
  void tail();

  return {
    snapshot: (locationId, sent) => {
      // A screen joining gets the waits of its snapshot: the next run sends its own even when a call carried them.
      sentWithCall.delete(locationId);
      lastSentWaits.delete(locationId);
      return snapshot(locationId, sent);
    },
    drain: async () => {
      readWanted = true;
      await tail();
      await idle();
    },
    settled: async () => {
      for (;;) {
        readWanted = true;
        await tail();
        await idle();
        // A start's run waiting for the next change goes now: settled means no run is left to come.
        for (const [locationId, kind] of estimateKinds)
          if (kind === 'started' && estimateTimers.has(locationId)) scheduleEstimates(locationId, 'change');
        if (estimateTimers.size === 0 && estimateRuns.size === 0) return;
        await Promise.all([...estimateRuns, new Promise((r) => setTimeout(r, 10))]);
      }
    },
    applyFollowerUpdates,
    applyFollows,
    beginFollow,
    applyPeerFacts,
    stop: async () => {
      stopped = true;
      clearInterval(poll);
      clearInterval(followsTimer);
      clearInterval(refreshTimer);
      adapter.off('create-room', roomCreated);
      adapter.off('delete-room', roomDeleted);
      for (const stop of stops) stop();
      for (const t of estimateTimers.values()) clearTimeout(t);
      estimateTimers.clear();
      estimateKinds.clear();
      for (const t of lateChecks.values()) clearTimeout(t);
      lateChecks.clear();
      await running;
      await idle();
    },
  };
}
