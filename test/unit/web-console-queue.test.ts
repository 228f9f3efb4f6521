/** The findings queue's pure parts: deadlines at a glance, sort orders, the list's query, city time. */

import {
  cityDateTime,
  deadlineState,
  findingsQuery,
  sortFindings,
} from '@gridpatrol/web/app/console/queue-view';
import { describe, expect, it } from 'vitest';

const NOW = new Date('2026-12-07T12:00:00Z');
const f = (id: string, over: Record<string, unknown> = {}) => ({
  id,
  businessName: id,
  address: '',
  status: 'reported',
  reportedAt: '2026-12-01T00:00:00Z',
  ...over,
});

describe('deadlineState', () => {
  it('tells overdue, due within two days, later and none apart', () => {
    expect(deadlineState({ overdue: true, deadline: '2027-01-01T00:00:00Z' }, NOW)).toBe('overdue');
    expect(deadlineState({ deadline: '2026-12-07T11:59:59Z' }, NOW)).toBe('overdue');
    expect(deadlineState({ deadline: '2026-12-09T12:00:00Z' }, NOW)).toBe('soon');
    expect(deadlineState({ deadline: '2026-12-09T12:00:01Z' }, NOW)).toBe('later');
    expect(deadlineState({}, NOW)).toBe('none');
  });
});

describe('sortFindings', () => {
  const list = [
    f('b', { deadline: '2026-12-10T00:00:00Z', status: 'rectifying', reportedAt: '2026-12-03T00:00:00Z' }),
    f('a', { status: 'verified', reportedAt: '2026-12-05T00:00:00Z' }),
    f('c', { deadline: '2026-12-08T00:00:00Z', status: 'reported', reportedAt: '2026-12-04T00:00:00Z' }),
  ];
  it('puts the nearest deadline first and findings without one last, either way round', () => {
    expect(sortFindings(list, 'deadline', 'asc').map((x) => x.id)).toEqual(['c', 'b', 'a']);
    expect(sortFindings(list, 'deadline', 'desc').map((x) => x.id)).toEqual(['b', 'c', 'a']);
  });
  it('sorts by report time and by the loop order of states', () => {
    expect(sortFindings(list, 'reportedAt', 'desc').map((x) => x.id)).toEqual(['a', 'c', 'b']);
    expect(sortFindings(list, 'status', 'asc').map((x) => x.id)).toEqual(['c', 'a', 'b']);
  });
});

describe('findingsQuery', () => {
  it('leaves empty fields out and encodes the rest', () => {
    expect(findingsQuery({ zone: 'Z 1', overdue: 'true', from: '', cell: ' ' }, 100)).toBe(
      '/findings?zone=Z+1&overdue=true&limit=100',
    );
    expect(findingsQuery({ from: '2026-12-01', to: '2026-12-07', status: 'verified' }, 50)).toBe(
      '/findings?status=verified&from=2026-12-01&to=2026-12-07&limit=50',
    );
  });
});

describe('cityDateTime', () => {
  it("shows an instant on the city's clock, across midnight", () => {
    expect(cityDateTime('2026-12-07T17:30:00Z', 'Asia/Shanghai')).toBe('2026-12-08 01:30');
    expect(cityDateTime('2026-12-07T00:05:00Z', 'Asia/Urumqi')).toBe('2026-12-07 06:05');
  });
});
