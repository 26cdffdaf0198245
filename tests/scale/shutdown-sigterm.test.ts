import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type NodeProcess, startNode, tempDir } from '../helpers/node-process.ts';
import { cleanupAfterEach, connectClient, waitConnected } from '../helpers/server.ts';

// Issue #9 item 6: a node stopped with SIGTERM finishes what it started and takes nothing new.

const cleanup = cleanupAfterEach();

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function collect(res: import('node:http').IncomingMessage): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (chunk) => {
      body += chunk;
    });
    res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    res.on('error', reject);
  });
}

function get(url: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { agent: false }, (res) => void collect(res).then(resolve, reject));
    req.on('error', reject);
    req.end();
  });
}

/**
 * A sign-in whose body arrives in two parts: the request is in flight on the node from the first part
 * until `finish()` sends the rest.
 */
function slowSignIn(node: NodeProcess): { answer: Promise<Answer>; finish(): void; started: Promise<void> } {
  const body = JSON.stringify({ username: 'demo-agent', password: 'demo-password-123' });
  const half = Math.floor(body.length / 2);
  let started!: () => void;
  const req = httpRequest(`${node.url}/api/v1/sessions`, {
    method: 'POST',
    agent: false,
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
  });
  const answer = new Promise<Answer>((resolve, reject) => {
    req.on('response', (res) => void collect(res).then(resolve, reject));
    req.on('error', reject);
  });
  req.on('socket', (socket) => socket.once('connect', () => started()));
  req.write(body.slice(0, half));
  return {
    answer,
    started: new Promise<void>((resolve) => {
      started = resolve;
    }),
    finish: () => req.end(body.slice(half)),
  };
}

describe('SIGTERM on a node (a real child process)', () => {
  it('answers health 503 draining at once, finishes the request in flight, refuses new connections, closes sockets, exits 0', async () => {
    const tmp = tempDir('shutdown');
    cleanup.push(() => tmp.remove());
    const node = await startNode({ LOKET_DB: join(tmp.dir, 'loket.db'), SHUTDOWN_NOTICE_MS: '3000' });
    cleanup.push(() => node.kill());

    expect(await get(`${node.url}/api/v1/health`)).toMatchObject({ status: 200 });
    const socket = connectClient(node.url);
    cleanup.push(() => {
      socket.disconnect();
    });
    await waitConnected(socket);
    const socketGone = new Promise<string>((resolve) => socket.once('disconnect', resolve));

    const slow = slowSignIn(node);
    await slow.started;
    // Let the node read the first half, so the request is in flight when the signal comes.
    await new Promise((r) => setTimeout(r, 200));
    node.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));

    // The notice: still serving, but health says draining so a balancer takes the node out.
    const health = await get(`${node.url}/api/v1/health`);
    expect(health.status).toBe(503);
    expect(JSON.parse(health.body)).toEqual({ status: 'unavailable', reason: 'draining' });
    expect(health.headers.connection).toBe('close');

    // After the notice: no new connections; the sockets were closed by the transport (so they reconnect).
    expect(await socketGone).toBe('transport close');
    await expect(get(`${node.url}/api/v1/health`)).rejects.toThrow(/ECONNREFUSED|ECONNRESET/);

    // The request in flight since before the signal is finished and answered in full.
    slow.finish();
    const answer = await slow.answer;
    expect(answer.status).toBe(201);
    expect(answer.headers.connection).toBe('close');

    expect(await node.exited).toBe(0);
    expect(node.output.some((line) => line.includes('"msg":"shut down"') && line.includes('"outcome":"drained"'))).toBe(
      true,
    );
  }, 90_000);

  it('cuts a request still open after SHUTDOWN_GRACE_MS and still exits 0', async () => {
    const tmp = tempDir('shutdown');
    cleanup.push(() => tmp.remove());
    const node = await startNode({ LOKET_DB: join(tmp.dir, 'loket.db'), SHUTDOWN_GRACE_MS: '500' });
    cleanup.push(() => node.kill());
    const slow = slowSignIn(node);
    await slow.started;
    slow.answer.catch(() => {});
    await new Promise((r) => setTimeout(r, 200));
    node.child.kill('SIGTERM');
    expect(await node.exited).toBe(0);
    expect(node.output.some((line) => line.includes('"outcome":"timeout"'))).toBe(true);
  }, 90_000);
});
