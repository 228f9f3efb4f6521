/**
 * Findings as points, clustered when dense: points in the same square of `size` screen pixels
 * become one marker at their mean position with their count. A plain grid is enough at the scale
 * of one office's open findings (hundreds) and needs no plugin; it is recomputed on every zoom. Pure.
 */

export interface ScreenPoint<T> {
  readonly x: number;
  readonly y: number;
  readonly item: T;
}

export interface Cluster<T> {
  readonly x: number;
  readonly y: number;
  readonly items: readonly T[];
}

/**
 * @example clusterPoints([{ x: 1, y: 1, item: 'a' }, { x: 3, y: 2, item: 'b' }, { x: 90, y: 1, item: 'c' }], 40)
 * // [{ x: 2, y: 1.5, items: ['a', 'b'] }, { x: 90, y: 1, items: ['c'] }]
 */
export function clusterPoints<T>(points: readonly ScreenPoint<T>[], size: number): Cluster<T>[] {
  if (!(size > 0)) throw new RangeError(`cluster size must be positive, got ${size}`);
  const squares = new Map<string, { sx: number; sy: number; items: T[] }>();
  for (const p of points) {
    const key = `${Math.floor(p.x / size)}:${Math.floor(p.y / size)}`;
    const square = squares.get(key);
    if (square) {
      square.sx += p.x;
      square.sy += p.y;
      square.items.push(p.item);
    } else squares.set(key, { sx: p.x, sy: p.y, items: [p.item] });
  }
  return [...squares.values()].map((s) => ({
    x: s.sx / s.items.length,
    y: s.sy / s.items.length,
    items: s.items,
  }));
}
