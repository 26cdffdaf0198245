import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * `server/main.ts` as a real child process (via tsx), as an operator starts a node: for shutdown and
 * load-balancer tests. Loopback only; the caller removes what it started (`stop`, `removeDir`).
 */
export interface NodeProcess {
  child: ChildProcess;
  port: number;
  url: string;
  /** Every line the node printed (JSON log lines and the demo access block). */
  output: string[];
  /** Resolves with the exit code (or signal) once the process has ended. */
  exited: Promise<number | string>;
  /** SIGKILLs the process if it still runs. */
  kill(): Promise<void>;
}

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export function tempDir(label: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), `loket-${label}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Starts a node and resolves once it logs `listening` (rejects if it exits first or after `timeoutMs`). */
export async function startNode(env: Record<string, string>, timeoutMs = 45_000): Promise<NodeProcess> {
  const port = Number(env.PORT ?? (await freePort()));
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: process.cwd(),
    env: {
      PATH: process.env.PATH,
      TZ: 'UTC',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      LOKET_DEMO_HISTORY_DAYS: '0',
      LOKET_DEMO_PASSWORD: 'demo-password-123',
      LOKET_DEMO_DEVICE_TOKEN: 'demo-device-token-0123456789',
      ...env,
      PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  const listening = new Promise<void>((resolve, reject) => {
    let buffer = '';
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        output.push(line);
        if (line.includes('"msg":"listening"')) resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => reject(new Error(`node exited (${code}) before listening:\n${output.join('\n')}`)));
    setTimeout(() => reject(new Error(`node not listening after ${timeoutMs} ms:\n${output.join('\n')}`)), timeoutMs);
  });
  const node: NodeProcess = {
    child,
    port,
    url: `http://127.0.0.1:${port}`,
    output,
    exited,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
  try {
    await listening;
  } catch (error) {
    await node.kill();
    throw error;
  }
  return node;
}
