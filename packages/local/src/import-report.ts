/**
 * The grid import report as `gridpatrol grid import` prints it and writes it with `--report FILE`:
 * every error first, each naming its feature by index, id and name; then the warnings counted by
 * kind and the first few of them. The file holds everything.
 */
import { writeFileSync } from 'node:fs';
import {
  describeProblem,
  type GridReport,
  type ImportProblem,
  message,
  type ProblemSummary,
  problemText,
} from '@gridpatrol/core';
import { englishSpeaker, type Speaker } from './cli-language';

/** Warnings printed one by one; the rest are counted, and the report file has them all. */
export const SHOWN_WARNINGS = 20;

/** What `--report FILE` writes: the whole report, errors first. */
export type ImportReportFile =
  | ({ ok: false; message: string } & ProblemSummary)
  | ({ ok: true } & ProblemSummary & Pick<GridReport, 'counts' | 'coverage'>);

function line(p: ImportProblem, s: Speaker): string {
  return `  ${p.path}: ${s.text(problemText(p, describeProblem(p)))}`;
}

/**
 * The report as lines for a terminal.
 *
 * @example
 *   formatImportReport(err.report, { reportFile: 'report.json' }).forEach((l) => console.error(l));
 */
export function formatImportReport(
  summary: ProblemSummary,
  opts: { reportFile?: string } = {},
  words: Speaker = englishSpeaker,
): string[] {
  const s = (n: number) => (n === 1 ? '' : 's');
  // English keeps its own plurals (`original`); the catalogue words the other language.
  const say = (
    key: Parameters<typeof message>[0],
    params: Record<string, string | number>,
    english: string,
  ) => words.text({ ...message(key, params), original: english });
  const out: string[] = [];
  if (summary.errorCount > 0) {
    const n = summary.errorCount;
    out.push(say('cli.import.errors', { count: n }, `${n} error${s(n)}, every one listed:`));
    for (const p of summary.errors) out.push(line(p, words));
  }
  if (summary.warningCount === 0) return out;
  const n = summary.warningCount;
  out.push(say('cli.import.warnings', { count: n }, `${n} warning${s(n)} (repairable defects) by kind:`));
  const width = String(summary.warningsByCode[0]?.count ?? 0).length;
  for (const { code, count } of summary.warningsByCode)
    out.push(`  ${String(count).padStart(width)}  ${code}`);
  const shown = summary.warnings.slice(0, SHOWN_WARNINGS);
  out.push(
    shown.length < summary.warnings.length
      ? words.say('cli.import.firstWarnings', { count: shown.length })
      : words.say('cli.import.eachWarning'),
  );
  for (const p of shown) out.push(line(p, words));
  const rest = summary.warnings.length - shown.length;
  if (rest > 0) {
    const where = opts.reportFile
      ? words.say('cli.import.inFile', { file: opts.reportFile })
      : words.say('cli.import.reportAll');
    out.push(
      `  ${say('cli.import.moreWarnings', { count: rest, where }, `… and ${rest} more warning line${s(rest)}: ${where}`)}`,
    );
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
