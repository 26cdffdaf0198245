import { describe, expect, it } from 'vitest';
import { ForecastCache, MAX_AGE_MS, MAX_ENTRIES_PER_LOCATION, MAX_LOCATIONS } from './forecast-cache.ts';

function cacheAt(start = 1_000_000) {
  let now = start;
  return { cache: new ForecastCache(() => now), advance: (ms: number) => (now += ms) };
}

/** A computation that counts its runs and settles when told. */
function gate<T>(value: T) {
  let runs = 0;
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return {
    compute: async () => {
      runs++;
      await opened;
      return value;
    },
    open: () => open(),
    runs: () => runs,
  };
}

describe('ForecastCache', () => {
  it('gives the kept answer while the stamp holds and it is younger than MAX_AGE_MS', async () => {
    const { cache, advance } = cacheAt();
    let runs = 0;
    const compute = async () => ({ run: ++runs });
    const first = await cache.get('forecast', 'a', 'q', 'v1', compute);
    advance(MAX_AGE_MS - 1);
    const second = await cache.get('forecast', 'a', 'q', 'v1', compute);
    expect(second.value).toBe(first.value);
    expect(second.computedAt).toEqual(first.computedAt);
    expect(runs).toBe(1);
    // Another stamp (a configuration version, a day, a registry), another query, another kind: computed.
    expect((await cache.get('forecast', 'a', 'q', 'v2', compute)).value).toEqual({ run: 2 });
    expect((await cache.get('forecast', 'a', 'q2', 'v2', compute)).value).toEqual({ run: 3 });
    expect((await cache.get('outlook', 'a', 'q2', 'v2', compute)).value).toEqual({ run: 4 });
    // Too old: computed again, even with the same stamp.
    advance(MAX_AGE_MS);
    expect((await cache.get('forecast', 'a', 'q', 'v2', compute)).value).toEqual({ run: 5 });
    expect(cache.counts.get('forecast')).toEqual({ computed: 4, hits: 1, joined: 0 });
  });

  it('computes once for concurrent callers of the same stamp, and again for a newer stamp', async () => {
    const { cache } = cacheAt();
    const g = gate({ x: 1 });
    const a = cache.get('forecast', 'a', 'q', 'v1', g.compute);
    const b = cache.get('forecast', 'a', 'q', 'v1', g.compute);
    const newer = gate({ x: 2 });
    const c = cache.get('forecast', 'a', 'q', 'v2', newer.compute);
    g.open();
    newer.open();
    const [ra, rb, rc] = await Promise.all([a, b, c]);
    expect(g.runs()).toBe(1);
    expect(newer.runs()).toBe(1);
    expect(ra.value).toBe(rb.value);
    expect(rc.value).toEqual({ x: 2 });
    expect(cache.counts.get('forecast')).toEqual({ computed: 2, hits: 0, joined: 1 });
  });

  it('keeps the newer computation when an older one settles after it', async () => {
    const { cache } = cacheAt();
    const older = gate('older');
    const first = cache.get('forecast', 'a', 'q', 'v1', older.compute);
    await cache.get('forecast', 'a', 'q', 'v2', async () => 'newer');
    older.open();
    expect((await first).value).toBe('older');
    expect((await cache.get('forecast', 'a', 'q', 'v2', async () => 'again')).value).toBe('newer');
  });

  it('does not keep a failure: every caller of the failed computation gets its error, the next one computes', async () => {
    const { cache } = cacheAt();
    let runs = 0;
    let open: () => void = () => {};
    const opened = new Promise<void>((resolve) => {
      open = resolve;
    });
    const failing = async () => {
      runs++;
      await opened;
      throw new Error('database gone');
    };
    const a = cache.get('forecast', 'a', 'q', 'v1', failing);
    const b = cache.get('forecast', 'a', 'q', 'v1', failing);
    open();
    await expect(a).rejects.toThrow('database gone');
    await expect(b).rejects.toThrow('database gone');
    expect(runs).toBe(1);
    expect((await cache.get('forecast', 'a', 'q', 'v1', async () => 'fine')).value).toBe('fine');
  });

  it('holds at most MAX_LOCATIONS locations (least recently asked first out) and MAX_ENTRIES_PER_LOCATION each', async () => {
    const { cache } = cacheAt();
    let runs = 0;
    const compute = async () => ++runs;
    for (let i = 0; i < MAX_LOCATIONS; i++) await cache.get('forecast', `l${i}`, 'q', 'v', compute);
    // l0 is asked again, so l1 is the least recently asked when a new location comes.
    await cache.get('forecast', 'l0', 'q', 'v', compute);
    expect(runs).toBe(MAX_LOCATIONS);
    await cache.get('forecast', 'new', 'q', 'v', compute);
    await cache.get('forecast', 'l0', 'q', 'v', compute);
    expect(runs).toBe(MAX_LOCATIONS + 1);
    await cache.get('forecast', 'l1', 'q', 'v', compute);
    expect(runs).toBe(MAX_LOCATIONS + 2);

    for (let i = 0; i < MAX_ENTRIES_PER_LOCATION + 1; i++) await cache.get('forecast', 'm', `q${i}`, 'v', compute);
    const before = runs;
    await cache.get('forecast', 'm', `q${MAX_ENTRIES_PER_LOCATION}`, 'v', compute);
    expect(runs).toBe(before);
    await cache.get('forecast', 'm', 'q0', 'v', compute);
    expect(runs).toBe(before + 1);
  });
});

describe('ForecastCache in bytes', () => {
  it('keeps at most maxBytes of answers: the least recently asked locations go first, then older answers', async () => {
    const cache = new ForecastCache(
      () => 0,
      (value) => value as number,
      100,
    );
    let runs = 0;
    const sized = (bytes: number) => async () => {
      runs++;
      return bytes;
    };
    await cache.get('forecast', 'a', 'q', 'v', sized(40));
    await cache.get('forecast', 'b', 'q', 'v', sized(40));
    expect(cache.keptBytes).toBe(80);
    // c does not fit beside both: a, the least recently asked, goes.
    await cache.get('forecast', 'c', 'q', 'v', sized(40));
    expect(cache.keptBytes).toBe(80);
    expect(runs).toBe(3);
    await cache.get('forecast', 'b', 'q', 'v', sized(40));
    expect(runs).toBe(3);
    await cache.get('forecast', 'a', 'q', 'v', sized(40));
    expect(runs).toBe(4);
    // a's second answer: b, the least recently asked other location, goes.
    await cache.get('forecast', 'a', 'q2', 'v', sized(60));
    expect(cache.keptBytes).toBe(100);
    // One location's answers beyond the bound: its oldest go, never the one just computed.
    await cache.get('forecast', 'a', 'q3', 'v', sized(50));
    expect(cache.keptBytes).toBe(50);
    await cache.get('forecast', 'a', 'q3', 'v', sized(50));
    expect(runs).toBe(6);
    // An answer larger than the bound is given, not kept; a replaced answer's bytes are given back.
    expect((await cache.get('forecast', 'a', 'big', 'v', sized(101))).value).toBe(101);
    expect(cache.keptBytes).toBe(50);
    await cache.get('forecast', 'a', 'q3', 'v2', sized(10));
    expect(cache.keptBytes).toBe(10);
  });
});
