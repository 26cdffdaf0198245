/**
 * `npm run forecast -- --history <csv> [--registry <csv>] --from <YYYY-MM-DD> --weeks <n> [--out <csv>]`
 * History: `date,hour,service,count[,location]` (hourly arrivals from any system). Registry:
 * `month,document_type,age_band,count` (documents issued). Writes `location,service,date,hour,expected`
 * for every open weekday hour; Dutch public holidays (Good Friday included) are closed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { publicHolidays } from '../scheduling/closures.ts';
import {
  addDaysIso,
  documentTypesFor,
  forecastDemand,
  type HourlyCount,
  parseHourlyCsv,
  parseRegistryCsv,
  renewalIndex,
  renewalPerWorkingDay,
} from './demand.ts';

function main(): void {
  const args = process.argv.slice(2);
  const flag = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const historyFile = flag('history');
  const from = flag('from');
  const weeks = Number(flag('weeks') ?? '8');
  if (!historyFile || !from || !/^\d{4}-\d{2}-\d{2}$/.test(from) || !(weeks >= 1 && weeks <= 12)) {
    console.error(
      'usage: npm run forecast -- --history <csv> [--registry <csv>] --from <YYYY-MM-DD> --weeks <1-12> [--out <csv>]',
    );
    process.exit(2);
  }
  const to = addDaysIso(from, weeks * 7 - 1);
  const rows = parseHourlyCsv(readFileSync(historyFile, 'utf8'));
  const registryFile = flag('registry');
  const index = registryFile ? renewalIndex(parseRegistryCsv(readFileSync(registryFile, 'utf8'))) : null;
  const holidays = new Set<string>();
  const firstYear = Math.min(...rows.map((r) => Number(r.row.date.slice(0, 4))), Number(from.slice(0, 4)));
  for (let y = firstYear; y <= Number(to.slice(0, 4)); y++) {
    for (const d of publicHolidays(y, { closedOnGoodFriday: true, closedOnLiberationDay: false }).keys())
      holidays.add(d);
  }
  const groups = new Map<string, { location: string; service: string; history: HourlyCount[] }>();
  for (const r of rows) {
    const key = `${r.location ?? ''}|${r.service}`;
    const g = groups.get(key) ?? { location: r.location ?? '', service: r.service, history: [] };
    g.history.push(r.row);
    groups.set(key, g);
  }
  const lines = ['location,service,date,hour,expected'];
  for (const g of groups.values()) {
    const forecast = forecastDemand(g.history, from, to, {
      isClosed: (d) => holidays.has(d),
      renewal: index ? renewalPerWorkingDay(index, documentTypesFor(g.service)) : undefined,
    });
    for (const f of forecast) lines.push([g.location, g.service, f.date, f.hour, f.expected.toFixed(2)].join(','));
  }
  const out = flag('out');
  if (out) {
    writeFileSync(out, `${lines.join('\n')}\n`);
    console.error(`wrote ${lines.length - 1} forecast hours to ${out}`);
  } else {
    process.stdout.write(`${lines.join('\n')}\n`);
  }
}

try {
  main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
