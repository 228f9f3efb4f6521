/**
 * The grid import report as `gridpatrol grid import` prints it and writes it with `--report FILE`:
 * every error first, each naming its feature by index, id and name; then the warnings counted by
 * kind and the first few of them. The file holds everything.
 */
import { writeFileSync } from 'node:fs';
import { describeProblem, type GridReport, type ImportProblem, type ProblemSummary } from '@gridpatrol/core';

/** Warnings printed one by one; the rest are counted, and the report file has them all. */
export const SHOWN_WARNINGS = 20;

/** What `--report FILE` writes: the whole report, errors first. */
export type ImportReportFile =
  | ({ ok: false; message: string } & ProblemSummary)
  | ({ ok: true } & ProblemSummary & Pick<GridReport, 'counts' | 'coverage'>);

function line(p: ImportProblem): string {
  return `  ${p.path}: ${describeProblem(p)}`;
}

/**
 * The report as lines for a terminal.
 *
 * @example
 *   formatImportReport(err.report, { reportFile: 'report.json' }).forEach((l) => console.error(l));
 */
export function formatImportReport(summary: ProblemSummary, opts: { reportFile?: string } = {}): string[] {
  const s = (n: number) => (n === 1 ? '' : 's');
  const out: string[] = [];
  if (summary.errorCount > 0) {
    out.push(`${summary.errorCount} error${s(summary.errorCount)}, every one listed:`);
    for (const p of summary.errors) out.push(line(p));
  }
  if (summary.warningCount === 0) return out;
  out.push(`${summary.warningCount} warning${s(summary.warningCount)} (repairable defects) by kind:`);
  const width = String(summary.warningsByCode[0]?.count ?? 0).length;
  for (const { code, count } of summary.warningsByCode)
    out.push(`  ${String(count).padStart(width)}  ${code}`);
  const shown = summary.warnings.slice(0, SHOWN_WARNINGS);
  out.push(shown.length < summary.warnings.length ? `The first ${shown.length}:` : 'Each:');
  for (const p of shown) out.push(line(p));
  const rest = summary.warnings.length - shown.length;
  if (rest > 0) {
    const where = opts.reportFile ? `they are in ${opts.reportFile}` : '--report FILE writes them all';
    out.push(`  … and ${rest} more warning line${s(rest)}: ${where}`);
  }
  return out;
}

/**
 * Writes the whole report as JSON.
 *
 * @example writeImportReport('report.json', { ok: false, message: err.message, ...err.report });
 */
export function writeImportReport(file: string, report: ImportReportFile): void {
  try {
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  } catch (err) {
    throw new Error(`--report ${file}: ${(err as Error).message}`);
  }
}
