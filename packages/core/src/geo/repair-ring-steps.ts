import { areaChange, polygonsArea } from './repair-area';
import type { FeatureProblems } from './repair-problems';
import { closeRing, dropRepeats, openRing, removeSpikes, type TrackedRing } from './repair-rings';
import type { PolygonCoords, Position } from './types';

/** A polygon under repair, remembering its index in the input and its rings' indices. */
export interface TrackedPolygon {
  readonly index: number;
  readonly rings: { readonly index: number; ring: TrackedRing }[];
}

function ringArea(pts: readonly Position[]): number {
  return polygonsArea([[pts]]);
}

/**
 * Closing, size limits, repeated positions and zero-width spikes, ring by ring. Returns the
 * polygons still standing (a ring that was nothing but spikes is dropped, and a polygon with it
 * if it was the outer ring); a ring beyond repair is logged as an error (see scope.fatalCount).
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
  polygons.forEach((rings, p) => {
    const poly: TrackedPolygon = { index: p, rings: [] };
    rings.forEach((input, r) => {
      const place = { polygon: p, ring: r };
      const name = scope.ringName(p, r);
      const { ring: opened, wasClosed } = openRing(input);
      const closedLength = opened.pts.length + 1;
      if (closedLength < 4) {
        scope.error(
          'too_few_positions',
          `${name} has ${input.length} position(s); a ring needs at least 4 (3 corners and the closing repeat of the first)`,
          { ...place, position: 0 },
        );
        return;
      }
      const distinct = new Set(opened.pts.map((q) => `${q[0]},${q[1]}`)).size;
      if (distinct < 3) {
        scope.error(
          'too_few_distinct_positions',
          `${name} has only ${distinct} distinct position(s); a ring needs at least 3`,
          { ...place, position: 0 },
        );
        return;
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
      const deduped = dropRepeats(opened);
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
      const despiked = removeSpikes(deduped.ring);
      const firstSpike = despiked.removed[0];
      if (firstSpike !== undefined) {
        if (despiked.collapsed && r === 0 && polygons.length === 1) {
          scope.error(
            'zero_area',
            'the feature encloses no area: its outer ring runs out and back along the same line',
            { ...place, position: firstSpike },
          );
          return;
        }
        const after = despiked.collapsed ? 0 : ringArea(closeRing(despiked.ring));
        const change = sign * (after - ringArea(closeRing(deduped.ring)));
        const defect = despiked.collapsed
          ? `${name} encloses no area: it is nothing but zero-width spikes`
          : `${name} has ${despiked.removed.length} zero-width spike or gore vertex(es), where the boundary runs out and straight back along the same line, first at position ${firstSpike}`;
        const action = despiked.collapsed
          ? r === 0
            ? `dropped polygon ${p}`
            : 'dropped the hole'
          : 'removed those vertices';
        scope.repaired(
          'spike',
          defect,
          action,
          { ...place, position: firstSpike },
          areaChange(0, change, baseArea),
        );
      }
      if (despiked.collapsed) {
        if (r === 0) poly.rings.length = 0;
        return;
      }
      if (r === 0 || poly.rings[0]?.index === 0) poly.rings.push({ index: r, ring: despiked.ring });
    });
    if (poly.rings[0]?.index === 0) tracked.push(poly);
  });
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
