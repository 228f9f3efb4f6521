import { BadRequestError } from '../errors';
import { repairGeometry } from './repair-geometry';
import { FeatureProblems } from './repair-problems';
import { type PropertyRules, readProperties } from './repair-properties';
import { readGeometry } from './repair-read';
import {
  DEFAULT_MAX_REPAIR_AREA_CHANGE,
  DEFAULT_MAX_VERTICES_PER_FEATURE,
  type ImportProblem,
  type PreparedCells,
  type PreparedZones,
  type PrepareOptions,
} from './repair-types';
import type { CellProperties, GridFeature, GridLayer, ZoneProperties } from './types';

export * from './repair-types';

/**
 * Legacy GeoJSON (2008) `crs` members that still mean longitude/latitude degrees. CGCS2000
 * (EPSG:4490), China's national datum, differs from WGS-84 by centimetres, far below what a grid
 * boundary means, so it is taken as WGS-84.
 */
const GEOGRAPHIC_CRS = /(CRS84|EPSG:{1,2}(4326|4490))$/i;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function compileIdPattern(pattern: string | undefined): RegExp | null {
  if (pattern === undefined) return null;
  try {
    // Anchored: the pattern describes the whole id, not something found inside it.
    return new RegExp(`^(?:${pattern})$`, 'u');
  } catch (e) {
    throw new BadRequestError(`idPattern is not a valid regular expression: ${(e as Error).message}`, [
      { path: 'idPattern', message: (e as Error).message },
    ]);
  }
}

/** Problems with the file as a whole; false when nothing in it can be read. */
function checkCollection(
  input: unknown,
  layer: GridLayer,
  problems: ImportProblem[],
): input is { features: unknown[] } {
  const fail = (
    code: 'not_feature_collection' | 'unsupported_crs',
    message: string,
    path: string = layer,
  ): false => {
    problems.push({ severity: 'error', code, layer, featureIndex: null, path, message });
    return false;
  };
  if (!isObject(input) || input.type !== 'FeatureCollection' || !Array.isArray(input.features)) {
    const type = isObject(input) && typeof input.type === 'string' ? input.type : null;
    const got =
      type === 'FeatureCollection'
        ? 'a FeatureCollection without a features array'
        : type !== null
          ? `a ${type}`
          : Array.isArray(input)
            ? 'an array'
            : input === null
              ? 'null'
              : `a ${typeof input}`;
    const hint =
      type === 'Feature' || type === 'Polygon' || type === 'MultiPolygon' ? '; wrap it in one' : '';
    return fail(
      'not_feature_collection',
      `the ${layer} file must be a GeoJSON FeatureCollection, got ${got}${hint}`,
    );
  }
  const crs = input.crs;
  if (crs !== undefined && crs !== null) {
    const name = isObject(crs) && isObject(crs.properties) ? crs.properties.name : undefined;
    if (typeof name !== 'string' || !GEOGRAPHIC_CRS.test(name)) {
      return fail(
        'unsupported_crs',
        `the file declares the coordinate reference system ${JSON.stringify(name ?? crs)}; export it as WGS-84 longitude/latitude (EPSG:4326), or GCJ-02/BD-09 with coordSys set`,
        `${layer}.crs`,
      );
    }
  }
  return true;
}

/**
 * Checks, repairs and normalises one uploaded layer of grid cells or responsibility zones (an
 * RFC 7946 FeatureCollection of Polygons/MultiPolygons), reporting every problem at once, each
 * naming the feature (index and id), polygon, ring and input position.
 *
 * Errors refuse the import; repairable defects (unclosed rings, repeated positions, winding,
 * zero-width spikes, rings that enclose no area in a feature that keeps some, self-intersections,
 * holes outside or across their shell, overlapping parts) are repaired and reported as warnings
 * with the area change each repair caused, unless `strict` is set or the change exceeds
 * `maxRepairAreaChange`. Every problem names its feature by index, id and name. Features come out in WGS-84 with closed
 * rings, no repeated consecutive positions, outer rings counter-clockwise and holes clockwise,
 * and valid by the OGC rules (checked independently by checkPolygonValidity).
 *
 * Store the layer only when `ok`; `features` then holds every feature, else those that passed.
 *
 * @example
 *   const { ok, features, problems } = prepareLayer(JSON.parse(body), { layer: 'cells', coordSys: 'gcj02' });
 *   if (!ok) throw new UnprocessableError('The layer has errors.', problems.filter((p) => p.severity === 'error'));
 */
export function prepareLayer(
  input: unknown,
  opts: PrepareOptions & { readonly layer: 'cells' },
): PreparedCells;
export function prepareLayer(
  input: unknown,
  opts: PrepareOptions & { readonly layer: 'zones' },
): PreparedZones;
export function prepareLayer(input: unknown, opts: PrepareOptions): PreparedCells | PreparedZones;
export function prepareLayer(input: unknown, opts: PrepareOptions): PreparedCells | PreparedZones {
  const { layer } = opts;
  const problems: ImportProblem[] = [];
  const features: GridFeature<CellProperties | ZoneProperties>[] = [];
  const propertyRules: PropertyRules = {
    layer,
    idPattern: compileIdPattern(opts.idPattern),
    allowedOffices: opts.allowedOffices ? new Set(opts.allowedOffices) : null,
  };
  const rules = {
    strict: opts.strict ?? false,
    maxRepairAreaChange: opts.maxRepairAreaChange ?? DEFAULT_MAX_REPAIR_AREA_CHANGE,
  };
  const maxVertices = opts.maxVerticesPerFeature ?? DEFAULT_MAX_VERTICES_PER_FEATURE;
  const coordSys = opts.coordSys ?? 'wgs84';

  if (checkCollection(input, layer, problems)) {
    const firstIndexOf = new Map<string, number>();
    input.features.forEach((feature, i) => {
      const scope = new FeatureProblems(problems, layer, i, rules);
      if (!isObject(feature) || feature.type !== 'Feature') {
        const type =
          isObject(feature) && typeof feature.type === 'string' ? `a ${feature.type}` : 'not an object';
        scope.error('not_a_feature', `features[${i}] is ${type}, not a GeoJSON Feature`);
        scope.finish();
        return;
      }
      const properties = readProperties(feature, scope, propertyRules);
      const id = scope.id;
      if (id !== undefined) {
        const first = firstIndexOf.get(id);
        if (first === undefined) firstIndexOf.set(id, i);
        else
          scope.error('duplicate_id', `the id "${id}" is already used by feature ${first}`, {
            property: 'id',
          });
      }
      const raw = readGeometry(feature.geometry, scope, maxVertices);
      const geometry = raw === null ? null : repairGeometry(raw, scope, coordSys);
      scope.finish();
      if (properties !== null && geometry !== null && !scope.hasErrors) {
        features.push({ type: 'Feature', properties, geometry });
      }
    });
  }
  const ok = !problems.some((p) => p.severity === 'error');
  return { ok, features, problems } as PreparedCells | PreparedZones;
}
