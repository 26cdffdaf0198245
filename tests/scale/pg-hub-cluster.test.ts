import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { DEMO_DEVICE_TOKEN } from '../helpers/auth.ts';
import { describeWithPostgres, describeWithRedis } from '../helpers/servers.ts';
import { callNext, counterId, hubClusterCases, issue, onCleanup, watching } from './hub-cluster-cases.ts';
import { http, type NodeProcess, signIn, startCluster, until } from './hub-nodes.ts';

// The hub on several node processes on one PostgreSQL database and one Redis (issue #9, "what must hold"):
// the cases of hub-cluster-cases.ts (the same as on one SQLite file), and SIGKILL of a node in the middle of
// call bursts, round after round.

describeWithPostgres('the hub on several nodes (processes, one PostgreSQL database)', () => {
  describeWithRedis('with Redis', () => {
    describe('on PostgreSQL', () => {
      // Declares the afterEach that cleans up after this file's case below too.
      hubClusterCases('postgresql');

      it('SIGKILL of a node in the middle of a call burst, three rounds: every acknowledged call is in the database and reaches the display on another node', async () => {
        const cluster = await startCluster(3, { engine: 'postgresql', onCleanup });
        const [a, b] = cluster.nodes as [NodeProcess, NodeProcess, NodeProcess];
        const staff = await signIn(a.url, 'demo-supervisor');
        await issue(a.url, staff, 45);
        const agents = [await signIn(a.url, 'demo-agent'), await signIn(a.url, 'agent-2')] as const;
        const counters = [await counterId(a.url, staff, 'Balie 1'), await counterId(a.url, staff, 'Balie 2')] as const;
        expect((await http(a.url, 'POST', `/counters/${counters[0]}/sign-in`, { token: agents[0] })).status).toBe(200);
        expect((await http(a.url, 'POST', `/counters/${counters[1]}/sign-in`, { token: agents[1] })).status).toBe(200);

        const { client: display } = await watching(b.url, { token: DEMO_DEVICE_TOKEN });
        const seenOnB = new Set<number>();
        display.on('ticket:called', (call) => seenOnB.add(call.ticketId));

        const acknowledged: number[] = [];
        const press = (node: NodeProcess, k: 0 | 1) => callNext(node.url, counters[k], agents[k]);
        const ticketOf = (res: { status: number; body: { ticket?: { id: number } } | null }) => {
          if (res.status === 200 && res.body?.ticket) acknowledged.push(res.body.ticket.id);
        };
        for (let round = 0; round < 3; round++) {
          // Balie 1 is served by node A throughout, Balie 2 by node C; both press "next" turn after turn.
          const victim = cluster.nodes[2] as NodeProcess;
          for (let turn = 0; turn < 3; turn++) (await Promise.all([press(a, 0), press(victim, 1)])).forEach(ticketOf);
          // Then C dies while both presses of a turn are in flight: C's call may or may not have committed, and
          // only if its answer arrived does it count as acknowledged.
          const inFlight = [press(a, 0), press(victim, 1)];
          await new Promise((r) => setTimeout(r, 5 + round * 10));
          await victim.kill('SIGKILL');
          (await Promise.all(inFlight)).forEach(ticketOf);
          for (let turn = 0; turn < 2; turn++) ticketOf(await press(a, 0));
          const restarted = await cluster.restart(2);
          // The restarted node serves Balie 2 again: the agent's session and the counter sign-in are in the database.
          const after = await press(restarted, 1);
          expect(after.status, JSON.stringify(after.body)).toBe(200);
          ticketOf(after);
        }
        expect(new Set(acknowledged).size).toBe(acknowledged.length);
        expect(acknowledged.length).toBeGreaterThanOrEqual(3 * (3 * 2 + 1 + 2 + 1));

        // Each acknowledged call is stored as called (or served, with call-and-start), with its time.
        const client = new pg.Client({ connectionString: (cluster.database as { url: string }).url });
        await client.connect();
        try {
          const rows = await client.query<{ id: number; status: string; called_at: Date | null }>(
            'SELECT id, status, called_at FROM tickets WHERE id = ANY($1::int[])',
            [acknowledged],
          );
          expect(rows.rows).toHaveLength(acknowledged.length);
          for (const row of rows.rows) {
            expect(row.called_at, `ticket ${row.id}`).not.toBeNull();
            expect(['called', 'serving', 'done']).toContain(row.status);
          }
        } finally {
          await client.end();
        }
        await until(() => acknowledged.every((id) => seenOnB.has(id)), 'every acknowledged call on node B', 20_000);
      }, 240_000);
    });
  });
});
