/**
 * The week plan's pure parts: the calendar of days × shifts and a task's demand in words.
 */
import { PAIR_REASONS } from '@gridpatrol/core/planning/demand-reasons';
import {
  calendarOf,
  demandTerms,
  demandWords,
  type PlanTaskView,
  weekDates,
} from '@gridpatrol/web/app/console/plan-view';
import { format, type MessageKey } from '@gridpatrol/web/messages';
import { describe, expect, it } from 'vitest';

const risk = (c: Partial<Record<string, [number, number]>>) => ({
  score: 0,
  components: Object.fromEntries(
    ['open', 'overdue', 'recent', 'reopened', 'staleness', 'manualPriority'].map((k) => [
      k,
      { count: c[k]?.[0] ?? 0, points: c[k]?.[1] ?? 0 },
    ]),
  ),
});

const task = (over: Partial<PlanTaskView>): PlanTaskView => ({
  id: 'P-abcdef.2026-12-14.am.C1',
  date: '2026-12-14',
  shift: 'am',
  cellId: 'C1',
  zoneId: 'Z1',
  officerId: 'officer-li',
  partnerId: 'worker-liu',
  status: 'draft',
  version: 1,
  reasons: { risk: risk({}), pair: [] },
  ...over,
});

describe('calendarOf', () => {
  it('puts tasks in their day and shift, by cell, leaving cancelled ones out', () => {
    const cal = calendarOf(
      [
        task({ id: 'b', cellId: 'C2' }),
        task({ id: 'a', cellId: 'C1' }),
        task({ id: 'c', date: '2026-12-20', shift: 'pm' }),
        task({ id: 'x', status: 'cancelled' }),
      ],
      '2026-12-14',
      ['am', 'pm'],
    );
    expect([...cal.keys()]).toEqual(weekDates('2026-12-14'));
    expect(
      cal
        .get('2026-12-14')
        ?.get('am')
        ?.map((x) => x.id),
    ).toEqual(['a', 'b']);
    expect(
      cal
        .get('2026-12-20')
        ?.get('pm')
        ?.map((x) => x.id),
    ).toEqual(['c']);
    expect(cal.get('2026-12-15')?.get('am')).toEqual([]);
  });
});

describe('demandWords', () => {
  const say = (key: MessageKey, params?: Record<string, string | number>) => format('zh-CN', key, params);
  it('words the terms that counted, the heaviest first, then the pair reasons', () => {
    const reasons = {
      risk: risk({ open: [2, 2], staleness: [28, 2.8], manualPriority: [3, 1.5] }),
      pair: ['primary_zone', 'drawn', 'a_new_reason'],
    };
    expect(demandTerms(reasons.risk).map((x) => x.term)).toEqual(['staleness', 'open', 'manualPriority']);
    expect(demandWords(reasons, say)).toEqual([
      '距上次联合巡查 28 天（+2.8）',
      '未办结线索 2 条（+2）',
      '所长设定的优先级 3（+1.5）',
      '网格主要属于该干部的责任区',
      '双随机抽取',
      'a_new_reason',
    ]);
    expect(demandWords({ risk: risk({}), pair: [] }, say)).toEqual([]);
  });
  it('words every pair reason the planner gives, from the planner’s own list', () => {
    for (const code of PAIR_REASONS)
      expect(demandWords({ risk: risk({}), pair: [code] }, say), code).not.toEqual([code]);
  });
});
