import type { CellFeature, CoordSys, GridLayer, ZoneFeature } from './types';

/** Problems that refuse the import: the file says something we cannot take as meant. */
export type ImportErrorCode =
  | 'not_feature_collection'
  | 'unsupported_crs'
  | 'not_a_feature'
  | 'missing_id'
  | 'invalid_id'
  | 'duplicate_id'
  | 'id_pattern_mismatch'
  | 'missing_name'
  | 'invalid_property'
  | 'missing_office'
  | 'unknown_office'
  | 'missing_geometry'
  | 'non_polygon_geometry'
  | 'malformed_coordinates'
  | 'empty_geometry'
  | 'invalid_coordinate'
  | 'coordinate_out_of_range'
  | 'lat_lon_swapped'
  | 'antimeridian_crossing'
  | 'too_many_vertices'
  | 'too_few_positions'
  | 'too_few_distinct_positions'
  | 'zero_area'
  | 'repair_failed';

/**
 * Defects with one obvious repair. Warnings (with the area change the repair caused), or errors
 * under `strict` or when the repair moves the area by more than `maxRepairAreaChange`.
 */
export type RepairCode =
  | 'unclosed_ring'
  | 'repeated_positions'
  | 'wrong_winding'
  | 'spike'
  /** A ring enclosing no area (under 3 distinct positions, or all on one line), dropped. */
  | 'collapsed_ring'
  | 'self_intersection'
  | 'self_touching_ring'
  | 'hole_outside_shell'
  | 'hole_crosses_shell'
  | 'overlapping_holes'
  | 'overlapping_parts'
  | 'disconnected_interior'
  | 'officers_from_text';

export type ImportProblemCode = ImportErrorCode | RepairCode;

export interface ImportProblem {
  readonly severity: 'error' | 'warning';
  readonly code: ImportProblemCode;
  readonly layer: GridLayer;
  /** Index in `features`, null for a problem with the whole file. */
  readonly featureIndex: number | null;
  /** The feature's id, when it has a usable one. */
  readonly featureId?: string;
  /** The feature's name (properties.name, trimmed), when it has one, so a person can find it. */
  readonly featureName?: string;
  /** Index of the polygon in a MultiPolygon (absent for a Polygon). */
  readonly polygon?: number;
  /** Ring index within the polygon: 0 the outer ring, 1.. the holes. */
  readonly ring?: number;
  /** Position index within the ring, as in the input file. */
  readonly position?: number;
  /** JSON path into the input, e.g. "cells.features[3].geometry.coordinates[0][1][5]". */
  readonly path: string;
  readonly message: string;
  /** For repairs: area after minus area before (geodesic, m²; negative when it shrank). */
  readonly areaChangeM2?: number;
  /** For repairs: areaChangeM2 as a share of the area before; absent when that area was 0. */
  readonly areaChangeRatio?: number;
  /**
   * Set on the one line that stands for the problems of one code past the per-feature cap: how
   * many it stands for, so that counts stay true.
   */
  readonly omitted?: number;
}

export interface PrepareOptions {
  readonly layer: GridLayer;
  /** Coordinate system of the file; converted to WGS-84 first. Default 'wgs84'. */
  readonly coordSys?: CoordSys;
  /** Refuse every repairable defect instead of repairing it. Default false. */
  readonly strict?: boolean;
  /** A regular expression every id must match as a whole, e.g. "C-\\d{4}". */
  readonly idPattern?: string;
  /** Default 20,000 positions per feature (all rings together). */
  readonly maxVerticesPerFeature?: number;
  /** Largest share of a feature's area one repair may change before it is refused. Default 0.01. */
  readonly maxRepairAreaChange?: number;
  /** Zones only: the offices a zone may name. */
  readonly allowedOffices?: readonly string[];
}

export interface PreparedLayer<F> {
  /** True when no problem is an error: then, and only then, the layer may be stored. */
  readonly ok: boolean;
  /** The features that passed (repaired), in input order; the others are left out. */
  readonly features: F[];
  readonly problems: ImportProblem[];
}

export type PreparedCells = PreparedLayer<CellFeature>;
export type PreparedZones = PreparedLayer<ZoneFeature>;

export const DEFAULT_MAX_VERTICES_PER_FEATURE = 20_000;
export const DEFAULT_MAX_REPAIR_AREA_CHANGE = 0.01;
