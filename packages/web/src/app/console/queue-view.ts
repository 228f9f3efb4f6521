/**
 * The findings queue's pure parts: how near a deadline is, the list's sort orders, a filter as the
 * query GET /findings reads, and an instant in the city's local time for the history.
 */
import { wallClock } from '@gridpatrol/core/calendar';

export interface QueueFinding {
  readonly id: string;
  readonly businessName: string;
  readonly address: string;
  readonly status: string;
  readonly reportedAt: string;
  readonly deadline?: string;
  readonly overdue?: boolean;
  readonly cellId?: string | null;
  readonly zoneId?: string | null;
}

export type DeadlineState = 'overdue' | 'soon' | 'later' | 'none';

const DAY = 86_400_000;

/**
 * Overdue (flagged by the API's job, or past now), due within two days, later, or no deadline.
 *
 * @example deadlineState({ deadline: '2026-12-08T15:59:59Z' }, new Date('2026-12-07T12:00:00Z')) // 'soon'
 */
export function deadlineState(f: Pick<QueueFinding, 'deadline' | 'overdue'>, now: Date): DeadlineState {
  if (f.overdue) return 'overdue';
  if (!f.deadline) return 'none';
  const left = Date.parse(f.deadline) - now.getTime();
  if (left < 0) return 'overdue';
  return left <= 2 * DAY ? 'soon' : 'later';
}

export type SortKey = 'deadline' | 'reportedAt' | 'status' | 'businessName';

/** The loop's order: what waits on a person first, what is done last. */
export const STATUS_ORDER = [
  'reported',
  'verified',
  'rectifying',
  'transferred',
  'resolved',
  'revisit_due',
  'closed',
  'rejected',
];

/**
 * The list sorted by one key (a finding without a deadline after those with one, either way).
 *
 * @example sortFindings(list, 'deadline', 'asc')[0] // the nearest deadline
 */
export function sortFindings<T extends QueueFinding>(
  list: readonly T[],
  key: SortKey,
  dir: 'asc' | 'desc',
): T[] {
  const sign = dir === 'asc' ? 1 : -1;
  const cmp = (a: T, b: T): number => {
    switch (key) {
      case 'deadline': {
        if (!a.deadline || !b.deadline) return a.deadline ? -1 : b.deadline ? 1 : 0;
        return sign * a.deadline.localeCompare(b.deadline);
      }
      case 'reportedAt':
        return sign * a.reportedAt.localeCompare(b.reportedAt);
      case 'status':
        return sign * (STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status));
      case 'businessName':
        return sign * a.businessName.localeCompare(b.businessName, 'zh-CN');
    }
  };
  return [...list].sort((a, b) => cmp(a, b) || a.id.localeCompare(b.id));
}

export interface QueueFilter {
  readonly zone?: string;
  readonly cell?: string;
  readonly status?: string;
  readonly overdue?: 'true' | 'false' | '';
  readonly from?: string;
  readonly to?: string;
}

/**
 * GET /findings's query for a filter: the empty fields left out, the rest encoded.
 *
 * @example findingsQuery({ zone: 'Z1', overdue: 'true', from: '' }, 100) // '/findings?zone=Z1&overdue=true&limit=100'
 */
export function findingsQuery(filter: QueueFilter, limit: number): string {
  const params = new URLSearchParams();
  for (const key of ['zone', 'cell', 'status', 'overdue', 'from', 'to'] as const) {
    const value = filter[key]?.trim();
    if (value) params.set(key, value);
  }
  params.set('limit', String(limit));
  return `/findings?${params.toString()}`;
}

/**
 * An instant as the city's clock and calendar show it, whatever the browser's own zone.
 *
 * @example cityDateTime('2026-12-07T01:30:00Z', 'Asia/Shanghai') // '2026-12-07 09:30'
 */
export function cityDateTime(iso: string, timeZone: string): string {
  const { year, month, day, hour, minute } = wallClock(new Date(iso), timeZone);
  return `${year}-${month}-${day} ${hour}:${minute}`;
}

/** A cell or zone as a filter offers it: its id, and the words shown and typed for it. */
export interface NameChoice {
  readonly id: string;
  readonly label: string;
}

// numeric: '第2责任区' before '第10责任区', as a person counts.
const zhCN = new Intl.Collator('zh-CN', { numeric: true });

/**
 * Cells or zones by name in the zh-CN collation (pinyin order), ties by id. A name two of them share
 * carries the id too (`东一村（C-0012）`), so that every label names exactly one.
 *
 * @example nameChoices(new Map([['C2', '西村'], ['C1', '东村']])) // [{ id: 'C1', label: '东村' }, { id: 'C2', label: '西村' }]
 */
export function nameChoices(names: ReadonlyMap<string, string>): NameChoice[] {
  const count = new Map<string, number>();
  for (const name of names.values()) count.set(name, (count.get(name) ?? 0) + 1);
  return [...names]
    .sort(([a, an], [b, bn]) => zhCN.compare(an, bn) || (a < b ? -1 : a > b ? 1 : 0))
    .map(([id, name]) => ({ id, label: (count.get(name) ?? 0) > 1 ? `${name}（${id}）` : name }));
}

/**
 * What a typed or picked cell field means: nothing (every cell), the id of the choice whose label or
 * id it is exactly, or `unknown` — never a guess, since a wrong cell would quietly list other findings.
 *
 * @example chosenId(' 东村 ', [{ id: 'C1', label: '东村' }]) // { id: 'C1' }
 * @example chosenId('', choices) // {}
 * @example chosenId('东', [{ id: 'C1', label: '东村' }]) // { unknown: '东' }
 */
export function chosenId(
  text: string,
  choices: readonly NameChoice[],
): { readonly id?: string; readonly unknown?: string } {
  const typed = text.trim();
  if (!typed) return {};
  const hit = choices.find((c) => c.label === typed) ?? choices.find((c) => c.id === typed);
  return hit ? { id: hit.id } : { unknown: typed };
}
