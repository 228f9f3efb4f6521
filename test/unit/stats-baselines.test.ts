import { counterDeltas, findingMetrics, recount } from '@gridpatrol/core/findings/counters';
import { applyAction } from '@gridpatrol/core/findings/lifecycle';
import type { Scope } from '@gridpatrol/core/policy';
import {
  BaselineCreateBody,
  BaselineScopeParam,
  baselineAsOf,
  baselinePartOf,
  baselineParts,
  censusAreas,
  censusFromCounters,
  censusOf,
  planAreaRead,
} from '@gridpatrol/core/stats/baselines';
import { describe, expect, it } from 'vitest';
import {
  admin,
  config,
  EAST_WEST_OFFICES,
  eastWestTopology,
  newFinding,
  scopeFor,
  supEast,
  T0,
} from './findings-fixtures';

const topology = eastWestTopology;
const offices = EAST_WEST_OFFICES;
const adminScope = scopeFor(admin);
const supScope = scopeFor(supEast);

describe('open_duplicate metric', () => {
  it('counts an open finding flagged as a possible duplicate, and only while flagged and open', () => {
    const flagged = newFinding({ id: 'F-0002', possibleDuplicateOf: 'F-0001' });
    expect(findingMetrics(flagged).open_duplicate).toBe(1);
    expect(findingMetrics(newFinding()).open_duplicate).toBeUndefined();

    // Separating clears the flag: the counter moves down in the same deltas.
    const separated = applyAction(
      flagged,
      { action: 'separate', expectedVersion: 1 },
      admin,
      adminScope,
      T0,
      config,
    ).finding;
    expect(findingMetrics(separated).open_duplicate).toBeUndefined();
    expect(counterDeltas(flagged, separated, config.timeZone).city?.open_duplicate).toBe(-1);

    // Rejecting as a duplicate: no longer open, so no longer an open duplicate (but rejected).
    const rejected = applyAction(
      flagged,
      { action: 'reject', expectedVersion: 1, reason: 'duplicate' },
      admin,
      adminScope,
      T0,
      config,
    ).finding;
    expect(findingMetrics(rejected).open_duplicate).toBeUndefined();
    expect(counterDeltas(flagged, rejected, config.timeZone).city).toMatchObject({
      open_duplicate: -1,
      'status:rejected': 1,
    });
  });
});

describe('census of an area', () => {
  it('is total less rejected less open duplicates, zeros without a counter row', () => {
    expect(censusOf('zone#Z1', { total: 5, 'status:rejected': 1, open_duplicate: 1, open: 3 })).toEqual({
      area: 'zone#Z1',
      census: 3,
      total: 5,
      rejected: 1,
      openDuplicate: 1,
    });
    expect(censusOf('cell#C9', undefined)).toEqual({
      area: 'cell#C9',
      census: 0,
      total: 0,
      rejected: 0,
      openDuplicate: 0,
    });
  });

  it('equals a direct count of the findings, from a recount of them', () => {
    const a = newFinding({ id: 'F-0001' });
    const dup = newFinding({ id: 'F-0002', possibleDuplicateOf: 'F-0001' });
    const rej = applyAction(
      newFinding({ id: 'F-0003' }),
      { action: 'reject', expectedVersion: 1, reason: 'not_found' },
      admin,
      adminScope,
      T0,
      config,
    ).finding;
    const counters = recount([a, dup, rej], config.timeZone);
    expect(censusFromCounters(['city', 'cell#C1', 'cell#C3'], counters).map((n) => n.census)).toEqual([
      1, 1, 0,
    ]);
  });

  it('covers the city, its no-zone bucket, every office of the config, every zone and every cell', () => {
    expect(censusAreas(offices, topology)).toEqual([
      'city',
      'unzoned',
      'office#east',
      'office#west',
      'zone#W1',
      'zone#Z1',
      'zone#Z2',
      'cell#C1',
      'cell#C2',
      'cell#C3',
      'cell#C9',
    ]);
  });
});

describe('asOf', () => {
  const now = new Date('2026-11-23T08:00:00.000Z');

  it('takes an instant with offset as given and a date as the start of that day in the city', () => {
    expect(baselineAsOf('2026-11-01T08:00:00+08:00', 'Asia/Shanghai', now)).toBe('2026-11-01T00:00:00.000Z');
    expect(baselineAsOf('2026-11-01', 'Asia/Shanghai', now)).toBe('2026-10-31T16:00:00.000Z');
    // Today's date is its start, in the past.
    expect(baselineAsOf('2026-11-23', 'Asia/Shanghai', now)).toBe('2026-11-22T16:00:00.000Z');
  });

  it('refuses the future with a 422 naming body.asOf', () => {
    for (const v of ['2026-11-24', '2026-11-23T08:00:01Z'])
      expect(() => baselineAsOf(v, 'Asia/Shanghai', now)).toThrow(
        expect.objectContaining({
          code: 'unprocessable',
          details: [expect.objectContaining({ path: 'body.asOf' })],
        }),
      );
  });

  it('refuses a reference more than two years back with a 422 naming body.asOf and the window', () => {
    for (const v of ['0001-01-01', '0001-01-01T00:00:00Z', '2024-11-21', '2024-11-21T15:59:59Z'])
      expect(() => baselineAsOf(v, 'Asia/Shanghai', now), v).toThrow(
        expect.objectContaining({
          code: 'unprocessable',
          details: [{ path: 'body.asOf', message: 'must be between 2024-11-22 and 2026-11-23' }],
        }),
      );
    // 731 days back (two years, one of them leap) is still a census date.
    expect(baselineAsOf('2024-11-22', 'Asia/Shanghai', now)).toBe('2024-11-21T16:00:00.000Z');
  });

  it('the body wants a label of 1–100 characters and an instant with offset or a date', () => {
    expect(BaselineCreateBody.safeParse({ label: 'Census 2026', asOf: '2026-01-01' }).success).toBe(true);
    expect(BaselineCreateBody.safeParse({ label: '', asOf: '2026-01-01' }).success).toBe(false);
    expect(BaselineCreateBody.safeParse({ label: '  ', asOf: '2026-01-01' }).success).toBe(false);
    expect(BaselineCreateBody.safeParse({ label: 'x'.repeat(101), asOf: '2026-01-01' }).success).toBe(false);
    expect(BaselineCreateBody.safeParse({ asOf: '2026-01-01' }).success).toBe(false);
    expect(BaselineCreateBody.safeParse({ label: 'x', asOf: '2026-01-01T08:00:00' }).success).toBe(false);
    expect(BaselineCreateBody.safeParse({ label: 'x', asOf: 'yesterday' }).success).toBe(false);
    expect(BaselineCreateBody.safeParse({ label: 'x', asOf: '2026-01-01', extra: 1 }).success).toBe(false);
  });
});

describe('planAreaRead', () => {
  it('gives a city admin any area with the level below it, the city by default', () => {
    expect(planAreaRead(undefined, adminScope, topology, offices)).toEqual({
      scope: 'city',
      area: 'city',
      breakdown: ['office#east', 'office#west'],
    });
    expect(planAreaRead('office:west', adminScope, topology, offices).breakdown).toEqual(['zone#W1']);
    expect(planAreaRead('zone:Z2', adminScope, topology, offices)).toEqual({
      scope: 'zone:Z2',
      area: 'zone#Z2',
      breakdown: ['cell#C2', 'cell#C3'],
    });
    expect(planAreaRead('cell:C9', adminScope, topology, offices)).toEqual({
      scope: 'cell:C9',
      area: 'cell#C9',
      breakdown: [],
    });
    // What was routed to no zone: the city level's bucket (issue 15.4).
    expect(planAreaRead('unzoned', adminScope, topology, offices)).toEqual({
      scope: 'unzoned',
      area: 'unzoned',
      breakdown: [],
    });
  });

  it('gives a supervisor their office, its zones and cells (own office by default), 404 otherwise', () => {
    expect(planAreaRead(undefined, supScope, topology, offices)).toEqual({
      scope: 'office:east',
      area: 'office#east',
      breakdown: ['zone#Z1', 'zone#Z2'],
    });
    expect(planAreaRead('zone:Z1', supScope, topology, offices).area).toBe('zone#Z1');
    expect(planAreaRead('cell:C3', supScope, topology, offices).area).toBe('cell#C3');
    for (const s of ['city', 'unzoned', 'office:west', 'zone:W1', 'cell:C9'])
      expect(() => planAreaRead(s, supScope, topology, offices), s).toThrow(
        expect.objectContaining({ code: 'not_found' }),
      );
    const noOffice: Scope = { ...supScope, office: undefined } as Scope;
    expect(() => planAreaRead(undefined, noOffice, topology, offices)).toThrow(
      expect.objectContaining({ code: 'bad_request' }),
    );
  });

  it('answers unknown areas with a 404 and refuses malformed scopes in the schema', () => {
    for (const s of ['office:north', 'zone:Z9', 'cell:C0'])
      expect(() => planAreaRead(s, adminScope, topology, offices), s).toThrow(
        expect.objectContaining({ code: 'not_found' }),
      );
    for (const s of ['region:1', 'zone:', 'zone:a#b', 'cities', 'zone:a:b'])
      expect(BaselineScopeParam.safeParse(s).success, s).toBe(false);
  });
});

describe('storage layout', () => {
  it('spreads areas over parts deterministically, each part well under 400 KB', () => {
    expect(baselineParts(0)).toBe(1);
    expect(baselineParts(1000)).toBe(1);
    expect(baselineParts(20_031)).toBe(21);
    const parts = baselineParts(20_031);
    const sizes = new Array(parts).fill(0);
    for (let i = 0; i < 20_000; i++) {
      const n = baselinePartOf(`cell#${String(i).padStart(9, '0')}`, parts);
      sizes[n]++;
    }
    expect(sizes).toHaveLength(parts);
    expect(sizes.every((n) => Number.isInteger(n))).toBe(true);
    expect(baselinePartOf('cell#C1', parts)).toBe(baselinePartOf('cell#C1', parts));
    // ~950 per part; even a skewed part stays a few thousand areas, ~100 bytes each.
    expect(Math.max(...sizes)).toBeLessThan(1500);
  });
});
