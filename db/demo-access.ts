import { hashPasswordSync } from '../server/auth/password.ts';
import type { StaffRole } from '../server/auth/principal.ts';
import { generateDemoPassword, generateToken, hashToken } from '../server/auth/tokens.ts';
import type { Config } from '../server/config.ts';
import { DEMO_LOCATIONS, DEMO_MUNICIPALITY } from './seed.ts';

/**
 * Demo access for the seeded Haarlem municipality (db/seed.ts), created once, with the demo itself:
 * - `demo-agent` (Zijlsingel), `demo-supervisor` (Zijlsingel and Schalkwijk), `demo-admin` (all),
 *   all with LOKET_DEMO_PASSWORD, or one generated password;
 * - a kiosk and a display at the Zijlsingel sharing LOKET_DEMO_DEVICE_TOKEN (or one generated token);
 * - a kiosk and a display at Schalkwijk sharing one generated token.
 * Planned here for both engines; inserted by db/sqlite/demo-access.ts or db/pg/seed.ts, inside the seed's
 * once-only step (db/migrate.ts, db/pg/migrate.ts). Generated secrets are shown once by the node that
 * inserted them (server/main.ts); they are stored only hashed.
 */
export interface DemoAccess {
  password: string;
  passwordGenerated: boolean;
  deviceTokens: Record<string, { token: string; generated: boolean }>;
}

/** The rows the demo access consists of, secrets already hashed: what a storage implementation inserts. */
export interface DemoAccessRows {
  users: {
    municipalityId: string;
    username: string;
    displayName: string;
    role: StaffRole;
    passwordHash: string;
    locations: string[];
  }[];
  devices: {
    municipalityId: string;
    locationId: string;
    kind: 'kiosk' | 'display';
    name: string;
    tokenHash: string;
    pairedAt: Date;
  }[];
}

/** The user whose presence means the demo access is there already. */
export const DEMO_ADMIN = 'demo-admin';

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
  { username: DEMO_ADMIN, displayName: 'Demo Beheerder', role: 'admin', locations: [] },
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
