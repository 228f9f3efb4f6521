import type { DetailFields } from '../errors';
import { type Message, message } from '../messages';
import type { ImportProblem, ImportProblemCode } from './repair-types';

/** How many problems of one code an import had. */
export interface ProblemCount {
  readonly code: ImportProblemCode;
  readonly count: number;
}

/**
 * An import's problems as a person reads them: every error first, whatever the number of
 * warnings (one refused feature must never hide behind a thousand repairs), then the warnings,
 * summarised by kind.
 */
export interface ProblemSummary {
  /** Every error, in file order (cells, then zones). */
  readonly errors: ImportProblem[];
  readonly errorCount: number;
  readonly warningCount: number;
  /** Warnings by code, most frequent first (then by code). */
  readonly warningsByCode: ProblemCount[];
  /** Every warning, in file order. */
  readonly warnings: ImportProblem[];
}

/** A line past the per-feature cap stands for `omitted` problems, not for one. */
const weight = (p: ImportProblem): number => p.omitted ?? 1;

/**
 * Problems counted by code, most frequent first.
 *
 * @example
 *   countByCode(report.warnings); // [{ code: 'collapsed_ring', count: 1133 }, { code: 'wrong_winding', count: 2 }]
 */
export function countByCode(problems: readonly ImportProblem[]): ProblemCount[] {
  const counts = new Map<ImportProblemCode, number>();
  for (const p of problems) counts.set(p.code, (counts.get(p.code) ?? 0) + weight(p));
  return [...counts]
    .map(([code, count]) => ({ code, count }))
    .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
}

/**
 * Errors first, then warnings with their counts by kind.
 *
 * @example
 *   const { errors, warningsByCode } = summariseProblems([...cells.problems, ...zones.problems]);
 */
export function summariseProblems(problems: readonly ImportProblem[]): ProblemSummary {
  const errors = problems.filter((p) => p.severity === 'error');
  const warnings = problems.filter((p) => p.severity === 'warning');
  const total = (list: readonly ImportProblem[]) => list.reduce((n, p) => n + weight(p), 0);
  return {
    errors,
    errorCount: total(errors),
    warningCount: total(warnings),
    warningsByCode: countByCode(warnings),
    warnings,
  };
}

/**
 * The feature a problem is about, as a person finds it: its index with the id and name the file
 * gives it, so that nobody has to count to feature 2,925.
 *
 * @example
 *   featureLabel(problem); // 'cells feature 2925 (id "51610", name "Falls Church")'
 */
export function featureLabel(p: ImportProblem): string {
  if (p.featureIndex === null) return `the ${p.layer} file`;
  const names = [
    ...(p.featureId === undefined ? [] : [`id ${JSON.stringify(p.featureId)}`]),
    ...(p.featureName === undefined ? [] : [`name ${JSON.stringify(p.featureName)}`]),
  ];
  return `${p.layer} feature ${p.featureIndex}${names.length > 0 ? ` (${names.join(', ')})` : ''}`;
}

/**
 * One problem in one line: code, feature, what is wrong.
 *
 * @example
 *   describeProblem(problem); // '[zero_area] cells feature 2925 (id "51610", name "Falls Church"): the outer ring …'
 */
export function describeProblem(p: ImportProblem): string {
  return `[${p.code}] ${featureLabel(p)}: ${p.message}`;
}

/**
 * "1133 collapsed_ring, 2 wrong_winding": a summary by kind for a sentence.
 *
 * @example formatCounts([{ code: 'spike', count: 3 }]); // '3 spike'
 */
export function formatCounts(counts: readonly ProblemCount[]): string {
  return counts.map((c) => `${c.count} ${c.code}`).join(', ');
}

/** What a problem's detail keeps for programs and for wording it again in another language. */
export type ProblemFacts = Pick<
  ImportProblem,
  'code' | 'layer' | 'featureIndex' | 'featureId' | 'featureName' | 'polygon' | 'ring' | 'position'
>;

/**
 * A problem's machine fields: its code and its feature's layer, index, id and name, and the polygon,
 * ring and position where it has them. They are kept with the stored failure, so its words can be
 * given again in any language (`problemText`).
 *
 * @example problemFields(problem) // { code: 'zero_area', layer: 'cells', featureIndex: 2925, featureId: '51610' }
 */
export function problemFields(p: ProblemFacts): DetailFields {
  const fields: Record<string, string | number> = { code: p.code, layer: p.layer };
  if (p.featureIndex !== null) fields.featureIndex = p.featureIndex;
  for (const key of ['featureId', 'featureName', 'polygon', 'ring', 'position'] as const) {
    const value = p[key];
    if (value !== undefined) fields[key] = value;
  }
  return fields;
}

/** The fields of a stored detail, when they are a problem's (`problemFields`). */
export function problemFactsOf(fields: DetailFields | undefined): ProblemFacts | undefined {
  if (typeof fields?.code !== 'string' || (fields.layer !== 'cells' && fields.layer !== 'zones'))
    return undefined;
  const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const optional = {
    featureId: str(fields.featureId),
    featureName: str(fields.featureName),
    polygon: num(fields.polygon),
    ring: num(fields.ring),
    position: num(fields.position),
  };
  return {
    code: fields.code as ImportProblemCode,
    layer: fields.layer,
    featureIndex: num(fields.featureIndex) ?? null,
    ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
  };
}

/**
 * A problem in the reader's language: its code, the feature by layer, index, id and name, and what
 * is wrong, worded by its kind (the detail's path says where). English readers keep the import's
 * own sentence (`original`), which names the very coordinate or value.
 *
 * @example problemText(problem, describeProblem(problem))
 */
export function problemText(p: ProblemFacts, original?: string): Message {
  const layer = message(`import.layer.${p.layer}`);
  const names = [
    ...(p.featureId === undefined ? [] : [message('import.featureId', { id: JSON.stringify(p.featureId) })]),
    ...(p.featureName === undefined
      ? []
      : [message('import.featureName', { name: JSON.stringify(p.featureName) })]),
  ];
  const feature =
    p.featureIndex === null
      ? message('import.file', { layer })
      : names.length === 0
        ? message('import.feature', { layer, index: p.featureIndex })
        : message('import.featureNamed', { layer, index: p.featureIndex, names });
  const text = message('import.problem', { code: p.code, feature, what: message(`import.code.${p.code}`) });
  return original === undefined ? text : { ...text, original };
}
