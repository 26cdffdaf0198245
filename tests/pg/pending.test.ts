import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client.ts';
import { PG_PENDING_DOMAINS, pendingOnPostgres, pgRepositoryNames } from '../../db/pg/storage.ts';
import { sqliteStorage } from '../../db/sqlite/storage.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('PostgreSQL serves only when nothing reaches SQLite directly', () => {
  it('every server folder whose code still imports db/ (not db/pg) or uses deps.db is listed as pending', () => {
    const direct = new Set<string>();
    for (const file of sourceFiles(join(root, 'server'))) {
      const rel = relative(join(root, 'server'), file);
      if (!rel.includes('/')) continue; // main.ts, deps.ts: the composition root, which DATABASE_URL switches
      const source = readFileSync(file, 'utf8');
      if (/from '(\.\.\/)+db\/(?!pg\/)/.test(source) || /\bdeps\.db\b/.test(source))
        direct.add(rel.split('/')[0] ?? rel);
    }
    const unlisted = [...direct].filter((domain) => !PG_PENDING_DOMAINS.includes(domain));
    expect(unlisted, 'add these to PG_PENDING_DOMAINS in db/pg/storage.ts').toEqual([]);
    const moved = PG_PENDING_DOMAINS.filter((domain) => !direct.has(domain));
    expect(moved, 'these reach SQLite no more: remove them from PG_PENDING_DOMAINS').toEqual([]);
  });

  it('when nothing is pending, every repository of the seam is implemented on PostgreSQL', () => {
    const names = Object.keys(sqliteStorage(openDatabase(':memory:')).read);
    const missing = names.filter((name) => !pgRepositoryNames.includes(name));
    if (PG_PENDING_DOMAINS.length === 0) expect(missing).toEqual([]);
    expect(pgRepositoryNames.every((name) => names.includes(name))).toBe(true);
  });

  it('server/main.ts with DATABASE_URL refuses to start while domains are pending, naming them', async () => {
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = execFile(
        process.execPath,
        ['--import', 'tsx', 'server/main.ts'],
        {
          cwd: root,
          env: {
            ...process.env,
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
    expect(result.stderr).toContain(pendingOnPostgres() ?? 'PostgreSQL: ');
    for (const domain of PG_PENDING_DOMAINS) expect(result.stderr).toContain(domain);
  });
});
