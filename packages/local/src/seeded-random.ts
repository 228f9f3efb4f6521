/**
 * mulberry32: a small seeded generator, the same sequence for the same seed on every JS engine, for
 * what local stand-ins and tests draw (faults, synthetic grids, random workloads) so that a run
 * replays. The planner's draw has its own (core's `createRandom`).
 *
 * @example const rand = mulberry32(7); rand() // a float in [0, 1), the same on every run
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
