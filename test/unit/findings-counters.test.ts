import {
  applyDeltas,
  areaId,
  type Counters,
  counterArea,
  counterAreas,
  counterDeltas,
  counterDifferences,
  isAreaOf,
  recount,
  unzonedContribution,
} from '@gridpatrol/core/findings/counters';
import { applyAction, markOverdue } from '@gridpatrol/core/findings/lifecycle';
import { Finding, type FindingEvent } from '@gridpatrol/core/findings/schema';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  actAs,
  admin,
  config,
  DAY,
  findingIn,
  newFinding,
  ROUTINGS,
  type RunStep,
  routingZ1,
  runStep,
  sampleAction,
  scopeFor,
  T0,
} from './findings-fixtures';

const adminScope = scopeFor(admin);
const TZ = config.timeZone;

describe('counter deltas', () => {
  it('counts a new finding in its city, cell, zone and office', () => {
    const f = newFinding();
    expect(counterAreas(f)).toEqual(['city', 'cell#C1', 'zone#Z1', 'office#east']);
    // Routed to no zone: the city level's own bucket, beside the offices (issue 15.4).
    expect(counterAreas({ ...f, zoneId: null, officeId: null })).toEqual(['city', 'cell#C1', 'unzoned']);
    expect(counterAreas({ ...f, cellId: null, zoneId: null, officeId: null })).toEqual(['city', 'unzoned']);
    const row = { total: 1, open: 1, 'status:reported': 1 };
    // The report's day, in the city's time zone, in each area's month bucket.
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(new Date(f.reportedAt));
    const bucket = { [`reported:${day}`]: 1 };
    const month = day.slice(0, 7);
    expect(counterDeltas(null, f, TZ)).toEqual({
      city: row,
      'cell#C1': row,
      'office#east': row,
      'zone#Z1': row,
      [`city#${month}`]: bucket,
      [`cell#C1#${month}`]: bucket,
      [`office#east#${month}`]: bucket,
      [`zone#Z1#${month}`]: bucket,
    });
  });

  it('moves open-by-state on verify and nothing else', () => {
    const f = newFinding();
    const next = actAs(admin, f, 'verify', T0).finding;
    expect(counterDeltas(f, next, TZ).city).toEqual({ 'status:reported': -1, 'status:verified': 1 });
    expect(counterDeltas(next, next, TZ)).toEqual({});
  });

  it('counts overdue, escalation, outcome and transfers', () => {
    const { finding, now } = findingIn('transferred');
    expect(counterDeltas(null, finding, TZ).city).toMatchObject({ 'department:health': 1 });
    const late = new Date(Date.parse(finding.deadline ?? '') + 8 * DAY);
    const overdue = markOverdue(finding, late, config)?.finding ?? finding;
    expect(counterDeltas(finding, overdue, TZ).city).toEqual({
      overdue: 1,
      was_overdue: 1,
      'escalated:admin': 1,
    });
    const resolved = applyAction(
      overdue,
      sampleAction('resolve', overdue, late, { outcome: 0 }),
      admin,
      adminScope,
      now > late ? now : late,
      config,
    ).finding;
    expect(counterDeltas(overdue, resolved, TZ).city).toEqual({
      'status:transferred': -1,
      'status:resolved': 1,
      overdue: -1,
      'escalated:admin': -1,
      'outcome:licensed': 1,
    });
  });

  it('takes a closed or rejected finding out of open', () => {
    const r = findingIn('revisit_due');
    const closed = applyAction(
      r.finding,
      sampleAction('confirm_revisit', r.finding, r.now),
      admin,
      adminScope,
      r.now,
      config,
    ).finding;
    expect(counterDeltas(r.finding, closed, TZ).city).toEqual({
      open: -1,
      'status:revisit_due': -1,
      'status:closed': 1,
    });
    const f = newFinding();
    const rejected = actAs(admin, f, 'reject', T0).finding;
    expect(counterDeltas(f, rejected, TZ).city).toEqual({
      open: -1,
      'status:reported': -1,
      'status:rejected': 1,
      'rejected:not_found': 1,
    });
  });

  it('counts a finding in no cell in the city and its no-zone bucket only', () => {
    const f = newFinding({
      routing: { ...routingZ1, cellId: null, zoneId: null, zones: [], officeId: null },
      reporter: admin,
    });
    // Issue 15.4: what was routed to no zone is counted in the city's `unzoned` bucket too.
    expect(Object.keys(counterDeltas(null, f, TZ)).map((a) => a.split('#')[0])).toEqual([
      'city',
      'city',
      'unzoned',
      'unzoned',
    ]);
  });

  it('reports differences between stored counters and a recount', () => {
    const stored: Counters = { city: { total: 2, open: 1 }, 'zone#Z1': { overdue: 1 } };
    const counted: Counters = { city: { total: 2, open: 2 } };
    expect(counterDifferences(stored, counted)).toEqual([
      { area: 'city', metric: 'open', stored: 1, counted: 2 },
      { area: 'zone#Z1', metric: 'overdue', stored: 1, counted: 0 },
    ]);
  });
});

type Command = RunStep & { target: number };

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({
    kind: fc.constant('act' as const),
    target: fc.nat(5),
    choice: fc.nat(3),
    days: fc.integer({ min: 1, max: 60 }),
    outcome: fc.constantFrom(0 as const, 1 as const, 2 as const),
    reason: fc.constantFrom(0 as const, 1 as const, 2 as const),
    department: fc.constantFrom(0 as const, 1 as const),
  }),
  fc.record({ kind: fc.constantFrom('overdue' as const, 'revisit' as const), target: fc.nat(5) }),
);

describe('property: counters follow the findings', () => {
  it('recount equals the sum of counterDeltas along any legal run; versions strictly increase', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(3), fc.boolean()), { minLength: 1, maxLength: 6 }),
        fc.array(fc.tuple(command, fc.integer({ min: 0, max: 20 * DAY })), { maxLength: 60 }),
        (seeds, commands) => {
          let now = T0;
          let counters: Counters = {};
          const events = new Map<string, FindingEvent[]>();
          const findings = seeds.map(([r, flagged], i) => {
            const f = newFinding({
              id: `F-${i}`,
              routing: ROUTINGS[r] ?? routingZ1,
              reporter: admin,
              ...(flagged && i > 0 ? { possibleDuplicateOf: 'F-0' } : {}),
            });
            counters = applyDeltas(counters, counterDeltas(null, f, TZ));
            return f;
          });
          for (const [c, advance] of commands) {
            now = new Date(now.getTime() + advance);
            const i = c.target % findings.length;
            const before = findings[i];
            if (before === undefined) continue;
            const result = runStep(before, c, now);
            if (result === null) continue;
            const after = result.finding;
            expect(after.version).toBe(before.version + 1);
            expect(result.event.version).toBe(after.version);
            Finding.parse(after);
            counters = applyDeltas(counters, counterDeltas(before, after, TZ));
            findings[i] = after;
            events.set(after.id, [...(events.get(after.id) ?? []), result.event]);
          }
          expect(counterDifferences(counters, recount(findings, TZ))).toEqual([]);
          expect(counters).toEqual(recount(findings, TZ));
          // Never closed without a revisit: a closed finding's history has revisit_due right before.
          for (const f of findings) {
            if (f.status !== 'closed') continue;
            const history = events.get(f.id) ?? [];
            const last = history[history.length - 1];
            const prev = history[history.length - 2];
            expect(last?.action).toBe('confirm_revisit');
            expect(prev?.action).toBe('revisit_due');
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('unzonedContribution (the backfill of findings counted before the no-zone bucket)', () => {
  const zoneless = newFinding({ routing: { ...routingZ1, zoneId: null, zones: [], officeId: null } });

  it('is what a recount puts in the no-zone bucket and its month items, and nothing else', () => {
    const c = unzonedContribution(zoneless, TZ);
    expect(Object.keys(c).sort()).toEqual(['unzoned', `unzoned#${T0.toISOString().slice(0, 7)}`]);
    expect(c.unzoned).toEqual(recount([zoneless], TZ).unzoned);
    // Added to what an older version counted (everything but the bucket), it gives the recount.
    const older = Object.fromEntries(
      Object.entries(recount([zoneless], TZ)).filter(([a]) => !a.startsWith('unzoned')),
    );
    expect(applyDeltas(older, c)).toEqual(recount([zoneless], TZ));
  });

  it('is nothing for a finding with a zone', () => {
    expect(unzonedContribution(newFinding(), TZ)).toEqual({});
  });
});

describe('counter area keys', () => {
  it('reads back the id of every kind it spells, ids with dashes and CJK included', () => {
    for (const kind of ['cell', 'zone', 'office', 'officer'] as const)
      for (const id of ['C-001', 'office-east', '东城所']) {
        const area = counterArea[kind](id);
        expect(isAreaOf(kind, area)).toBe(true);
        expect(areaId(kind, area)).toBe(id);
      }
    expect(counterArea.zone('Z1')).toBe('zone#Z1');
  });

  it('tells kinds apart and refuses to read an area as another kind', () => {
    expect(isAreaOf('office', counterArea.officer('li'))).toBe(false);
    expect(isAreaOf('cell', 'city')).toBe(false);
    expect(() => areaId('zone', counterArea.cell('C1'))).toThrow(/not a zone area/);
  });
});
