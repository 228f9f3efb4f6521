/**
 * How `gridpatrol plans verify ID` shows a verification (core DrawVerification): the verdict with
 * the seed and hashes first, then what changed in the input, then where the output differs first.
 * `--json` prints the whole answer, as GET /plans/{id}/verify gives it.
 */
import type { DrawTask, DrawVerification } from '@gridpatrol/core';

const short = (hash: string | null) => (hash === null ? 'none (does not parse)' : hash.slice(0, 16));
const who = (t: DrawTask | null) =>
  t === null ? 'no task' : `${t.date} ${t.shift} ${t.cellId}: ${t.officerId} with ${t.partnerId}`;

/**
 * The verification as lines of text.
 *
 * @example formatDrawVerification(v)[0] // 'Plan P-abc… seed 123456789: identical (sha256).'
 */
export function formatDrawVerification(v: DrawVerification): string[] {
  const { input, output } = v;
  const lines = [
    `Plan ${v.planId} seed ${v.seed}: ${v.identical ? 'identical' : 'NOT identical'} (${v.algorithm}).`,
  ];
  lines.push(
    input.identical
      ? `  input   ${short(input.stored)}  as drawn (week, config, cells, people, lastWeek, exclusions)`
      : `  input   changed: ${input.changed.join(', ')} (whole input drawn ${short(input.stored)}, now ${short(input.recomputed)})`,
  );
  for (const part of input.changed)
    lines.push(
      `    ${part.padEnd(10)} drawn ${short(input.parts[part].stored)}, now ${short(input.parts[part].recomputed)}`,
    );
  for (const p of input.problems.slice(0, 10)) lines.push(`    ${p.path}: ${p.message}`);
  lines.push(
    output.identical
      ? `  output  ${short(output.stored)}  ${output.tasks.stored} tasks, the same`
      : `  output  differs${output.changed.length > 0 ? ` in ${output.changed.join(', ')}` : ''} (drawn ${short(output.stored)}, re-run ${short(output.recomputed)}; ${output.tasks.stored} tasks drawn, ${output.tasks.recomputed ?? 'none'} re-run)`,
  );
  const first = output.firstDifference;
  if (first)
    lines.push(
      `    first difference, task ${first.index + 1}${first.taskId ? ` (${first.taskId})` : ''}:`,
      `      drawn   ${who(first.stored)}`,
      `      re-run  ${who(first.recomputed)}`,
    );
  for (const p of output.problems.slice(0, 10)) lines.push(`    ${p.path}: ${p.message}`);
  const { drafted, running } = v.codeVersion;
  if (!output.identical && drafted !== running)
    lines.push(
      `  drawn by release ${drafted ?? 'unknown'}, re-run by ${running ?? 'unknown'}: a later planner may place tasks differently.`,
    );
  return lines;
}
