/**
 * Why a task is what it is, as sentences in the reader's language (issue 16.3): this cell (its risk
 * score and each demand term with its numbers), on this day and shift, with these two people (the
 * pair reasons: zone, rotation, the 双随机 draw, …). Rendered from what the plan records
 * (`task.reasons`, the plan's seed); the planner is not asked again. Each reason keeps its code in
 * brackets beside the words, for machines and for people comparing with `reasons`.
 */
import { type Message, type MessageKey, message } from '../messages';
import { round6 } from './demand';
import type { PairReason, RiskScore } from './schema';

/** The risk components in the order a reader weighs them. */
const TERMS = ['open', 'overdue', 'recent', 'reopened', 'staleness', 'manualPriority'] as const;

export interface ExplainedTask {
  readonly cellId: string;
  readonly date: string;
  readonly shift: string;
  readonly officerId: string;
  readonly partnerId: string;
  readonly reasons: { readonly risk: RiskScore; readonly pair: readonly PairReason[] };
}

const points = (n: number) => String(round6(n));

/** A shift by its word when the catalogue has one (am, pm), else its name. */
function shiftWord(shift: string): Message | string {
  const key = `plan.shift.${shift}` as MessageKey;
  return key === 'plan.shift.am' || key === 'plan.shift.pm' ? message(key) : shift;
}

/**
 * The explanation of one task. `seed` (the plan's) is named where the 双随机 draw decided.
 *
 * @example
 *   render(explainTask(task, { seed: 42 }), { language: 'zh-CN' })
 *   // '2026-12-07 上午，officer-li 与 worker-liu 巡查网格 C-001。选此网格：风险分 5（未办结线索 2 条 +2（open）；…）。…'
 */
export function explainTask(task: ExplainedTask, plan: { readonly seed?: number } = {}): Message {
  const { risk, pair } = task.reasons;
  const terms = TERMS.filter((t) => risk.components[t].count > 0).map((t) =>
    message(`plan.term.${t}`, { count: risk.components[t].count, points: points(risk.components[t].points) }),
  );
  const why =
    terms.length > 0
      ? message('plan.whyCell', { score: points(risk.score), terms })
      : message('plan.whyCellRoutine', { score: points(risk.score) });
  const pairReasons = pair.map((r) =>
    r === 'drawn' && plan.seed !== undefined
      ? message('plan.pair.drawnSeed', { seed: plan.seed })
      : message(`plan.pair.${r}`),
  );
  return message('plan.explanation', {
    date: task.date,
    shift: shiftWord(task.shift),
    officer: task.officerId,
    partner: task.partnerId,
    cell: task.cellId,
    why,
    pair: pairReasons.length > 0 ? pairReasons : [message('plan.pair.none')],
    conflict: message('plan.conflictRule'),
  });
}
