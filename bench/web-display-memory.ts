/**
 * The waiting-room display's memory over an accelerated hour: 3,600 calls pushed through the real
 * hub (a walk-in ticket issued at the kiosk endpoint and called by a counter, over HTTP twins of the
 * hub commands), with the display open in headless Chromium. The JS heap (after a forced GC), DOM nodes
 * and event listeners are measured after the first minute's worth of calls (60) and after the hour.
 * No growth means the display can run for days. Called by bench/web.bench.ts; runnable on its own:
 * `npx tsx bench/web-display-memory.ts [calls]`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CDPSession, Page } from 'playwright-core';
import type { QueueSnapshot, TicketDto } from '../server/contracts/queue.ts';
import { apiCall as api } from '../tests/e2e/helpers/api.ts';
import { hasChromium, launchBrowser, newContext } from '../tests/e2e/helpers/browser.ts';
import { startRestartableServer } from '../tests/e2e/helpers/restartable-server.ts';

const location = 'haarlem-zijlsingel';
const deviceToken = 'demo-device-token-0123456789';
const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));

export interface MemorySample {
  calls: number;
  jsHeapUsedBytes: number;
  domNodes: number;
  jsEventListeners: number;
  recentCallsShown: number;
}

export interface DisplayMemoryResult {
  calls: number;
  counters: number;
  elapsedSeconds: number;
  afterOneMinute: MemorySample;
  afterOneHour: MemorySample;
  /** Every checkpoint (calls → sample), to tell a one-off warm-up from steady growth. */
  samples: MemorySample[];
  /** Growth over the last part of the hour (from the second checkpoint on): steady-state leak per 1,000 calls. */
  steadyGrowthBytesPer1000Calls: number;
  heapGrowthBytes: number;
  heapGrowthPercent: number;
  domNodeGrowth: number;
  listenerGrowth: number;
}

async function sample(page: Page, cdp: CDPSession, calls: number): Promise<MemorySample> {
  // Two GCs: the first may only schedule finalisers.
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
  const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
  const metric = (name: string) => metrics.find((m) => m.name === name)?.value ?? Number.NaN;
  const recentCallsShown = await page.getByTestId('recent-calls').locator('li').count();
  return {
    calls,
    jsHeapUsedBytes: heap.usedSize,
    domNodes: metric('Nodes'),
    jsEventListeners: metric('JSEventListeners'),
    recentCallsShown,
  };
}

export async function measureDisplayMemory(
  options: { calls?: number; warmupCalls?: number } = {},
): Promise<DisplayMemoryResult | null> {
  if (!hasChromium) {
    console.warn('display memory: /usr/bin/chromium missing, skipped');
    return null;
  }
  const total = options.calls ?? 3600;
  const warmup = options.warmupCalls ?? 60;
  const server = await startRestartableServer({
    apps: ['display'],
    config: { RATE_LIMIT_LOOKUPS_PER_MINUTE: 1_000_000, RATE_LIMIT_BOOKINGS_PER_MINUTE: 1_000_000 },
  });
  const browser = await launchBrowser();
  try {
    const context = await newContext(browser, { viewport: { width: 1920, height: 1080 } });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');

    // One counter per staff member (a person sits at one desk): three pickup counters, three demo users.
    const tokens: string[] = [];
    for (const username of ['demo-agent', 'demo-supervisor', 'demo-admin']) {
      const session = await api<{ token: string }>(server, '/sessions', {
        method: 'POST',
        body: { username, password: 'demo-password-123' },
      });
      tokens.push(session.token);
    }
    const snapshot = await api<QueueSnapshot>(server, `/locations/${location}/queue`, { token: tokens[0] });
    const counters = snapshot.counters
      .filter((c) => c.skills.includes('pickup'))
      .slice(0, tokens.length)
      .map((c, i) => ({ id: c.id, token: tokens[i] as string }));
    for (const c of counters) await api(server, `/counters/${c.id}/sign-in`, { method: 'POST', token: c.token });

    await page.goto(`${server.url}/display/#token=${deviceToken}`);
    await page.getByText('Nog geen oproepen').waitFor();

    let lastNumber = '';
    const pushCalls = async (from: number, to: number) => {
      for (let i = from; i < to; i++) {
        await api<TicketDto>(server, `/locations/${location}/tickets`, {
          method: 'POST',
          token: deviceToken,
          body: { services: [{ code: 'pickup', persons: 1 }] },
        });
        const counter = counters[i % counters.length] as { id: number; token: string };
        const called = await api<{ ticket: TicketDto | null }>(server, `/counters/${counter.id}/call-next`, {
          method: 'POST',
          token: counter.token,
        });
        if (!called.ticket) throw new Error('call-next called nobody');
        lastNumber = called.ticket.number;
        // Serving it lets the counter's next call-next finish it.
        await api(server, `/tickets/${called.ticket.id}/start`, { method: 'POST', token: counter.token });
      }
      // The display has caught up when it shows the last call large.
      await page.getByTestId('latest-call').getByText(lastNumber, { exact: true }).waitFor({ timeout: 60_000 });
    };

    const t0 = Date.now();
    const checkpoints = [...new Set([warmup, Math.round(total / 6), Math.round(total / 2), total])]
      .filter((n) => n >= warmup && n <= total)
      .sort((a, b) => a - b);
    const samples: MemorySample[] = [];
    let done = 0;
    for (const checkpoint of checkpoints) {
      await pushCalls(done, checkpoint);
      done = checkpoint;
      samples.push(await sample(page, cdp, checkpoint));
    }
    const afterOneMinute = samples[0] as MemorySample;
    const afterOneHour = samples[samples.length - 1] as MemorySample;
    const elapsedSeconds = (Date.now() - t0) / 1000;
    const steadyFrom = samples[1] ?? afterOneMinute;
    const steadyCalls = afterOneHour.calls - steadyFrom.calls;
    const steadyGrowthBytesPer1000Calls =
      steadyCalls > 0
        ? Math.round(((afterOneHour.jsHeapUsedBytes - steadyFrom.jsHeapUsedBytes) / steadyCalls) * 1000)
        : 0;

    const heapGrowthBytes = afterOneHour.jsHeapUsedBytes - afterOneMinute.jsHeapUsedBytes;
    return {
      calls: total,
      counters: counters.length,
      elapsedSeconds: Math.round(elapsedSeconds * 10) / 10,
      afterOneMinute,
      afterOneHour,
      samples,
      steadyGrowthBytesPer1000Calls,
      heapGrowthBytes,
      heapGrowthPercent: Math.round((heapGrowthBytes / afterOneMinute.jsHeapUsedBytes) * 1000) / 10,
      domNodeGrowth: afterOneHour.domNodes - afterOneMinute.domNodes,
      listenerGrowth: afterOneHour.jsEventListeners - afterOneMinute.jsEventListeners,
    };
  } finally {
    await browser.close();
    await server.close();
  }
}

export function printDisplayMemory(result: DisplayMemoryResult): void {
  const mb = (b: number) => `${(b / 1024 / 1024).toFixed(2)} MB`;
  console.log(`display memory — ${result.calls} calls over ${result.counters} counters in ${result.elapsedSeconds} s`);
  for (const s of result.samples) {
    console.log(
      `  after ${String(s.calls).padStart(5)} calls: heap ${mb(s.jsHeapUsedBytes)}, ` +
        `${s.domNodes} DOM nodes, ${s.jsEventListeners} listeners, ${s.recentCallsShown} recent calls listed`,
    );
  }
  console.log(
    `  growth: heap ${result.heapGrowthBytes >= 0 ? '+' : ''}${(result.heapGrowthBytes / 1024).toFixed(1)} kB ` +
      `(${result.heapGrowthPercent} %), DOM nodes ${result.domNodeGrowth >= 0 ? '+' : ''}${result.domNodeGrowth}, ` +
      `listeners ${result.listenerGrowth >= 0 ? '+' : ''}${result.listenerGrowth}`,
  );
  console.log(
    `  steady state (after call ${result.samples[1]?.calls ?? result.afterOneMinute.calls}): ` +
      `${(result.steadyGrowthBytesPer1000Calls / 1024).toFixed(1)} kB per 1,000 calls`,
  );
}

export function writeDisplayMemory(result: DisplayMemoryResult): string {
  mkdirSync(resultsDir, { recursive: true });
  const path = join(resultsDir, 'web-display-memory.json');
  writeFileSync(path, `${JSON.stringify({ measuredAt: new Date().toISOString(), ...result }, null, 2)}\n`);
  return path;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const calls = Number(process.argv[2] ?? 3600);
  const result = await measureDisplayMemory({ calls });
  if (result) {
    printDisplayMemory(result);
    console.log(`written to ${writeDisplayMemory(result)}`);
  }
}
