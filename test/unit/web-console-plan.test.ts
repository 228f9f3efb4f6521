/**
 * The week plan's pure parts: the calendar of days × shifts, a task's demand in words (the API's own
 * catalogue), and the planner's rules checked on the device before a reassignment is sent.
 */
import type { Person } from '@gridpatrol/core';
import { describe, expect, it } from 'vitest';
import {
  calendarOf,
  demandTerms,
  demandTermText,
  type PlanTaskView,
  reassignViolations,
  shiftText,
  weekDates,
} from '../../packages/web/src/app/console/plan-view';

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

const person = (over: Partial<Person>): Person =>
  ({
    id: 'x',
    name: 'x',
    role: 'grid_worker',
    active: true,
    zones: [],
    cells: [],
    conflictCells: [],
    capacity: 10,
    availability: { weekdays: [1, 2, 3, 4, 5, 6, 7], datesOff: [] },
    ...over,
  }) as Person;

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

describe('demand in words', () => {
  it('lists the terms that counted, the heaviest first, in the API catalogue’s words', () => {
    const terms = demandTerms(risk({ open: [2, 2], staleness: [28, 2.8], manualPriority: [3, 1.5] }));
    expect(terms.map((x) => x.term)).toEqual(['staleness', 'open', 'manualPriority']);
    expect(terms.map((x) => demandTermText(x, 'zh-CN'))).toEqual([
      '距上次联合巡查 28 天 +2.8［staleness］',
      '未办结线索 2 条 +2［open］',
      '所长设定的优先级 3 +1.5［manualPriority］',
    ]);
    expect(demandTermText({ term: 'overdue', count: 1, points: 1 / 3 }, 'en')).toBe(
      'overdue findings: 1, +0.33 [overdue]',
    );
    expect(demandTerms(risk({}))).toEqual([]);
    expect(shiftText('am', 'zh-CN')).toBe('上午');
    expect(shiftText('night', 'zh-CN')).toBe('night');
  });
});

describe('reassignViolations', () => {
  const officer = person({ id: 'officer-li', role: 'zone_officer', zones: ['Z1'] });
  const liu = person({ id: 'worker-liu', cells: ['C1', 'C2'] });
  const sun = person({ id: 'worker-sun', cells: ['C9'] });
  const base = {
    task: task({}),
    officer,
    partner: liu,
    cellZones: ['Z1'],
    weekStart: '2026-12-14',
    shifts: ['am', 'pm'],
    maxTasksPerOfficerShift: 3,
    tasks: [task({}), task({ id: 'other', cellId: 'C2', date: '2026-12-15' })],
  };
  const target = { officerId: 'officer-li', partnerId: 'worker-liu', date: '2026-12-14', shift: 'am' };

  it('names a partner who does not serve the cell, and one booked twice in a shift', () => {
    const v = reassignViolations(
      { ...base, partner: sun, target: { ...target, partnerId: 'worker-sun' } },
      'zh-CN',
    );
    expect(v.map((x) => x.rule)).toEqual(['partner_cell']);
    expect(v[0]?.text).toContain('worker-sun');
    const twice = reassignViolations({ ...base, target: { ...target, date: '2026-12-15' } }, 'zh-CN');
    expect(twice.map((x) => x.rule)).toContain('double_booked');
  });

  it('finds nothing wrong with a move that keeps the rules', () => {
    expect(reassignViolations({ ...base, target: { ...target, shift: 'pm' } }, 'en')).toEqual([]);
  });
});
