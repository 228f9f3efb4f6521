/**
 * `npm run bench -- geo [--sizes 1000,5000,20000] [--points 100000] [--reps 5] [--naive20k]`
 *
 * The spatial core against its references, side by side in one run (docs/decisions/0003 and 0004):
 *  (a) point resolution vs brute-force @turf/boolean-point-in-polygon: disagreements (must be 0;
 *      boundary points compared under the documented tie-break: interior first, then lowest id);
 *  (b) warm throughput of the grid index vs which-polygon (target ≥ 2×);
 *  (c) cold path in fresh processes: packed bytes → index → first answer vs which-polygon from the
 *      GeoJSON text (JSON.parse + build + query) (target ≤ 0.1×);
 *  (d) overlay vs the naive @turf/intersect + @turf/area reference over every cell × every zone
 *      whose bbox meets it: row agreement and the time ratio at 5k (target ≤ 0.05×);
 *  (e) import check: prepareLayer (validation, repairs, report) over the city's cells as parsed
 *      GeoJSON, for the trend; `--only import` runs this part alone;
 *  (f) the activation review's dropped area (docs/decisions/0026) from two packed indexes: the same
 *      cells under new ids (the usual new version) and a city redrawn throughout (another seed:
 *      every cell clipped, the worst case); `--only dropped` runs this part alone.
 * which-polygon and @turf/intersect are dev dependencies of this bench only.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { droppedAreaOfIndexes } from '@gridpatrol/core/geo/dropped-area';
import { buildGridIndex, type GridIndex } from '@gridpatrol/core/geo/grid-index';
import { computeOverlay } from '@gridpatrol/core/geo/overlay';
import { loadGridIndex, packGridIndex, splitArtifact } from '@gridpatrol/core/geo/packed';
import { prepareLayer } from '@gridpatrol/core/geo/repair';
import type { CellFeature, PolygonGeometry, Position, ZoneFeature } from '@gridpatrol/core/geo/types';
import { syntheticCity } from '@gridpatrol/local/synthetic-grid';
import { area } from '@turf/area';
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import { featureCollection } from '@turf/helpers';
import { intersect } from '@turf/intersect';
import whichPolygon from 'which-polygon';
import { fmt, type Summary, summarize } from './stats';

const SELF = fileURLToPath(import.meta.url);
const ROOT = path.resolve(path.dirname(SELF), '..');

interface Options {
  sizes: number[];
  points: number;
  reps: number;
  coldReps: number;
  naive20k: boolean;
  seed: number;
  /** Run one part only: 'import' is (e), 'dropped' is (f). */
  only: 'import' | 'dropped' | null;
}

function parseArgs(args: string[]): Options {
  const opts: Options = {
    sizes: [1000, 5000, 20000],
    points: 100_000,
    reps: 5,
    coldReps: 5,
    naive20k: false,
    seed: 42,
    only: null,
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const v = args[i + 1];
    if (a === '--sizes' && v)
      opts.sizes = v
        .split(',')
        .map((s) => Number.parseInt(s, 10))
        .filter((n) => n > 0);
    else if (a === '--points' && v) opts.points = Number.parseInt(v, 10);
    else if (a === '--reps' && v) opts.reps = Math.max(5, Number.parseInt(v, 10));
    else if (a === '--cold-reps' && v) opts.coldReps = Math.max(5, Number.parseInt(v, 10));
    else if (a === '--seed' && v) opts.seed = Number.parseInt(v, 10);
    else if (a === '--only' && (v === 'import' || v === 'dropped')) opts.only = v;
    else if (a === '--naive20k') opts.naive20k = true;
    else continue;
    if (a !== '--naive20k') i++;
  }
  return opts;
}

type Verdict = 'PASS' | 'FAIL' | 'info';
const results: { target: string; value: string; verdict: Verdict }[] = [];
const record = (target: string, value: string, verdict: Verdict): void => {
  results.push({ target, value, verdict });
};

export async function run(args: string[]): Promise<void> {
  const opts = parseArgs(args);
  const started = performance.now();
  console.log(
    `geo bench · node ${process.version} · ${os.cpus().length} cores · sizes ${opts.sizes.join(', ')} · ${opts.points} random points · reps ${opts.reps}`,
  );
  const coldSize = opts.sizes.includes(20000) ? 20000 : Math.max(...opts.sizes);
  for (const n of opts.sizes) {
    console.log(`\n── ${n} cells ${'─'.repeat(60)}`);
    const city = syntheticCity({ cells: n, seed: opts.seed, gap: true, overlap: true });
    const vertices = city.cells.reduce((s, c) => s + positions(c.geometry).length, 0);
    if (opts.only === 'import') {
      benchImport(n, city.cells, opts.reps);
      continue;
    }
    if (opts.only === 'dropped') {
      benchDroppedArea(n, city.cells, opts);
      continue;
    }
    const t = performance.now();
    const index = buildGridIndex(city.cells);
    const buildMs = performance.now() - t;
    const bytes = packGridIndex(index);
    const chunks = splitArtifact(bytes);
    const geojson = JSON.stringify(featureCollection(city.cells));
    console.log(
      `city: ${city.cells.length} cells, ${city.zones.length} zones, ${vertices} cell vertices · index build ${buildMs.toFixed(0)} ms · ` +
        `packed ${(bytes.byteLength / 1e6).toFixed(2)} MB in ${chunks.length} chunks ≤ 350 KB (GeoJSON ${(geojson.length / 1e6).toFixed(1)} MB)`,
    );

    const { points, fixed } = queryPoints(city.cells, opts.points, opts.seed);
    benchAgreement(n, index, city.cells, points, fixed);
    // The speed targets are set at 20k cells; other sizes are reported for the trend.
    benchThroughput(n, index, city.cells, points, opts.reps, n === coldSize);
    if (n === coldSize) benchCold(n, bytes, geojson, city.cells, opts.coldReps);
    benchOverlay(n, city.cells, city.zones, opts);
    benchImport(n, city.cells, opts.reps);
    benchDroppedArea(n, city.cells, opts);
  }
  console.log(`\n── summary (${((performance.now() - started) / 1000).toFixed(0)} s) ${'─'.repeat(50)}`);
  const width = Math.max(...results.map((r) => r.target.length));
  for (const r of results) console.log(`${r.verdict.padEnd(4)}  ${r.target.padEnd(width)}  ${r.value}`);
  if (results.some((r) => r.verdict === 'FAIL')) process.exitCode = 1;
}

// ---------------------------------------------------------------------------------------------
// Points

interface FixedPoints {
  vertex: Position[];
  edge: Position[];
  hole: Position[];
  exclave: Position[];
}

function positions(g: PolygonGeometry): Position[] {
  return (g.type === 'Polygon' ? [g.coordinates] : g.coordinates).flat(2);
}

function lcg(seed: number): () => number {
  let s = seed % 2147483647 || 1;
  return () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
}

function queryPoints(
  cells: readonly CellFeature[],
  count: number,
  seed: number,
): { points: Position[]; fixed: FixedPoints } {
  let [x0, y0, x1, y1] = [
    Number.POSITIVE_INFINITY,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
  ];
  for (const c of cells)
    for (const [x, y] of positions(c.geometry)) {
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x);
      y1 = Math.max(y1, y);
    }
  const rnd = lcg(seed);
  const points: Position[] = [];
  for (let i = 0; i < count; i++) points.push([x0 + rnd() * (x1 - x0), y0 + rnd() * (y1 - y0)]);
  const fixed: FixedPoints = { vertex: [], edge: [], hole: [], exclave: [] };
  const stride = Math.max(1, Math.floor(cells.length / 400));
  cells.forEach((c, k) => {
    const polys = c.geometry.type === 'Polygon' ? [c.geometry.coordinates] : c.geometry.coordinates;
    if (k % stride === 0) {
      const ring = polys[0]?.[0] ?? [];
      for (let i = 0; i + 1 < ring.length; i += 2) {
        const a = ring[i] as Position;
        const b = ring[i + 1] as Position;
        fixed.vertex.push(a);
        fixed.edge.push(
          [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2],
          [a[0] + (b[0] - a[0]) / 4, a[1] + (b[1] - a[1]) / 4],
        );
      }
    }
    for (const poly of polys)
      for (const hole of poly.slice(1)) {
        fixed.hole.push(centroid(hole), ...hole.slice(0, -1));
      }
    if (polys.length > 1) for (const poly of polys) fixed.exclave.push(centroid(poly[0] ?? []));
  });
  return { points, fixed };
}

function centroid(ring: readonly Position[]): Position {
  const n = Math.max(1, ring.length - 1);
  let x = 0;
  let y = 0;
  for (let i = 0; i < n; i++) {
    x += (ring[i] as Position)[0];
    y += (ring[i] as Position)[1];
  }
  return [x / n, y / n];
}

// ---------------------------------------------------------------------------------------------
// (a) agreement with brute-force Turf

function benchAgreement(
  n: number,
  index: GridIndex,
  cells: readonly CellFeature[],
  points: Position[],
  fixed: FixedPoints,
): void {
  const boxes = new Float64Array(cells.length * 4);
  cells.forEach((c, i) => {
    const ps = positions(c.geometry);
    boxes[4 * i] = Math.min(...ps.map((p) => p[0]));
    boxes[4 * i + 1] = Math.min(...ps.map((p) => p[1]));
    boxes[4 * i + 2] = Math.max(...ps.map((p) => p[0]));
    boxes[4 * i + 3] = Math.max(...ps.map((p) => p[1]));
  });
  const t = performance.now();
  const groups: [string, Position[]][] = [
    ['random', points],
    ['vertex', fixed.vertex],
    ['edge', fixed.edge],
    ['hole', fixed.hole],
    ['exclave', fixed.exclave],
  ];
  let total = 0;
  let wrong = 0;
  const parts: string[] = [];
  const examples: string[] = [];
  for (const [name, group] of groups) {
    let boundary = 0;
    let groupWrong = 0;
    for (const [x, y] of group) {
      // Brute force: every cell whose bbox holds the point, Turf with and without boundary.
      let interior: string | null = null;
      let onBoundary: string | null = null;
      for (let i = 0; i < cells.length; i++) {
        if (
          x < (boxes[4 * i] as number) ||
          x > (boxes[4 * i + 2] as number) ||
          y < (boxes[4 * i + 1] as number) ||
          y > (boxes[4 * i + 3] as number)
        )
          continue;
        const c = cells[i] as CellFeature;
        if (!booleanPointInPolygon([x, y], c)) continue;
        const id = c.properties.id;
        if (booleanPointInPolygon([x, y], c, { ignoreBoundary: true })) {
          if (interior === null || id < interior) interior = id;
        } else if (onBoundary === null || id < onBoundary) onBoundary = id;
      }
      const expected = interior ?? onBoundary;
      const expectedStatus = interior !== null ? 'inside' : onBoundary !== null ? 'boundary' : 'outside';
      if (expectedStatus === 'boundary') boundary++;
      const r = index.resolve(x, y, { snapToleranceM: 0 });
      const got = r.status === 'inside' || r.status === 'boundary' ? r.cellId : null;
      if (got !== expected || r.status !== expectedStatus) {
        groupWrong++;
        if (examples.length < 5)
          examples.push(
            `${name} ${x},${y}: turf ${expectedStatus} ${expected}, index ${r.status} ${r.cellId}`,
          );
      }
    }
    total += group.length;
    wrong += groupWrong;
    parts.push(`${name} ${group.length}${boundary > 0 ? ` (${boundary} on a border)` : ''}`);
  }
  console.log(
    `(a) agreement: ${total} points — ${parts.join(', ')} — ${wrong} disagreements (brute force ${((performance.now() - t) / 1000).toFixed(1)} s)`,
  );
  for (const e of examples) console.log(`    ${e}`);
  record(
    `(a) ${n}: disagreements vs brute-force Turf (must be 0)`,
    `${wrong} of ${total}`,
    wrong === 0 ? 'PASS' : 'FAIL',
  );
}

// ---------------------------------------------------------------------------------------------
// (b) warm throughput

function benchThroughput(
  n: number,
  index: GridIndex,
  cells: readonly CellFeature[],
  points: Position[],
  reps: number,
  judged: boolean,
): void {
  const wp = whichPolygon(featureCollection(cells as CellFeature[]));
  const xs = new Float64Array(points.map((p) => p[0]));
  const ys = new Float64Array(points.map((p) => p[1]));
  const noSnap = { snapToleranceM: 0 };
  const mine: number[] = [];
  const mineNoSnap: number[] = [];
  const theirs: number[] = [];
  let sink = 0;
  // Warm-up, then interleaved repetitions so that machine noise hits all sides alike.
  for (let rep = -1; rep < reps; rep++) {
    let t = performance.now();
    for (let i = 0; i < xs.length; i++)
      if (index.resolve(xs[i] as number, ys[i] as number).cellId !== null) sink++;
    const a = performance.now() - t;
    t = performance.now();
    for (let i = 0; i < xs.length; i++) if (wp([xs[i] as number, ys[i] as number]) !== null) sink++;
    const b = performance.now() - t;
    t = performance.now();
    for (let i = 0; i < xs.length; i++)
      if (index.resolve(xs[i] as number, ys[i] as number, noSnap).cellId !== null) sink++;
    const c = performance.now() - t;
    if (rep < 0) continue;
    mine.push((xs.length / a) * 1000);
    theirs.push((xs.length / b) * 1000);
    mineNoSnap.push((xs.length / c) * 1000);
  }
  const sm = summarize(mine);
  const st = summarize(theirs);
  const sn = summarize(mineNoSnap);
  const ratio = sm.median / st.median;
  const ratioNoSnap = sn.median / st.median;
  console.log(
    `(b) warm: grid index ${kfmt(sm)} · with snapping off ${kfmt(sn)} · which-polygon ${kfmt(st)} (points/s; sink ${sink % 10})`,
  );
  record(
    `(b) ${n}: warm throughput vs which-polygon${judged ? ' (≥ 2×, must ≥ 1×)' : ''}`,
    `${ratio.toFixed(2)}× (snapping off ${ratioNoSnap.toFixed(2)}×) · ${kfmt(sm)} vs ${kfmt(st)}`,
    judged ? (ratio >= 2 ? 'PASS' : 'FAIL') : 'info',
  );
}

function kfmt(s: Summary): string {
  return `${(s.median / 1000).toFixed(0)}k (min ${(s.min / 1000).toFixed(0)}k, max ${(s.max / 1000).toFixed(0)}k, n=${s.n})`;
}

// ---------------------------------------------------------------------------------------------
// (c) cold path in fresh processes

function benchCold(
  n: number,
  bytes: Uint8Array,
  geojson: string,
  cells: readonly CellFeature[],
  reps: number,
): void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gridpatrol-geo-'));
  try {
    const artifact = path.join(dir, 'cells.gpgi');
    const text = path.join(dir, 'cells.geojson');
    writeFileSync(artifact, bytes);
    writeFileSync(text, geojson);
    // The query point: the vertex centroid of a cell in the middle of the list.
    const probe = cells.slice(Math.floor(cells.length / 2)).find((c) => c.geometry.type === 'Polygon');
    const [qx, qy] = centroid(
      probe?.geometry.type === 'Polygon' ? (probe.geometry.coordinates[0] ?? []) : [],
    );
    const mine: number[] = [];
    const theirs: number[] = [];
    const mineWall: number[] = [];
    const theirWall: number[] = [];
    let answers = '';
    for (let rep = 0; rep < reps; rep++) {
      for (const kind of ['packed', 'which-polygon'] as const) {
        const t = performance.now();
        const child = spawnSync(
          process.execPath,
          [
            '--import',
            'tsx',
            SELF,
            '--cold-child',
            kind,
            kind === 'packed' ? artifact : text,
            String(qx),
            String(qy),
          ],
          {
            cwd: ROOT,
            encoding: 'utf8',
          },
        );
        const wall = performance.now() - t;
        const line = child.stdout.trim().split('\n').pop() ?? '';
        if (child.status !== 0 || !line.startsWith('{'))
          throw new Error(`cold child ${kind} failed: ${child.stderr}`);
        const out = JSON.parse(line) as { ms: number; answer: string };
        answers += `${kind}=${out.answer} `;
        (kind === 'packed' ? mine : theirs).push(out.ms);
        (kind === 'packed' ? mineWall : theirWall).push(wall);
      }
    }
    const sm = summarize(mine);
    const st = summarize(theirs);
    const ratio = sm.median / st.median;
    console.log(`(c) cold, fresh process ×${reps}: packed bytes → index → answer ${fmt(sm, 'ms', 2)}`);
    console.log(`    which-polygon: GeoJSON text → JSON.parse + build + answer ${fmt(st, 'ms', 1)}`);
    console.log(
      `    whole child process (spawn to exit): ${fmt(summarize(mineWall), 'ms', 0)} vs ${fmt(summarize(theirWall), 'ms', 0)} · answers ${[...new Set(answers.trim().split(' '))].join(' ')}`,
    );
    record(
      `(c) ${n}: cold first answer vs which-polygon (≤ 0.1×)`,
      `${ratio.toFixed(3)}× · ${sm.median.toFixed(1)} ms vs ${st.median.toFixed(0)} ms`,
      ratio <= 0.1 ? 'PASS' : 'FAIL',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Child side of (c): one measurement from data in memory to the first answer, as JSON on stdout. */
function coldChild(kind: string, file: string, x: number, y: number): void {
  if (kind === 'packed') {
    const bytes = new Uint8Array(readFileSync(file));
    const t = performance.now();
    const r = loadGridIndex(bytes).resolve(x, y);
    const ms = performance.now() - t;
    console.log(JSON.stringify({ ms, answer: r.cellId }));
  } else {
    const text = readFileSync(file, 'utf8');
    const t = performance.now();
    const query = whichPolygon(
      JSON.parse(text) as GeoJSON.FeatureCollection<GeoJSON.Polygon | GeoJSON.MultiPolygon>,
    );
    const r = query([x, y]) as { id?: string } | null;
    const ms = performance.now() - t;
    console.log(JSON.stringify({ ms, answer: r?.id ?? null }));
  }
}

// ---------------------------------------------------------------------------------------------
// (d) overlay vs the naive Turf reference

function benchOverlay(n: number, cells: CellFeature[], zones: ZoneFeature[], opts: Options): void {
  const reps = n >= 20000 ? 3 : opts.reps;
  const times: number[] = [];
  let last: ReturnType<typeof computeOverlay> | undefined;
  for (let rep = 0; rep < reps; rep++) {
    const t = performance.now();
    last = computeOverlay(cells, zones);
    times.push(performance.now() - t);
  }
  const sm = summarize(times);
  const stats = last?.stats;
  const coverage = last?.coverage;
  console.log(
    `(d) overlay: ${fmt(sm, 'ms', 0)} · ${stats?.pairs} cell–zone pairs: ${stats?.boxClear} box-clear, ${stats?.edgesApart} edges-apart, ` +
      `${stats?.clipped} clipped; ${stats?.zonePairsClipped} zone pairs clipped`,
  );
  console.log(
    `    coverage: ${coverage?.unzonedCells.length} cells in no zone, ${coverage?.straddlingCells.length} straddling, ` +
      `${coverage?.zoneOverlaps.length} overlapping zone pairs (${coverage?.zoneOverlaps.map((o) => `${o.zoneA}/${o.zoneB} ${Math.round(o.areaM2)} m²`).join(', ')}), ` +
      `${coverage?.zonesOutsideCells.length} zones with land outside cells`,
  );
  if (n > 5000 && !opts.naive20k) {
    record(
      `(d) ${n}: overlay time`,
      `${fmt(sm, 'ms', 0)} (naive reference skipped; --naive20k runs it)`,
      'info',
    );
    return;
  }
  const t = performance.now();
  const reference = naiveOverlay(cells, zones);
  const naiveMs = performance.now() - t;
  const raw = computeOverlay(cells, zones, { sliverShare: 0 });
  const ours = new Map(raw.rows.map((r) => [`${r.cellId}|${r.zoneId}`, r.areaM2]));
  let maxRel = 0;
  let maxRelBig = 0;
  let missing = 0;
  let extra = 0;
  for (const [key, m2] of reference) {
    const got = ours.get(key);
    if (got === undefined) {
      if (m2 > 1) missing++;
      continue;
    }
    if (m2 > 1) maxRel = Math.max(maxRel, Math.abs(got - m2) / m2);
    if (m2 > 1000) maxRelBig = Math.max(maxRelBig, Math.abs(got - m2) / m2);
  }
  for (const [key, m2] of ours) if (!reference.has(key) && m2 > 1) extra++;
  // Shares sum to 1 where zones tile (the reference says so): ours must too.
  let tiled = 0;
  let tiledOff = 0;
  let maxSumDiff = 0;
  const refSums = new Map<string, number>();
  for (const [key, m2] of reference) {
    const cellId = key.slice(0, key.indexOf('|'));
    refSums.set(cellId, (refSums.get(cellId) ?? 0) + m2);
  }
  for (const c of raw.cells.values()) {
    const refShare = (refSums.get(c.cellId) ?? 0) / c.areaM2;
    const ourShare = c.zones.reduce((s, z) => s + z.share, 0);
    maxSumDiff = Math.max(maxSumDiff, Math.abs(ourShare - refShare));
    if (Math.abs(refShare - 1) < 1e-6) {
      tiled++;
      if (Math.abs(ourShare - 1) >= 1e-6) tiledOff++;
    }
  }
  const ratio = sm.median / naiveMs;
  console.log(
    `    naive @turf/intersect + @turf/area: ${(naiveMs / 1000).toFixed(1)} s, ${reference.size} rows · ratio ${ratio.toFixed(4)}× · ` +
      `max rel. error ${maxRel.toExponential(2)} (rows > 1 m²), ${maxRelBig.toExponential(2)} (rows > 1000 m²) · ` +
      `${missing} missing, ${extra} extra rows > 1 m² · ${tiled} fully zoned cells, ${tiledOff} not summing to 1 · max share-sum diff ${maxSumDiff.toExponential(2)}`,
  );
  const agree = maxRel <= 1e-3 && missing === 0 && extra === 0 && tiledOff === 0;
  record(
    `(d) ${n}: overlay rows vs naive Turf (int grid ≤ 1e-3, none missing/extra, sums 1)`,
    `max rel ${maxRel.toExponential(1)} (> 1000 m²: ${maxRelBig.toExponential(1)}), missing ${missing}, extra ${extra}, sums off ${tiledOff}/${tiled}`,
    agree ? 'PASS' : 'FAIL',
  );
  record(
    `(d) ${n}: overlay time vs naive${n === 5000 ? ' (≤ 0.05× at 5k)' : ''}`,
    `${ratio.toFixed(4)}× · ${sm.median.toFixed(0)} ms vs ${(naiveMs / 1000).toFixed(1)} s`,
    n === 5000 ? (ratio <= 0.05 ? 'PASS' : 'FAIL') : 'info',
  );
}

function naiveOverlay(cells: readonly CellFeature[], zones: readonly ZoneFeature[]): Map<string, number> {
  const box = (g: PolygonGeometry): [number, number, number, number] => {
    const ps = positions(g);
    return [
      Math.min(...ps.map((p) => p[0])),
      Math.min(...ps.map((p) => p[1])),
      Math.max(...ps.map((p) => p[0])),
      Math.max(...ps.map((p) => p[1])),
    ];
  };
  const zoneBoxes = zones.map((z) => box(z.geometry));
  const out = new Map<string, number>();
  for (const c of cells) {
    const [x0, y0, x1, y1] = box(c.geometry);
    zones.forEach((z, i) => {
      const [a0, b0, a1, b1] = zoneBoxes[i] as [number, number, number, number];
      if (a0 > x1 || a1 < x0 || b0 > y1 || b1 < y0) return;
      const x = intersect(featureCollection([c, z]));
      if (x) {
        const m2 = area(x);
        if (m2 > 0) out.set(`${c.properties.id}|${z.properties.id}`, m2);
      }
    });
  }
  return out;
}

if (process.argv[2] === '--cold-child') {
  coldChild(process.argv[3] ?? '', process.argv[4] ?? '', Number(process.argv[5]), Number(process.argv[6]));
}

// ---------------------------------------------------------------------------------------------
// (e) import check

/** prepareLayer over the cells as an upload would bring them (a fresh parse each time). */
function benchImport(n: number, cells: readonly CellFeature[], reps: number): void {
  const text = JSON.stringify(featureCollection([...cells]));
  const times: number[] = [];
  let problems = 0;
  for (let rep = 0; rep < reps; rep++) {
    const input: unknown = JSON.parse(text);
    const t = performance.now();
    const prepared = prepareLayer(input, { layer: 'cells' });
    times.push(performance.now() - t);
    problems = prepared.problems.length;
  }
  const sm = summarize(times);
  console.log(`(e) import check: ${fmt(sm, 'ms', 0)} · ${problems} problems`);
  record(`(e) ${n}: import check (prepareLayer)`, fmt(sm, 'ms', 0), 'info');
}

function benchDroppedArea(n: number, cells: readonly CellFeature[], opts: Options): void {
  const chunksOf = (cs: readonly CellFeature[]) => splitArtifact(packGridIndex(buildGridIndex(cs)));
  const active = chunksOf(cells);
  const renamed = chunksOf(
    cells.map((c) => ({ ...c, properties: { ...c.properties, id: `R${c.properties.id}` } })),
  );
  const redrawn = chunksOf(syntheticCity({ cells: n, seed: opts.seed + 1, gap: true, overlap: true }).cells);
  for (const [label, draft] of [
    ['same land, new ids', renamed],
    ['redrawn city (every cell clipped)', redrawn],
  ] as const) {
    const times: number[] = [];
    let last: ReturnType<typeof droppedAreaOfIndexes> | undefined;
    for (let rep = 0; rep < opts.reps; rep++) {
      const t = performance.now();
      last = droppedAreaOfIndexes(active, draft);
      times.push(performance.now() - t);
    }
    const sm = summarize(times);
    const share = last ? last.droppedM2 / last.activeM2 : Number.NaN;
    console.log(
      `(f) dropped area, ${label}: ${fmt(sm, 'ms', 0)} · share ${(share * 100).toFixed(4)}% · ${JSON.stringify(last?.stats)}`,
    );
    record(`(f) ${n}: dropped area, ${label}`, fmt(sm, 'ms', 0), 'info');
  }
}
