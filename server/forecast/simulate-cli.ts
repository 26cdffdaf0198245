/**
 * `npm run simulate -- <scenario.json> [--out <dir>] [--days <n>]`
 * Runs a scenario (format: bench/README.md) with the real call-next policy and the real predictor and
 * writes <dir>/<name>-tickets.csv (per ticket: predicted and realised wait) and <dir>/<name>-hours.csv
 * (per service day and hour: walk-ins, called within the norm, service level).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simulate } from './simulator/engine.ts';
import { parseScenario } from './simulator/scenario.ts';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith('--'));
  const flag = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  if (!file) {
    console.error('usage: npm run simulate -- <scenario.json> [--out <dir>] [--days <n>]');
    process.exit(2);
  }
  const raw = JSON.parse(readFileSync(file, 'utf8'));
  if (flag('days')) raw.days = Number(flag('days'));
  const scenario = parseScenario(raw);
  const result = simulate(scenario);
  const out = flag('out') ?? 'bench/results/simulate';
  mkdirSync(out, { recursive: true });

  const iso = (d: Date | null) => (d ? d.toISOString() : '');
  const ticketRows = [
    'ticket_id,service_date,number,source,services,issued_at,due_at,called_at,finished_at,counter_id,status,predicted_minutes,band,band_low,band_high,realised_minutes',
    ...result.tickets.map((t) =>
      [
        t.id,
        t.serviceDate,
        t.number,
        t.source,
        t.services.map((s) => `${s.code}:${s.persons}`).join('+'),
        iso(t.issuedAt),
        iso(t.dueAt),
        iso(t.calledAt),
        iso(t.finishedAt),
        t.counterId ?? '',
        t.status,
        t.band ? t.band.minutes : '',
        t.band?.band ?? '',
        t.band ? t.band.low : '',
        t.band ? t.band.high : '',
        t.waitMinutes === null ? '' : t.waitMinutes.toFixed(2),
      ].join(','),
    ),
  ];
  const hourRows = [
    'service_date,hour,walk_ins,within_norm,abandoned,service_level',
    ...result.hours.map((h) =>
      [h.serviceDate, h.hour, h.walkIns, h.withinNorm, h.abandoned, h.serviceLevel?.toFixed(3) ?? ''].join(','),
    ),
  ];
  writeFileSync(join(out, `${scenario.name}-tickets.csv`), `${ticketRows.join('\n')}\n`);
  writeFileSync(join(out, `${scenario.name}-hours.csv`), `${hourRows.join('\n')}\n`);

  const walkIns = result.tickets.filter((t) => t.source === 'kiosk');
  const served = walkIns.filter((t) => t.waitMinutes !== null && t.band);
  const mae = served.reduce((a, t) => a + Math.abs((t.waitMinutes ?? 0) - (t.band?.minutes ?? 0)), 0) / served.length;
  const inBand = served.filter(
    (t) => (t.waitMinutes ?? 0) >= (t.band?.low ?? 0) && (t.waitMinutes ?? 0) <= (t.band?.high ?? 0),
  );
  const norm = walkIns.filter((t) => t.waitMinutes !== null && t.waitMinutes <= scenario.normMinutes).length;
  console.log(`scenario ${scenario.name}: ${scenario.days} days, call-next policy: server/queue/call-next-policy.ts`);
  console.log(`  tickets ${result.tickets.length} (walk-ins ${walkIns.length}), events ${result.events.length}`);
  console.log(
    `  walk-ins called within ${scenario.normMinutes} min: ${((100 * norm) / Math.max(1, walkIns.length)).toFixed(1)} %`,
  );
  console.log(
    `  predictor MAE ${mae.toFixed(2)} min, band coverage ${((100 * inBand.length) / Math.max(1, served.length)).toFixed(1)} %`,
  );
  console.log(`  wrote ${join(out, `${scenario.name}-tickets.csv`)} and ${join(out, `${scenario.name}-hours.csv`)}`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
