/** Seeded random numbers for the simulator and the benchmark (pure, reproducible across machines). */
export interface Random {
  /** Uniform on (0, 1). */
  next(): number;
  exponential(rate: number): number;
  normal(): number;
  /** Lognormal with the given mean and coefficient of variation. */
  lognormal(mean: number, cv: number): number;
  poisson(mean: number): number;
  gamma(shape: number, scale: number): number;
  int(maxExclusive: number): number;
  fork(salt: number): Random;
}

/** mulberry32: small, fast and good enough for simulation; 32-bit state. */
export function createRandom(seed: number): Random {
  let state = seed >>> 0 || 0x9e3779b9;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  let spare: number | null = null;
  const normal = (): number => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    const u = next();
    const v = next();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
  const gamma = (shape: number, scale: number): number => {
    // Marsaglia–Tsang; shape < 1 via the boost u^(1/shape).
    if (shape < 1) return gamma(shape + 1, scale) * next() ** (1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = normal();
      const v = (1 + c * x) ** 3;
      if (v <= 0) continue;
      const u = next();
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v * scale;
    }
  };
  const random: Random = {
    next,
    exponential: (rate) => -Math.log(next()) / rate,
    normal,
    lognormal: (mean, cv) => {
      const sigma2 = Math.log(1 + cv * cv);
      const mu = Math.log(mean) - sigma2 / 2;
      return Math.exp(mu + Math.sqrt(sigma2) * normal());
    },
    poisson: (mean) => {
      if (mean <= 0) return 0;
      if (mean > 50) return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal()));
      const l = Math.exp(-mean);
      let k = 0;
      let p = next();
      while (p > l) {
        k++;
        p *= next();
      }
      return k;
    },
    gamma,
    int: (n) => Math.floor(next() * n),
    fork: (salt) => createRandom((Math.imul(state ^ salt, 0x85ebca6b) + salt * 0x27d4eb2f) >>> 0),
  };
  return random;
}
