import type { FeatureProblems } from './repair-problems';
import type { Position } from './types';

/** A feature's geometry once its structure and numbers have been checked: [polygon][ring][position]. */
export interface RawGeometry {
  readonly multi: boolean;
  readonly polygons: Position[][][];
}

/**
 * China's extent (Zengmu Ansha 3.8°N to the Heilongjiang 53.6°N, the Pamirs 73.4°E to the
 * Wusuli 135.1°E). The service is run by Chinese cities, so a feature that lands in China only
 * when its two numbers are swapped was exported as [lat, lon].
 */
const CHINA = { minLon: 73.4, maxLon: 135.1, minLat: 3.8, maxLat: 53.6 };

/** Values this large are metres or feet of a projected system, not degrees. */
const PROJECTED_MAGNITUDE = 1000;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 20 ? `${v.slice(0, 20)}…` : v)}`;
  return typeof v === 'number' ? String(v) : `a ${typeof v}`;
}

interface Slot {
  readonly polygon: number;
  readonly ring: number;
  readonly position: number;
  readonly x: number;
  readonly y: number;
}

/** Step 1: the geometry is a Polygon or MultiPolygon whose coordinates nest as they should. */
function readStructure(
  geometry: unknown,
  scope: FeatureProblems,
): { multi: boolean; polygons: unknown[][] } | null {
  if (geometry === undefined || geometry === null) {
    scope.error('missing_geometry', 'the feature has no geometry; a cell or zone needs a polygon', {
      member: '.geometry',
    });
    return null;
  }
  const type = isObject(geometry) ? geometry.type : undefined;
  if (type !== 'Polygon' && type !== 'MultiPolygon') {
    const seen = typeof type === 'string' ? `a ${type}` : describe(geometry);
    scope.error(
      'non_polygon_geometry',
      `the geometry is ${seen}; only Polygon and MultiPolygon are accepted`,
      {
        member: '.geometry.type',
      },
    );
    return null;
  }
  const multi = type === 'MultiPolygon';
  scope.setMulti(multi);
  const coords = isObject(geometry) ? geometry.coordinates : undefined;
  if (!Array.isArray(coords)) {
    scope.error('malformed_coordinates', `coordinates must be an array, got ${describe(coords)}`, {
      member: '.geometry.coordinates',
    });
    return null;
  }
  if (coords.length === 0) {
    scope.error('empty_geometry', `the ${type} has no coordinates`, { member: '.geometry.coordinates' });
    return null;
  }
  const polygons: unknown[][] = [];
  let ok = true;
  const polys: unknown[] = multi ? coords : [coords];
  polys.forEach((poly, p) => {
    if (!Array.isArray(poly)) {
      ok = false;
      scope.error('malformed_coordinates', `polygon ${p} must be an array of rings, got ${describe(poly)}`, {
        polygon: p,
        member: `.geometry.coordinates[${p}]`,
      });
      return;
    }
    if (poly.length === 0) {
      ok = false;
      scope.error('empty_geometry', `polygon ${p} has no rings`, {
        polygon: p,
        member: `.geometry.coordinates[${p}]`,
      });
      return;
    }
    poly.forEach((ring, r) => {
      if (!Array.isArray(ring)) {
        ok = false;
        scope.error(
          'malformed_coordinates',
          `ring ${r} must be an array of positions, got ${describe(ring)}`,
          {
            polygon: p,
            ring: r,
          },
        );
      }
    });
    polygons.push(poly);
  });
  return ok ? { multi, polygons } : null;
}

/** Step 2: every position is [lon, lat] of finite numbers (a third, altitude, is dropped). */
function readPositions(polygons: unknown[][], scope: FeatureProblems): Slot[] | null {
  const slots: Slot[] = [];
  let ok = true;
  polygons.forEach((poly, p) => {
    poly.forEach((ring, r) => {
      (ring as unknown[]).forEach((pos, i) => {
        const x = Array.isArray(pos) ? pos[0] : undefined;
        const y = Array.isArray(pos) ? pos[1] : undefined;
        if (typeof x === 'number' && typeof y === 'number' && Number.isFinite(x) && Number.isFinite(y)) {
          slots.push({ polygon: p, ring: r, position: i, x, y });
          return;
        }
        ok = false;
        const why = !Array.isArray(pos)
          ? `is ${describe(pos)}, not a [lon, lat] array`
          : pos.length < 2
            ? `has ${pos.length} number(s); a position needs longitude and latitude`
            : `holds ${describe(typeof x === 'number' && Number.isFinite(x) ? y : x)}, not a finite number`;
        scope.error('invalid_coordinate', `position ${i} of ring ${r} ${why}`, {
          polygon: p,
          ring: r,
          position: i,
        });
      });
    });
  });
  return ok ? slots : null;
}

/**
 * Step 3: longitudes within ±180 and latitudes within ±90, with two diagnoses a person can act
 * on. Swapped [lat, lon] order is recognised when the feature would be in range only swapped
 * (e.g. Beijing written [39.9, 116.4]: "latitude" 116.4), or when every position lands in China
 * only swapped (western China written [lat, lon] is in range but near the North Pole: lat ≥ 73.4°
 * and lon ≤ 53.6°, Svalbard-like, where no Chinese city's grid lies). Projected coordinates
 * (metres, e.g. EPSG:3857 or a CGCS2000 Gauss–Krüger zone) are recognised by their magnitude.
 */
function checkRanges(slots: readonly Slot[], scope: FeatureProblems): boolean {
  const outside = slots.filter((s) => Math.abs(s.x) > 180 || Math.abs(s.y) > 90);
  const first = outside[0];
  if (first !== undefined) {
    const at = { polygon: first.polygon, ring: first.ring, position: first.position };
    if (slots.every((s) => Math.abs(s.y) <= 180 && Math.abs(s.x) <= 90)) {
      scope.error(
        'lat_lon_swapped',
        `position ${first.position} of ring ${first.ring} is [${first.x}, ${first.y}]: latitude out of range, but every position is valid read as [lat, lon]; GeoJSON order is [longitude, latitude]`,
        at,
      );
    } else if (
      outside.length === slots.length &&
      slots.some((s) => Math.abs(s.x) > PROJECTED_MAGNITUDE || Math.abs(s.y) > PROJECTED_MAGNITUDE)
    ) {
      scope.error(
        'coordinate_out_of_range',
        `all ${slots.length} positions are outside longitude/latitude range (first [${first.x}, ${first.y}]); they look like projected metres (e.g. EPSG:3857 or a CGCS2000 Gauss–Krüger zone): export as WGS-84 longitude/latitude (EPSG:4326)`,
        at,
      );
    } else {
      for (const s of outside) {
        scope.error(
          'coordinate_out_of_range',
          `position ${s.position} of ring ${s.ring} is [${s.x}, ${s.y}]: longitude must be within ±180 and latitude within ±90`,
          { polygon: s.polygon, ring: s.ring, position: s.position },
        );
      }
    }
    return false;
  }
  const swappedIntoChina = slots.every(
    (s) => s.x >= CHINA.minLat && s.x <= CHINA.maxLat && s.y >= CHINA.minLon && s.y <= CHINA.maxLon,
  );
  const s0 = slots[0];
  if (swappedIntoChina && s0 !== undefined) {
    scope.error(
      'lat_lon_swapped',
      `every position lies near the North Pole as given (first [${s0.x}, ${s0.y}]) but in China read as [lat, lon]; GeoJSON order is [longitude, latitude]`,
      { polygon: s0.polygon, ring: s0.ring, position: s0.position },
    );
    return false;
  }
  return true;
}

/**
 * Step 4: no edge jumps more than 180° of longitude. RFC 7946 §3.1.9 asks for such rings to be
 * split at the antimeridian; an edge from 179° to -179° otherwise means a trip round the world.
 */
function checkAntimeridian(slots: readonly Slot[], scope: FeatureProblems): boolean {
  let ok = true;
  for (let i = 1; i < slots.length; i++) {
    const a = slots[i - 1];
    const b = slots[i];
    if (a === undefined || b === undefined || a.polygon !== b.polygon || a.ring !== b.ring) continue;
    if (Math.abs(b.x - a.x) > 180) {
      ok = false;
      scope.error(
        'antimeridian_crossing',
        `the edge from position ${a.position} (lon ${a.x}) to ${b.position} (lon ${b.x}) crosses the antimeridian; split the polygon at ±180° (RFC 7946 §3.1.9)`,
        { polygon: b.polygon, ring: b.ring, position: b.position },
      );
    }
  }
  return ok;
}

/**
 * Reads and checks a feature's geometry (structure, vertex budget, numbers, ranges, axis order,
 * antimeridian), logging every problem found; null when any is an error.
 *
 * @example
 *   readGeometry({ type: 'Point', coordinates: [116.4, 39.9] }, scope, 20000); // null; non_polygon_geometry
 */
export function readGeometry(
  geometry: unknown,
  scope: FeatureProblems,
  maxVertices: number,
): RawGeometry | null {
  const structure = readStructure(geometry, scope);
  if (structure === null) return null;
  let count = 0;
  for (const poly of structure.polygons) for (const ring of poly) count += (ring as unknown[]).length;
  if (count > maxVertices) {
    // Checked before looking at positions, so that an oversized feature costs nothing more.
    scope.error(
      'too_many_vertices',
      `the feature has ${count} positions, more than the ${maxVertices} allowed; simplify it (e.g. to 0.5 m tolerance) before import`,
      { member: '.geometry.coordinates' },
    );
    return null;
  }
  const slots = readPositions(structure.polygons, scope);
  if (slots === null) return null;
  if (!checkRanges(slots, scope)) return null;
  if (!checkAntimeridian(slots, scope)) return null;
  const polygons: Position[][][] = structure.polygons.map((poly) => poly.map(() => []));
  for (const s of slots) polygons[s.polygon]?.[s.ring]?.push([s.x, s.y]);
  return { multi: structure.multi, polygons };
}
