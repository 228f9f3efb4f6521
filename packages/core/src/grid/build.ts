/**
 * From two uploaded files to a complete grid version, in memory and pure: validate and repair both
 * layers (every problem at once), map cells onto zones, build the point index. The store then writes
 * the result whole; nothing here touches the database.
 */
import type { CityConfig } from '../city-config';
import { detail, type ErrorDetail, UnprocessableError } from '../errors';
import { buildGridIndex, type GridIndex } from '../geo/grid-index';
import {
  countByCode,
  describeProblem,
  formatCounts,
  type ProblemCount,
  type ProblemSummary,
  problemFields,
  problemText,
  summariseProblems,
} from '../geo/import-report';
import { type CoverageReport, computeOverlay, type ZoneShare } from '../geo/overlay';
import { packGridIndex, splitArtifact } from '../geo/packed';
import { prepareLayer } from '../geo/repair';
import type { ImportProblem } from '../geo/repair-types';
import type { CellFeature, CoordSys, PolygonGeometry, ZoneFeature } from '../geo/types';
import { inEnglish, message } from '../messages';
import type { ResolutionSidecar } from './topology';

export type CellRecord = {
  id: string;
  name: string;
  community?: string;
  street?: string;
  areaM2: number;
  /** The zone holding the largest share; null for a cell in no zone. */
  primaryZone: string | null;
  /** Shares above the sliver threshold, largest first. */
  zones: ZoneShare[];
};

export type ZoneRecord = {
  id: string;
  name: string;
  office: string;
  officers?: string[];
  areaM2: number;
  cellCount: number;
};

export interface GridReport {
  counts: { cells: number; zones: number; warnings: number };
  /** Repairs made and other warnings by kind, most frequent first (for a summary). */
  warningsByCode: ProblemCount[];
  /** Repairs made and other warnings, each with its feature, ring and area change. */
  warnings: ImportProblem[];
  coverage: CoverageReport;
}

export interface BuiltGrid {
  cells: (CellRecord & { geometry: PolygonGeometry })[];
  zones: (ZoneRecord & { geometry: PolygonGeometry })[];
  report: GridReport;
  index: GridIndex;
  sidecar: ResolutionSidecar;
}

export interface BuildOptions {
  readonly config: CityConfig;
  readonly strict?: boolean;
  readonly coordSys?: CoordSys;
}

/**
 * The import was refused. `report` holds every problem, errors first; the details list every
 * error (each naming its feature by index, id and name), and the message sums up the warnings by
 * kind, so that no number of repairs can push an error out of sight.
 */
export class ImportRefusedError extends UnprocessableError {
  readonly report: ProblemSummary;
  /** Every problem found, errors first, then warnings, each in file order. */
  readonly problems: readonly ImportProblem[];

  constructor(problems: readonly ImportProblem[]) {
    const report = summariseProblems(problems);
    const s = (n: number) => (n === 1 ? '' : 's');
    const warnings =
      report.warningCount === 0
        ? ''
        : `; besides, ${report.warningCount} repairable warning${s(report.warningCount)} (${formatCounts(report.warningsByCode)})`;
    const english = `The import was refused: ${report.errorCount} error${s(report.errorCount)}, each listed in details${warnings}. Nothing was written.`;
    super(
      {
        ...(report.warningCount === 0
          ? message('import.refused', { errors: report.errorCount })
          : message('import.refusedWarnings', {
              errors: report.errorCount,
              warnings: report.warningCount,
              byCode: formatCounts(report.warningsByCode),
            })),
        original: english,
      },
      report.errors.map(problemDetail),
    );
    this.report = report;
    this.problems = [...report.errors, ...report.warnings];
  }
}

/** A problem as an error detail: its JSON path, and its code, feature (index, id, name) and words. */
export function problemDetail(p: ImportProblem): ErrorDetail {
  return detail(p.path, problemText(p, describeProblem(p)), problemFields(p));
}

/**
 * Validates, repairs and maps a grid; throws ImportRefusedError listing every error.
 *
 * @example const built = buildGrid(body.cells, body.zones, { config, strict: false, coordSys: 'gcj02' });
 */
export function buildGrid(cellsInput: unknown, zonesInput: unknown, opts: BuildOptions): BuiltGrid {
  const { grid, offices } = opts.config;
  const common = {
    strict: opts.strict ?? false,
    coordSys: opts.coordSys ?? 'wgs84',
    maxVerticesPerFeature: grid.maxVerticesPerFeature,
    maxRepairAreaChange: grid.maxRepairAreaChange,
  } as const;
  const cells = prepareLayer(cellsInput, { ...common, layer: 'cells', idPattern: grid.cellIdPattern });
  const zones = prepareLayer(zonesInput, {
    ...common,
    layer: 'zones',
    idPattern: grid.zoneIdPattern,
    allowedOffices: offices.map((o) => o.id),
  });
  const problems = [...cells.problems, ...zones.problems];
  if (!cells.ok || !zones.ok) throw new ImportRefusedError(problems);
  if (cells.features.length === 0) {
    throw new ImportRefusedError([
      {
        severity: 'error',
        code: 'empty_geometry',
        layer: 'cells',
        featureIndex: null,
        path: 'cells.features',
        message: inEnglish(message('import.noCells')),
      },
    ]);
  }

  const overlay = computeOverlay(cells.features, zones.features, {
    sliverShare: grid.sliverShare,
    straddleShare: grid.straddleShare,
  });
  const cellRecords = cells.features.map((f: CellFeature) => {
    const o = overlay.cells.get(f.properties.id);
    return {
      ...f.properties,
      areaM2: o?.areaM2 ?? 0,
      primaryZone: o?.primaryZone ?? null,
      zones: o?.zones ?? [],
      geometry: f.geometry,
    };
  });
  const zoneRecords = zones.features.map((f: ZoneFeature) => ({
    ...f.properties,
    areaM2: overlay.zones.get(f.properties.id)?.areaM2 ?? 0,
    cellCount: overlay.zones.get(f.properties.id)?.cellCount ?? 0,
    geometry: f.geometry,
  }));
  const sidecarZones: NonNullable<ResolutionSidecar['zones']> = {};
  const sidecar: ResolutionSidecar = { cells: {}, zones: sidecarZones };
  for (const c of cellRecords)
    sidecar.cells[c.id] = { name: c.name, primaryZone: c.primaryZone, zones: c.zones };
  for (const z of zoneRecords) sidecarZones[z.id] = { office: z.office, name: z.name };
  const warnings = problems.filter((p) => p.severity === 'warning');
  return {
    cells: cellRecords,
    zones: zoneRecords,
    report: {
      counts: { cells: cellRecords.length, zones: zoneRecords.length, warnings: warnings.length },
      warningsByCode: countByCode(warnings),
      warnings,
      coverage: overlay.coverage,
    },
    index: buildGridIndex(cells.features),
    sidecar,
  };
}

/** The index as artifact chunks for storage; `splitArtifact` checks each on the way back. */
export function packIndex(index: GridIndex): Uint8Array[] {
  return splitArtifact(packGridIndex(index));
}
