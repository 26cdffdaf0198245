import { randomBytes, scryptSync } from 'node:crypto';
import type { Db } from '../../db/client.ts';
import { DEMO_LOCATIONS, DEMO_MUNICIPALITY } from '../../db/seed.ts';
import { type DemoAccessRows, demoAccessMissing, insertDemoAccess } from '../../db/sqlite/demo-access.ts';
import type { Config } from '../config.ts';
import { generateDemoPassword, generateToken, hashToken } from './tokens.ts';

/**
 * Demo access for the seeded Haarlem municipality, created once (when no demo user exists yet):
 * - `demo-agent` (Zijlsingel), `demo-supervisor` (Zijlsingel and Schalkwijk), `demo-admin` (all),
 *   all with LOKET_DEMO_PASSWORD, or one generated password;
 * - a kiosk and a display at the Zijlsingel sharing LOKET_DEMO_DEVICE_TOKEN (or one generated token);
 * - a kiosk and a display at Schalkwijk sharing one generated token.
 * Generated secrets are returned so main.ts prints them once; they are stored only hashed.
 */
export interface DemoAccess {
  password: string;
  passwordGenerated: boolean;
  deviceTokens: Record<string, { token: string; generated: boolean }>;
}

const SCRYPT = { N: 16384, r: 8, p: 1 } as const;
/** Same format as password.ts, but synchronous so seeding fits in one transaction and test set-up stays sync. */
function hashPasswordSync(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password.normalize('NFKC'), salt, 32, { ...SCRYPT, maxmem: 64 * 1024 * 1024 });
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

// Test contexts seed hundreds of fresh databases per run: hash each demo user's password once per process.
const hashCache = new Map<string, string>();
function cachedHash(username: string, password: string): string {
  const key = `${username}\u0000${password}`;
  let hash = hashCache.get(key);
  if (!hash) {
    hash = hashPasswordSync(password);
    hashCache.set(key, hash);
  }
  return hash;
}

export const DEMO_USERS = [
  { username: 'demo-agent', displayName: 'Demo Baliemedewerker', role: 'agent', locations: [DEMO_LOCATIONS.stadhuis] },
  {
    username: 'demo-supervisor',
    displayName: 'Demo Teamleider',
    role: 'supervisor',
    locations: [DEMO_LOCATIONS.stadhuis, DEMO_LOCATIONS.schalkwijk],
  },
  { username: 'demo-admin', displayName: 'Demo Beheerder', role: 'admin', locations: [] },
] as const;

/** The demo access to create: the rows to store and the secrets to show once. Pure but for random secrets. */
export function planDemoAccess(config: Config, now: Date): { rows: DemoAccessRows; access: DemoAccess } {
  const password = config.LOKET_DEMO_PASSWORD ?? generateDemoPassword();
  const zijlsingelToken = config.LOKET_DEMO_DEVICE_TOKEN ?? generateToken();
  const schalkwijkToken = generateToken();
  const pairs: [string, string, string][] = [
    [DEMO_LOCATIONS.stadhuis, zijlsingelToken, 'Zijlsingel'],
    [DEMO_LOCATIONS.schalkwijk, schalkwijkToken, 'Schalkwijk'],
  ];
  return {
    rows: {
      users: DEMO_USERS.map((user) => ({
        municipalityId: DEMO_MUNICIPALITY,
        username: user.username,
        displayName: user.displayName,
        role: user.role,
        passwordHash: cachedHash(user.username, password),
        locations: [...user.locations],
      })),
      devices: pairs.flatMap(([locationId, token, name]) =>
        (['kiosk', 'display'] as const).map((kind) => ({
          municipalityId: DEMO_MUNICIPALITY,
          locationId,
          kind,
          name: `Demo ${kind} ${name}`,
          tokenHash: hashToken(token),
          pairedAt: now,
        })),
      ),
    },
    access: {
      password,
      passwordGenerated: !config.LOKET_DEMO_PASSWORD,
      deviceTokens: {
        [DEMO_LOCATIONS.stadhuis]: { token: zijlsingelToken, generated: !config.LOKET_DEMO_DEVICE_TOKEN },
        [DEMO_LOCATIONS.schalkwijk]: { token: schalkwijkToken, generated: true },
      },
    },
  };
}

/** Seeds the demo access on an SQLite database once (synchronous: test contexts and benches call it in set-up). */
export function seedDemoAccess(db: Db, config: Config, now: Date): DemoAccess | null {
  if (!demoAccessMissing(db, DEMO_MUNICIPALITY, 'demo-admin')) return null;
  const { rows, access } = planDemoAccess(config, now);
  insertDemoAccess(db, rows);
  return access;
}

/** The once-only message for the operator; printed by main.ts, never logged as a JSON line. */
export function formatDemoAccess(access: DemoAccess, publicUrl: string): string {
  const lines = ['', '=== Loket demo access (shown once; stored only hashed) ==='];
  lines.push(
    `Staff: demo-agent, demo-supervisor, demo-admin — password ${access.passwordGenerated ? access.password : '(LOKET_DEMO_PASSWORD)'}`,
  );
  for (const [locationId, { token, generated }] of Object.entries(access.deviceTokens)) {
    const shown = generated ? token : '(LOKET_DEMO_DEVICE_TOKEN)';
    lines.push(`Devices ${locationId}: ${publicUrl}/kiosk#token=${shown}  ${publicUrl}/display#token=${shown}`);
  }
  lines.push('==========================================================', '');
  return lines.join('\n');
}
