import type { Repositories, Storage } from '../../server/storage.ts';
import type { TestContext } from './context.ts';

/**
 * Replaces the context's storage by one whose read repositories count their calls (`queue.ticketsWithDetails` …).
 * Write transactions are left alone: what a use-case reads inside its own transaction is its work, not the
 * broadcast's. The hub reads `deps.storage.read` at each use, so it sees the counting one.
 */
export function countReads(ctx: TestContext): Map<string, number> {
  const counts = new Map<string, number>();
  const inner = ctx.storage;
  const counting = (name: string, repo: object) =>
    new Proxy(repo, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const key = `${name}.${String(prop)}`;
          counts.set(key, (counts.get(key) ?? 0) + 1);
          return value.apply(target, args);
        };
      },
    });
  const read = Object.fromEntries(
    Object.entries(inner.read).map(([name, repo]) => [name, counting(name, repo as object)]),
  ) as unknown as Repositories;
  const storage: Storage = {
    read,
    write: (work, options) => inner.write(work, options),
    problem: () => inner.problem(),
    afterErasure: () => inner.afterErasure(),
    clusterLog: () => inner.clusterLog(),
    close: () => inner.close(),
  };
  ctx.storage = storage;
  return counts;
}
