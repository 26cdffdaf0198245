import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, sourceFilesUnder, webDirs } from '../helpers/web-sources.ts';

const sourceFiles = (dir: string) =>
  sourceFilesUnder(dir, (name) => /\.(ts|tsx|mts|js|jsx)$/.test(name) && !name.startsWith('vite.config'));

/** Import specifiers, including `import type`, re-exports and dynamic imports. */
function importsOf(source: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\bfrom\s+['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\bimport\s+['"]([^'"]+)['"]/g,
  ];
  for (const re of patterns) for (const m of source.matchAll(re)) if (m[1]) found.push(m[1]);
  return found;
}

/** Where a relative import of a front-end file lands, repo-relative; null for packages. */
function target(file: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  return relative(repoRoot, resolve(dirname(file), spec))
    .split('\\')
    .join('/');
}

function isForbidden(path: string | null): boolean {
  if (path === null) return false;
  const top = path.split('/')[0];
  if (path.startsWith('server/')) return !path.startsWith('server/contracts/');
  return top === 'db' || top === 'tests' || top === 'bench' || top === 'scripts';
}

describe('front-end import boundary', () => {
  it('front-ends import nothing from the server but server/contracts', () => {
    const files = webDirs.flatMap((d) => sourceFiles(join(repoRoot, d)));
    expect(files.length).toBeGreaterThan(0);
    const offences = files.flatMap((file) =>
      importsOf(readFileSync(file, 'utf8'))
        .map((spec) => ({ spec, to: target(file, spec) }))
        .filter(({ to }) => isForbidden(to))
        .map(({ spec }) => `${relative(repoRoot, file)} imports ${spec}`),
    );
    expect(offences).toEqual([]);
  });

  it('the check itself catches a server import (so it can fail)', () => {
    const fake = join(repoRoot, 'booking/src/x.ts');
    const specs = importsOf(
      "import { a } from '../../server/queue/x.ts';\nimport type { B } from '../../server/contracts/queue.ts';",
    );
    expect(specs.map((s) => isForbidden(target(fake, s)))).toEqual([true, false]);
  });
});
