/**
 * The pure half of `gridpatrol stats verify`: merging the findings' and tasks' recounts, and listing
 * where stored counters disagree with them (missing and zero are the same; one line per area and
 * metric, sorted). The store reads: test/e2e/stats-verify.test.ts.
 */

import { type Counters, recount } from '@gridpatrol/core/findings/counters';
import { FINDING_STATUSES, type FindingStatus } from '@gridpatrol/core/findings/schema';
import { recountTasks } from '@gridpatrol/core/planning/tasks';
import {
  type CounterVerification,
  compareCounters,
  formatVerification,
  mergeCounters,
} from '@gridpatrol/core/stats/verify';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { config, findingIn } from './findings-fixtures';

describe('compareCounters', () => {
  it('finds nothing when the counters are equal, whatever the key order', () => {
    const a: Counters = { city: { total: 2, open: 1 }, 'zone#Z1': { total: 2 } };
    const b: Counters = { 'zone#Z1': { total: 2 }, city: { open: 1, total: 2 } };
    expect(compareCounters(a, b)).toEqual([]);
  });

  it('treats a zero and a missing metric or area alike', () => {
    expect(
      compareCounters({ city: { total: 1, overdue: 0 }, 'cell#C1': { open: 0 } }, { city: { total: 1 } }),
    ).toEqual([]);
    expect(compareCounters({}, { 'zone#Z1': { open: 0 } })).toEqual([]);
  });

  it('reports each disagreement with both values, by area then metric', () => {
    const stored: Counters = {
      city: { total: 3, open: 2, 'tasks:completed': 1 },
      'zone#Z1': { overdue: 1 },
      'office#east': { total: 1 },
    };
    const recounted: Counters = {
      city: { total: 3, open: 1, 'tasks:completed': 1 },
      'office#east': { total: 1 },
      'cell#C9': { total: 1 },
    };
    expect(compareCounters(stored, recounted)).toEqual([
      { area: 'cell#C9', metric: 'total', stored: 0, recounted: 1 },
      { area: 'city', metric: 'open', stored: 2, recounted: 1 },
      { area: 'zone#Z1', metric: 'overdue', stored: 1, recounted: 0 },
    ]);
  });

  it('finds a recount equal to itself and exactly one tampered metric (property)', () => {
    const statuses: readonly FindingStatus[] = FINDING_STATUSES;
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...statuses), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: -3, max: 3 }).filter((n) => n !== 0),
        fc.nat(),
        (picked, delta, which) => {
          const counted = recount(
            picked.map((s) => findingIn(s).finding),
            config.timeZone,
          );
          expect(compareCounters(counted, counted)).toEqual([]);
          const cells = Object.entries(counted).flatMap(([area, row]) =>
            Object.keys(row).map((metric) => ({ area, metric })),
          );
          const target = cells[which % cells.length] as { area: string; metric: string };
          const tampered = structuredClone(counted);
          const row = tampered[target.area] as Record<string, number>;
          const before = row[target.metric] as number;
          row[target.metric] = before + delta;
          expect(compareCounters(tampered, counted)).toEqual([
            { ...target, stored: before + delta, recounted: before },
          ]);
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('mergeCounters', () => {
  it('adds findings and tasks per area, dropping zeros', () => {
    const findings = recount([findingIn('rectifying').finding], config.timeZone);
    expect(recountTasks([])).toEqual({});
    const merged = mergeCounters(findings, { city: { 'tasks:missed': 1 }, 'zone#Z1': { 'tasks:missed': 0 } });
    expect(merged.city).toEqual({ ...findings.city, 'tasks:missed': 1 });
    expect(merged['zone#Z1']).toEqual(findings['zone#Z1']);
    expect(mergeCounters({ city: { open: 1 } }, { city: { open: -1 } })).toEqual({});
  });
});

describe('formatVerification', () => {
  const base: CounterVerification = {
    findingsRead: 12,
    tasksRead: 30,
    plansRead: 2,
    zonePartitions: 5,
    areasCompared: 40,
    disagreements: [],
  };

  it('says so when everything agrees', () => {
    const text = formatVerification(base);
    expect(text).toMatch(/Findings read\s+12 \(5 zone partitions\)/);
    expect(text).toMatch(/Tasks read\s+30 \(2 plans\)/);
    expect(text).toMatch(/Areas compared\s+40/);
    expect(text).toContain('All counters agree');
  });

  it('lists each disagreement with its area, metric, stored and recounted values', () => {
    const text = formatVerification({
      ...base,
      disagreements: [{ area: 'zone#Z1', metric: 'open', stored: 7, recounted: 5 }],
    });
    expect(text).toMatch(/Disagreements\s+1/);
    expect(text).toMatch(/zone#Z1\s+open\s+7\s+5/);
    expect(text).not.toContain('All counters agree');
  });
});
