/**
 * How `gridpatrol plans verify ID` shows a verification (core DrawVerification): the verdict with
 * the seed and hashes first, then what changed in the input, then where the output differs first,
 * in the command's language. `--json` prints the whole answer, as GET /plans/{id}/verify gives it.
 */
import { type DrawTask, type DrawVerification, type Say, sayInEnglish } from '@gridpatrol/core';

/**
 * The verification as lines of text.
 *
 * @example formatDrawVerification(v)[0] // 'Plan P-abc… seed 123456789: identical (sha256).'
 */
export function formatDrawVerification(v: DrawVerification, say: Say = sayInEnglish): string[] {
  const short = (hash: string | null) => (hash === null ? say('cli.planVerify.noHash') : hash.slice(0, 16));
  const who = (t: DrawTask | null) =>
    t === null
      ? say('cli.planVerify.noTask')
      : say('cli.planVerify.task', {
          date: t.date,
          shift: t.shift,
          cell: t.cellId,
          officer: t.officerId,
          partner: t.partnerId,
        });
  const { input, output } = v;
  const lines = [
    say('cli.planVerify.verdict', {
      plan: v.planId,
      seed: v.seed,
      verdict: say(v.identical ? 'cli.planVerify.identical' : 'cli.planVerify.notIdentical'),
      algorithm: v.algorithm,
    }),
  ];
  lines.push(
    input.identical
      ? say('cli.planVerify.inputSame', { hash: short(input.stored) })
      : say('cli.planVerify.inputChanged', {
          parts: input.changed.join(', '),
          stored: short(input.stored),
          now: short(input.recomputed),
        }),
  );
  for (const part of input.changed)
    lines.push(
      say('cli.planVerify.part', {
        part: part.padEnd(10),
        stored: short(input.parts[part].stored),
        now: short(input.parts[part].recomputed),
      }),
    );
  for (const p of input.problems.slice(0, 10)) lines.push(`    ${p.path}: ${p.message}`);
  lines.push(
    output.identical
      ? say('cli.planVerify.outputSame', { hash: short(output.stored), tasks: output.tasks.stored })
      : say('cli.planVerify.outputDiffers', {
          where:
            output.changed.length > 0
              ? say('cli.planVerify.differsIn', { parts: output.changed.join(', ') })
              : '',
          stored: short(output.stored),
          now: short(output.recomputed),
          tasks: output.tasks.stored,
          rerun: output.tasks.recomputed ?? say('cli.planVerify.none'),
        }),
  );
  const first = output.firstDifference;
  if (first)
    lines.push(
      say('cli.planVerify.firstDifference', {
        n: first.index + 1,
        id: first.taskId ? ` (${first.taskId})` : '',
      }),
      say('cli.planVerify.drawn', { task: who(first.stored) }),
      say('cli.planVerify.rerun', { task: who(first.recomputed) }),
    );
  for (const p of output.problems.slice(0, 10)) lines.push(`    ${p.path}: ${p.message}`);
  const { drafted, running } = v.codeVersion;
  if (!output.identical && drafted !== running)
    lines.push(
      say('cli.planVerify.release', {
        drafted: drafted ?? say('cli.planVerify.unknownRelease'),
        running: running ?? say('cli.planVerify.unknownRelease'),
      }),
    );
  return lines;
}
