import { z } from 'zod';

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** `scheme://host[:port]` with nothing after it, normalised the way browsers send Origin; else null. */
function parseOrigin(text: string): string | null {
  if (!URL.canParse(text)) return null;
  const url = new URL(text);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) {
    return null;
  }
  return url.origin;
}

const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  LOKET_DB: z.string().default('./data/loket.db'),
  /** `postgres://…`: PostgreSQL instead of the SQLite file (wins over LOKET_DB); for several nodes. */
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  /** `redis://…`: connects the nodes (hub adapter, shared rate limits); unset: one node, in-process. */
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  /** Prefix of every Redis key this installation writes (several installations or test runs on one Redis). */
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]{1,64}$/)
    .default('loket:'),
  /** After SIGTERM, milliseconds the node still serves while health answers 503 `draining` (a balancer's notice). */
  SHUTDOWN_NOTICE_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  /** After SIGTERM (and the notice), milliseconds requests in flight may take before they are cut. */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
  /** Below this much free disk space (MiB) next to the database, writes are refused with 503. */
  LOKET_DB_MIN_FREE_MB: z.coerce.number().min(0).default(64),
  /** Public base URL used in e-mails, QR codes and calendar files; its origin may change data. */
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Extra origins allowed to send state-changing requests (comma-separated), parsed to origins. */
  ALLOWED_ORIGINS: z
    .string()
    .default('')
    .transform((value, ctx) => {
      const origins: string[] = [];
      for (const item of value.split(',').map((o) => o.trim())) {
        if (item === '') continue;
        const origin = parseOrigin(item);
        if (origin === null) {
          ctx.addIssue({ code: 'custom', message: `not an origin (scheme://host[:port]): ${item}` });
          return z.NEVER;
        }
        origins.push(origin);
      }
      return origins;
    }),
  SMTP_URL: z.string().optional(),
  MAIL_FROM: z.string().default('Loket <noreply@loket.example>'),
  LOKET_DEMO_PASSWORD: z.string().min(8).optional(),
  LOKET_DEMO_DEVICE_TOKEN: z.string().min(16).optional(),
  LOKET_SEED_DEMO: flag.default(true),
  /** Days of simulated ticket history filled in the background for demo offices without history (0: none). */
  LOKET_DEMO_HISTORY_DAYS: z.coerce.number().int().min(0).max(730).default(365),
  /** Days after an appointment that its personal data is erased. */
  RETENTION_DAYS: z.coerce.number().int().min(0).max(3650).default(7),
  MAX_ACTIVE_BOOKINGS_PER_EMAIL: z.coerce.number().int().min(1).max(100).default(4),
  /** HMAC secret of the booking proof-of-work (ALTCHA); unset: random per process (set it for several nodes). */
  CHALLENGE_HMAC_KEY: z.string().min(16).optional(),
  /** Work per challenge: the solver tries about 50–100 % of this many SHA-256 hashes. */
  CHALLENGE_MAX_NUMBER: z.coerce.number().int().min(1_000).max(10_000_000).default(100_000),
  /** Minutes a challenge stays valid after it was issued. */
  CHALLENGE_TTL_MINUTES: z.coerce.number().int().min(1).max(120).default(10),
  RATE_LIMIT_BOOKINGS_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  /** Bookings per client network (IPv4 /24, IPv6 /48) per minute, the looser second limit; unset: 3 × the host limit. */
  RATE_LIMIT_BOOKINGS_PER_NETWORK_PER_MINUTE: z.coerce.number().int().min(1).optional(),
  RATE_LIMIT_LOOKUPS_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  /** Hub connections open at once per client (IPv4 address, IPv6 /64), and of those without a token. */
  HUB_MAX_CONNECTIONS_PER_ADDRESS: z.coerce.number().int().min(1).default(200),
  HUB_MAX_ANONYMOUS_CONNECTIONS_PER_ADDRESS: z.coerce.number().int().min(1).default(50),
  /** Wrong check-in codes or references a kiosk may enter per 10 minutes before it must wait. */
  CHECK_IN_MISSES_PER_10_MINUTES: z.coerce.number().int().min(1).default(10),
  /** Trust X-Forwarded-For for the client address (behind a reverse proxy only). */
  TRUST_PROXY: flag.default(false),
  /** A called ticket may be recalled this many times; one more recall marks it no-show. */
  QUEUE_MAX_RECALLS: z.coerce.number().int().min(0).max(10).default(3),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
});

export type Config = z.infer<typeof ConfigSchema>;

/** Parses the environment once. Nothing else reads process.env. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/**
 * The origins whose browsers may change data (and, with CORS, read personal data): PUBLIC_URL's and
 * ALLOWED_ORIGINS. The Host header is never trusted for this: anyone can send any Host. Without
 * PUBLIC_URL (a local install) the loopback origins on PORT stand in for it.
 */
export function trustedOrigins(config: Pick<Config, 'PUBLIC_URL' | 'ALLOWED_ORIGINS' | 'PORT'>): ReadonlySet<string> {
  const origins = new Set(config.ALLOWED_ORIGINS);
  if (config.PUBLIC_URL) origins.add(new URL(config.PUBLIC_URL).origin);
  else for (const host of ['localhost', '127.0.0.1', '[::1]']) origins.add(`http://${host}:${config.PORT}`);
  return origins;
}

/** Defaults for tests: in-memory database, no SMTP, demo credentials fixed. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    ...loadConfig({
      LOKET_DB: ':memory:',
      LOG_LEVEL: 'silent',
      LOKET_DEMO_PASSWORD: 'demo-password-123',
      LOKET_DEMO_DEVICE_TOKEN: 'demo-device-token-0123456789',
      PUBLIC_URL: 'http://localhost:3000',
    }),
    ...overrides,
  };
}
