/**
 * Deterministic synthetic cities for the demo seed, the tests and the geometry bench.
 *
 * A city is a jittered lattice of quads (about 300 m apart) whose sides are winding "road/river"
 * polylines. Cells are unions of 1–3 quads, plus a few exclaves (MultiPolygon cells) and a few
 * cells wrapped around another cell (a hole filled by that cell). Every lattice side is computed
 * once, so neighbours share identical vertices and the cells tile with no gap and no overlap.
 * Zones (~1 per 40 cells) are blocks of quads traced along their own, differently jittered copy of
 * the lattice: their borders run near, never on, the cell borders, so most cells sit in one zone,
 * many straddle, and slivers appear where the two maps were drawn apart. Options leave a gap (land
 * in no zone) and make one overlap between two zones.
 *
 * Same options (seed included) → byte-identical output.
 */
import type { CellFeature, Position, Ring, ZoneFeature } from '@gridpatrol/core';
import { mulberry32 } from './seeded-random';

export interface SyntheticCityOptions {
  /** Number of cells (exact). */
  readonly cells: number;
  /** PRNG seed. Default 1. */
  readonly seed?: number;
  /** [lon, lat] of the city's centre. Default [120.2, 30.275] (the demo city's bbox centre). */
  readonly center?: readonly [number, number];
  /** Lattice spacing in metres; a quad is about spacing² in area. Default 300. */
  readonly spacingM?: number;
  /** Cells per zone on average. Default 40. */
  readonly cellsPerZone?: number;
  /** Cells per sub-district (street); they share a `street` value and id digits. Default 34. */
  readonly cellsPerStreet?: number;
  /** Six-digit county code that starts every cell id. Default '330106'. */
  readonly countyCode?: string;
  /** Office ids to assign zones to, in contiguous runs. Default the demo city's three offices. */
  readonly offices?: readonly string[];
  /** MultiPolygon cells with one detached quad. Default scales with size (0 below 30 cells). */
  readonly exclaves?: number;
  /** Cells wrapped around another cell. Default scales with size (0 below 30 cells). */
  readonly holes?: number;
  /** Leave a block of land inside one zone in no zone (that zone gets a hole). Default false. */
  readonly gap?: boolean;
  /** Make two neighbouring zones overlap on a 2×2 block of quads. Default false. */
  readonly overlap?: boolean;
}

export interface SyntheticCity {
  readonly cells: CellFeature[];
  readonly zones: ZoneFeature[];
}

export const DEFAULT_OFFICES: readonly string[] = ['office-east', 'office-west', 'office-river'];

/** Quads per cell on average after merging singles into dominoes and trominoes. */
const QUADS_PER_CELL = 1.45;
/**
 * Node jitter, side meander and the zone lattice's offset, as fractions of the spacing. Small
 * enough that sides never cross (the angle budget is in `buildGeometry`; the test checks every
 * edge pair), large enough that zone borders stay visibly off the cell borders.
 */
const NODE_JITTER = 0.15;
const CELL_MEANDER = 0.06;
const ZONE_NODE_OFFSET = 0.03;
const ZONE_MEANDER = 0.045;

/**
 * Generates a synthetic city.
 *
 * @example
 *   const { cells, zones } = syntheticCity({ cells: 300, seed: 7, gap: true, overlap: true });
 *   cells[0].properties; // { id: '330106001001001', name: '翠苑社区第1网格', community: '翠苑社区', street: '文新街道' }
 */
export function syntheticCity(options: SyntheticCityOptions): SyntheticCity {
  const n = Math.floor(options.cells);
  if (!(n >= 1)) throw new RangeError('cells must be ≥ 1');
  const seed = options.seed ?? 1;
  const countyCode = options.countyCode ?? '330106';
  if (!/^\d{6}$/.test(countyCode)) throw new RangeError('countyCode must be six digits');
  const perStreet = Math.max(1, Math.floor(options.cellsPerStreet ?? 34));
  if (Math.ceil(n / perStreet) > 999) throw new RangeError('more than 999 streets: raise cellsPerStreet');
  const offices = options.offices ?? DEFAULT_OFFICES;
  if (offices.length === 0) throw new RangeError('offices must not be empty');
  const specials = n >= 100 ? clamp(Math.round(n / 1000), 2, 12) : n >= 30 ? 1 : 0;
  const holes = options.holes ?? specials;
  const exclaves = options.exclaves ?? specials;

  const rng = mulberry32(seed);
  const lattice = buildLattice(rng, n + 7 * holes + exclaves);
  const cellOf = labelCells(rng, lattice, n, holes, exclaves);
  const spacing = options.spacingM ?? 300;
  const [lon0, lat0] = options.center ?? [120.2, 30.275];
  const project = projector(lattice, spacing, lon0, lat0);
  const cellGeom = buildGeometry(mulberry32(seed ^ 0x5bd1e995), lattice, NODE_JITTER, CELL_MEANDER, null);
  const cellFeatures = makeCells(rng, lattice, cellOf, cellGeom, project, countyCode, perStreet);

  const zoneRng = mulberry32(seed ^ 0x27d4eb2f);
  const { zoneOf, extra } = labelZones(
    zoneRng,
    lattice,
    options.cellsPerZone ?? 40,
    !!options.gap,
    !!options.overlap,
  );
  const zoneGeom = buildGeometry(zoneRng, lattice, ZONE_NODE_OFFSET, ZONE_MEANDER, cellGeom);
  const zoneFeatures = makeZones(lattice, zoneOf, extra, zoneGeom, project, offices);
  return { cells: cellFeatures, zones: zoneFeatures };
}

type Rng = () => number;

function clamp(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, v));
}

function shuffle<T>(rng: Rng, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = items[i] as T;
    items[i] = items[j] as T;
    items[j] = t;
  }
  return items;
}

// ---------------------------------------------------------------------------------------------
// Lattice and city outline

interface Lattice {
  /** Quads per row and rows; node (i, j) for 0 ≤ i ≤ w, 0 ≤ j ≤ h. */
  readonly w: number;
  readonly h: number;
  /** Quad q = j·w + i is in the city. */
  readonly inCity: Uint8Array;
  readonly quadCount: number;
}

/**
 * A row-convex, roughly elliptic city outline with about `QUADS_PER_CELL` quads per wanted cell:
 * comfortably more quads than cells, so that merging brings the count down to exactly N.
 */
function buildLattice(rng: Rng, minCells: number): Lattice {
  const wobble = Array.from({ length: 4 }, () => rng() * Math.PI * 2);
  let target = Math.max(16, Math.ceil(minCells * QUADS_PER_CELL));
  for (;;) {
    // An ellipse fills π/4 of its box; aspect 1.2 : 1.
    const h = Math.max(4, Math.ceil(Math.sqrt(target / (Math.PI / 4) / 1.2)));
    const w = Math.max(4, Math.ceil(target / (Math.PI / 4) / h));
    const inCity = new Uint8Array(w * h);
    let count = 0;
    let prev: [number, number] | null = null;
    for (let j = 0; j < h; j++) {
      const t = (j + 0.5 - h / 2) / (h / 2);
      const noise =
        1 + 0.06 * Math.sin(3 * t + (wobble[0] as number)) + 0.04 * Math.sin(7 * t + (wobble[1] as number));
      const half = (w / 2) * Math.sqrt(Math.max(0, 1 - t * t * 0.92)) * noise;
      let lo = clamp(Math.floor(w / 2 - half), 0, w - 3);
      let hi = clamp(Math.ceil(w / 2 + half), lo + 3, w);
      if (prev !== null) {
        // Consecutive rows overlap by ≥ 2 quads: the outline never pinches at a node.
        lo = Math.min(lo, prev[1] - 2);
        hi = Math.max(hi, prev[0] + 2);
      }
      for (let i = lo; i < hi; i++) inCity[j * w + i] = 1;
      count += hi - lo;
      prev = [lo, hi];
    }
    if (count >= minCells * 1.15 || w * h > 1e8) return { w, h, inCity, quadCount: count };
    target = Math.ceil(target * 1.1);
  }
}

/** Quads around node (i, j), counter-clockwise: SW, SE, NE, NW; −1 off the lattice. */
function quadsAroundNode(l: Lattice, i: number, j: number): [number, number, number, number] {
  const q = (qi: number, qj: number): number =>
    qi >= 0 && qj >= 0 && qi < l.w && qj < l.h ? qj * l.w + qi : -1;
  return [q(i - 1, j - 1), q(i, j - 1), q(i, j), q(i - 1, j)];
}

/** Whether the quads for which `member` holds touch themselves at a node (a pinch: invalid rings). */
function pinchAt(l: Lattice, i: number, j: number, member: (q: number) => boolean): boolean {
  const around = quadsAroundNode(l, i, j);
  let runs = 0;
  for (let k = 0; k < 4; k++) {
    const a = around[k] as number;
    const b = around[(k + 1) % 4] as number;
    if (a >= 0 && member(a) && !(b >= 0 && member(b))) runs++;
  }
  return runs > 1;
}

function quadNeighbours(l: Lattice, q: number): number[] {
  const i = q % l.w;
  const j = (q - i) / l.w;
  const out: number[] = [];
  if (j > 0) out.push(q - l.w);
  if (i < l.w - 1) out.push(q + 1);
  if (j < l.h - 1) out.push(q + l.w);
  if (i > 0) out.push(q - 1);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Cells as sets of quads

/** Labels every city quad with a cell number 0..n−1 (−1 outside the city). */
function labelCells(rng: Rng, l: Lattice, n: number, holes: number, exclaves: number): Int32Array {
  const cellOf = new Int32Array(l.w * l.h).fill(-1);
  const members: number[][] = [];
  const mergeable: boolean[] = [];
  const free = (q: number): boolean => l.inCity[q] === 1 && cellOf[q] === -1;
  const newCell = (quads: number[], canMerge: boolean): void => {
    for (const q of quads) cellOf[q] = members.length;
    members.push(quads);
    mergeable.push(canMerge);
  };
  const freeBlock = (i0: number, j0: number, i1: number, j1: number): boolean => {
    for (let j = j0; j <= j1; j++)
      for (let i = i0; i <= i1; i++)
        if (i < 0 || j < 0 || i >= l.w || j >= l.h || !free(j * l.w + i)) return false;
    return true;
  };

  // A ring of 8 quads around a centre quad: the ring cell has a hole that the centre cell fills.
  // The 5×5 margin keeps it off the outline and off other specials.
  for (let k = 0, tries = 0; k < holes && tries < 500; tries++) {
    const i = 2 + Math.floor(rng() * (l.w - 4));
    const j = 2 + Math.floor(rng() * (l.h - 4));
    if (!freeBlock(i - 2, j - 2, i + 2, j + 2)) continue;
    const ring: number[] = [];
    for (let dj = -1; dj <= 1; dj++)
      for (let di = -1; di <= 1; di++) if (di !== 0 || dj !== 0) ring.push((j + dj) * l.w + i + di);
    newCell(ring, false);
    newCell([j * l.w + i], false);
    k++;
  }
  // A domino plus one quad two columns away: the parts share no node, so each is a valid polygon.
  for (let k = 0, tries = 0; k < exclaves && tries < 500; tries++) {
    const i = 1 + Math.floor(rng() * (l.w - 4));
    const j = 1 + Math.floor(rng() * (l.h - 3));
    if (!freeBlock(i - 1, j - 1, i + 3, j + 2)) continue;
    newCell([j * l.w + i, (j + 1) * l.w + i, j * l.w + i + 2], false);
    k++;
  }
  for (let q = 0; q < l.w * l.h; q++) if (free(q)) newCell([q], true);
  if (members.length < n) throw new Error(`synthetic lattice too small: ${members.length} < ${n} cells`);

  // Merge neighbouring mergeable cells until exactly n remain: singles first (dominoes, then
  // trominoes), then, for very small cities, the smallest cell into its smallest neighbour. Every
  // merge is checked for pinches at the nodes of the merged quads.
  let count = members.length;
  const merge = (a: number, b: number): void => {
    const quadsA = members[a] as number[];
    for (const q of quadsA) cellOf[q] = b;
    members[b] = [...(members[b] as number[]), ...quadsA];
    members[a] = [];
    mergeable[a] = false;
    count--;
  };
  const neighbourCells = (a: number): number[] => {
    const out = new Set<number>();
    for (const q of members[a] as number[])
      for (const nq of quadNeighbours(l, q)) {
        const b = cellOf[nq] as number;
        if (b >= 0 && b !== a && mergeable[b]) out.add(b);
      }
    return shuffle(
      rng,
      [...out].sort((x, y) => x - y),
    );
  };
  for (let maxSize = 1; count > n && maxSize <= 2; maxSize++) {
    const order = shuffle(
      rng,
      Array.from({ length: members.length }, (_, i) => i),
    );
    for (const a of order) {
      if (count <= n) break;
      if (!mergeable[a] || (members[a] as number[]).length !== 1) continue;
      const target = neighbourCells(a).find(
        (b) =>
          (members[b] as number[]).length <= maxSize &&
          mergeKeepsShape(l, cellOf, [...(members[b] as number[]), ...(members[a] as number[])], b),
      );
      if (target !== undefined) merge(a, target);
    }
  }
  while (count > n) {
    const live = members.map((m, i) => ({ i, size: m.length })).filter((c) => c.size > 0 && mergeable[c.i]);
    live.sort((x, y) => x.size - y.size || x.i - y.i);
    let merged = false;
    for (const { i: a } of live) {
      const targets = neighbourCells(a).sort(
        (x, y) => (members[x] as number[]).length - (members[y] as number[]).length,
      );
      const target = targets.find((b) =>
        mergeKeepsShape(l, cellOf, [...(members[b] as number[]), ...(members[a] as number[])], b),
      );
      if (target !== undefined) {
        merge(a, target);
        merged = true;
        break;
      }
    }
    if (!merged) break;
  }
  if (count !== n) throw new Error(`could not merge down to ${n} cells (${count} left)`);
  // Renumber densely.
  const renumber = new Int32Array(members.length).fill(-1);
  let next = 0;
  members.forEach((quads, c) => {
    if (quads.length > 0) renumber[c] = next++;
  });
  for (let q = 0; q < cellOf.length; q++) {
    const c = cellOf[q] as number;
    if (c >= 0) cellOf[q] = renumber[c] as number;
  }
  return cellOf;
}

/** Whether relabelling `quads` to cell `label` leaves no pinch at any of their nodes. */
function mergeKeepsShape(l: Lattice, cellOf: Int32Array, quads: number[], label: number): boolean {
  const set = new Set(quads);
  const member = (q: number): boolean => set.has(q) || cellOf[q] === label;
  for (const q of quads) {
    const i = q % l.w;
    const j = (q - i) / l.w;
    for (const [ni, nj] of [
      [i, j],
      [i + 1, j],
      [i + 1, j + 1],
      [i, j + 1],
    ] as const)
      if (pinchAt(l, ni, nj, member)) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Zones as sets of quads

/**
 * Brick-like blocks of quads, repaired so each zone is one connected, pinch-free region. Returns
 * the zone of every quad (−1: outside the city or in the gap) and, for the overlap option, the
 * extra quads one zone also claims.
 */
function labelZones(
  rng: Rng,
  l: Lattice,
  cellsPerZone: number,
  gap: boolean,
  overlap: boolean,
): { zoneOf: Int32Array; extra: Map<number, Set<number>> } {
  // Blocks cut by the outline make extra small zones; 15% larger blocks keep the count near N/40.
  const side = Math.max(2, Math.sqrt(cellsPerZone * QUADS_PER_CELL * 1.15));
  const zoneOf = new Int32Array(l.w * l.h).fill(-1);
  let label = 0;
  for (let j0 = 0; j0 < l.h; ) {
    const bandH = Math.max(2, Math.round(side * (0.8 + 0.4 * rng())));
    let i0 = -Math.floor(rng() * side);
    while (i0 < l.w) {
      const blockW = Math.max(2, Math.round(side * (0.8 + 0.4 * rng())));
      for (let j = j0; j < Math.min(l.h, j0 + bandH); j++)
        for (let i = Math.max(0, i0); i < Math.min(l.w, i0 + blockW); i++)
          if (l.inCity[j * l.w + i]) zoneOf[j * l.w + i] = label;
      label++;
      i0 += blockW;
    }
    j0 += bandH;
  }
  repairRegions(l, zoneOf);

  if (gap) {
    // A 3×3 block deep inside one zone (its 5×5 surroundings in the same zone): land in no zone,
    // and a hole in that zone.
    const candidates: number[] = [];
    for (let j = 2; j < l.h - 2; j++)
      for (let i = 2; i < l.w - 2; i++) {
        const z = zoneOf[j * l.w + i] as number;
        let ok = z >= 0;
        for (let dj = -2; ok && dj <= 2; dj++)
          for (let di = -2; ok && di <= 2; di++) ok = zoneOf[(j + dj) * l.w + i + di] === z;
        if (ok) candidates.push(j * l.w + i);
      }
    const centre = candidates[Math.floor(candidates.length / 2)];
    if (centre !== undefined)
      for (let dj = -1; dj <= 1; dj++) for (let di = -1; di <= 1; di++) zoneOf[centre + dj * l.w + di] = -1;
  }

  const extra = new Map<number, Set<number>>();
  if (overlap) {
    // Zone A also claims a 2×2 block of its eastern neighbour B along a straight stretch of border.
    for (let q = 0; q < zoneOf.length && extra.size === 0; q++) {
      const i = q % l.w;
      const j = (q - i) / l.w;
      if (i < 1 || i + 2 >= l.w || j + 2 >= l.h) continue;
      const a = zoneOf[q - 1] as number;
      const b = zoneOf[q] as number;
      if (a < 0 || b < 0 || a === b) continue;
      const block = [q, q + 1, q + l.w, q + l.w + 1];
      if (!block.every((k) => zoneOf[k] === b) || zoneOf[q + l.w - 1] !== a) continue;
      if (zoneOf[q - l.w - 1] !== a || zoneOf[q + 2 * l.w - 1] !== a) continue;
      const set = new Set(block);
      const member = (k: number): boolean => zoneOf[k] === a || set.has(k);
      let pinched = false;
      for (let nj = j; nj <= j + 2; nj++)
        for (let ni = i; ni <= i + 2; ni++) pinched ||= pinchAt(l, ni, nj, member);
      if (!pinched) extra.set(a, set);
    }
  }
  return { zoneOf, extra };
}

/** Keeps each label's largest 4-connected component and hands stray pieces and pinches to a neighbour. */
function repairRegions(l: Lattice, labelOf: Int32Array): void {
  for (let round = 0; round < 50; round++) {
    let changed = false;
    const seen = new Uint8Array(labelOf.length);
    const components = new Map<number, number[][]>();
    for (let q = 0; q < labelOf.length; q++) {
      const z = labelOf[q] as number;
      if (z < 0 || seen[q]) continue;
      const comp: number[] = [];
      const stack = [q];
      seen[q] = 1;
      while (stack.length > 0) {
        const c = stack.pop() as number;
        comp.push(c);
        for (const nq of quadNeighbours(l, c))
          if (!seen[nq] && labelOf[nq] === z) {
            seen[nq] = 1;
            stack.push(nq);
          }
      }
      const list = components.get(z) ?? [];
      list.push(comp);
      components.set(z, list);
    }
    for (const comps of components.values()) {
      if (comps.length < 2) continue;
      comps.sort((a, b) => b.length - a.length || (a[0] as number) - (b[0] as number));
      for (const comp of comps.slice(1))
        for (const q of comp) changed = handToNeighbour(l, labelOf, q) || changed;
    }
    for (let j = 0; j <= l.h; j++)
      for (let i = 0; i <= l.w; i++) {
        const around = quadsAroundNode(l, i, j);
        for (const q of around) {
          if (q < 0) continue;
          const z = labelOf[q] as number;
          if (z >= 0 && pinchAt(l, i, j, (k) => labelOf[k] === z))
            changed = handToNeighbour(l, labelOf, q) || changed;
        }
      }
    if (!changed) return;
  }
  throw new Error('zone labelling did not settle');
}

function handToNeighbour(l: Lattice, labelOf: Int32Array, q: number): boolean {
  const z = labelOf[q] as number;
  for (const nq of quadNeighbours(l, q)) {
    const other = labelOf[nq] as number;
    if (other >= 0 && other !== z) {
      labelOf[q] = other;
      return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Geometry: node positions and side polylines, in metres

interface LatticeGeometry {
  /** x, y of node (i, j) at index 2·(j·(w+1)+i). */
  readonly nodes: Float64Array;
  /** Interior points of each side, from its lower-index node to the other: horizontal sides first. */
  readonly sides: Float64Array[];
}

/**
 * Jittered node positions and meandering sides. With `base`, nodes are offset from the base
 * lattice's nodes instead of the regular lattice (zones drawn near the cells' lines).
 *
 * Near a node a side leaves at most atan(π·meander/0.7) off its chord, and chords at one node are
 * at least 90° − 2·atan(2·jitter/(1−2·jitter)) apart; the constants keep the first well under half
 * the second, so sides never cross.
 */
function buildGeometry(
  rng: Rng,
  l: Lattice,
  jitter: number,
  meander: number,
  base: LatticeGeometry | null,
): LatticeGeometry {
  const nodes = new Float64Array((l.w + 1) * (l.h + 1) * 2);
  for (let j = 0; j <= l.h; j++)
    for (let i = 0; i <= l.w; i++) {
      const k = 2 * (j * (l.w + 1) + i);
      const bx = base ? (base.nodes[k] as number) : i;
      const by = base ? (base.nodes[k + 1] as number) : j;
      nodes[k] = bx + (rng() * 2 - 1) * jitter;
      nodes[k + 1] = by + (rng() * 2 - 1) * jitter;
    }
  const sides: Float64Array[] = [];
  const side = (a: number, b: number): Float64Array => {
    const ax = nodes[2 * a] as number;
    const ay = nodes[2 * a + 1] as number;
    const dx = (nodes[2 * b] as number) - ax;
    const dy = (nodes[2 * b + 1] as number) - ay;
    const len = Math.hypot(dx, dy);
    const nx = -dy / len;
    const ny = dx / len;
    // Amplitudes with |a1| + 2|a2| ≤ 1 bound the slope at the ends (see above).
    const a1 = rng() * 2 - 1;
    const a2 = (rng() * 2 - 1) * (1 - Math.abs(a1)) * 0.5;
    const k = 2 + Math.floor(rng() * 5);
    const pts = new Float64Array(2 * k);
    for (let m = 1; m <= k; m++) {
      const t = (m + (rng() - 0.5) * 0.5) / (k + 1);
      const wiggle = (rng() * 2 - 1) * 0.01 * Math.sin(Math.PI * t);
      const off = meander * (a1 * Math.sin(Math.PI * t) + a2 * Math.sin(2 * Math.PI * t)) + wiggle;
      pts[2 * (m - 1)] = ax + dx * t + nx * off;
      pts[2 * (m - 1) + 1] = ay + dy * t + ny * off;
    }
    return pts;
  };
  for (let j = 0; j <= l.h; j++)
    for (let i = 0; i < l.w; i++) sides.push(side(j * (l.w + 1) + i, j * (l.w + 1) + i + 1));
  for (let j = 0; j < l.h; j++)
    for (let i = 0; i <= l.w; i++) sides.push(side(j * (l.w + 1) + i, (j + 1) * (l.w + 1) + i));
  return { nodes, sides };
}

type Project = (x: number, y: number) => Position;

/** Lattice units → [lon, lat], rounded to 1e-7° (about 1 cm) like typical survey exports. */
function projector(l: Lattice, spacingM: number, lon0: number, lat0: number): Project {
  const mPerDegLat = 6371008.8 * (Math.PI / 180);
  const mPerDegLon = mPerDegLat * Math.cos(lat0 * (Math.PI / 180));
  return (x, y) => [
    Math.round((lon0 + ((x - l.w / 2) * spacingM) / mPerDegLon) * 1e7) / 1e7,
    Math.round((lat0 + ((y - l.h / 2) * spacingM) / mPerDegLat) * 1e7) / 1e7,
  ];
}

/**
 * Closed rings (lattice units) bounding the quads for which `member` holds: counter-clockwise
 * outer rings and clockwise holes, grouped into polygons.
 */
function traceRegion(
  l: Lattice,
  g: LatticeGeometry,
  quads: readonly number[],
  member: (q: number) => boolean,
): number[][][] {
  const W = l.w + 1;
  const hSide = (i: number, j: number): number => j * l.w + i;
  const vSide = (i: number, j: number): number => (l.h + 1) * l.w + j * W + i;
  // Directed boundary pieces keyed by start node: [end node, side index, forward?].
  const next = new Map<number, [number, number, boolean]>();
  const outside = (qi: number, qj: number): boolean =>
    qi < 0 || qj < 0 || qi >= l.w || qj >= l.h || !member(qj * l.w + qi);
  for (const q of quads) {
    const i = q % l.w;
    const j = (q - i) / l.w;
    const sw = j * W + i;
    const se = sw + 1;
    const ne = se + W;
    const nw = sw + W;
    if (outside(i, j - 1)) next.set(sw, [se, hSide(i, j), true]);
    if (outside(i + 1, j)) next.set(se, [ne, vSide(i + 1, j), true]);
    if (outside(i, j + 1)) next.set(ne, [nw, hSide(i, j + 1), false]);
    if (outside(i - 1, j)) next.set(nw, [sw, vSide(i, j), false]);
  }
  const rings: number[][] = [];
  const used = new Set<number>();
  const starts = [...next.keys()].sort((a, b) => a - b);
  for (const start of starts) {
    if (used.has(start)) continue;
    const ring: number[] = [];
    let node = start;
    do {
      used.add(node);
      const piece = next.get(node);
      if (piece === undefined) throw new Error('open boundary while tracing a region');
      const [end, s, forward] = piece;
      ring.push(g.nodes[2 * node] as number, g.nodes[2 * node + 1] as number);
      const pts = g.sides[s] as Float64Array;
      const k = pts.length / 2;
      for (let m = 0; m < k; m++) {
        const idx = forward ? m : k - 1 - m;
        ring.push(pts[2 * idx] as number, pts[2 * idx + 1] as number);
      }
      node = end;
    } while (node !== start);
    ring.push(ring[0] as number, ring[1] as number);
    rings.push(ring);
  }
  const outers = rings.filter((r) => signedArea(r) > 0);
  const holes = rings.filter((r) => signedArea(r) < 0);
  const polygons = outers.map((o) => [o]);
  for (const hole of holes) {
    const owner = polygons.find((p) => pointInRing(hole[0] as number, hole[1] as number, p[0] as number[]));
    if (owner === undefined) throw new Error('hole without an outer ring');
    owner.push(hole);
  }
  return polygons;
}

function signedArea(ring: readonly number[]): number {
  let a = 0;
  for (let i = 0; i + 3 < ring.length; i += 2)
    a += (ring[i] as number) * (ring[i + 3] as number) - (ring[i + 2] as number) * (ring[i + 1] as number);
  return a / 2;
}

function pointInRing(x: number, y: number, ring: readonly number[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 2; i < ring.length; j = i, i += 2) {
    const xi = ring[i] as number;
    const yi = ring[i + 1] as number;
    const xj = ring[j] as number;
    const yj = ring[j + 1] as number;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function toGeometry(polygons: number[][][], project: Project): CellFeature['geometry'] {
  const coords = polygons.map((rings) =>
    rings.map((r) => {
      const ring: Ring = [];
      for (let i = 0; i < r.length; i += 2) ring.push(project(r[i] as number, r[i + 1] as number));
      return ring;
    }),
  );
  return coords.length === 1
    ? { type: 'Polygon', coordinates: coords[0] as Ring[] }
    : { type: 'MultiPolygon', coordinates: coords };
}

// ---------------------------------------------------------------------------------------------
// Features, ids and names

const SYLLABLES = [...'翠文古西蒋留转灵北三双之东南新华清湖山河桥港塘溪湾岭石金玉丰和安宁平福祥瑞春秋凤龙'];

function makeNamer(rng: Rng, suffix: string): () => string {
  const seen = new Set<string>();
  return () => {
    for (let len = 2; ; len++)
      for (let tries = 0; tries < 50; tries++) {
        let name = '';
        for (let k = 0; k < len; k++) name += SYLLABLES[Math.floor(rng() * SYLLABLES.length)];
        if (!seen.has(name)) {
          seen.add(name);
          return name + suffix;
        }
      }
  };
}

/** Hilbert-curve position of (x, y) on an n×n grid (n a power of two): neighbours in space stay close in id. */
function hilbert(n: number, x0: number, y0: number): number {
  let x = x0;
  let y = y0;
  let d = 0;
  for (let s = n >> 1; s > 0; s >>= 1) {
    const rx = (x & s) > 0 ? 1 : 0;
    const ry = (y & s) > 0 ? 1 : 0;
    d += s * s * ((3 * rx) ^ ry);
    if (ry === 0) {
      if (rx === 1) {
        x = n - 1 - x;
        y = n - 1 - y;
      }
      const t = x;
      x = y;
      y = t;
    }
  }
  return d;
}

/** Groups quads by label and orders the groups along a Hilbert curve through their centroids. */
function groupsInHilbertOrder(l: Lattice, labelOf: Int32Array): number[][] {
  const groups = new Map<number, number[]>();
  for (let q = 0; q < labelOf.length; q++) {
    const z = labelOf[q] as number;
    if (z < 0) continue;
    const list = groups.get(z) ?? [];
    list.push(q);
    groups.set(z, list);
  }
  let side = 1;
  while (side < Math.max(l.w, l.h)) side *= 2;
  const keyed = [...groups.entries()].map(([label, quads]) => {
    let sx = 0;
    let sy = 0;
    for (const q of quads) {
      sx += q % l.w;
      sy += Math.floor(q / l.w);
    }
    return { label, quads, key: hilbert(side, Math.floor(sx / quads.length), Math.floor(sy / quads.length)) };
  });
  keyed.sort((a, b) => a.key - b.key || a.label - b.label);
  return keyed.map((k) => k.quads);
}

function makeCells(
  rng: Rng,
  l: Lattice,
  cellOf: Int32Array,
  g: LatticeGeometry,
  project: Project,
  countyCode: string,
  perStreet: number,
): CellFeature[] {
  const groups = groupsInHilbertOrder(l, cellOf);
  const streetName = makeNamer(rng, '街道');
  const communityName = makeNamer(rng, '社区');
  const features: CellFeature[] = [];
  for (let s = 0; s * perStreet < groups.length; s++) {
    const street = streetName();
    const inStreet = groups.slice(s * perStreet, (s + 1) * perStreet);
    let c = 0;
    for (let at = 0; at < inStreet.length; c++) {
      const size = 5 + Math.floor(rng() * 5);
      const community = communityName();
      inStreet.slice(at, at + size).forEach((quads, k) => {
        const label = cellOf[quads[0] as number] as number;
        const polygons = traceRegion(l, g, quads, (q) => cellOf[q] === label);
        features.push({
          type: 'Feature',
          properties: {
            id: `${countyCode}${pad3(s + 1)}${pad3(c + 1)}${pad3(k + 1)}`,
            name: `${community}第${k + 1}网格`,
            community,
            street,
          },
          geometry: toGeometry(polygons, project),
        });
      });
      at += size;
    }
  }
  return features;
}

function makeZones(
  l: Lattice,
  zoneOf: Int32Array,
  extra: Map<number, Set<number>>,
  g: LatticeGeometry,
  project: Project,
  offices: readonly string[],
): ZoneFeature[] {
  const groups = groupsInHilbertOrder(l, zoneOf);
  return groups.map((quads, k) => {
    const label = zoneOf[quads[0] as number] as number;
    const claimed = extra.get(label);
    const all = claimed ? [...quads, ...claimed] : quads;
    const polygons = traceRegion(l, g, all, (q) => zoneOf[q] === label || (claimed?.has(q) ?? false));
    const office = offices[Math.floor((k * offices.length) / groups.length)] as string;
    return {
      type: 'Feature',
      properties: { id: `Z-${pad3(k + 1)}`, name: `${office} 第${k + 1}责任区`, office },
      geometry: toGeometry(polygons, project),
    };
  });
}

function pad3(v: number): string {
  return String(v).padStart(3, '0');
}
