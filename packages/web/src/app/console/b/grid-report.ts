/**
 * A grid import as the browser sends and explains it: the body's size against the API's limit, and
 * where on the map each problem of the report lies (its feature, and the very position its path
 * names). Pure: no DOM.
 */

/**
 * The largest request body the API takes: API Gateway's and Lambda's 6 MB payload, which the local
 * server keeps too (packages/local MAX_BODY_BYTES; test/unit/web-console-grid.test.ts compares).
 */
export const IMPORT_BODY_LIMIT = 6 * 1024 * 1024;

/** The command that imports files of any size, for a person whose files are over the limit. */
export const CLI_IMPORT = 'npx gridpatrol grid import --cells cells.geojson --zones zones.geojson';

/** A problem of an import's report (a refused import's `errors`, a draft's warnings). */
export interface ImportProblem {
  readonly code: string;
  readonly layer: 'cells' | 'zones';
  readonly featureIndex?: number | null;
  readonly featureId?: string;
  readonly featureName?: string;
  readonly polygon?: number;
  readonly ring?: number;
  readonly position?: number;
  readonly path?: string;
  readonly message: string;
}

/**
 * Bytes of the JSON body `{"cells":…,"zones":…}` made of the two files' texts.
 *
 * @example importBodyBytes('{"type":"FeatureCollection","features":[]}', '{}') // 63
 */
export function importBodyBytes(cellsText: string, zonesText: string): number {
  const utf8 = (s: string) => new TextEncoder().encode(s).length;
  return utf8(cellsText) + utf8(zonesText) + '{"cells":,"zones":}'.length;
}

/**
 * The steps of a report path such as `cells.features[3].geometry.coordinates[0][5]`.
 *
 * @example pathSteps('cells.features[3].geometry') // ['cells', 'features', 3, 'geometry']
 */
export function pathSteps(path: string): (string | number)[] {
  const steps: (string | number)[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g))
    steps.push(m[2] !== undefined ? Number(m[2]) : (m[1] as string));
  return steps;
}

/** The value a path names in `root`, or undefined when the path leaves it. */
export function valueAt(root: unknown, path: string): unknown {
  let at: unknown = root;
  for (const step of pathSteps(path)) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string | number, unknown>)[step];
  }
  return at;
}

const isPosition = (v: unknown): v is [number, number] =>
  Array.isArray(v) && v.length >= 2 && typeof v[0] === 'number' && typeof v[1] === 'number';

export interface ProblemPlace {
  readonly layer: 'cells' | 'zones';
  /** The feature it is about, when the report names one. */
  readonly featureIndex?: number;
  /** The position it names (its ring's vertex), WGS-84 [lon, lat], when the report names one. */
  readonly point?: [number, number];
}

/**
 * Where a problem lies in the files sent: its feature, and the position its path (or its polygon,
 * ring and position fields) names, read from the files themselves.
 *
 * @example problemPlace({ cells, zones }, { layer: 'cells', featureIndex: 0, path: 'cells.features[0].geometry.coordinates[0][2]', … })
 *   // { layer: 'cells', featureIndex: 0, point: [120.101, 30.201] }
 */
export function problemPlace(files: { cells: unknown; zones: unknown }, p: ImportProblem): ProblemPlace {
  const featureIndex = typeof p.featureIndex === 'number' ? p.featureIndex : undefined;
  let point: [number, number] | undefined;
  if (p.path) {
    // The path may name a position, or a ring or polygon whose first position stands for it.
    let v = valueAt(files, p.path);
    for (let i = 0; i < 3 && Array.isArray(v) && !isPosition(v); i++) v = v[0];
    if (isPosition(v)) point = [v[0], v[1]];
  }
  if (!point && featureIndex !== undefined && p.ring !== undefined && p.position !== undefined) {
    const geometry = valueAt(files, `${p.layer}.features[${featureIndex}].geometry`) as
      | { type?: string; coordinates?: unknown }
      | undefined;
    const rings =
      geometry?.type === 'MultiPolygon'
        ? valueAt(geometry, `coordinates[${p.polygon ?? 0}]`)
        : geometry?.coordinates;
    const v = valueAt(rings, `[${p.ring}][${p.position}]`);
    if (isPosition(v)) point = [v[0], v[1]];
  }
  return {
    layer: p.layer,
    ...(featureIndex !== undefined ? { featureIndex } : {}),
    ...(point ? { point } : {}),
  };
}

/** The feature a report names, as the map draws it. */
export function featureAt(files: { cells: unknown; zones: unknown }, place: ProblemPlace): unknown {
  return place.featureIndex === undefined
    ? undefined
    : valueAt(files, `${place.layer}.features[${place.featureIndex}]`);
}
