/**
 * Finding a point that the running API resolves inside a given cell: the cell's bounding box is
 * sampled on a 7×7 grid and each sample resolved through GET /grid/resolve, so the answer is what a
 * field client would get (shared by the findings tests and `npm run bench -- findings`).
 */

// biome-ignore lint/suspicious/noExplicitAny: API bodies are inspected loosely here
type Json = any;

/** GETs a path as the city admin and returns the parsed body. */
export type AdminGet = (path: string) => Promise<Json>;

export interface CellPoint {
  lon: number;
  lat: number;
  cell: string;
  primaryZone: string | null;
}

/**
 * A point inside `cellId` (and, with `accept`, one whose resolution passes it), or undefined.
 *
 * @example const p = await pointInCell(get, '330106001001001');
 */
export async function pointInCell(
  get: AdminGet,
  cellId: string,
  accept: (resolution: Json) => boolean = () => true,
): Promise<CellPoint | undefined> {
  const cell = await get(`/cells/${cellId}`);
  const nums = (JSON.stringify(cell.geometry.coordinates).match(/-?\d+(\.\d+)?(e-?\d+)?/g) ?? []).map(Number);
  const lons = nums.filter((_, i) => i % 2 === 0);
  const lats = nums.filter((_, i) => i % 2 === 1);
  const [w, e, s, n] = [Math.min(...lons), Math.max(...lons), Math.min(...lats), Math.max(...lats)];
  for (let i = 1; i < 8; i++)
    for (let j = 1; j < 8; j++) {
      const lon = w + ((e - w) * i) / 8;
      const lat = s + ((n - s) * j) / 8;
      const r = await get(`/grid/resolve?lon=${lon}&lat=${lat}`);
      if (r.status === 'inside' && r.cell?.id === cellId && accept(r))
        return { lon, lat, cell: cellId, primaryZone: r.primaryZone };
    }
  return undefined;
}

/**
 * A point of a zone-less cell of the active grid (the coverage report lists them) that resolves to
 * no zone at all. `get` must fold the counters first: the coverage report reads them.
 *
 * @example const p = await unzonedPoint(get);
 */
export async function unzonedPoint(get: AdminGet): Promise<CellPoint> {
  const coverage = await get('/grid/coverage');
  for (const c of coverage.unzonedCells as { cellId: string }[]) {
    const p = await pointInCell(get, c.cellId, (r) => r.primaryZone === null && r.zones.length === 0);
    if (p) return p;
  }
  throw new Error('the demo grid has no zone-less cell with a point in no zone');
}
