/**
 * The pure pieces around the findings routes: canonical body hashing for idempotency, the
 * deterministic finding id of an Idempotency-Key, the report policy's refusal naming the cell, the
 * store keys of a finding (index entries follow its state) and the plan of a findings list.
 */
import { describe, expect, it } from 'vitest';
import { BadRequestError, ForbiddenError, NotFoundError } from '../../packages/core/src/errors';
import { canonicalJson, IdempotencyKey, ReportBody } from '../../packages/core/src/findings/api';
import { assertMayReportAt, createFinding } from '../../packages/core/src/findings/lifecycle';
import { planFindingList } from '../../packages/core/src/policy';
import { findingIdFor, requestHash } from '../../packages/store/src/findings-repo';
import { keys } from '../../packages/store/src/keys';
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

describe('reporting policy', () => {
  it('names the cell a report was refused in', () => {
    const routing = { ...routingZ1, cellId: 'C3', zoneId: 'Z2' };
    expect(() => assertMayReportAt(scopeFor(worker), routing)).toThrow(/cell 'C3'/);
    expect(() => assertMayReportAt(scopeFor(worker), { cellId: null, zoneId: null })).toThrow(ForbiddenError);
    expect(() => assertMayReportAt(scopeFor(admin), { cellId: null, zoneId: null })).not.toThrow();
  });

  it('records a converted point’s original in the report event, and nothing for WGS-84', () => {
    const base = {
      id: 'F-1',
      input: report,
      routing: routingZ1,
      reporter: worker,
      scope: scopeFor(worker),
      now: T0,
      config,
    };
    const original = { lon: 120.105, lat: 30.198, coordSys: 'gcj02' };
    expect(createFinding({ ...base, originalPoint: original }).event.data.input).toEqual(original);
    expect(
      createFinding({ ...base, originalPoint: { ...original, coordSys: 'wgs84' } }).event.data,
    ).not.toHaveProperty('input');
  });
});

describe('finding keys', () => {
  const f = createFinding({
    id: 'F-1',
    input: report,
    routing: routingZ1,
    reporter: worker,
    scope: scopeFor(worker),
    now: T0,
    config,
  }).finding;

  it('list a finding under its zone, open before shut, and under its reporter', () => {
    const k = keys.finding(f);
    expect(k).toMatchObject({ pk: 'FINDING#F-1', sk: 'FINDING', gsi1pk: 'FINDINGS#ZONE#Z1' });
    expect(k.gsi1sk.startsWith('OPEN#reported#')).toBe(true);
    expect(keys.finding({ ...f, status: 'closed' }).gsi1sk.startsWith('SHUT#closed#')).toBe(true);
    expect('OPEN#' < 'SHUT#').toBe(true);
    expect(k.gsi2pk).toBe('FINDINGS#REPORTER#liu');
    expect(keys.finding({ ...f, zoneId: null }).gsi1pk).toBe('FINDINGS#ZONE#-');
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
    expect(keys.finding({ ...f, status: 'rectifying', deadline, escalation: 'admin' })).not.toHaveProperty(
      'gsi3pk',
    );
  });

  it('sort events by version within the finding’s partition', () => {
    expect(keys.findingEvent('F-1', 2).sk < keys.findingEvent('F-1', 10).sk).toBe(true);
    expect(keys.findingEvent('F-1', 2).pk).toBe(keys.findingById('F-1').pk);
  });
});

describe('planFindingList', () => {
  it('lists an officer’s or supervisor’s own zones, a named zone of theirs, and 404s another', () => {
    expect(planFindingList(scopeFor(officerZ1), {})).toEqual(['Z1']);
    expect(planFindingList(scopeFor(supEast), {})).toEqual(['Z1', 'Z2']);
    expect(planFindingList(scopeFor(supEast), { zone: 'Z2' })).toEqual(['Z2']);
    expect(() => planFindingList(scopeFor(officerZ1), { zone: 'Z2' })).toThrow(NotFoundError);
  });

  it('makes an admin name a zone, and refuses volunteers', () => {
    expect(() => planFindingList(scopeFor(admin), {})).toThrow(BadRequestError);
    expect(planFindingList(scopeFor(admin), { zone: 'W1' })).toEqual(['W1']);
    expect(() => planFindingList(scopeFor(volunteer), {})).toThrow(ForbiddenError);
  });
});
