import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// deploy/haproxy.cfg as an operator first meets it (README.md, "Running on several nodes"): `haproxy -c` with and
// without the environment of haproxy.env.

const HAPROXY = '/usr/sbin/haproxy';
const underCi = process.env.CI === 'true' || process.env.CI === '1';
const available = existsSync(HAPROXY);
if (!available && !underCi) console.warn(`skipped the HAProxy config test: ${HAPROXY} is missing`);

const check = (env: Record<string, string>) =>
  spawnSync(HAPROXY, ['-c', '-f', 'deploy/haproxy.cfg'], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
  });

describe.runIf(available || underCi)('deploy/haproxy.cfg checked with haproxy -c', () => {
  it('is valid with the nodes from the environment', () => {
    const result = check({
      LOKET_BIND: '127.0.0.1:18080',
      LOKET_NODE1: '127.0.0.1:13001',
      LOKET_NODE2: '127.0.0.1:13002',
    });
    expect(result.status, result.stderr).toBe(0);
  });

  it('without the environment says which variable is missing and how to set it', () => {
    const result = check({});
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('LOKET_NODE1 is not set');
    expect(result.stderr).toContain('haproxy.env');
  });
});
