/**
 * A small structured logger (JSON lines). Callers pass facts, never personal data: no names,
 * e-mail addresses, phone numbers or references of residents.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

export function createLogger(
  level: LogLevel,
  write: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
): Logger {
  const at = (lvl: Exclude<LogLevel, 'silent'>) => (msg: string, fields?: Record<string, unknown>) => {
    if (order[lvl] < order[level]) return;
    write(JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...fields }));
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export const silentLogger: Logger = createLogger('silent');

/** Logs `msg` with `cause` now, or counts it when a line for that cause went out less than `windowMs` ago. */
export type CauseLog = (msg: string, cause: string, fields?: Record<string, unknown>) => void;

/** Distinct causes tracked at once; further ones are counted together under this cause. */
const CAUSES_KEPT = 100;
const OTHER_CAUSES = 'other causes';

/**
 * Warnings rate-limited per cause: the first occurrence is logged at once, the others within `windowMs` are counted,
 * and when the window ends with some counted, one line says how many (`suppressed`) and a new window begins; a window
 * with none counted ends the cause's record. So a storm of one failure costs one line per window, and the operator
 * still sees how often it happened. The cause is a fixed description (an error's code or message), never request
 * data: the caller keeps personal data and bodies out of it and out of `fields`.
 */
export function causeLog(log: Logger, windowMs = 5_000): CauseLog {
  const causes = new Map<string, { msg: string; suppressed: number; fields?: Record<string, unknown> }>();
  const closeWindow = (key: string) => {
    const timer = setTimeout(() => {
      const entry = causes.get(key);
      if (!entry) return;
      if (entry.suppressed === 0) {
        causes.delete(key);
        return;
      }
      log.warn(entry.msg, { ...entry.fields, cause: key, suppressed: entry.suppressed, windowMs });
      entry.suppressed = 0;
      closeWindow(key);
    }, windowMs);
    timer.unref?.();
  };
  return (msg, cause, fields) => {
    const key = causes.has(cause) || causes.size < CAUSES_KEPT ? cause : OTHER_CAUSES;
    const entry = causes.get(key);
    if (entry) {
      entry.suppressed++;
      entry.fields = fields;
      return;
    }
    causes.set(key, { msg, suppressed: 0 });
    log.warn(msg, { ...fields, cause: key });
    closeWindow(key);
  };
}
