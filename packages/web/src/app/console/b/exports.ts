/** The exports the statistics page offers, the request of each, and the name a file is saved under. Pure. */

/** The exports offered: findings of the chosen dates (the sheet in the reader's language), the cells now. */
export const EXPORTS = [
  {
    op: 'exportFindingsCsv',
    path: '/exports/findings.csv',
    label: 'stats.x.findingsCsv',
    file: 'findings.csv',
  },
  {
    op: 'exportFindingsGeojson',
    path: '/exports/findings.geojson',
    label: 'stats.x.findingsGeojson',
    file: 'findings.geojson',
  },
  {
    op: 'exportCellsGeojson',
    path: '/exports/cells.geojson',
    label: 'stats.x.cellsGeojson',
    file: 'cells.geojson',
  },
] as const;

/**
 * An export's request: findings by their report dates, the CSV in the reader's language; the cells
 * as they are now (that export has no dates).
 *
 * @example exportPath(EXPORTS[0], { from: '2026-11-08', to: '2026-12-07' }, 'zh-CN') // '/exports/findings.csv?from=2026-11-08&to=2026-12-07&lang=zh-CN'
 */
export function exportPath(
  x: (typeof EXPORTS)[number],
  dates: { from: string; to: string },
  lang: string,
): string {
  if (x.op === 'exportCellsGeojson') return x.path;
  const q = new URLSearchParams({ from: dates.from, to: dates.to });
  if (x.op === 'exportFindingsCsv') q.set('lang', lang);
  return `${x.path}?${q}`;
}

/**
 * The file name of a Content-Disposition header (the UTF-8 `filename*` first), or `fallback`.
 *
 * @example fileNameOf("attachment; filename=\"a.csv\"; filename*=UTF-8''%E7%BD%91.csv", 'x') // '网.csv'
 */
export function fileNameOf(header: string | null, fallback: string): string {
  const star = header?.match(/filename\*=UTF-8''([^;]+)/i)?.[1];
  if (star) {
    try {
      return decodeURIComponent(star.trim());
    } catch {
      // A malformed escape: the plain name below.
    }
  }
  return header?.match(/filename="([^"]+)"/i)?.[1] ?? fallback;
}
