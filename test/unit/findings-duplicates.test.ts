import {
  findPossibleDuplicate,
  NAME_SIMILARITY_THRESHOLD,
  nameSimilarity,
  normaliseBusinessName,
} from '@gridpatrol/core/findings/duplicates';
import type { Finding } from '@gridpatrol/core/findings/schema';
import { describe, expect, it } from 'vitest';
import { config } from './findings-fixtures';

/** Metres to degrees near 30° N, for placing findings a known distance away. */
const M_PER_DEG_LAT = 111_195;
const north = (m: number) => 30.2 + m / M_PER_DEG_LAT;
const open = (
  id: string,
  businessName: string,
  metresNorth: number,
  status: Finding['status'] = 'reported',
) => ({
  id,
  businessName,
  status,
  lon: 120.1,
  lat: north(metresNorth),
});
const report = (businessName: string) => ({ lon: 120.1, lat: 30.2, businessName });

describe('business name similarity', () => {
  it('normalises spaces, punctuation, full width and case', () => {
    expect(normaliseBusinessName(' 张三 小吃店（分店） ')).toBe('张三小吃店分店');
    expect(normaliseBusinessName('ＡＢＣ　Ｍａｒｔ·便利店')).toBe('abcmart便利店');
    expect(normaliseBusinessName('老王 "烧烤" ★')).toBe('老王烧烤');
  });

  it.each([
    ['张三小吃店', '张三小吃店', 1],
    ['张三小吃店', '张三 小吃店', 1],
    ['ＡＢＣ便利店', 'abc 便利店', 1],
    ['张三小吃店', '张三 小吃店（分店）', 0.8],
    ['张三小吃店', '张三小吃', 6 / 7],
    ['王记面馆', '王记牛肉面馆', 0.5],
    ['张三小吃店', '李四小吃店', 0.5],
    ['张三小吃店', '平安理发', 0],
    ['', '张三小吃店', 0],
    ['A', 'a', 1],
  ])('%s ~ %s = %d', (a, b, expected) => {
    expect(nameSimilarity(a, b)).toBeCloseTo(expected, 10);
    expect(nameSimilarity(b, a)).toBeCloseTo(expected, 10);
  });

  it('sets the threshold at 0.5', () => {
    expect(NAME_SIMILARITY_THRESHOLD).toBe(0.5);
    expect(nameSimilarity('好又多超市', '华联超市')).toBeLessThan(NAME_SIMILARITY_THRESHOLD);
  });
});

describe('findPossibleDuplicate', () => {
  it('flags an open finding nearby with a similar name', () => {
    const hit = findPossibleDuplicate(report('张三 小吃店（分店）'), [open('F-1', '张三小吃店', 12)], config);
    expect(hit?.id).toBe('F-1');
    expect(hit?.distanceM).toBeCloseTo(12, 0);
    expect(hit?.similarity).toBeCloseTo(0.8, 10);
  });

  it('ignores findings farther than duplicateDistanceM, dissimilar, rejected or closed', () => {
    expect(findPossibleDuplicate(report('张三小吃店'), [open('F-1', '张三小吃店', 31)], config)).toBeNull();
    expect(findPossibleDuplicate(report('张三小吃店'), [open('F-1', '平安理发', 5)], config)).toBeNull();
    expect(
      findPossibleDuplicate(report('张三小吃店'), [open('F-1', '张三小吃店', 5, 'rejected')], config),
    ).toBeNull();
    expect(
      findPossibleDuplicate(report('张三小吃店'), [open('F-1', '张三小吃店', 5, 'closed')], config),
    ).toBeNull();
    const wide = { findings: { ...config.findings, duplicateDistanceM: 50 } };
    expect(findPossibleDuplicate(report('张三小吃店'), [open('F-1', '张三小吃店', 31)], wide)?.id).toBe(
      'F-1',
    );
  });

  it('picks the most similar, then the nearest, then the lowest id, whatever the order', () => {
    const candidates = [
      open('F-3', '张三小吃', 5),
      open('F-2', '张三小吃店', 20),
      open('F-1', '张三小吃店', 20),
      open('F-4', '张三小吃店', 25),
    ];
    const ids = [candidates, [...candidates].reverse()].map(
      (list) => findPossibleDuplicate(report('张三小吃店'), list, config)?.id,
    );
    expect(ids).toEqual(['F-1', 'F-1']);
  });
});
