// A small seeded pseudo-random generator (mulberry32) so a demo run is reproducible from its seed.
// Not for anything security-related: it only decides what the simulated shop does.

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform float in [min, max). */
  between(min: number, max: number): number;
  /** Uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** `base` ± `spread` (a fraction, e.g. 0.2 for ±20 %), never below 0. */
  jitter(base: number, spread?: number): number;
  /** Log-normal-ish latency: median `median`, occasionally a long tail; never below median / 4. */
  latency(median: number): number;
  /** Exponential with the given mean (inter-arrival times of a Poisson process). */
  exponential(mean: number): number;
  /** A string of `length` characters drawn from `alphabet`. */
  chars(alphabet: string, length: number): string;
  /** An independent generator derived from this one (so adding draws in one place does not shift another). */
  fork(): Rng;
}

export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const rng: Rng = {
    next,
    between: (min, max) => min + (max - min) * next(),
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[Math.floor(next() * items.length)] as T;
    },
    jitter: (base, spread = 0.25) => Math.max(0, base * (1 + spread * (2 * next() - 1))),
    latency: (median) => {
      // Box–Muller normal → log-normal with sigma 0.45, clamped to [median/4, median*8].
      const u1 = Math.max(next(), 1e-12);
      const u2 = next();
      const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
      return Math.min(median * 8, Math.max(median / 4, median * Math.exp(0.45 * z)));
    },
    exponential: (mean) => -Math.log(1 - next()) * mean,
    chars: (alphabet, length) => {
      let out = '';
      for (let i = 0; i < length; i++) out += alphabet[Math.floor(next() * alphabet.length)];
      return out;
    },
    fork: () => createRng(Math.floor(next() * 4294967296)),
  };
  return rng;
}
