import { TRANSITIONS } from '@gridpatrol/core/findings/lifecycle';
import { Action, ReportInput } from '@gridpatrol/core/findings/schema';
import { serverOwnedFieldsIn } from '@gridpatrol/core/people';
import { zodIssuesToDetails } from '@gridpatrol/core/validation';
import { describe, expect, it } from 'vitest';
import { findingIn, report, sampleAction } from './findings-fixtures';

const problems = (r: { success: boolean; error?: { issues: Parameters<typeof zodIssuesToDetails>[0] } }) =>
  r.success || r.error === undefined ? [] : zodIssuesToDetails(r.error.issues, 'body');

describe('ReportInput', () => {
  it('accepts a report and trims its text', () => {
    const parsed = ReportInput.parse({ ...report, businessName: '  张三小吃店 ', photos: undefined });
    expect(parsed.businessName).toBe('张三小吃店');
    expect(parsed.photos).toEqual([]);
  });

  it('names every bad field', () => {
    const r = ReportInput.safeParse({
      lon: 200,
      lat: 30,
      address: '',
      businessName: '   ',
      businessType: 'restaurant',
      kind: 'illegal',
      photos: ['../etc/passwd', '/abs'],
      colour: 'red',
    });
    expect(problems(r).map((d) => d.path)).toEqual(
      expect.arrayContaining([
        'body.lon',
        'body.address',
        'body.businessName',
        'body.kind',
        'body.photos[0]',
        'body.photos[1]',
        'body.colour',
      ]),
    );
    expect(problems(r).find((d) => d.path === 'body.businessName')?.message).toBe(
      'the business name is required',
    );
  });

  it('leaves server-owned fields to the 422 check that runs first', () => {
    expect(serverOwnedFieldsIn({ ...report, status: 'closed', version: 3 }).map((d) => d.path)).toEqual([
      'body.status',
      'body.version',
    ]);
  });
});

describe('Action', () => {
  it('requires every field the transition table lists, naming it', () => {
    const { finding, now } = findingIn('verified');
    for (const t of TRANSITIONS) {
      for (const field of t.requires) {
        const a: Record<string, unknown> = { ...sampleAction(t.action, finding, now) };
        delete a[field];
        const r = Action.safeParse(a);
        expect(r.success, `${t.action} without ${field}`).toBe(false);
        expect(problems(r).map((d) => d.path)).toContain(`body.${field}`);
      }
    }
  });

  it('requires the credit code for a licensed outcome, and only then', () => {
    const base = { action: 'resolve', expectedVersion: 3 };
    expect(problems(Action.safeParse({ ...base, outcome: 'licensed' }))).toEqual([
      { path: 'body.uscc', message: 'the unified social credit code is required when licensed' },
    ]);
    expect(
      problems(Action.safeParse({ ...base, outcome: 'ceased', uscc: '91110108551385082Q' }))[0]?.path,
    ).toBe('body.uscc');
    const typo = problems(Action.safeParse({ ...base, outcome: 'licensed', uscc: '91110108551385082R' }));
    expect(typo[0]?.message).toMatch(/expected Q \(position 18\)/);
  });

  it('normalises a credit code typed on a Chinese keyboard', () => {
    const a = Action.parse({
      action: 'resolve',
      expectedVersion: 3,
      outcome: 'licensed',
      uscc: '９１１１０１０８ ５５１３８５０８２ｑ',
    });
    expect(a.action === 'resolve' && a.uscc).toBe('91110108551385082Q');
  });

  it('wants a deadline with its offset, and refuses unknown actions and fields', () => {
    const order = { action: 'order_rectification', expectedVersion: 2 };
    expect(Action.safeParse({ ...order, deadline: '2025-07-01' }).success).toBe(false);
    expect(Action.safeParse({ ...order, deadline: '2025-07-01T23:59:59' }).success).toBe(false);
    expect(Action.safeParse({ ...order, deadline: '2025-07-01T23:59:59+08:00' }).success).toBe(true);
    expect(
      Action.safeParse({ ...order, deadline: '2025-07-01T23:59:59+08:00', status: 'closed' }).success,
    ).toBe(false);
    expect(problems(Action.safeParse({ action: 'close', expectedVersion: 2 }))[0]?.path).toBe('body.action');
    expect(Action.safeParse({ action: 'verify' }).success).toBe(false);
  });

  it('keeps reason-specific fields to their reason', () => {
    const base = { action: 'reject', expectedVersion: 1 };
    expect(Action.safeParse({ ...base, reason: 'not_found', duplicateOf: 'F-1' }).success).toBe(false);
    expect(Action.safeParse({ ...base, reason: 'duplicate', duplicateOf: 'F-1' }).success).toBe(true);
    expect(Action.safeParse({ ...base, reason: 'not_found', uscc: '914403001922038216' }).success).toBe(
      false,
    );
    expect(
      Action.safeParse({ ...base, reason: 'already_licensed', uscc: '914403001922038216' }).success,
    ).toBe(true);
  });
});
