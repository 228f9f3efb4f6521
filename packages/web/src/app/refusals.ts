/**
 * A refused check-in or completion in the app's words. The API gives the numbers beside its words
 * as fields of the details (issue 16, docs/decisions/0048): the app reads those, never the words,
 * and otherwise shows the API's message, which comes in the person's language (Accept-Language).
 */
import type { MessageKey } from '../messages';
import { ApiError, errorText } from './api-error';

/** What a refusal's words need of the task. */
export interface RefusedTask {
  readonly cell: { readonly name: string };
}

/** The app's catalogue in the person's language, and an instant as the city's clock shows it. */
export interface RefusalWords {
  readonly t: (key: MessageKey, params?: Record<string, string | number>) => string;
  readonly cityTime: (iso: string) => string;
}

/** Distance and allowance, or the window (`step` tells a check-in from a completion). */
export function refusalText(err: unknown, task: RefusedTask, { t, cityTime }: RefusalWords): string {
  if (!(err instanceof ApiError)) return errorText(err, t);
  if (err.kind === 'conflict') return t('error.conflict');
  if (err.kind !== 'unprocessable') return errorText(err, t);
  for (const d of err.details) {
    if (typeof d.distanceM === 'number' && typeof d.allowanceM === 'number')
      return t('refusal.distance', { cell: task.cell.name, distance: d.distanceM, allowed: d.allowanceM });
    if (d.path === 'task.shiftStart' && typeof d.opensAt === 'string')
      return t('refusal.tooEarly', { time: cityTime(d.opensAt) });
    if (d.path === 'task.shiftEnd' && typeof d.closesAt === 'string')
      return t(d.step === 'completion' ? 'refusal.completeTooLate' : 'refusal.tooLate', {
        time: cityTime(d.closesAt),
      });
    if (d.path === 'checkIns') return t('refusal.checkInFirst');
  }
  return errorText(err, t);
}
