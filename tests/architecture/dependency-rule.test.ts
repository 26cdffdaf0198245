import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseResult, type IForbiddenRuleType } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';

// The same rules and known exceptions `npm run deps:check` uses (ARCHITECTURE.md#dependency-rule).
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
const config = require(path.join(root, '.dependency-cruiser.cjs')) as {
  forbidden: IForbiddenRuleType[];
  options: { parser: 'swc'; exclude: { path: string }; doNotFollow: { path: string } };
};
const knownViolations = require(path.join(root, '.dependency-cruiser-known-violations.json'));

async function cruiseTree(baseDir: string, known = knownViolations): Promise<ICruiseResult> {
  const result = await cruise(
    ['server', 'db'].filter((dir) => baseDir === root || dir === 'server'),
    {
      baseDir,
      validate: true,
      ruleSet: { forbidden: config.forbidden },
      parser: config.options.parser,
      tsPreCompilationDeps: true,
      exclude: config.options.exclude,
      doNotFollow: config.options.doNotFollow,
      knownViolations: known,
    },
  );
  return result.output as ICruiseResult;
}

/** The folder graph under server/ (one node per folder, e.g. server/queue), and one cycle in it if any. */
function domainCycle(result: ICruiseResult): string[] | null {
  const folderOf = (file: string) => /^server\/([^/]+)\//.exec(file)?.[1];
  const edges = new Map<string, Set<string>>();
  for (const mod of result.modules) {
    const from = folderOf(mod.source);
    if (!from) continue;
    for (const dep of mod.dependencies) {
      const to = folderOf(dep.resolved);
      if (!to || to === from) continue;
      if (!edges.has(from)) edges.set(from, new Set());
      edges.get(from)?.add(to);
    }
  }
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | null => {
    if (state.get(node) === 'done') return null;
    if (state.get(node) === 'open') return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, 'open');
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(node, 'done');
    return null;
  };
  for (const node of edges.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return null;
}

describe('dependency rule', () => {
  it('the server tree has no domain cycle and no new rule violation', async () => {
    const result = await cruiseTree(root);
    expect(result.summary.totalCruised).toBeGreaterThan(100);
    const violations = result.summary.violations
      .filter((v) => v.rule.severity !== 'ignore')
      .map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
    expect(violations).toEqual([]);
    // A file that stopped importing drizzle leaves a stale entry, which would hide its comeback: shrink the list
    // with `npx depcruise server db --config .dependency-cruiser.cjs --output-type baseline --output-to
    // .dependency-cruiser-known-violations.json`.
    expect(result.summary.ignore, 'stale entries in .dependency-cruiser-known-violations.json').toBe(
      knownViolations.length,
    );
    expect(domainCycle(result)).toBeNull();
  }, 60_000);

  it('a domain cycle fails, even when no single module cycle exists', async () => {
    const fixture = path.join(root, 'tests/architecture/fixtures/domain-cycle');
    const result = await cruiseTree(fixture, []);
    expect(result.summary.totalCruised).toBe(4);
    const cycle = domainCycle(result);
    expect(cycle).toHaveLength(4);
    expect(new Set(cycle)).toEqual(new Set(['queue', 'forecast', 'scheduling']));
    const names = result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
    expect(names).toContain('layer-queue: server/queue/wait.ts → server/forecast/model.ts');
    expect(names.some((n) => n.startsWith('no-circular'))).toBe(false);
  }, 60_000);

  it('server code other than main.ts reaching db/ fails: data goes through deps.storage', async () => {
    const fixture = path.join(root, 'tests/architecture/fixtures/server-reaches-db');
    const result = await cruiseTree(fixture, []);
    const names = result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
    expect(names).toEqual(['server-through-the-seam: server/queue/tickets.ts → db/client.ts']);
  }, 60_000);

  it('the known exceptions only ever shrink: each names the storage rule', () => {
    for (const v of knownViolations as { rule: { name: string } }[]) expect(v.rule.name).toBe('storage-owns-drivers');
  });
});
