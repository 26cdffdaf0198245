/** What the benches share: their figures (percentile, rounding) and how they talk to their child processes. */
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { Socket } from 'socket.io-client';

/** The p-th percentile (nearest rank) of ascending numbers; NaN when there are none. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

/** `x` to `d` decimals, as the benches report their figures. */
export const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

/** The next IPC message of `type` from a bench child process; a child that stays silent fails the run. */
export function nextMessage<T>(proc: ChildProcess, type: string, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.off('message', onMessage);
      reject(new Error(`no ${type} from child within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (msg: { type: string }) => {
      if (msg.type !== type) return;
      clearTimeout(timer);
      proc.off('message', onMessage);
      resolve(msg as T);
    };
    proc.on('message', onMessage);
  });
}

/** A TCP port free on the loopback at the moment of asking. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** A hub command and its ack; no ack within `timeoutMs` answers `timeout`, as a client would count it. */
export function emitAck<A extends { ok: boolean; error?: { code: string } }>(
  socket: Socket,
  event: string,
  payload: unknown,
  timeoutMs: number,
): Promise<A> {
  return socket
    .timeout(timeoutMs)
    .emitWithAck(event, payload)
    .catch(() => ({ ok: false, error: { code: 'timeout' } }) as A);
}
