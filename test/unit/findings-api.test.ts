/**
 * The pure pieces around the findings routes: canonical body hashing for idempotency, the
 * deterministic finding id of an Idempotency-Key, the report policy's refusal naming the cell, the
 * store keys of a finding (index entries follow its state) and the plan of a findings list.
 */

import { ForbiddenError, NotFoundError } from '@gridpatrol/core/errors';
import {
  canonicalJson,
  FindingListQuery,
  IdempotencyKey,
  ReportBody,
  reportTimeRange,
} from '@gridpatrol/core/findings/api';
import { assertMayReportAt, createFinding } from '@gridpatrol/core/findings/lifecycle';
import { planFindingList, planTodoList } from '@gridpatrol/core/policy';
import { findingIdFor, requestHash } from '@gridpatrol/store/findings-repo';
import { keys } from '@gridpatrol/store/keys';
import { describe, expect, it } from 'vitest';
import {
  admin,
  config,
  officerZ1,
  report,
  routingZ1,
  scopeFor,
  supEast,
  T0,
  volunteer,
  worker,
} from './findings-fixtures';

describe('idempotency helpers', () => {
  it('hashes bodies independently of field order, and different bodies differently', () => {
    expect(canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }], u: undefined })).toBe(
      '{"a":[2,{"c":4,"d":3}],"b":1}',
    );
    expect(requestHash({ a: 1, b: 2 })).toBe(requestHash({ b: 2, a: 1 }));
    expect(requestHash({ a: 1 })).not.toBe(requestHash({ a: 2 }));
  });

  it('derives one finding id per reporter and key', () => {
    expect(findingIdFor('liu', 'k-0000001')).toBe(findingIdFor('liu', 'k-0000001'));
    expect(findingIdFor('liu', 'k-0000001')).not.toBe(findingIdFor('chen', 'k-0000001'));
    expect(findingIdFor('liu', 'k-0000001')).toMatch(/^F-[0-9a-f]{32}$/);
  });

  it('accepts UUID-like keys and refuses short or non-printable ones', () => {
    expect(IdempotencyKey.safeParse('0b8f6f0e-8d2c-4f53-9a53-1f0c1d7c2a11').success).toBe(true);
    expect(IdempotencyKey.safeParse('short').success).toBe(false);
    expect(IdempotencyKey.safeParse('with space inside').success).toBe(false);
  });

  it('keeps the report body strict, with an optional coordinate system', () => {
    expect(ReportBody.safeParse({ ...report, coordSys: 'gcj02' }).success).toBe(true);
    expect(ReportBody.safeParse({ ...report, businesName: 'x' }).success).toBe(false);
  });
});

/** The worker's report F-1 in zone Z1, at T0, as createFinding takes it. */
const workerReportsF1 = {
  id: 'F-1',
  input: report,
  routing: routingZ1,
  reporter: worker,
  scope: scopeFor(worker),
  now: T0,
  config,
};

describe('reporting policy', () => {
  it('names the cell a report was refused in', () => {
    const routing = { ...routingZ1, cellId: 'C3', zoneId: 'Z2' };
    expect(() => assertMayReportAt(scopeFor(worker), routing)).toThrow(/cell 'C3'/);
    expect(() => assertMayReportAt(scopeFor(worker), { cellId: null, zoneId: null })).toThrow(ForbiddenError);
    expect(() => assertMayReportAt(scopeFor(admin), { cellId: null, zoneId: null })).not.toThrow();
  });

  it('records a converted point’s original in the report event, and nothing for WGS-84', () => {
    const original = { lon: 120.105, lat: 30.198, coordSys: 'gcj02' };
    expect(createFinding({ ...workerReportsF1, originalPoint: original }).event.data.input).toEqual(original);
    expect(
      createFinding({ ...workerReportsF1, originalPoint: { ...original, coordSys: 'wgs84' } }).event.data,
    ).not.toHaveProperty('input');
  });
});

describe('finding keys', () => {
  const f = createFinding(workerReportsF1).finding;

  it('list a finding under its zone, open before shut, and under its reporter', () => {
    const k = keys.finding(f);
    expect(k).toMatchObject({ pk: 'FINDING#F-1', sk: 'FINDING', gsi1pk: 'FINDINGS#ZONE#Z1' });
    expect(k.gsi1sk.startsWith('OPEN#reported#')).toBe(true);
    expect(keys.finding({ ...f, status: 'closed' }).gsi1sk.startsWith('SHUT#closed#')).toBe(true);
    expect('OPEN#' < 'SHUT#').toBe(true);
    expect(k.gsi2pk).toBe('FINDINGS#REPORTER#liu');
    expect(keys.finding({ ...f, zoneId: null }).gsi1pk).toBe('FINDINGS#ZONE#-');
    // …and under the cell its point lies in, sorted the same way; a point in no cell has no entry.
    expect(k).toMatchObject({ gsi4pk: `FINDINGS#CELL#${f.cellId}`, gsi4sk: k.gsi1sk });
    expect(keys.finding({ ...f, cellId: null })).not.toHaveProperty('gsi4pk');
  });

  it('give the job index only to findings a job must look at', () => {
    expect(keys.finding(f)).not.toHaveProperty('gsi3pk');
    const deadline = '2025-04-01T00:00:00.000Z';
    expect(keys.finding({ ...f, status: 'rectifying', deadline })).toMatchObject({
      gsi3pk: 'FINDINGS#DUE#DEADLINE',
      gsi3sk: `${deadline}#F-1`,
    });
    expect(keys.finding({ ...f, status: 'resolved', revisitDueAt: deadline })).toMatchObject({
      gsi3pk: 'FINDINGS#DUE#REVISIT',
    });
    expect(keys.finding({ ...f, status: 'closed', deadline })).not.toHaveProperty('gsi3pk');
    // Escalated to the admins: the overdue job has nothing more to do with it.
    expect(keys.finding({ ...f, status: 'rectifying', deadline, escalation: 'supervisor' })).toHaveProperty(
      'gsi3pk',
    );
    // …and joins the admins' escalation list instead, by when it turned overdue.
    const overdueSince = '2025-04-01T00:15:00.000Z';
    expect(
      keys.finding({ ...f, status: 'rectifying', deadline, escalation: 'admin', overdueSince }),
    ).toMatchObject({
      gsi3pk: 'FINDINGS#ESCALATED#ADMIN',
      gsi3sk: `${overdueSince}#F-1`,
    });
    expect(keys.finding({ ...f, status: 'resolved', escalation: 'admin' })).not.toHaveProperty('gsi3pk');
  });

  it('sort events by version, in a partition of their own (0040)', () => {
    expect(keys.findingEvent('F-1', 2).sk < keys.findingEvent('F-1', 10).sk).toBe(true);
    expect(keys.findingEvent('F-1', 2).pk).toBe('EVENT#FINDING#F-1');
  });
});

describe('planFindingList', () => {
  it('lists an officer’s or supervisor’s own zones, a named zone of theirs, and 404s another', () => {
    expect(planFindingList(scopeFor(officerZ1), {})).toEqual({ by: 'zone', ids: ['Z1'] });
    expect(planFindingList(scopeFor(supEast), {})).toEqual({ by: 'zone', ids: ['Z1', 'Z2'] });
    expect(planFindingList(scopeFor(supEast), { zone: 'Z2' })).toEqual({ by: 'zone', ids: ['Z2'] });
    expect(() => planFindingList(scopeFor(officerZ1), { zone: 'Z2' })).toThrow(NotFoundError);
  });

  it('makes an admin name a zone, and refuses volunteers', () => {
    // Issue 15.4: the admin lists the whole city without naming a zone (one city-wide partition).
    expect(planFindingList(scopeFor(admin), {})).toEqual({ by: 'city', ids: [] });
    expect(planFindingList(scopeFor(admin), { zone: 'W1' })).toEqual({ by: 'zone', ids: ['W1'] });
    expect(() => planFindingList(scopeFor(volunteer), {})).toThrow(ForbiddenError);
  });

  it('lists grid people’s own cells, and a named cell for anyone whose area holds it', () => {
    expect(planFindingList(scopeFor(worker), {})).toEqual({ by: 'cell', ids: ['C1'] });
    expect(planFindingList(scopeFor(admin), { cell: 'C9' })).toEqual({ by: 'cell', ids: ['C9'] });
    expect(planFindingList(scopeFor(officerZ1), { cell: 'C1' })).toEqual({ by: 'cell', ids: ['C1'] });
    expect(() => planFindingList(scopeFor(worker), { cell: 'C3' })).toThrow(NotFoundError);
    expect(() => planFindingList(scopeFor(worker), { zone: 'Z1' })).toThrow(NotFoundError);
  });
});

describe('planTodoList', () => {
  it('gives officers their zones’ cases awaiting a step, supervisors the overdue, admins the escalated and the unzoned', () => {
    const officer = planTodoList(scopeFor(officerZ1));
    expect(officer).toMatchObject({ kind: 'list', plan: { by: 'zone', ids: ['Z1'] } });
    expect(officer.kind === 'list' && officer.statuses).not.toContain('resolved');
    expect(planTodoList(scopeFor(supEast))).toEqual({
      kind: 'list',
      plan: { by: 'zone', ids: ['Z1', 'Z2'] },
      overdue: true,
    });
    expect(planTodoList(scopeFor(admin))).toMatchObject({ kind: 'city' });
    expect(planTodoList(scopeFor(worker))).toEqual({ kind: 'none' });
    expect(planTodoList(scopeFor(volunteer))).toEqual({ kind: 'none' });
  });
});

describe('reportTimeRange', () => {
  it('takes a date as its whole day in the city’s time zone, and an instant as given', () => {
    expect(reportTimeRange({ from: '2026-11-01', to: '2026-11-30' }, 'Asia/Shanghai')).toEqual({
      from: '2026-10-31T16:00:00.000Z',
      to: '2026-11-30T15:59:59.999Z',
    });
    expect(reportTimeRange({ from: '2026-11-01T08:00:00+08:00' }, 'Asia/Shanghai')).toEqual({
      from: '2026-11-01T00:00:00.000Z',
    });
    // Across a daylight-saving change the day is still whole (23 hours here).
    expect(reportTimeRange({ from: '2026-03-29', to: '2026-03-29' }, 'Europe/Berlin')).toEqual({
      from: '2026-03-28T23:00:00.000Z',
      to: '2026-03-29T21:59:59.999Z',
    });
    expect(reportTimeRange({}, 'Asia/Shanghai')).toEqual({});
  });

  it('refuses a range that ends before it starts, naming `to`', () => {
    expect(() => reportTimeRange({ from: '2026-11-02', to: '2026-11-01' }, 'Asia/Shanghai')).toThrow(
      expect.objectContaining({ details: [{ path: 'query.to', message: 'must not be before from' }] }),
    );
  });

  it('accepts only instants with an offset or dates in the query', () => {
    expect(FindingListQuery.safeParse({ from: '2026-11-01T08:00:00' }).success).toBe(false);
    expect(FindingListQuery.safeParse({ from: 'yesterday' }).success).toBe(false);
    expect(FindingListQuery.parse({ overdue: 'true', from: '2026-11-01' })).toMatchObject({ overdue: true });
  });
});
