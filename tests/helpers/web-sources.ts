import { type Dirent, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
/** The front-ends and their shared code: what the web boundary tests read. */
export const webDirs = ['booking', 'kiosk', 'display', 'agent-ui', 'shared-web'];

/** The files under `dir` whose name `accept` takes, leaving out node_modules and build output. */
export function sourceFilesUnder(dir: string, accept: (name: string) => boolean): string[] {
  let entries: Dirent[] = [];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'dist' ? [] : sourceFilesUnder(path, accept);
    return accept(e.name) ? [path] : [];
  });
}
