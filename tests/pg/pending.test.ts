import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client.ts';
import { missingOnPostgres, pendingOnPostgres, pgRepositoryNames } from '../../db/pg/storage.ts';
import { sqliteStorage } from '../../db/sqlite/storage.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('PostgreSQL serves only with every repository of the seam', () => {
  it('names exactly the repositories SQLite has and PostgreSQL lacks', () => {
    const db = openDatabase(':memory:');
    const names = Object.keys(sqliteStorage(db).read);
    db.$client.close();
    // Every PostgreSQL repository is one of the seam's (a misspelt name would never be called).
    expect(pgRepositoryNames.filter((name) => !names.includes(name))).toEqual([]);
    const missing = missingOnPostgres();
    expect(missing).toEqual(names.filter((name) => !pgRepositoryNames.includes(name)));
    if (missing.length === 0) expect(pendingOnPostgres()).toBeNull();
    else for (const name of missing) expect(pendingOnPostgres()).toContain(name);
  });

  it('server/main.ts with DATABASE_URL exits 1 before serving anything it cannot: naming what is missing, or the unreachable database', async () => {
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = execFile(
        process.execPath,
        ['--import', 'tsx', 'server/main.ts'],
        {
          cwd: root,
          env: {
            ...process.env,
            // Nothing listens on port 1 of the loopback.
            DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none',
            PORT: '0',
            LOKET_DB: ':memory:',
          },
          timeout: 60_000,
        },
        (_error, _stdout, stderr) => resolve({ code: child.exitCode, stderr }),
      );
    });
    expect(result.code).toBe(1);
    const pending = pendingOnPostgres();
    if (pending) expect(result.stderr).toContain(pending);
    else expect(result.stderr).toMatch(/PostgreSQL cannot be reached/);
  });
});
