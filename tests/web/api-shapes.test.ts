import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, sourceFilesUnder, webDirs } from '../helpers/web-sources.ts';

/**
 * Front-ends take every API shape from `server/contracts` (`z.infer` types), so a field the server
 * changes fails to compile on both sides. The check looks where a shape enters a front-end: the type
 * argument of an API call (`api.get<T>(…)`, `.post<T>`, `.put<T>`, `.patch<T>`, `.del<T>`, `.request<T>`).
 * `T` may only name types imported from `server/contracts` (and primitives, arrays, unions, `Pick`…);
 * an inline object type or a type declared in the front-end is a hand-declared API shape. Types that
 * only the UI uses (view models, props, state) are never API call arguments, so they are not flagged.
 */

const sourceFiles = (dir: string) =>
  sourceFilesUnder(dir, (name) => /\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name));

/** Names a file imports from server/contracts (`import { A, type B, C as D }` → A, B, D). */
function contractImports(source: string): Set<string> {
  const names = new Set<string>();
  const re = /import\s+(?:type\s+)?\{([^}]*)\}\s*from\s*['"][^'"]*server\/contracts\/[^'"]+['"]/g;
  for (const m of source.matchAll(re)) {
    for (const part of (m[1] ?? '').split(',')) {
      const name = part
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)
        .pop()
        ?.trim();
      if (name) names.add(name);
    }
  }
  return names;
}

/** Type arguments of API calls: `api.get<T>(`, also across a line break (`api\n  .get<T>(`). */
function apiTypeArguments(source: string): string[] {
  const re = /\bapi\s*\.\s*(?:get|post|put|patch|del|request)\s*<([^()]*?)>\s*\(/g;
  return [...source.matchAll(re)].map((m) => (m[1] ?? '').trim());
}

const allowed = new Set([
  'string',
  'number',
  'boolean',
  'null',
  'undefined',
  'unknown',
  'void',
  'never',
  'Array',
  'ReadonlyArray',
  'Readonly',
  'Pick',
  'Omit',
  'Partial',
  'NonNullable',
  'Blob',
]);

/** Why a type argument is a hand-declared shape, or null when it comes from the contracts. */
function handDeclared(typeArgument: string, fromContracts: Set<string>): string | null {
  if (/[{}]/.test(typeArgument)) return 'an inline object type';
  const withoutLiterals = typeArgument.replace(/'[^']*'|"[^"]*"/g, '');
  const foreign = (withoutLiterals.match(/[A-Za-z_$][\w$]*/g) ?? []).filter(
    (name) => !allowed.has(name) && !fromContracts.has(name),
  );
  return foreign.length ? `${foreign.join(', ')} (not from server/contracts)` : null;
}

describe('front-ends declare no API shape by hand', () => {
  it('every API call names a response type from server/contracts', () => {
    const files = webDirs.flatMap((d) => sourceFiles(join(repoRoot, d)));
    expect(files.length).toBeGreaterThan(20);
    let calls = 0;
    const offences = files.flatMap((file) => {
      const source = readFileSync(file, 'utf8');
      const fromContracts = contractImports(source);
      return apiTypeArguments(source).flatMap((arg) => {
        calls++;
        const why = handDeclared(arg, fromContracts);
        return why ? [`${relative(repoRoot, file)}: api call typed <${arg}>: ${why}`] : [];
      });
    });
    expect(calls).toBeGreaterThan(10);
    expect(offences).toEqual([]);
  });

  it('the check itself tells contract types from hand-declared ones (so it can fail)', () => {
    const source = `
      import type { Setup } from '../../../server/contracts/admin.ts';
      import { type ServicesResponse as Services, Pickup } from '../../server/contracts/scheduling.ts';
      interface Mine { code: string }
      const a = await api.get<Setup>('/x');
      const b = await api
        .get<Services>('/services');
      const c = await api.post<{ token: string }>('/devices/pair', {});
      const d = await api.get<Mine[]>('/mine');
      const e = await api.get<Pick<Pickup, 'serviceCode'> | null>('/p');
      const f = await api.get<string>('/csv');`;
    const fromContracts = contractImports(source);
    expect([...fromContracts].sort()).toEqual(['Pickup', 'Services', 'Setup']);
    const verdicts = apiTypeArguments(source).map((arg) => handDeclared(arg, fromContracts) === null);
    expect(verdicts).toEqual([true, true, false, false, true, true]);
  });
});
