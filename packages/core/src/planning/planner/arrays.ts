/**
 * Flat typed-array helpers of the planner: lists in compressed-row form (the items of row r are
 * items start[r] … start[r + 1] - 1 of one flat array), built with counting passes; bit counts of
 * slot masks; growth of the task arrays.
 */

/** Set bits of a 32-bit mask (e.g. the slots a cell can be patrolled in). */
export function popcount(n: number): number {
  let x = n >>> 0;
  let c = 0;
  while (x) {
    x &= x - 1;
    c++;
  }
  return c;
}

/**
 * Start offsets (length n + 1) of n runs whose lengths are `counts`.
 *
 * @example offsets(Int32Array.of(2, 0, 1)) // Int32Array [0, 2, 2, 3]
 */
export function offsets(counts: Int32Array): Int32Array {
  const start = new Int32Array(counts.length + 1);
  for (let i = 0; i < counts.length; i++) start[i + 1] = (start[i] as number) + (counts[i] as number);
  return start;
}

/** Lengths of the runs of a compressed-row list: how many of `rows` (row of each item) name each of n rows. */
export function countRuns(rows: readonly number[], n: number): Int32Array {
  const counts = new Int32Array(n);
  for (const r of rows) counts[r] = (counts[r] as number) + 1;
  return counts;
}

/** Puts each item's value in its row's run (start from `offsets`), keeping the items' order within a row. */
export function fillRuns(
  start: Int32Array,
  rows: readonly number[],
  values: readonly number[],
  out: Int32Array,
): void {
  const next = start.slice(0, start.length - 1);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as number;
    out[next[r] as number] = values[i] as number;
    next[r] = (next[r] as number) + 1;
  }
}

/** A typed array of twice the length holding a's values, for task arrays that grow with every move. */
export function grown<T extends Int32Array | Uint32Array | Uint16Array | Uint8Array>(
  a: T,
  make: (n: number) => T,
): T {
  const b = make(a.length * 2);
  b.set(a);
  return b;
}
