import type { CallDto } from '../../server/contracts/queue.ts';

/** What the announcer needs from the outside world: both return when the sound has finished. */
export interface AnnouncerOutput {
  chime(): Promise<void>;
  speak(text: string): Promise<void>;
}

export interface AnnouncerOptions {
  output: AnnouncerOutput;
  /** The spoken sentence for a call. */
  sentence: (call: CallDto) => string;
  /** Silence between two announcements, so calls stay distinguishable. */
  gapMs?: number;
  /** A step that never reports its end (a stuck speech engine) is abandoned after this long. */
  stepTimeoutMs?: number;
  /** Pending announcements kept; older ones are dropped first (a burst must not build a backlog of minutes). */
  maxPending?: number;
  /** Called whenever the announcement being spoken changes (null: silent). */
  onActive?: (call: CallDto | null) => void;
  wait?: (ms: number) => Promise<void>;
}

export interface Announcer {
  /** Queue a call; the same call (ticket + call time) is announced once, a recall again. */
  announce(call: CallDto): void;
  pending(): number;
  active(): CallDto | null;
  /** Stops after the current step and forgets what is queued. */
  dispose(): void;
}

const realWait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Identity of one call event: a recall has a new call time, so it is announced again. */
export function callKey(call: CallDto): string {
  return `${call.ticketId}@${call.calledAt}`;
}

/**
 * Plays calls one after the other — chime, spoken sentence, a short silence — and never two at once.
 * Memory is bounded: at most `maxPending` waiting announcements and a fixed window of keys already heard.
 */
export function createAnnouncer(options: AnnouncerOptions): Announcer {
  const gapMs = options.gapMs ?? 800;
  const stepTimeoutMs = options.stepTimeoutMs ?? 12_000;
  const maxPending = options.maxPending ?? 10;
  const wait = options.wait ?? realWait;
  const queue: CallDto[] = [];
  const heard: string[] = [];
  const heardSet = new Set<string>();
  let current: CallDto | null = null;
  let running = false;
  let disposed = false;

  const remember = (key: string) => {
    heard.push(key);
    heardSet.add(key);
    while (heard.length > 200) heardSet.delete(heard.shift() as string);
  };

  const guarded = (step: () => Promise<void>) =>
    Promise.race([step().catch(() => undefined), wait(stepTimeoutMs)]).then(() => undefined);

  const setActive = (call: CallDto | null) => {
    current = call;
    options.onActive?.(call);
  };

  async function run(): Promise<void> {
    running = true;
    while (!disposed && queue.length > 0) {
      const call = queue.shift() as CallDto;
      setActive(call);
      await guarded(() => options.output.chime());
      if (disposed) break;
      await guarded(() => options.output.speak(options.sentence(call)));
      if (disposed) break;
      await wait(gapMs);
    }
    running = false;
    if (!disposed) setActive(null);
  }

  return {
    announce(call) {
      if (disposed) return;
      const key = callKey(call);
      if (heardSet.has(key)) return;
      remember(key);
      queue.push(call);
      while (queue.length > maxPending) queue.shift();
      if (!running) void run();
    },
    pending: () => queue.length,
    active: () => current,
    dispose() {
      disposed = true;
      queue.length = 0;
    },
  };
}

const DUTCH_DIGITS = ['nul', 'één', 'twee', 'drie', 'vier', 'vijf', 'zes', 'zeven', 'acht', 'negen'];

/**
 * "P012" → "P, nul, één, twee": read sign by sign, exactly as the screen and the printed ticket show it, so
 * a resident comparing the paper in hand with what is heard never has to translate "twaalf" into "012".
 * Commas make engines pause between the signs. Anything that is not a ticket number is read as it is.
 */
export function spokenNumber(number: string): string {
  const m = /^([A-Za-z]+)-?(\d+)$/.exec(number);
  if (!m) return number;
  const [, letters = '', digits = ''] = m;
  return [...letters.toUpperCase(), ...[...digits].map((d) => DUTCH_DIGITS[Number(d)] ?? d)].join(', ');
}
