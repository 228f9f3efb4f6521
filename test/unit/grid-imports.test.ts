/** Core rules of an API grid import's life (0021): when a version may be activated, when it stalled. */
import { assertActivatable, ConflictError, isStalled, UnprocessableError } from '@gridpatrol/core';
import { describe, expect, it } from 'vitest';

const base = { version: 4, createdAt: '2026-12-07T06:00:00.000Z' } as const;

describe('assertActivatable', () => {
  it('refuses a version still writing with 409 and a failed one with 422 naming its reason', () => {
    expect(() => assertActivatable({ ...base, status: 'writing' })).toThrow(ConflictError);
    expect(() => assertActivatable({ ...base, status: 'writing' })).toThrow(/poll \/grid\/imports\/4/);
    const failed = {
      ...base,
      status: 'failed' as const,
      failure: { code: 'stalled', message: 'no progress' },
    };
    expect(() => assertActivatable(failed)).toThrow(UnprocessableError);
    expect(() => assertActivatable(failed)).toThrow(/failed to import and cannot be activated: no progress/);
    for (const status of ['draft', 'active', 'superseded'] as const)
      expect(() => assertActivatable({ ...base, status })).not.toThrow();
  });
});

describe('isStalled', () => {
  const at = (iso: string) => new Date(iso);
  it('counts from the last heartbeat, else from creation, and only for writing versions', () => {
    const writing = { ...base, status: 'writing' as const, heartbeatAt: '2026-12-07T06:05:00.000Z' };
    expect(isStalled(writing, at('2026-12-07T06:15:00.000Z'), 10)).toBe(false);
    expect(isStalled(writing, at('2026-12-07T06:15:01.000Z'), 10)).toBe(true);
    expect(isStalled({ ...base, status: 'writing' }, at('2026-12-07T06:10:01.000Z'), 10)).toBe(true);
    expect(isStalled({ ...base, status: 'draft' }, at('2027-01-01T00:00:00.000Z'), 10)).toBe(false);
  });
});
