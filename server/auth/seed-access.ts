import { randomBytes, scryptSync } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { type Db, writeTransaction } from '../../db/client.ts';
import { devices, municipalities, staffLocations, staffUsers } from '../../db/schema/index.ts';
import { DEMO_LOCATIONS, DEMO_MUNICIPALITY } from '../../db/seed.ts';
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

export function seedDemoAccess(db: Db, config: Config, now: Date): DemoAccess | null {
  if (!db.select().from(municipalities).where(eq(municipalities.id, DEMO_MUNICIPALITY)).get()) return null;
  if (db.select().from(staffUsers).where(eq(staffUsers.username, 'demo-admin')).get()) return null;
  const password = config.LOKET_DEMO_PASSWORD ?? generateDemoPassword();
  const zijlsingelToken = config.LOKET_DEMO_DEVICE_TOKEN ?? generateToken();
  const schalkwijkToken = generateToken();
  writeTransaction(db, (tx) => {
    for (const user of DEMO_USERS) {
      const row = tx
        .insert(staffUsers)
        .values({
          municipalityId: DEMO_MUNICIPALITY,
          username: user.username,
          displayName: user.displayName,
          role: user.role,
          passwordHash: cachedHash(user.username, password),
        })
        .returning({ id: staffUsers.id })
        .get();
      for (const locationId of user.locations) tx.insert(staffLocations).values({ userId: row.id, locationId }).run();
    }
    const pairs: [string, string, string][] = [
      [DEMO_LOCATIONS.stadhuis, zijlsingelToken, 'Zijlsingel'],
      [DEMO_LOCATIONS.schalkwijk, schalkwijkToken, 'Schalkwijk'],
    ];
    for (const [locationId, token, name] of pairs) {
      for (const kind of ['kiosk', 'display'] as const) {
        tx.insert(devices)
          .values({
            municipalityId: DEMO_MUNICIPALITY,
            locationId,
            kind,
            name: `Demo ${kind} ${name}`,
            tokenHash: hashToken(token),
            pairedAt: now,
          })
          .run();
      }
    }
  });
  return {
    password,
    passwordGenerated: !config.LOKET_DEMO_PASSWORD,
    deviceTokens: {
      [DEMO_LOCATIONS.stadhuis]: { token: zijlsingelToken, generated: !config.LOKET_DEMO_DEVICE_TOKEN },
      [DEMO_LOCATIONS.schalkwijk]: { token: schalkwijkToken, generated: true },
    },
  };
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
