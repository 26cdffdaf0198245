/** The readable companion of bench/results/scale.json: one Markdown table per part. */
import type { Results } from './scale.bench.ts';

type Cell = string | number | null | undefined;

export function mdTable(head: string[], rows: Cell[][]): string {
  const line = (r: Cell[]) => `| ${r.map((x) => (x === null || x === undefined ? '—' : String(x))).join(' | ')} |`;
  return [line(head), `|${head.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`, ...rows.map(line)].join(
    '\n',
  );
}

export interface Section {
  title: string;
  body: string;
}

/** Parts add their own sections (title + Markdown) through this list, in the order they ran. */
const sections: Section[] = [];

export function allSections(): Section[] {
  return sections;
}

/** A run of some parts keeps the other parts' sections of the last full run (restored before it starts). */
export function restoreSections(previous: Section[], keep: (title: string) => boolean): void {
  for (const s of previous) if (keep(s.title)) sections.push({ ...s });
}

/** Adds to (or starts) the section with this title. */
export function addToSection(title: string, body: string): void {
  const s = sections.find((x) => x.title === title);
  if (s) s.body = `${s.body}\n\n${body}`;
  else sections.push({ title, body });
}

type Row = (string | number | null)[];

/** Prints a table to the console and adds it to the section in Markdown. */
export function table(section: string, head: string[], rows: Row[]): void {
  const all = [head, ...rows.map((r) => r.map((x) => (x === null ? '—' : String(x))))];
  const widths = head.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  for (const [k, r] of all.entries()) {
    console.log(`  ${r.map((x, i) => (i === 0 ? x.padEnd(widths[i] ?? 0) : x.padStart(widths[i] ?? 0))).join('  ')}`);
    if (k === 0) console.log(`  ${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  }
  addToSection(section, mdTable(head, rows));
}

/** Prints a line and adds it to the section. */
export function note(section: string, text: string): void {
  console.log(`  ${text}`);
  addToSection(section, text);
}

export function renderMarkdown(r: Results): string {
  const out = [
    `# bench:scale${r.quick ? ' (--quick)' : ''}`,
    '',
    `Run ${r.at} on ${r.machine.cpus} CPUs, node ${r.machine.node}; load average at start ${r.machine.loadAverageAtStart.join(' ')}` +
      (r.machine.loadAverageAtEnd ? `, at end ${r.machine.loadAverageAtEnd.join(' ')}` : '') +
      (r.runtimeSeconds ? `; ${r.runtimeSeconds} s.` : '.'),
    'The machine is shared: compare figures within this run, not with other runs.',
    '',
    `Command: \`npm run bench:scale${r.quick ? ' -- --quick' : ''}\``,
    '',
    ...r.setup.map((s) => `- ${s}`),
    '',
  ];
  for (const s of [...sections].sort((a, b) => a.title.localeCompare(b.title)))
    out.push(`## ${s.title}`, '', s.body, '');
  return `${out.join('\n')}\n`;
}
