/**
 * Possible duplicates: grid workers of neighbouring cells, a volunteer and an officer often report
 * the same shop. A new report near an open finding with a similar name is flagged
 * `possibleDuplicateOf`; the officer then confirms (reject as duplicate) or separates it. Only a
 * flag: two shops side by side may really share a name, so nothing is merged automatically.
 *
 * Names are compared as Chinese is written: no spaces between words, so character bigrams rather
 * than words; after NFKC (full-width Ａ１（ → half-width A1( ), lower case, and with spaces,
 * punctuation and symbols dropped ('张三 小吃店（分店）' → '张三小吃店分店').
 */

import { haversineM } from '../geo/measure';
import type { ActiveGrid } from '../grid/resolve';
import type { FindingsConfig } from './lifecycle';
import { type Finding, TERMINAL_STATUSES } from './schema';

/**
 * Names at least this similar (Dice coefficient of character bigrams) are possible duplicates.
 * A name and its branch or a shortened form score well above it ('张三小吃店' / '张三 小吃店（分店）'
 * 0.8, '张三小吃店' / '张三小吃' ≈ 0.86); a name with words inserted sits on it ('王记面馆' /
 * '王记牛肉面馆' 0.5) and so does a pair sharing only a generic ending ('张三小吃店' / '李四小吃店'
 * 0.5). Both are flagged on purpose: the flag costs the officer one tap to separate, a missed
 * duplicate costs a double count in the census. The distance (30 m by default) keeps it rare.
 */
export const NAME_SIMILARITY_THRESHOLD = 0.5;

/**
 * @example normaliseBusinessName(' 张三 小吃店（分店） ') // '张三小吃店分店'
 * @example normaliseBusinessName('ＡＢＣ Mart') // 'abcmart'
 */
export function normaliseBusinessName(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{P}\p{S}\p{Z}\s]/gu, '');
}

/** Character bigrams of a normalised name (by code point, so characters outside the BMP stay whole). */
function bigrams(s: string): Map<string, number> {
  const chars = [...s];
  const grams = new Map<string, number>();
  // A one-character name has no bigram; it is compared as itself.
  if (chars.length === 1) grams.set(s, 1);
  for (let i = 0; i + 1 < chars.length; i++) {
    const g = `${chars[i]}${chars[i + 1]}`;
    grams.set(g, (grams.get(g) ?? 0) + 1);
  }
  return grams;
}

/**
 * Dice similarity of two names' character bigram multisets, after normalisation: 1 for equal
 * names, 0 for names sharing no bigram (or an empty name).
 *
 * @example nameSimilarity('张三小吃店', '张三 小吃店（分店）') // 0.8
 */
export function nameSimilarity(a: string, b: string): number {
  const na = normaliseBusinessName(a);
  const nb = normaliseBusinessName(b);
  if (na === '' || nb === '') return 0;
  if (na === nb) return 1;
  const ga = bigrams(na);
  const gb = bigrams(nb);
  let shared = 0;
  let total = 0;
  for (const n of ga.values()) total += n;
  for (const [g, n] of gb) {
    total += n;
    shared += Math.min(n, ga.get(g) ?? 0);
  }
  return total === 0 ? 0 : (2 * shared) / total;
}

export interface DuplicateCandidate {
  readonly id: string;
  readonly distanceM: number;
  readonly similarity: number;
}

/**
 * The open finding this report possibly duplicates: within `findings.duplicateDistanceM` and at
 * least `NAME_SIMILARITY_THRESHOLD` similar. The most similar wins, then the nearest, then the
 * lowest id, so the answer does not depend on the order the store read them in. Rejected and
 * closed findings are ignored even if passed.
 *
 * @example findPossibleDuplicate({ lon, lat, businessName: '张三小吃' }, nearby, config)?.id // 'F-0001'
 */
export function findPossibleDuplicate(
  report: { readonly lon: number; readonly lat: number; readonly businessName: string },
  nearbyOpenFindings: readonly Pick<Finding, 'id' | 'lon' | 'lat' | 'businessName' | 'status'>[],
  config: Pick<FindingsConfig, 'findings'>,
): DuplicateCandidate | null {
  let best: DuplicateCandidate | null = null;
  for (const f of nearbyOpenFindings) {
    if (TERMINAL_STATUSES.includes(f.status)) continue;
    const distanceM = haversineM(report.lon, report.lat, f.lon, f.lat);
    if (distanceM > config.findings.duplicateDistanceM) continue;
    const similarity = nameSimilarity(report.businessName, f.businessName);
    if (similarity < NAME_SIMILARITY_THRESHOLD) continue;
    const c = { id: f.id, distanceM, similarity };
    if (
      best === null ||
      c.similarity > best.similarity ||
      (c.similarity === best.similarity &&
        (c.distanceM < best.distanceM || (c.distanceM === best.distanceM && c.id < best.id)))
    )
      best = c;
  }
  return best;
}

/**
 * Where a report's possible duplicates can lie: the cells within `duplicateDistanceM` of its point
 * (its own cell, and a neighbour when the point is near their border). The duplicate check then
 * reads the open findings of those few cells, however many a zone holds. Null when the point lies
 * in no cell: its findings are routed to no zone and the unzoned list is read instead.
 *
 * @example duplicateSearchCells(grid, { lon, lat }, config) // ['330106001001001', '330106001001002']
 */
export function duplicateSearchCells(
  grid: Pick<ActiveGrid, 'index'>,
  point: { readonly lon: number; readonly lat: number },
  resolvedCellId: string | null,
  config: Pick<FindingsConfig, 'findings'>,
): string[] | null {
  if (resolvedCellId === null) return null;
  const near = grid.index.resolve(point.lon, point.lat, {
    snapToleranceM: 0,
    accuracyM: config.findings.duplicateDistanceM,
  });
  return [...new Set([resolvedCellId, ...(near.candidates ?? [])])].sort();
}
