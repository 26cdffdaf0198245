/**
 * Per key, at most one run of `run` at a time, and every caller gets a result that started after it called:
 * a call while no run is going starts one; calls while one is going share one follow-up run, started when
 * the current one ends. A reconnect storm of thousands of screens of one office then costs two reads of its
 * snapshot, not thousands (which would take every pooled connection and starve the counters), and no screen
 * gets a snapshot read before it joined the office's room (it might miss a fact committed in between).
 */
export function coalescing<K, V>(run: (key: K) => Promise<V>): (key: K) => Promise<V> {
  const going = new Map<K, { run: Promise<V>; next?: Promise<V> }>();
  const call = (key: K): Promise<V> => {
    const current = going.get(key);
    if (current) {
      current.next ??= current.run
        .then(
          () => undefined,
          () => undefined,
        )
        .then(() => {
          going.delete(key);
          return call(key);
        });
      return current.next;
    }
    const entry: { run: Promise<V>; next?: Promise<V> } = { run: run(key) };
    going.set(key, entry);
    entry.run.then(
      () => {
        if (!entry.next && going.get(key) === entry) going.delete(key);
      },
      () => {
        if (!entry.next && going.get(key) === entry) going.delete(key);
      },
    );
    return entry.run;
  };
  return call;
}
