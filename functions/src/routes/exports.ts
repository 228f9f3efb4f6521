/** The exports group's routes (functions/src/handlers/exports.ts serves them; ./index.ts lists every group's). */
import {
  CellsExportQuery,
  ExportOut,
  FindingsCsvQuery,
  FindingsExportQuery,
  TasksExportQuery,
} from '@gridpatrol/core';
import type { RouteDef } from '../manifest-types';
import { AREA_ROLES, ZONE_ROLES } from './shared';

export const EXPORTS_ROUTES = [
  // Exports (issue 7): written to the object store page by page, answered with 303 See Other to a
  // presigned URL valid 15 minutes (docs/decisions/0016-exports.md).
  {
    method: 'GET',
    path: '/exports/findings.csv',
    group: 'exports',
    operationId: 'exportFindingsCsv',
    summary:
      "Findings of an area as CSV (UTF-8 with a BOM, CRLF, RFC 4180; text starting like a formula gets a leading apostrophe). `scope`: city, office:ID, zone:ID (the findings it is responsible for) or cell:ID (those whose point lies in it); default the caller's own (the city for an admin, the office for a supervisor, the zones of an officer, the cells of grid people); an area outside the caller's is a 404. `from`/`to` select by report time (ISO instants, or dates as whole days in the city's time zone). `form=sheet` (default) is a bureau's sheet: headers in `lang` (zh-CN or en; default the city's language), states and kinds as words, the city's names for offices, categories and departments, times local with the offset, columns in ledger order (编号, 上报时间, 商户名称, 地址, 网格, 责任区, 状态, 期限, …); `form=data` gives the stable machine columns (camelCase, codes, UTC instants). Answers 303 See Other: `Location` (and `url` in the body) is a presigned GET of the text/csv file, valid 15 minutes; the body also gives rows, bytes and pages read.",
    roles: AREA_ROLES,
    request: { query: FindingsCsvQuery },
    response: ExportOut,
    successStatus: 303,
  },
  {
    method: 'GET',
    path: '/exports/findings.geojson',
    group: 'exports',
    operationId: 'exportFindingsGeojson',
    summary:
      'Findings of an area as a GeoJSON FeatureCollection of Points (WGS-84) whose properties are the columns of findings.csv. Same `scope`, `from`/`to` and 303 See Other answer as findings.csv; the file is application/geo+json.',
    roles: AREA_ROLES,
    request: { query: FindingsExportQuery },
    response: ExportOut,
    successStatus: 303,
  },
  {
    method: 'GET',
    path: '/exports/cells.geojson',
    group: 'exports',
    operationId: 'exportCellsGeojson',
    summary:
      "The cells of an area of the active grid as a GeoJSON FeatureCollection of polygons, ready for a choropleth: flat properties with each cell's live numbers (total, open, overdue, was_overdue, status_<state>, tasks_<…>), its census now, the current baseline's census and the reduction against it (null without a baseline). Same `scope` as findings.csv; 303 See Other to the application/geo+json file.",
    roles: AREA_ROLES,
    request: { query: CellsExportQuery },
    response: ExportOut,
    successStatus: 303,
  },
  {
    method: 'GET',
    path: '/exports/tasks.csv',
    group: 'exports',
    operationId: 'exportTasksCsv',
    summary:
      "Published patrol tasks of an area as CSV (as findings.csv): date, shift, cell, zone, officer, partner, status, joint, each partner's check-in, completion and checks. `scope` as findings.csv (tasks of a zone are those served through it; of a cell, those in it); `from`/`to` select task dates (local dates, both included); `lang` and `form` as findings.csv. 303 See Other to the text/csv file.",
    roles: ZONE_ROLES,
    request: { query: TasksExportQuery },
    response: ExportOut,
    successStatus: 303,
  },
] as const satisfies readonly RouteDef[];
