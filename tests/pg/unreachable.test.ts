import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('server/main.ts on PostgreSQL', () => {
  it('exits 1 before serving anything when the database of DATABASE_URL cannot be reached, saying so', async () => {
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
    expect(result.stderr).toMatch(/PostgreSQL cannot be reached/);
  });
});
