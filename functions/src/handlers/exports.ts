/**
 * Exports (issue 7): findings as CSV or GeoJSON points, patrol tasks as CSV, and the cells of an
 * area as GeoJSON polygons with their live numbers. Each reads: schema (the manifest) → policy (core
 * `planExport` over the caller's scope: the same areas and 404s as baselines) → store (Query pages)
 * → object store, streamed → 303 See Other to a presigned URL. See docs/decisions/0016-exports.md.
 */
import {
  type CellExportInput,
  cellsGeojson,
  type ExportOut,
  type FindingsCsvQuery,
  findingsCsv,
  findingsGeojson,
  type GridTopology,
  type Language,
  type Person,
  planExport,
  reportTimeRange,
  type SheetContext,
  scopeOf,
  taskExportRanges,
  tasksCsv,
} from '@gridpatrol/core';
import { cellExportPages, findingExportPages, findingExportReads, taskExportPages } from '@gridpatrol/store';
import { withPhotoFlags } from '../attachments/views';
import { baselineCensus } from '../cell-census';
import { runExport } from '../exports/run';
import { requireTopology } from '../grid-cache';
import { httpHandler } from '../http/chain';
import { EXPORTS_ROUTES } from '../routes/exports';
import { cityConfig, officeIds } from '../runtime';
import { activeScope } from '../scope';

/** 303 See Other to the file; the body says the same for clients that do not follow redirects. */
const seeOther = (out: ExportOut) => ({
  status: 303,
  body: out,
  headers: { location: out.url, 'cache-control': 'no-store' },
});

/**
 * How a CSV reads: the clerk's sheet in `lang` (else the city's language), unless `form=data` asks
 * for the machine columns (issue 16.4).
 */
function sheetOf(query: {
  lang?: Language | undefined;
  form?: 'sheet' | 'data' | undefined;
}): SheetContext | undefined {
  if (query.form === 'data') return undefined;
  const city = cityConfig();
  return { language: query.lang ?? city.language, timeZone: city.timeZone, names: city };
}

async function exportFindings(caller: Person, query: FindingsCsvQuery, format: 'csv' | 'geojson') {
  const { timeZone } = cityConfig();
  const range = reportTimeRange(query, timeZone);
  const { scope, topology } = await activeScope(caller);
  const plan = planExport(query.scope, scope, topology, officeIds());
  const reads = await findingExportReads(plan.findings, range);
  const writer = format === 'csv' ? findingsCsv(timeZone, sheetOf(query)) : findingsGeojson(timeZone);
  const pages = withPhotoFlags(findingExportPages(reads));
  return seeOther(await runExport({ what: 'findings', scope: plan.scope, by: caller.id, writer, pages }));
}

async function* cellFeatures(
  cells: readonly string[],
  topology: GridTopology,
): AsyncGenerator<CellExportInput[]> {
  const baseline = await baselineCensus(cells, topology);
  for await (const slice of cellExportPages(topology.version, cells))
    yield slice.map((c) => ({
      ...c,
      baseline: baseline.get(c.cell.id) ?? null,
      officeId: (c.cell.primaryZone && topology.zoneOffice.get(c.cell.primaryZone)) || null,
      gridVersion: topology.version,
    }));
}

export const handler = httpHandler('exports', EXPORTS_ROUTES, {
  exportFindingsCsv: async ({ caller, query }) => exportFindings(caller, query, 'csv'),

  exportFindingsGeojson: async ({ caller, query }) => exportFindings(caller, query, 'geojson'),

  exportTasksCsv: async ({ caller, query }) => {
    const ranges = taskExportRanges(query);
    const { scope, topology } = await activeScope(caller);
    const plan = planExport(query.scope, scope, topology, officeIds());
    const pages = taskExportPages(plan.tasks, ranges);
    return seeOther(
      await runExport({
        what: 'tasks',
        scope: plan.scope,
        by: caller.id,
        writer: tasksCsv(sheetOf(query)),
        pages,
      }),
    );
  },

  exportCellsGeojson: async ({ caller, query }) => {
    const topology = await requireTopology();
    const plan = planExport(query.scope, scopeOf(caller, topology), topology, officeIds());
    const pages = cellFeatures(plan.cells, topology);
    return seeOther(
      await runExport({ what: 'cells', scope: plan.scope, by: caller.id, writer: cellsGeojson(), pages }),
    );
  },
});
