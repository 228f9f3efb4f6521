/**
 * The seeded PRNG of the planner's random draw (双随机): sfc32, seeded through splitmix32 so that
 * neighbouring seeds (1, 2, 3 …) still give unrelated streams. Not cryptographic and need not be:
 * the unpredictability of a plan comes from its seed, which the caller draws (crypto) and stores on
 * the plan; the generator only has to reproduce the same draw from the same seed on every runtime,
 * which 32-bit integer arithmetic (Math.imul, >>> 0) guarantees.
 */

export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
}

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * A deterministic generator from a 32-bit seed.
 *
 * @example const r = createRandom(42); r.int(6) // the same number on every run
 */
export function createRandom(seed: number): Random {
  const mix = splitmix32(seed);
  let a = mix();
  let b = mix();
  let c = mix();
  let d = mix();
  const next32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  // Warm-up: the first outputs of sfc32 are weakly mixed.
  for (let i = 0; i < 12; i++) next32();
  return {
    next: () => next32() / 4294967296,
    int: (n: number) => Math.floor((next32() / 4294967296) * n),
  };
}

/**
 * A 32-bit seed from a string (FNV-1a), for tests and synthetic data. A real plan's seed should be
 * drawn at random (crypto.getRandomValues) so that nobody can predict next week's pairs.
 *
 * @example seedFromString('hangzhou#2025-03-03') // 0 ≤ n < 2**32, always the same
 */
export function seedFromString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}
