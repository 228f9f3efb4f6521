/**
 * The statistics core (docs/decisions/0015-statistics.md): day measures of findings and tasks in
 * month bucket items (findings/counters, planning/tasks), and the sums read from them
 * (stats/summary, stats/measures). Pure: no store, no clock.
 */

import { BadRequestError } from '@gridpatrol/core/errors';
import {
  applyDeltas,
  bucketArea,
  type Counters,
  counterAreas,
  counterDeltas,
  dayContributions,
  findingDays,
  recount,
} from '@gridpatrol/core/findings/counters';
import { applyAction, dueForRevisit, markOverdue } from '@gridpatrol/core/findings/lifecycle';
import type { Action, Finding, FindingEvent } from '@gridpatrol/core/findings/schema';
import type { PatrolTask } from '@gridpatrol/core/planning/records';
import { recountTasks, taskCounterAreas, taskCounterDeltas, taskDays } from '@gridpatrol/core/planning/tasks';
import { reductionOf, remainingOf } from '@gridpatrol/core/stats/measures';
import {
  type Assessed,
  areaResults,
  areaSummary,
  assess,
  bucketAreasOf,
  byResults,
  type DateRange,
  daysToClose,
  familyTotal,
  MAX_STATS_DAYS,
  type PeriodTotals,
  patrolActivity,
  periodTotals,
  SERIES_METRICS,
  StatsAssessmentQuery,
  StatsSeriesQuery,
  StatsSummaryOut,
  StatsSummaryQuery,
  seriesOf,
  statsRange,
} from '@gridpatrol/core/stats/summary';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { publishedTask } from '../support/tasks';
import {
  admin,
  config,
  DAY,
  newFinding,
  ROUTINGS,
  type RunStep,
  routingZ1,
  runStep,
  scopeFor,
} from './findings-fixtures';

const adminScope = scopeFor(admin);
const SH = 'Asia/Shanghai';
const BERLIN = 'Europe/Berlin';
const USCC = '91110108551385082Q';

/** One admin step at an instant. */
function act(f: Finding, action: Action, instant: string): Finding {
  return applyAction(f, action, admin, adminScope, new Date(instant), config).finding;
}
const v = (f: Finding) => ({ expectedVersion: f.version });

function overdueAt(f: Finding, instant: string): Finding {
  const change = markOverdue(f, new Date(instant), config);
  if (change === null) throw new Error(`not overdue at ${instant}`);
  return change.finding;
}

function revisitAt(f: Finding, instant: string): Finding {
  const change = dueForRevisit(f, new Date(instant), config);
  if (change === null) throw new Error(`no revisit due at ${instant}`);
  return change.finding;
}

const LIVE = ['city', 'cell#C1', 'zone#Z1', 'office#east'];
const buckets = (month: string) => LIVE.map((a) => `${a}#${month}`);

// ---------------------------------------------------------------------------------------------
// 1. Day measures of a finding

describe('findingDays over the closed loop (Asia/Shanghai)', () => {
  // 2026-10-31T17:00Z is 2026-11-01 01:00 in Shanghai: November, not October.
  const reported = newFinding({ id: 'F-LOOP', now: new Date('2026-10-31T17:00:00Z'), reporter: admin });
  // 23:59:59 local on 2026-11-02.
  const verified = act(reported, { action: 'verify', ...v(reported) }, '2026-11-02T15:59:59Z');
  const ordered = act(
    verified,
    // The deadline is 2026-11-11 00:30 local, still 2026-11-10 in UTC.
    { action: 'order_rectification', ...v(verified), deadline: '2026-11-10T16:30:00Z' },
    '2026-11-03T02:00:00Z',
  );
  // The job notices two days late.
  const overdue = overdueAt(ordered, '2026-11-13T03:00:00Z');
  const resolved = act(
    overdue,
    { action: 'resolve', ...v(overdue), outcome: 'licensed', uscc: USCC },
    '2026-11-14T17:30:00Z', // 2026-11-15 01:30 local
  );
  const due = revisitAt(resolved, '2026-12-14T17:30:00Z');
  const reopened = act(
    due,
    { action: 'reopen', ...v(due), deadline: '2026-12-30T04:00:00Z' },
    '2026-12-15T01:00:00Z',
  );
  const resolvedAgain = act(
    reopened,
    { action: 'resolve', ...v(reopened), outcome: 'ceased' },
    '2026-12-20T16:10:00Z', // 2026-12-21 00:10 local
  );
  const dueAgain = revisitAt(resolvedAgain, '2027-01-19T16:10:00Z');
  const closed = act(dueAgain, { action: 'confirm_revisit', ...v(dueAgain) }, '2027-01-20T16:30:00Z'); // 2027-01-21 local

  it('dates the report by the city’s calendar, across the UTC day boundary', () => {
    expect(findingDays(reported, SH)).toEqual([['reported', '2026-11-01']]);
    // The same instant in UTC would be October: the zone decides.
    expect(findingDays(reported, 'UTC')).toEqual([['reported', '2026-10-31']]);
  });

  it('adds verified on its day and nothing for the order itself', () => {
    expect(findingDays(verified, SH)).toEqual([
      ['reported', '2026-11-01'],
      ['verified', '2026-11-02'],
    ]);
    expect(findingDays(ordered, SH)).toEqual(findingDays(verified, SH));
  });

  it('counts went_overdue on the deadline’s local day, not the job’s day', () => {
    expect(overdue.firstOverdueAt).toBe('2026-11-10T16:30:00.000Z');
    expect(findingDays(overdue, SH)).toEqual([
      ['reported', '2026-11-01'],
      ['verified', '2026-11-02'],
      ['went_overdue', '2026-11-11'],
    ]);
    // Escalated to the admins later: the day stays.
    const escalated = overdueAt(overdue, '2026-11-20T00:00:00Z');
    expect(escalated.escalation).toBe('admin');
    expect(findingDays(escalated, SH)).toEqual(findingDays(overdue, SH));
    expect(counterDeltas(overdue, escalated, SH)).toEqual({
      city: { 'escalated:admin': 1, 'escalated:supervisor': -1 },
      'cell#C1': { 'escalated:admin': 1, 'escalated:supervisor': -1 },
      'zone#Z1': { 'escalated:admin': 1, 'escalated:supervisor': -1 },
      'office#east': { 'escalated:admin': 1, 'escalated:supervisor': -1 },
    });
  });

  it('counts resolved:<outcome> on the resolution day and keeps went_overdue', () => {
    expect(resolved.overdue).toBe(false);
    expect(resolved.firstOverdueAt).toBe('2026-11-10T16:30:00.000Z');
    expect(findingDays(resolved, SH)).toEqual([
      ['reported', '2026-11-01'],
      ['verified', '2026-11-02'],
      ['resolved:licensed', '2026-11-15'],
      ['went_overdue', '2026-11-11'],
    ]);
    // The revisit falling due changes states, not days: live metrics only.
    expect(findingDays(due, SH)).toEqual(findingDays(resolved, SH));
    expect(counterDeltas(resolved, due, SH)).toEqual({
      city: { 'status:resolved': -1, 'status:revisit_due': 1 },
      'cell#C1': { 'status:resolved': -1, 'status:revisit_due': 1 },
      'zone#Z1': { 'status:resolved': -1, 'status:revisit_due': 1 },
      'office#east': { 'status:resolved': -1, 'status:revisit_due': 1 },
    });
  });

  it('takes the resolution back on reopening, in the month it was counted', () => {
    expect(findingDays(reopened, SH)).toEqual([
      ['reported', '2026-11-01'],
      ['verified', '2026-11-02'],
      ['went_overdue', '2026-11-11'],
    ]);
    const d = counterDeltas(due, reopened, SH);
    const live = { 'status:revisit_due': -1, 'status:rectifying': 1, 'outcome:licensed': -1, reopened: 1 };
    const bucket = { 'resolved:licensed:2026-11-15': -1 };
    expect(d).toEqual({
      ...Object.fromEntries(LIVE.map((a) => [a, live])),
      ...Object.fromEntries(buckets('2026-11').map((a) => [a, bucket])),
    });
    // Reopened in December, but December's bucket is not touched.
    expect(Object.keys(d).filter((a) => a.endsWith('#2026-12'))).toEqual([]);
  });

  it('keeps firstOverdueAt when a reopened case goes overdue again', () => {
    const late = overdueAt(reopened, '2027-01-02T00:00:00Z');
    expect(late.firstOverdueAt).toBe('2026-11-10T16:30:00.000Z');
    expect(late.overdueSince).toBe('2026-12-30T04:00:00.000Z');
    expect(findingDays(late, SH)).toEqual(findingDays(reopened, SH));
    const d = counterDeltas(reopened, late, SH);
    expect(Object.keys(d).sort()).toEqual([...LIVE].sort());
    expect(d.city).toEqual({ overdue: 1, 'escalated:supervisor': 1 });
  });

  it('counts closed:<n> with n the calendar days from report to close', () => {
    expect(findingDays(resolvedAgain, SH)).toEqual([
      ['reported', '2026-11-01'],
      ['verified', '2026-11-02'],
      ['resolved:ceased', '2026-12-21'],
      ['went_overdue', '2026-11-11'],
    ]);
    // 2026-11-01 → 2027-01-21: 30 + 31 + 20 days.
    expect(findingDays(closed, SH)).toEqual([
      ['reported', '2026-11-01'],
      ['verified', '2026-11-02'],
      ['resolved:ceased', '2026-12-21'],
      ['closed:81', '2027-01-21'],
      ['went_overdue', '2026-11-11'],
    ]);
    expect(counterDeltas(dueAgain, closed, SH)).toEqual({
      ...Object.fromEntries(LIVE.map((a) => [a, { open: -1, 'status:revisit_due': -1, 'status:closed': 1 }])),
      ...Object.fromEntries(buckets('2027-01').map((a) => [a, { 'closed:81:2027-01-21': 1 }])),
    });
  });

  it('sums the whole loop into the buckets of three months, equal to the recount', () => {
    const run = [
      reported,
      verified,
      ordered,
      overdue,
      resolved,
      due,
      reopened,
      resolvedAgain,
      dueAgain,
      closed,
    ];
    let counters: Counters = applyDeltas({}, counterDeltas(null, reported, SH));
    for (let i = 1; i < run.length; i++)
      counters = applyDeltas(counters, counterDeltas(run[i - 1] ?? null, run[i] as Finding, SH));
    expect(counters).toEqual(recount([closed], SH));
    expect(counters['city#2026-11']).toEqual({
      'reported:2026-11-01': 1,
      'verified:2026-11-02': 1,
      'went_overdue:2026-11-11': 1,
    });
    expect(counters['city#2026-12']).toEqual({ 'resolved:ceased:2026-12-21': 1 });
    expect(counters['city#2027-01']).toEqual({ 'closed:81:2027-01-21': 1 });
    expect(counters['city#2026-10']).toBeUndefined();
    expect(counters.city).toEqual({
      total: 1,
      'status:closed': 1,
      was_overdue: 1,
      'outcome:ceased': 1,
      reopened: 1,
    });
  });

  it('counts rejected on the rejection day', () => {
    const f = newFinding({ id: 'F-REJ', now: new Date('2026-11-20T02:00:00Z'), reporter: admin });
    const rejected = act(
      f,
      { action: 'reject', ...v(f), reason: 'not_found' },
      '2026-11-30T16:00:00Z', // 2026-12-01 00:00 local
    );
    expect(findingDays(rejected, SH)).toEqual([
      ['reported', '2026-11-20'],
      ['rejected', '2026-12-01'],
    ]);
    const d = counterDeltas(f, rejected, SH);
    expect(d['city#2026-12']).toEqual({ 'rejected:2026-12-01': 1 });
    expect(d['city#2026-11']).toBeUndefined();
  });

  it('counts transferred:<department> on the transfer day, for good', () => {
    const f = newFinding({ id: 'F-TR', now: new Date('2026-11-04T01:00:00Z'), reporter: admin });
    const verifiedT = act(f, { action: 'verify', ...v(f) }, '2026-11-04T02:00:00Z');
    const transferred = act(
      verifiedT,
      { action: 'transfer', ...v(verifiedT), department: 'urban', receiptNo: 'WJ-1' },
      '2026-11-05T16:00:00Z', // 2026-11-06 00:00 local
    );
    expect(findingDays(transferred, SH)).toEqual([
      ['reported', '2026-11-04'],
      ['verified', '2026-11-04'],
      ['transferred:urban', '2026-11-06'],
    ]);
    const done = act(
      transferred,
      { action: 'resolve', ...v(transferred), outcome: 'moved_away' },
      '2026-11-07T01:00:00Z',
    );
    expect(findingDays(done, SH)).toEqual([
      ['reported', '2026-11-04'],
      ['verified', '2026-11-04'],
      ['resolved:moved_away', '2026-11-07'],
      ['transferred:urban', '2026-11-06'],
    ]);
  });

  it('dates by Europe/Berlin across both daylight-saving changes', () => {
    const at = (instant: string) =>
      findingDays(newFinding({ id: 'F-B', now: new Date(instant), reporter: admin }), BERLIN)[0];
    // Summer time (UTC+2) until 2026-10-25 01:00 UTC, then UTC+1.
    expect(at('2026-10-24T21:59:59Z')).toEqual(['reported', '2026-10-24']);
    expect(at('2026-10-24T22:00:00Z')).toEqual(['reported', '2026-10-25']);
    expect(at('2026-10-25T22:59:59Z')).toEqual(['reported', '2026-10-25']);
    expect(at('2026-10-25T23:00:00Z')).toEqual(['reported', '2026-10-26']);
    // Winter time (UTC+1) until 2026-03-29 01:00 UTC, then UTC+2.
    expect(at('2026-03-28T22:59:59Z')).toEqual(['reported', '2026-03-28']);
    expect(at('2026-03-28T23:00:00Z')).toEqual(['reported', '2026-03-29']);
    expect(at('2026-03-29T21:59:59Z')).toEqual(['reported', '2026-03-29']);
    expect(at('2026-03-29T22:00:00Z')).toEqual(['reported', '2026-03-30']);
  });

  it('counts closing days by the calendar, not by 24-hour periods, across a DST change', () => {
    // 23 hours apart, but one calendar day in Berlin (spring forward).
    const base = newFinding({ id: 'F-DST', now: new Date('2026-03-28T23:30:00Z'), reporter: admin });
    const closedDst: Finding = {
      ...base,
      status: 'closed',
      verifiedAt: '2026-03-28T23:40:00.000Z',
      outcome: 'ceased',
      resolvedAt: '2026-03-29T10:00:00.000Z',
      closedAt: '2026-03-29T22:30:00.000Z',
    };
    expect(findingDays(closedDst, BERLIN)).toEqual([
      ['reported', '2026-03-29'],
      ['verified', '2026-03-29'],
      ['resolved:ceased', '2026-03-29'],
      ['closed:1', '2026-03-30'],
    ]);
    // The same record in Shanghai: reported 03-29 07:30, closed 03-30 06:30: also one day.
    expect(findingDays(closedDst, SH)[3]).toEqual(['closed:1', '2026-03-30']);
    // In UTC both instants fall on different days too, but report and close on 03-28 / 03-29.
    expect(findingDays(closedDst, 'UTC')[3]).toEqual(['closed:1', '2026-03-29']);
  });
});

// ---------------------------------------------------------------------------------------------
// 2. Month buckets

describe('month buckets', () => {
  it('names the bucket item of an area by the month', () => {
    expect(bucketArea('city', '2026-11-23')).toBe('city#2026-11');
    expect(bucketArea('cell#C1', '2027-01-01')).toBe('cell#C1#2027-01');
    expect(
      dayContributions(
        ['city', 'zone#Z1'],
        [
          ['reported', '2026-11-23'],
          ['verified', '2026-12-01'],
        ],
      ),
    ).toEqual([
      { areas: ['city#2026-11', 'zone#Z1#2026-11'], metrics: { 'reported:2026-11-23': 1 } },
      { areas: ['city#2026-12', 'zone#Z1#2026-12'], metrics: { 'verified:2026-12-01': 1 } },
    ]);
  });

  it('puts a finding reported in October and resolved in November in both months', () => {
    const f = newFinding({ id: 'F-OCT', now: new Date('2026-10-20T02:00:00Z'), reporter: admin });
    const fv = act(f, { action: 'verify', ...v(f) }, '2026-10-21T02:00:00Z');
    const fo = act(
      fv,
      { action: 'order_rectification', ...v(fv), deadline: '2026-11-20T00:00:00Z' },
      '2026-10-22T02:00:00Z',
    );
    const fr = act(fo, { action: 'resolve', ...v(fo), outcome: 'ceased' }, '2026-11-03T02:00:00Z');
    const c = recount([fr], SH);
    expect(Object.keys(c).sort()).toEqual([...LIVE, ...buckets('2026-10'), ...buckets('2026-11')].sort());
    for (const a of LIVE) {
      expect(c[`${a}#2026-10`]).toEqual({ 'reported:2026-10-20': 1, 'verified:2026-10-21': 1 });
      expect(c[`${a}#2026-11`]).toEqual({ 'resolved:ceased:2026-11-03': 1 });
    }
    // The resolution step moves only November's buckets (and the live items).
    expect(Object.keys(counterDeltas(fo, fr, SH)).sort()).toEqual([...LIVE, ...buckets('2026-11')].sort());
    // The order step moves no bucket at all.
    expect(Object.keys(counterDeltas(fv, fo, SH)).sort()).toEqual([...LIVE].sort());
  });

  it('counts a finding without cell, zone and office in the city and no-zone buckets only', () => {
    const f = newFinding({
      id: 'F-NOWHERE',
      now: new Date('2026-11-02T02:00:00Z'),
      routing: { ...routingZ1, cellId: null, zoneId: null, zones: [], officeId: null },
      reporter: admin,
    });
    expect(counterDeltas(null, f, SH)).toEqual({
      city: { total: 1, open: 1, 'status:reported': 1 },
      'city#2026-11': { 'reported:2026-11-02': 1 },
      unzoned: { total: 1, open: 1, 'status:reported': 1 },
      'unzoned#2026-11': { 'reported:2026-11-02': 1 },
    });
  });

  it('lists the bucket items covering a range, month by month, across a year', () => {
    expect(bucketAreasOf(['city', 'zone#Z1'], { from: '2026-11-30', to: '2027-01-02' })).toEqual([
      'city#2026-11',
      'city#2026-12',
      'city#2027-01',
      'zone#Z1#2026-11',
      'zone#Z1#2026-12',
      'zone#Z1#2027-01',
    ]);
    expect(bucketAreasOf(['city'], { from: '2026-11-05', to: '2026-11-05' })).toEqual(['city#2026-11']);
    expect(bucketAreasOf(['city'], { from: '2025-01-01', to: '2027-01-01' })).toHaveLength(25);
  });
});

type Step = { kind: 'report'; routing: number; flagged: boolean } | (RunStep & { target: number });

/** Few reports, mostly steps forward (the first allowed action), so that runs reach overdue, closed and reopened. */
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('report' as const), routing: fc.nat(3), flagged: fc.boolean() }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('act' as const),
      target: fc.nat(7),
      choice: fc.oneof({ weight: 2, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.nat(3) }),
      days: fc.integer({ min: 1, max: 45 }),
      outcome: fc.constantFrom(0 as const, 1 as const, 2 as const),
      reason: fc.constantFrom(0 as const, 1 as const, 2 as const),
      department: fc.constantFrom(0 as const, 1 as const),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constantFrom('overdue' as const, 'revisit' as const),
      target: fc.nat(7),
    }),
  },
);

const key = ([m, d]: readonly [string, string]) => `${m}@${d}`;

describe('property: day buckets follow the findings', () => {
  it('sums of counterDeltas equal the recount; each step touches only the months whose measures changed', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(SH, BERLIN, 'America/New_York'),
        // Start anywhere in a year; steps up to 12 days apart spread a run over several months.
        fc.integer({ min: 0, max: 365 * DAY }),
        fc.array(fc.tuple(step, fc.integer({ min: 0, max: 12 * DAY })), {
          minLength: 30,
          maxLength: 120,
          size: 'max',
        }),
        (tz, start, steps) => {
          let now = new Date(Date.parse('2026-01-01T00:00:00Z') + start);
          let counters: Counters = {};
          const findings: Finding[] = [];
          const events: FindingEvent[] = [];
          for (const [s, advance] of steps) {
            now = new Date(now.getTime() + advance);
            if (s.kind === 'report') {
              if (findings.length >= 6) continue;
              const f = newFinding({
                id: `F-${findings.length}`,
                now,
                routing: ROUTINGS[s.routing] ?? routingZ1,
                reporter: admin,
                ...(s.flagged && findings.length > 0 ? { possibleDuplicateOf: 'F-0' } : {}),
              });
              counters = applyDeltas(counters, counterDeltas(null, f, tz));
              findings.push(f);
              continue;
            }
            if (findings.length === 0) continue;
            const i = s.target % findings.length;
            const before = findings[i] as Finding;
            const result = runStep(before, s, now);
            if (result === null) continue;
            const after = result.finding;
            const d = counterDeltas(before, after, tz);
            // Only the months of measures that appeared or disappeared, in every area of the finding.
            const was = new Set(findingDays(before, tz).map(key));
            const is = new Set(findingDays(after, tz).map(key));
            const changed = [
              ...findingDays(before, tz).filter((x) => !is.has(key(x))),
              ...findingDays(after, tz).filter((x) => !was.has(key(x))),
            ];
            const months = [...new Set(changed.map(([, date]) => date.slice(0, 7)))];
            const areas = counterAreas(after);
            const expectedBuckets = areas.flatMap((a) => months.map((m) => `${a}#${m}`)).sort();
            expect(
              Object.keys(d)
                .filter((a) => /#\d{4}-\d{2}$/.test(a))
                .sort(),
            ).toEqual(expectedBuckets);
            counters = applyDeltas(counters, d);
            findings[i] = after;
            events.push(result.event);
          }
          const counted = recount(findings, tz);
          expect(counters).toEqual(counted);
          // Every bucket metric lies in its own month and counts whole findings.
          for (const [area, row] of Object.entries(counters)) {
            const month = /#(\d{4}-\d{2})$/.exec(area)?.[1];
            if (month === undefined) continue;
            for (const [metric, n] of Object.entries(row)) {
              expect(metric.slice(-10, -3)).toBe(month);
              expect(n).toBeGreaterThan(0);
            }
          }
          // A period total over all the time the run covered is the count of the findings' days (a
          // run starts in 2026 and lasts at most 120 steps of 12 days: it ends before 2031).
          const range: DateRange = { from: '2025-12-01', to: '2031-12-31' };
          const expected: PeriodTotals = {};
          for (const f of findings)
            for (const [m] of findingDays(f, tz)) expected[m] = (expected[m] ?? 0) + 1;
          expect(periodTotals(['city'], counters, range)).toEqual(expected);
          expect(familyTotal(periodTotals(['city'], counters, range), 'reported')).toBe(findings.length);
          // Remaining: unresolved and not flagged as a possible duplicate.
          expect(remainingOf(counters.city)).toBe(
            findings.filter(
              (f) =>
                ['reported', 'verified', 'rectifying', 'transferred'].includes(f.status) &&
                f.possibleDuplicateOf === undefined,
            ).length,
          );
        },
      ),
      { numRuns: 120 },
    );
  }, 30_000);
});

// ---------------------------------------------------------------------------------------------
// Task day measures

describe('task day measures', () => {
  const task = publishedTask({
    planId: 'P-stats001',
    cellId: 'C1',
    zoneId: 'Z1',
    officeId: 'east',
    officerId: 'li',
    partnerId: 'liu',
    date: '2026-11-30',
    shift: 'am',
    shiftStart: '2026-11-30T00:30:00.000Z',
    shiftEnd: '2026-11-30T04:00:00.000Z',
  });
  const completion = (joint: boolean) => ({
    at: '2026-11-30T02:00:00.000Z',
    by: 'li',
    checks: { safety: 'ok', food: 'ok', license: 'issue' } as const,
    findingIds: [],
    joint,
    missing: joint ? [] : ['liu'],
  });
  const joint: PatrolTask = { ...task, status: 'completed', version: 4, completion: completion(true) };
  const solo: PatrolTask = { ...task, status: 'completed', version: 3, completion: completion(false) };
  const missed: PatrolTask = { ...task, status: 'missed', version: 2 };

  it('counts planned once published and the outcome, on the task’s date', () => {
    expect(taskDays({ ...task, status: 'draft' })).toEqual([]);
    expect(taskDays({ ...task, status: 'cancelled' })).toEqual([]);
    expect(taskDays(task)).toEqual([['tasks_planned', '2026-11-30']]);
    expect(taskDays(joint)).toEqual([
      ['tasks_planned', '2026-11-30'],
      ['tasks_completed', '2026-11-30'],
      ['tasks_joint', '2026-11-30'],
    ]);
    expect(taskDays(solo)).toEqual([
      ['tasks_planned', '2026-11-30'],
      ['tasks_completed', '2026-11-30'],
      ['tasks_solo', '2026-11-30'],
    ]);
    expect(taskDays(missed)).toEqual([
      ['tasks_planned', '2026-11-30'],
      ['tasks_missed', '2026-11-30'],
    ]);
  });

  it('counts tasks in the officer’s area besides city, cell, zone and office', () => {
    expect(taskCounterAreas(task)).toEqual(['city', 'cell#C1', 'zone#Z1', 'office#east', 'officer#li']);
    const published = taskCounterDeltas(null, task);
    const areas = ['city', 'cell#C1', 'zone#Z1', 'office#east', 'officer#li'];
    expect(published).toEqual(
      Object.fromEntries(areas.map((a) => [`${a}#2026-11`, { 'tasks_planned:2026-11-30': 1 }])),
    );
    // Cancelled after publication: planned is taken back.
    expect(taskCounterDeltas(task, { ...task, status: 'cancelled' })['officer#li#2026-11']).toEqual({
      'tasks_planned:2026-11-30': -1,
    });
  });

  it('gives an officer’s activity from the task buckets, summed with deltas equal to the recount', () => {
    const other: PatrolTask = { ...task, id: `${task.id}-2`, cellId: 'C2' };
    const third: PatrolTask = { ...task, id: `${task.id}-3`, date: '2026-12-01' };
    const steps = [
      taskCounterDeltas(null, task),
      taskCounterDeltas(task, joint),
      taskCounterDeltas(null, other),
      taskCounterDeltas(other, { ...solo, id: other.id, cellId: 'C2' }),
      taskCounterDeltas(null, third),
      taskCounterDeltas(third, { ...missed, id: third.id, date: third.date }),
    ];
    const counters = steps.reduce<Counters>((c, s) => applyDeltas(c, s), {});
    expect(counters).toEqual(
      recountTasks([
        joint,
        { ...solo, id: other.id, cellId: 'C2' },
        { ...missed, id: third.id, date: third.date },
      ]),
    );
    expect(
      patrolActivity(periodTotals(['officer#li'], counters, { from: '2026-11-01', to: '2026-12-31' })),
    ).toEqual({
      planned: 3,
      completed: 2,
      joint: 1,
      solo: 1,
      missed: 1,
      jointRate: 50,
    });
    // November only: the December task is out.
    expect(
      patrolActivity(periodTotals(['officer#li'], counters, { from: '2026-11-01', to: '2026-11-30' })),
    ).toEqual({
      planned: 2,
      completed: 2,
      joint: 1,
      solo: 1,
      missed: 0,
      jointRate: 50,
    });
    // The cell C1 had only the joint one.
    expect(
      patrolActivity(periodTotals(['cell#C1'], counters, { from: '2026-11-01', to: '2026-12-31' })),
    ).toEqual({
      planned: 2,
      completed: 1,
      joint: 1,
      solo: 0,
      missed: 1,
      jointRate: 100,
    });
  });
});

// ---------------------------------------------------------------------------------------------
// 3. Period totals and series

const yearEnd: Counters = {
  city: { total: 999, 'status:reported': 999 },
  'city#2026-11': { 'reported:2026-11-30': 100 },
  'city#2026-12': {
    'reported:2026-12-29': 5,
    'reported:2026-12-30': 2,
    'reported:2026-12-31': 1,
    'resolved:licensed:2026-12-31': 1,
    'verified:2026-12-30': 0,
    'closed:40:2026-12-30': 1,
  },
  'city#2027-01': {
    'reported:2027-01-01': 4,
    'resolved:ceased:2027-01-02': 2,
    'reported:2027-01-03': 7,
    'transferred:health:2027-01-02': 1,
  },
  'city#2027-02': { 'reported:2027-02-01': 50 },
  'zone#Z1#2026-12': { 'reported:2026-12-31': 3, 'went_overdue:2026-12-30': 1 },
  'zone#Z2#2026-12': { 'reported:2026-12-31': 2 },
  'zone#Z2#2027-01': { 'reported:2027-01-02': 1, 'went_overdue:2027-01-02': 2 },
};

describe('period totals', () => {
  const range = { from: '2026-12-30', to: '2027-01-02' };

  it('sums the dates of a range across a year boundary, both ends included, nothing outside', () => {
    expect(periodTotals(['city'], yearEnd, range)).toEqual({
      reported: 7,
      'resolved:licensed': 1,
      'resolved:ceased': 2,
      'closed:40': 1,
      'transferred:health': 1,
    });
  });

  it('includes exactly the first and the last date', () => {
    expect(periodTotals(['city'], yearEnd, { from: '2026-12-29', to: '2026-12-29' })).toEqual({
      reported: 5,
    });
    expect(periodTotals(['city'], yearEnd, { from: '2027-01-03', to: '2027-01-03' })).toEqual({
      reported: 7,
    });
    expect(periodTotals(['city'], yearEnd, { from: '2026-11-30', to: '2027-01-03' }).reported).toBe(119);
    expect(periodTotals(['city'], yearEnd, { from: '2026-12-31', to: '2027-01-01' })).toEqual({
      reported: 5,
      'resolved:licensed': 1,
    });
  });

  it('sums several areas and reads nothing but their bucket items', () => {
    expect(periodTotals(['zone#Z1', 'zone#Z2'], yearEnd, range)).toEqual({ reported: 6, went_overdue: 3 });
    expect(periodTotals(['zone#Z9'], yearEnd, range)).toEqual({});
    expect(periodTotals(['city'], {}, range)).toEqual({});
  });

  it('adds a family: resolved sums its outcomes, a plain measure is its own family', () => {
    const totals = periodTotals(['city'], yearEnd, range);
    expect(familyTotal(totals, 'resolved')).toBe(3);
    expect(familyTotal(totals, 'reported')).toBe(7);
    expect(familyTotal(totals, 'closed')).toBe(1);
    expect(familyTotal(totals, 'verified')).toBe(0);
    // A family is a whole first word: 'resolve' is not 'resolved'.
    expect(familyTotal(totals, 'resolve')).toBe(0);
  });
});

describe('series', () => {
  it('gives one point per day, zeros included, across a year boundary', () => {
    const range = { from: '2026-12-30', to: '2027-01-02' };
    expect(seriesOf(['city'], yearEnd, range, 'reported', 'day')).toEqual([
      { from: '2026-12-30', to: '2026-12-30', value: 2 },
      { from: '2026-12-31', to: '2026-12-31', value: 1 },
      { from: '2027-01-01', to: '2027-01-01', value: 4 },
      { from: '2027-01-02', to: '2027-01-02', value: 0 },
    ]);
    expect(seriesOf(['city'], yearEnd, range, 'resolved', 'day').map((p) => p.value)).toEqual([0, 1, 0, 2]);
    expect(
      seriesOf(['zone#Z1', 'zone#Z2'], yearEnd, range, 'went_overdue', 'day').map((p) => p.value),
    ).toEqual([1, 0, 0, 2]);
  });

  it('gives Monday–Sunday weeks clipped to the range at both ends', () => {
    // 2026-11-04 is a Wednesday, 2026-11-17 a Tuesday.
    const counters: Counters = {
      'city#2026-11': {
        'reported:2026-11-03': 100,
        'reported:2026-11-04': 1,
        'reported:2026-11-08': 2,
        'reported:2026-11-09': 4,
        'reported:2026-11-15': 8,
        'reported:2026-11-16': 16,
        'reported:2026-11-17': 32,
        'reported:2026-11-18': 200,
      },
    };
    expect(
      seriesOf(['city'], counters, { from: '2026-11-04', to: '2026-11-17' }, 'reported', 'week'),
    ).toEqual([
      { from: '2026-11-04', to: '2026-11-08', value: 3 },
      { from: '2026-11-09', to: '2026-11-15', value: 12 },
      { from: '2026-11-16', to: '2026-11-17', value: 48 },
    ]);
    // Starting on a Monday and ending on a Sunday: whole weeks.
    expect(
      seriesOf(['city'], counters, { from: '2026-11-02', to: '2026-11-15' }, 'reported', 'week').map((p) => [
        p.from,
        p.to,
        p.value,
      ]),
    ).toEqual([
      ['2026-11-02', '2026-11-08', 103],
      ['2026-11-09', '2026-11-15', 12],
    ]);
    // A single Sunday, and a single Monday.
    expect(
      seriesOf(['city'], counters, { from: '2026-11-08', to: '2026-11-08' }, 'reported', 'week'),
    ).toEqual([{ from: '2026-11-08', to: '2026-11-08', value: 2 }]);
    expect(
      seriesOf(['city'], counters, { from: '2026-11-09', to: '2026-11-09' }, 'reported', 'week'),
    ).toEqual([{ from: '2026-11-09', to: '2026-11-09', value: 4 }]);
  });

  it('cuts weeks across the year boundary on Mondays', () => {
    // 2026-12-28 is a Monday; 2026-12-30 a Wednesday; 2027-01-05 a Tuesday.
    expect(seriesOf(['city'], yearEnd, { from: '2026-12-30', to: '2027-01-05' }, 'reported', 'week')).toEqual(
      [
        { from: '2026-12-30', to: '2027-01-03', value: 14 },
        { from: '2027-01-04', to: '2027-01-05', value: 0 },
      ],
    );
  });

  it('follows one family only: closed sums closed:<n> of every n', () => {
    const counters: Counters = {
      'city#2026-11': { 'closed:3:2026-11-10': 2, 'closed:40:2026-11-10': 1, 'reported:2026-11-10': 9 },
    };
    expect(seriesOf(['city'], counters, { from: '2026-11-10', to: '2026-11-10' }, 'closed', 'day')).toEqual([
      { from: '2026-11-10', to: '2026-11-10', value: 3 },
    ]);
  });

  it('property: a series adds up to the period total of its family', () => {
    const dates = fc
      .integer({ min: 0, max: 150 })
      .map((n) => new Date(Date.parse('2026-10-01T00:00:00Z') + n * DAY).toISOString().slice(0, 10));
    const measure = fc.constantFrom(
      'reported',
      'verified',
      'resolved:licensed',
      'resolved:ceased',
      'closed:4',
      'closed:17',
      'transferred:health',
      'went_overdue',
      'tasks_planned',
      'tasks_joint',
    );
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom('city', 'zone#Z1', 'zone#Z2'),
            measure,
            dates,
            fc.integer({ min: 1, max: 9 }),
          ),
          {
            maxLength: 60,
          },
        ),
        dates,
        dates,
        fc.constantFrom(...SERIES_METRICS),
        fc.constantFrom('day' as const, 'week' as const),
        (entries, a, b, family, interval) => {
          let counters: Counters = {};
          for (const [area, m, date, n] of entries)
            counters = applyDeltas(counters, { [bucketArea(area, date)]: { [`${m}:${date}`]: n } });
          const range = a <= b ? { from: a, to: b } : { from: b, to: a };
          const areas = ['zone#Z1', 'zone#Z2'];
          const points = seriesOf(areas, counters, range, family, interval);
          expect(points.reduce((s, p) => s + p.value, 0)).toBe(
            familyTotal(periodTotals(areas, counters, range), family),
          );
          // The points tile the range: contiguous, first from = from, last to = to.
          expect(points[0]?.from).toBe(range.from);
          expect(points[points.length - 1]?.to).toBe(range.to);
          for (let i = 1; i < points.length; i++) {
            const prev = points[i - 1] as (typeof points)[number];
            const next = new Date(Date.parse(`${prev.to}T00:00:00Z`) + DAY).toISOString().slice(0, 10);
            expect(points[i]?.from).toBe(next);
            // Every week but the first starts on a Monday.
            if (interval === 'week') expect(new Date(`${points[i]?.from}T00:00:00Z`).getUTCDay()).toBe(1);
          }
          // Every week but the last ends on a Sunday.
          if (interval === 'week')
            for (const p of points.slice(0, -1)) expect(new Date(`${p.to}T00:00:00Z`).getUTCDay()).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// 4. Days to close

describe('days to close', () => {
  const hist = (values: number[]): PeriodTotals => {
    const t: PeriodTotals = {};
    for (const d of values) t[`closed:${d}`] = (t[`closed:${d}`] ?? 0) + 1;
    return t;
  };

  it('is null when nothing closed', () => {
    expect(daysToClose({})).toEqual({ closed: 0, median: null, p90: null });
    expect(daysToClose({ reported: 5, 'closed:4': 0 })).toEqual({ closed: 0, median: null, p90: null });
  });

  it('takes the middle value of an odd count and the mean of the two middle ones of an even count', () => {
    expect(daysToClose(hist([7, 1, 3]))).toEqual({ closed: 3, median: 3, p90: 7 });
    expect(daysToClose(hist([2, 5]))).toEqual({ closed: 2, median: 3.5, p90: 5 });
    expect(daysToClose(hist([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]))).toEqual({ closed: 10, median: 5.5, p90: 9 });
    expect(daysToClose({ 'closed:2': 1, 'closed:5': 2, 'closed:30': 1 })).toEqual({
      closed: 4,
      median: 5,
      p90: 30,
    });
  });

  it('uses the nearest rank for p90', () => {
    expect(daysToClose(hist([4]))).toEqual({ closed: 1, median: 4, p90: 4 });
    // 11 values: rank ⌈9.9⌉ = 10.
    expect(daysToClose(hist([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])).p90).toBe(10);
    // 20 values: rank 18.
    expect(daysToClose(hist(Array.from({ length: 20 }, (_, i) => i + 1))).p90).toBe(18);
    // 9 ones and a hundred: rank 9 is still 1.
    expect(daysToClose({ 'closed:1': 9, 'closed:100': 1 })).toEqual({ closed: 10, median: 1, p90: 1 });
  });

  it('orders days as numbers, not as strings, and ignores zero counts and other families', () => {
    expect(
      daysToClose({ 'closed:100': 1, 'closed:9': 1, 'closed:10': 1, 'closed:50': 0, reported: 3 }),
    ).toEqual({
      closed: 3,
      median: 10,
      p90: 100,
    });
    expect(daysToClose({ 'closed:0': 2, 'closed:3': 0, 'resolved:ceased': 4 })).toEqual({
      closed: 2,
      median: 0,
      p90: 0,
    });
  });

  it('property: matches a sort of the values', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 200, size: 'max' }),
        (values) => {
          const sorted = [...values].sort((a, b) => a - b);
          const n = sorted.length;
          const median =
            n % 2 === 1 ? sorted[(n - 1) / 2] : ((sorted[n / 2 - 1] ?? 0) + (sorted[n / 2] ?? 0)) / 2;
          // Nearest rank ⌈9n/10⌉ in integers.
          const p90 = sorted[Math.floor((9 * n + 9) / 10) - 1];
          expect(daysToClose(hist(values))).toEqual({ closed: n, median, p90 });
        },
      ),
      { numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// 5. Ranges and query schemas

function badRequest(fn: () => unknown): BadRequestError {
  try {
    fn();
  } catch (e) {
    if (e instanceof BadRequestError) return e;
    throw e;
  }
  throw new Error('no BadRequestError');
}

describe('statsRange', () => {
  // 2026-11-30T16:30Z is 2026-12-01 00:30 in Shanghai, still 2026-11-30 in Berlin.
  const now = new Date('2026-11-30T16:30:00Z');

  it('defaults to the 30 days ending today in the city', () => {
    expect(statsRange({}, now, SH)).toEqual({ from: '2026-11-02', to: '2026-12-01' });
    expect(statsRange({}, now, BERLIN)).toEqual({ from: '2026-11-01', to: '2026-11-30' });
    expect(statsRange({ from: undefined, to: undefined }, now, SH)).toEqual({
      from: '2026-11-02',
      to: '2026-12-01',
    });
  });

  it('with only from, covers 30 days from it, but not past today', () => {
    expect(statsRange({ from: '2026-10-01' }, now, SH)).toEqual({ from: '2026-10-01', to: '2026-10-30' });
    expect(statsRange({ from: '2026-11-10' }, now, SH)).toEqual({ from: '2026-11-10', to: '2026-12-01' });
    expect(statsRange({ from: '2026-12-01' }, now, SH)).toEqual({ from: '2026-12-01', to: '2026-12-01' });
    // A future from (next week's planned patrols) covers its own 30 days, never an inverted range.
    expect(statsRange({ from: '2026-12-07' }, now, SH)).toEqual({ from: '2026-12-07', to: '2027-01-05' });
  });

  it('with only to, covers the 30 days ending then', () => {
    expect(statsRange({ to: '2026-11-30' }, now, SH)).toEqual({ from: '2026-11-01', to: '2026-11-30' });
    expect(statsRange({ to: '2027-01-05' }, now, SH)).toEqual({ from: '2026-12-07', to: '2027-01-05' });
  });

  it('takes both as given, one day included', () => {
    expect(statsRange({ from: '2026-11-05', to: '2026-11-05' }, now, SH)).toEqual({
      from: '2026-11-05',
      to: '2026-11-05',
    });
  });

  it('refuses to before from, naming query.to', () => {
    const e = badRequest(() => statsRange({ from: '2026-11-10', to: '2026-11-09' }, now, SH));
    expect(e.code).toBe('bad_request');
    expect(e.details.map((d) => d.path)).toEqual(['query.to']);
  });

  it(`refuses more than ${MAX_STATS_DAYS} days, naming query.from`, () => {
    expect(MAX_STATS_DAYS).toBe(731);
    // 2025-01-01 … 2027-01-01 is 731 days with both ends.
    expect(statsRange({ from: '2025-01-01', to: '2027-01-01' }, now, SH)).toEqual({
      from: '2025-01-01',
      to: '2027-01-01',
    });
    const e = badRequest(() => statsRange({ from: '2024-12-31', to: '2027-01-01' }, now, SH));
    expect(e.details.map((d) => d.path)).toEqual(['query.from']);
    expect(e.message).toContain('732');
  });
});

describe('query schemas', () => {
  it('refuse an instant where a date is wanted, naming the format', () => {
    for (const schema of [StatsSummaryQuery, StatsAssessmentQuery]) {
      for (const field of ['from', 'to'] as const) {
        const r = schema.safeParse({ [field]: '2026-11-01T00:00:00Z' });
        expect(r.success).toBe(false);
        expect(r.error?.issues.map((i) => [i.path.join('.'), i.message.includes('YYYY-MM-DD')])).toEqual([
          [field, true],
        ]);
      }
    }
    expect(StatsSummaryQuery.safeParse({ from: '2026-02-30' }).success).toBe(false);
    expect(StatsSummaryQuery.parse({ from: '2026-11-01', to: '2026-11-30' })).toEqual({
      from: '2026-11-01',
      to: '2026-11-30',
    });
  });

  it('take scopes city, office:, zone:, cell: only', () => {
    for (const scope of ['city', 'office:east', 'zone:Z1', 'cell:C-001'])
      expect(StatsSummaryQuery.safeParse({ scope }).success).toBe(true);
    for (const scope of ['zone#Z1', 'zone:', 'officer:li', 'cell:C 1', 'zone:Z1:x', 'City'])
      expect(StatsSummaryQuery.safeParse({ scope }).success).toBe(false);
  });

  it('series: a known metric, weekly by default', () => {
    expect(StatsSeriesQuery.parse({ metric: 'resolved' })).toEqual({ metric: 'resolved', interval: 'week' });
    expect(StatsSeriesQuery.safeParse({ metric: 'resolved:licensed' }).success).toBe(false);
    expect(StatsSeriesQuery.safeParse({}).success).toBe(false);
    expect(StatsSeriesQuery.safeParse({ metric: 'reported', interval: 'month' }).success).toBe(false);
    const r = StatsSeriesQuery.safeParse({ metric: 'reported', to: '2026-11-01T00:00:00Z' });
    expect(r.error?.issues[0]?.message).toContain('YYYY-MM-DD');
  });
});

// ---------------------------------------------------------------------------------------------
// 6. Reduction and remaining

describe('reduction against the baseline', () => {
  it('counts unresolved findings, less open duplicates; resolved and revisit_due are not remaining', () => {
    expect(remainingOf(undefined)).toBe(0);
    expect(
      remainingOf({
        'status:reported': 3,
        'status:verified': 2,
        'status:rectifying': 1,
        'status:transferred': 4,
        'status:resolved': 40,
        'status:revisit_due': 50,
        'status:closed': 60,
        'status:rejected': 70,
        open: 100,
        total: 300,
        open_duplicate: 1,
      }),
    ).toBe(9);
    expect(remainingOf({ 'status:resolved': 2, 'status:revisit_due': 1 })).toBe(0);
  });

  it('is null without a baseline', () => {
    expect(reductionOf(null, { 'status:reported': 2 })).toEqual({
      baseline: null,
      remaining: 2,
      count: null,
      percent: null,
    });
  });

  it('has no percent against a census of 0', () => {
    expect(reductionOf(0, { 'status:reported': 2 })).toEqual({
      baseline: 0,
      remaining: 2,
      count: -2,
      percent: null,
    });
    expect(reductionOf(0, undefined)).toEqual({ baseline: 0, remaining: 0, count: 0, percent: null });
  });

  it('rounds halves away from zero, alike for gains and losses', () => {
    expect(reductionOf(16, { 'status:reported': 15 }).percent).toBe(6.3);
    expect(reductionOf(16, { 'status:reported': 17 }).percent).toBe(-6.3);
  });

  it('is the census less what remains, negative when more are known now', () => {
    expect(reductionOf(40, { 'status:verified': 10 })).toEqual({
      baseline: 40,
      remaining: 10,
      count: 30,
      percent: 75,
    });
    expect(reductionOf(3, { 'status:reported': 2 })).toEqual({
      baseline: 3,
      remaining: 2,
      count: 1,
      percent: 33.3,
    });
    expect(reductionOf(8, { 'status:reported': 9, 'status:rectifying': 1 })).toEqual({
      baseline: 8,
      remaining: 10,
      count: -2,
      percent: -25,
    });
    expect(reductionOf(5, { 'status:resolved': 5 })).toEqual({
      baseline: 5,
      remaining: 0,
      count: 5,
      percent: 100,
    });
  });

  it('leaves a finding still flagged as a possible duplicate out of remaining, until verified', () => {
    const first = newFinding({ id: 'F-A', now: new Date('2026-11-02T02:00:00Z'), reporter: admin });
    const flagged = newFinding({
      id: 'F-B',
      now: new Date('2026-11-02T03:00:00Z'),
      reporter: admin,
      possibleDuplicateOf: 'F-A',
    });
    expect(reductionOf(5, recount([first, flagged], SH).city)).toEqual({
      baseline: 5,
      remaining: 1,
      count: 4,
      percent: 80,
    });
    const separate = act(flagged, { action: 'verify', ...v(flagged) }, '2026-11-03T02:00:00Z');
    expect(reductionOf(5, recount([first, separate], SH).city).remaining).toBe(2);
  });
});

// ---------------------------------------------------------------------------------------------
// 7. Assessment

const NOV: DateRange = { from: '2026-11-01', to: '2026-11-30' };

const assessed: Counters = {
  'zone#Z1': { overdue: 1, 'status:reported': 3, 'status:rectifying': 1, 'status:resolved': 4 },
  'zone#Z2': { overdue: 2, 'status:verified': 2, 'status:reported': 1, open_duplicate: 1 },
  'zone#Z3': { overdue: 7, 'status:reported': 30 },
  'zone#Z1#2026-11': {
    'verified:2026-11-05': 2,
    'resolved:licensed:2026-11-06': 1,
    'went_overdue:2026-11-07': 1,
    // A zone's own patrols are not the officer's activity.
    'tasks_completed:2026-11-05': 9,
    'tasks_planned:2026-11-05': 9,
  },
  'zone#Z2#2026-11': { 'resolved:ceased:2026-11-10': 2, 'closed:12:2026-11-11': 1, 'closed:3:2026-11-30': 1 },
  'zone#Z2#2026-10': { 'verified:2026-10-31': 5 },
  'zone#Z2#2026-12': { 'resolved:ceased:2026-12-01': 5 },
  'zone#Z3#2026-11': { 'verified:2026-11-05': 40 },
  'officer#li': { 'tasks:completed': 77 },
  'officer#li#2026-11': {
    'tasks_planned:2026-11-05': 4,
    'tasks_completed:2026-11-05': 3,
    'tasks_joint:2026-11-05': 2,
    'tasks_solo:2026-11-05': 1,
    'tasks_missed:2026-11-06': 1,
  },
  'officer#li#2026-12': { 'tasks_planned:2026-12-01': 6 },
};

describe('assess', () => {
  const census = new Map([
    ['zone#Z1', 10],
    ['zone#Z2', 6],
    ['zone#Z3', 100],
  ]);

  it('sums an officer’s two zones: live rows, buckets and census; activity from the officer only', () => {
    expect(assess(['zone#Z1', 'zone#Z2'], ['officer#li'], assessed, NOV, census)).toEqual({
      results: {
        verified: 2,
        resolved: 3,
        closed: 2,
        wentOverdue: 1,
        overdueNow: 3,
        // remaining: (3 + 1) + (2 + 1) − 1 duplicate = 6; census 10 + 6.
        reduction: { baseline: 16, remaining: 6, count: 10, percent: 62.5 },
      },
      activity: { planned: 4, completed: 3, joint: 2, solo: 1, missed: 1, jointRate: 66.7 },
    });
  });

  it('has no reduction without a baseline, and counts a zone the census lacks as 0', () => {
    const none = assess(['zone#Z1', 'zone#Z2'], ['officer#li'], assessed, NOV, null);
    expect(none.results.reduction).toEqual({ baseline: null, remaining: 6, count: null, percent: null });
    const partial = assess(['zone#Z1', 'zone#Z2'], ['officer#li'], assessed, NOV, new Map([['zone#Z1', 10]]));
    expect(partial.results.reduction).toEqual({ baseline: 10, remaining: 6, count: 4, percent: 40 });
  });

  it('gives zeros for an officer without zones or patrols', () => {
    expect(assess([], ['officer#nobody'], assessed, NOV, census)).toEqual({
      results: {
        verified: 0,
        resolved: 0,
        closed: 0,
        wentOverdue: 0,
        overdueNow: 0,
        reduction: { baseline: 0, remaining: 0, count: 0, percent: null },
      },
      activity: { planned: 0, completed: 0, joint: 0, solo: 0, missed: 0, jointRate: null },
    });
  });

  it('areaResults reads the same measures from one row and its totals', () => {
    expect(
      areaResults(
        { overdue: 2, 'status:rectifying': 3 },
        {
          verified: 4,
          'resolved:licensed': 1,
          'resolved:moved_away': 2,
          'closed:2': 1,
          'closed:9': 2,
          went_overdue: 5,
        },
        4,
      ),
    ).toEqual({
      verified: 4,
      resolved: 3,
      closed: 3,
      wentOverdue: 5,
      overdueNow: 2,
      reduction: { baseline: 4, remaining: 3, count: 1, percent: 25 },
    });
  });
});

type Row = Assessed & { id: string };
function row(
  id: string,
  r: { count: number | null; resolved?: number; closed?: number; wentOverdue?: number },
  completed = 0,
): Row {
  return {
    id,
    results: {
      verified: 0,
      resolved: r.resolved ?? 0,
      closed: r.closed ?? 0,
      wentOverdue: r.wentOverdue ?? 0,
      overdueNow: 0,
      reduction: { baseline: r.count === null ? null : 10, remaining: 0, count: r.count, percent: null },
    },
    activity: {
      planned: completed,
      completed,
      joint: completed,
      solo: 0,
      missed: 0,
      jointRate: completed ? 100 : null,
    },
  };
}

describe('byResults', () => {
  it('orders by reduction, then resolved, then closed, then fewer overdue, then id', () => {
    const rows = [
      row('e', { count: 3, resolved: 2, closed: 1, wentOverdue: 2 }),
      row('none-b', { count: null, resolved: 5 }),
      row('b', { count: 3, resolved: 4 }),
      row('d', { count: 3, resolved: 2, closed: 1, wentOverdue: 0 }),
      row('neg', { count: -2 }),
      row('a', { count: 5 }),
      row('c', { count: 3, resolved: 2, closed: 5 }),
      row('none-a', { count: null, resolved: 1 }),
    ];
    expect([...rows].sort(byResults).map((r) => r.id)).toEqual([
      'a',
      'b',
      'c',
      'd',
      'e',
      'neg',
      'none-b',
      'none-a',
    ]);
  });

  it('never lets activity decide: equal results keep id order, however many patrols', () => {
    const busy = row('officer-b', { count: 2, resolved: 1 }, 50);
    const idle = row('officer-a', { count: 2, resolved: 1 }, 0);
    const lazyButBetter = row('officer-z', { count: 2, resolved: 2 }, 0);
    expect([busy, idle, lazyButBetter].sort(byResults).map((r) => r.id)).toEqual([
      'officer-z',
      'officer-a',
      'officer-b',
    ]);
    expect([idle, busy].sort(byResults).map((r) => r.id)).toEqual(['officer-a', 'officer-b']);
    expect(byResults(busy, idle)).toBeGreaterThan(0);
    expect(byResults(idle, idle)).toBe(0);
  });

  it('ranks assessed officers from counters by results', () => {
    const census = new Map([
      ['zone#Z1', 10],
      ['zone#Z2', 6],
      ['zone#Z3', 100],
    ]);
    const li = { id: 'li', ...assess(['zone#Z1', 'zone#Z2'], ['officer#li'], assessed, NOV, census) };
    const wang = { id: 'wang', ...assess(['zone#Z3'], ['officer#wang'], assessed, NOV, census) };
    // li: 16 − 6 = 10; wang: 100 − 30 = 70.
    expect([li, wang].sort(byResults).map((r) => r.id)).toEqual(['wang', 'li']);
  });
});

// ---------------------------------------------------------------------------------------------
// 8. Summary of an area

describe('areaSummary', () => {
  const baseline = { id: 'B-2026', label: '2026 摸底', asOf: '2026-06-30', census: 10 };

  it('lists every open state, outcome and department, with the period’s measures', () => {
    const s = areaSummary({
      scope: 'zone:Z1',
      range: NOV,
      live: {
        total: 20,
        open: 5,
        'status:reported': 2,
        'status:rectifying': 2,
        'status:transferred': 1,
        'status:closed': 7,
        'status:rejected': 8,
        overdue: 1,
        'escalated:supervisor': 1,
      },
      totals: {
        reported: 3,
        verified: 2,
        rejected: 1,
        'resolved:licensed': 2,
        'resolved:moved_away': 1,
        'closed:5': 1,
        'closed:9': 1,
        went_overdue: 1,
        'transferred:health': 2,
        'transferred:urban': 1,
        tasks_planned: 3,
        tasks_missed: 3,
      },
      baseline,
    });
    expect(s).toEqual({
      scope: 'zone:Z1',
      from: '2026-11-01',
      to: '2026-11-30',
      baseline: { id: 'B-2026', label: '2026 摸底', asOf: '2026-06-30', census: 10 },
      now: {
        open: 5,
        openByState: { reported: 2, verified: 0, rectifying: 2, transferred: 1, resolved: 0, revisit_due: 0 },
        overdue: 1,
        escalated: { supervisor: 1, admin: 0 },
      },
      period: {
        reported: 3,
        verified: 2,
        rejected: 1,
        resolved: { total: 3, byOutcome: { licensed: 2, ceased: 0, moved_away: 1 } },
        closed: 2,
        wentOverdue: 1,
        transfers: { total: 3, byDepartment: { health: 2, urban: 1 } },
        daysToClose: { closed: 2, median: 7, p90: 9 },
        patrols: { planned: 3, completed: 0, joint: 0, solo: 0, missed: 3, jointRate: null },
      },
      reduction: { baseline: 10, remaining: 5, count: 5, percent: 50 },
    });
    expect(Object.keys(s.now.openByState)).toEqual([
      'reported',
      'verified',
      'rectifying',
      'transferred',
      'resolved',
      'revisit_due',
    ]);
    expect(StatsSummaryOut.parse(s)).toEqual(s);
  });

  it('is all zeros for an area with nothing, without a baseline', () => {
    const s = areaSummary({ scope: 'cell:C9', range: NOV, live: undefined, totals: {}, baseline: null });
    expect(s.baseline).toBeNull();
    expect(s.now).toEqual({
      open: 0,
      openByState: { reported: 0, verified: 0, rectifying: 0, transferred: 0, resolved: 0, revisit_due: 0 },
      overdue: 0,
      escalated: { supervisor: 0, admin: 0 },
    });
    expect(s.period.transfers).toEqual({ total: 0, byDepartment: {} });
    expect(s.period.resolved).toEqual({ total: 0, byOutcome: { licensed: 0, ceased: 0, moved_away: 0 } });
    expect(s.period.daysToClose).toEqual({ closed: 0, median: null, p90: null });
    expect(s.period.patrols.jointRate).toBeNull();
    expect(s.reduction).toEqual({ baseline: null, remaining: 0, count: null, percent: null });
    expect(StatsSummaryOut.parse(s)).toEqual(s);
  });

  it('summarises findings and tasks counted from their records', () => {
    const f1 = newFinding({ id: 'F-1', now: new Date('2026-11-02T02:00:00Z'), reporter: admin });
    const f1v = act(f1, { action: 'verify', ...v(f1) }, '2026-11-03T02:00:00Z');
    const f1t = act(
      f1v,
      {
        action: 'transfer',
        ...v(f1v),
        department: 'health',
        receiptNo: 'WJ-9',
        deadline: '2026-11-10T00:00:00Z',
      },
      '2026-11-04T02:00:00Z',
    );
    const f1o = overdueAt(f1t, '2026-11-11T02:00:00Z');
    const f2 = newFinding({ id: 'F-2', now: new Date('2026-10-30T02:00:00Z'), reporter: admin });
    const f2r = act(f2, { action: 'reject', ...v(f2), reason: 'already_licensed' }, '2026-11-01T02:00:00Z');
    const task = publishedTask({
      planId: 'P-stats002',
      cellId: 'C1',
      zoneId: 'Z1',
      officeId: 'east',
      officerId: 'li',
      partnerId: 'liu',
      date: '2026-11-12',
      shift: 'am',
      shiftStart: '2026-11-12T00:30:00.000Z',
      shiftEnd: '2026-11-12T04:00:00.000Z',
    });
    const done: PatrolTask = {
      ...task,
      status: 'completed',
      version: 2,
      completion: {
        at: '2026-11-12T02:00:00.000Z',
        by: 'li',
        checks: { safety: 'ok', food: 'ok', license: 'ok' },
        findingIds: [],
        joint: false,
        missing: ['liu'],
      },
    };
    const counters = applyDeltas(recount([f1o, f2r], SH), recountTasks([done]));
    const s = areaSummary({
      scope: 'zone:Z1',
      range: NOV,
      live: counters['zone#Z1'],
      totals: periodTotals(['zone#Z1'], counters, NOV),
      baseline,
    });
    expect(s.now).toEqual({
      open: 1,
      openByState: { reported: 0, verified: 0, rectifying: 0, transferred: 1, resolved: 0, revisit_due: 0 },
      overdue: 1,
      escalated: { supervisor: 1, admin: 0 },
    });
    expect(s.period).toEqual({
      // F-2 was reported in October.
      reported: 1,
      verified: 1,
      rejected: 1,
      resolved: { total: 0, byOutcome: { licensed: 0, ceased: 0, moved_away: 0 } },
      closed: 0,
      wentOverdue: 1,
      transfers: { total: 1, byDepartment: { health: 1 } },
      daysToClose: { closed: 0, median: null, p90: null },
      patrols: { planned: 1, completed: 1, joint: 0, solo: 1, missed: 0, jointRate: 0 },
    });
    expect(s.reduction).toEqual({ baseline: 10, remaining: 1, count: 9, percent: 90 });
  });
});
