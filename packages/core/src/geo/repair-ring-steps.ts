import { areaChange, polygonsArea } from './repair-area';
import type { FeatureProblems } from './repair-problems';
import { closeRing, dropRepeats, openRing, removeSpikes, type TrackedRing } from './repair-rings';
import type { PolygonCoords, Position } from './types';
import { orient2d } from './validate-predicates';

/** A polygon under repair, remembering its index in the input and its rings' indices. */
export interface TrackedPolygon {
  readonly index: number;
  readonly rings: { readonly index: number; ring: TrackedRing }[];
}

function ringArea(pts: readonly Position[]): number {
  return polygonsArea([[pts]]);
}

/** A ring that encloses no area, and why; dropped if the feature keeps area, else the feature is refused. */
interface CollapsedRing {
  readonly polygon: number;
  readonly ring: number;
  /** The error code when nothing of the feature is left. */
  readonly code: 'too_few_positions' | 'too_few_distinct_positions' | 'zero_area';
  readonly why: string;
  /** Input position the error names (the first zero-width tip for a ring all on one line). */
  readonly position: number;
  readonly holes: number;
}

/** Every position on the line through the first two distinct ones (tested exactly). */
function onOneLine(pts: readonly Position[]): boolean {
  const a = pts[0];
  const b = pts.find((q) => a !== undefined && (q[0] !== a[0] || q[1] !== a[1]));
  if (a === undefined || b === undefined) return true;
  return pts.every((c) => orient2d(a[0], a[1], b[0], b[1], c[0], c[1]) === 0);
}

/**
 * Whether a ring encloses any area at all, before any repair is reported on it: fewer than 3
 * distinct positions, or all of them on one line (the spikes cancel out), and it encloses none.
 * Topology simplification and coordinate quantization (TopoJSON, 1e-4° grids) leave such rings
 * behind when an island or a hole is smaller than the grid step.
 */
function collapseOf(
  input: readonly Position[],
  opened: TrackedRing,
  despiked: ReturnType<typeof removeSpikes>,
): Pick<CollapsedRing, 'code' | 'why' | 'position'> | null {
  if (opened.pts.length + 1 < 4) {
    return {
      code: 'too_few_positions',
      why: `has ${input.length} position(s); a ring needs at least 4 (3 corners and the closing repeat of the first)`,
      position: 0,
    };
  }
  const distinct = new Set(opened.pts.map((q) => `${q[0]},${q[1]}`)).size;
  if (distinct < 3) {
    return {
      code: 'too_few_distinct_positions',
      why: `has only ${distinct} distinct position(s); a ring needs at least 3`,
      position: 0,
    };
  }
  if (!despiked.collapsed) return null;
  return {
    code: 'zero_area',
    why: onOneLine(opened.pts)
      ? 'encloses no area: all its positions lie on one line, the boundary running out and straight back'
      : 'encloses no area: it is nothing but zero-width spikes that cancel out',
    position: despiked.removed[0] ?? 0,
  };
}

/**
 * Rings that enclose no area, dropped when the feature keeps area elsewhere (their area change is
 * exactly 0: GeoJSON edges are straight in longitude/latitude, and these enclose nothing there);
 * errors when nothing of the feature would be left.
 */
function reportCollapsed(
  collapsed: readonly CollapsedRing[],
  kept: readonly TrackedPolygon[],
  scope: FeatureProblems,
): void {
  for (const c of collapsed) {
    const name = scope.ringName(c.polygon, c.ring);
    const place = { polygon: c.polygon, ring: c.ring };
    if (kept.length > 0) {
      const holes = c.holes === 0 ? '' : ` and its ${c.holes === 1 ? 'hole' : `${c.holes} holes`}`;
      const action = c.ring > 0 ? 'dropped the hole' : `dropped polygon ${c.polygon}${holes}`;
      scope.repaired('collapsed_ring', `${name} ${c.why}`, action, place, { m2: 0, ratio: 0 });
    } else if (c.ring === 0) {
      // Nothing left: the feature itself is refused, by the defect of each of its outer rings.
      const others = collapsed.some((o) => o.ring === 0 && o.polygon !== c.polygon);
      const rest = others ? '; no other part encloses any area either' : '';
      scope.error(c.code, `${name} ${c.why}${rest}: nothing of the feature is left`, {
        ...place,
        position: c.position,
      });
    }
  }
}

/**
 * Closing, size limits, repeated positions and zero-width spikes, ring by ring. Returns the
 * polygons still standing. A ring that encloses no area (fewer than 3 distinct positions, or all on
 * one line) is dropped with a 'collapsed_ring' warning, an outer ring with its polygon and holes,
 * as long as some part of the feature keeps area; if none does, the feature is refused (see
 * scope.fatalCount).
 *
 * @example
 *   repairRings([[[[0, 0], [1, 0], [1, 0], [0, 1]]]], scope, 6.2e9);
 *   // [{ index: 0, rings: [{ index: 0, ring: { pts: [[0,0],[1,0],[0,1]], src: [0,1,3] } }] }],
 *   // with unclosed_ring and repeated_positions warnings
 */
export function repairRings(
  polygons: readonly Position[][][],
  scope: FeatureProblems,
  baseArea: number,
): TrackedPolygon[] {
  const tracked: TrackedPolygon[] = [];
  const collapsed: CollapsedRing[] = [];
  polygons.forEach((rings, p) => {
    const poly: TrackedPolygon = { index: p, rings: [] };
    for (let r = 0; r < rings.length; r++) {
      const input = rings[r] ?? [];
      const place = { polygon: p, ring: r };
      const name = scope.ringName(p, r);
      const { ring: opened, wasClosed } = openRing(input);
      const deduped = dropRepeats(opened);
      const despiked = removeSpikes(deduped.ring);
      const collapse = collapseOf(input, opened, despiked);
      if (collapse !== null) {
        collapsed.push({ ...collapse, ...place, holes: r === 0 ? rings.length - 1 : 0 });
        // A part whose outer ring encloses nothing goes whole: its holes would be holes in nothing.
        if (r === 0) break;
        continue;
      }
      const sign = r === 0 ? 1 : -1;
      if (!wasClosed) {
        const before = ringArea(input);
        const after = ringArea(closeRing(opened));
        scope.repaired(
          'unclosed_ring',
          `${name} is not closed (its last position differs from its first)`,
          'closed it by repeating the first position',
          { ...place, position: input.length - 1 },
          areaChange(0, sign * (after - before), baseArea),
        );
      }
      const firstRepeat = deduped.removed[0];
      if (firstRepeat !== undefined) {
        const change = sign * (ringArea(closeRing(deduped.ring)) - ringArea(closeRing(opened)));
        scope.repaired(
          'repeated_positions',
          `${name} repeats a position consecutively ${deduped.removed.length} time(s), first at position ${firstRepeat}`,
          'removed the repeats',
          { ...place, position: firstRepeat },
          areaChange(0, change, baseArea),
        );
      }
      const firstSpike = despiked.removed[0];
      if (firstSpike !== undefined) {
        const change = sign * (ringArea(closeRing(despiked.ring)) - ringArea(closeRing(deduped.ring)));
        scope.repaired(
          'spike',
          `${name} has ${despiked.removed.length} zero-width spike or gore vertex(es), where the boundary runs out and straight back along the same line, first at position ${firstSpike}`,
          'removed those vertices',
          { ...place, position: firstSpike },
          areaChange(0, change, baseArea),
        );
      }
      poly.rings.push({ index: r, ring: despiked.ring });
    }
    if (poly.rings[0]?.index === 0) tracked.push(poly);
  });
  reportCollapsed(collapsed, tracked, scope);
  return tracked;
}

/**
 * The polygons as GeoJSON coordinates, rings closed.
 *
 * @example
 *   toCoords([{ index: 0, rings: [{ index: 0, ring: { pts: [[0, 0], [1, 0], [0, 1]], src: [0, 1, 2] } }] }]);
 *   // [[[[0,0],[1,0],[0,1],[0,0]]]]
 */
export function toCoords(polygons: readonly TrackedPolygon[]): PolygonCoords[] {
  return polygons.map((poly) => poly.rings.map(({ ring }) => closeRing(ring)));
}
