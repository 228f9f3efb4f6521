/**
 * WGS-84 ⇄ GCJ-02, the shifted datum of Chinese base maps (AMap/Gaode, Tencent). The forward shift
 * is the published formula every open implementation uses (Krasovsky 1940 ellipsoid); there is no
 * closed inverse, so `gcj02ToWgs84` iterates the forward shift until the answer maps back within
 * 1e-7° (a centimetre). Outside the box the formula is defined for, nothing moves, as in the
 * standard algorithm. Pure and dependency-free: the field app bundles it to draw on a GCJ-02 map.
 */

type LonLat = readonly [number, number];

const A = 6378245.0; // Krasovsky semi-major axis (m)
// Krasovsky first eccentricity squared, published as 0.00669342162296594323 (the same double).
const EE = 0.006693421622965943;

/** The box outside of which GCJ-02 equals WGS-84 (the standard algorithm's `outOfChina`). */
export function outsideGcj02Area(lon: number, lat: number): boolean {
  return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271;
}

function shiftLat(x: number, y: number): number {
  let d = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  d += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  d += ((20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin((y / 3.0) * Math.PI)) * 2.0) / 3.0;
  d += ((160.0 * Math.sin((y / 12.0) * Math.PI) + 320.0 * Math.sin((y * Math.PI) / 30.0)) * 2.0) / 3.0;
  return d;
}

function shiftLon(x: number, y: number): number {
  let d = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  d += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  d += ((20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin((x / 3.0) * Math.PI)) * 2.0) / 3.0;
  d += ((150.0 * Math.sin((x / 12.0) * Math.PI) + 300.0 * Math.sin((x / 30.0) * Math.PI)) * 2.0) / 3.0;
  return d;
}

/**
 * A WGS-84 position as a GCJ-02 base map draws it.
 *
 * @example wgs84ToGcj02([121.5272106, 31.1774276]) // ≈ [121.531541859215, 31.17530398364597]
 */
export function wgs84ToGcj02([lon, lat]: LonLat): [number, number] {
  if (outsideGcj02Area(lon, lat)) return [lon, lat];
  const radLat = (lat / 180.0) * Math.PI;
  const sinLat = Math.sin(radLat);
  const magic = 1 - EE * sinLat * sinLat;
  const sqrtMagic = Math.sqrt(magic);
  const dLat =
    (shiftLat(lon - 105.0, lat - 35.0) * 180.0) / (((A * (1 - EE)) / (magic * sqrtMagic)) * Math.PI);
  const dLon = (shiftLon(lon - 105.0, lat - 35.0) * 180.0) / ((A / sqrtMagic) * Math.cos(radLat) * Math.PI);
  return [lon + dLon, lat + dLat];
}

/** Stop when the forward shift of the answer is this close to the GCJ-02 input (degrees). */
const INVERSE_TOLERANCE = 1e-7;
const INVERSE_MAX_STEPS = 30;

/**
 * A GCJ-02 position (tapped or dragged on a GCJ-02 base map) back in WGS-84: fixed-point iteration
 * on the forward shift, which converges in a few steps because the shift varies slowly.
 *
 * @example gcj02ToWgs84([121.531541859215, 31.17530398364597]) // ≈ [121.5272106, 31.1774276]
 */
export function gcj02ToWgs84([lon, lat]: LonLat): [number, number] {
  if (outsideGcj02Area(lon, lat)) return [lon, lat];
  let guess: [number, number] = [lon, lat];
  for (let step = 0; step < INVERSE_MAX_STEPS; step++) {
    const [gLon, gLat] = wgs84ToGcj02(guess);
    const errLon = gLon - lon;
    const errLat = gLat - lat;
    if (Math.abs(errLon) < INVERSE_TOLERANCE && Math.abs(errLat) < INVERSE_TOLERANCE) break;
    guess = [guess[0] - errLon, guess[1] - errLat];
  }
  return guess;
}
