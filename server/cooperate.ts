/**
 * Long computations on the event loop (a planner's forecast, a peak week's simulations: seconds of CPU on a cold
 * cache) call the returned `pause` between their slices: once a slice has run `sliceMs`, it waits for the event
 * loop's next turn, so the kiosks, displays and clerks this node serves are answered in between. A CPU budget, not
 * domain time: it reads the process's monotonic clock, never `deps.clock`.
 */
export function cooperative(sliceMs = 15): () => Promise<void> {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < sliceMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    since = performance.now();
  };
}

/**
 * Runs a computation that yields between its slices (a generator: the opening hour's Markov chain yields after
 * every uniformisation step) to its end, calling `pause` at every yield.
 */
export async function runCooperatively<T>(steps: Generator<void, T>, pause: () => Promise<void>): Promise<T> {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await pause();
  }
}
