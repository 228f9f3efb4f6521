/**
 * Baseline censuses (issue 7): a header item, its numbers in chunk items in the same partition,
 * and a pointer naming the current baseline (docs/decisions/0014-baseline-census.md).
 *
 * A baseline is written numbers first and header last, with the pointer in the header's
 * transaction: a crash in between leaves only chunk items that no header names (nothing lists
 * them, and a retry writes a new id), never half a baseline.
 */

import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import {
  type AreaCensus,
  BaselineRecord,
  baselinePartOf,
  type CounterArea,
  type Counters,
  censusOf,
} from '@gridpatrol/core';
import { batchGet, batchPut } from './batch';
import { documentClient, tableName } from './client';
import { getCounters } from './counters';
import type { Page } from './cursor';
import { recordOf } from './item';
import { keys, primaryKey } from './keys';
import { partitionPage } from './query';
import { transactWrite } from './transact';

/** Stored numbers of one area: [census, total, rejected, openDuplicate]. */
type Packed = [number, number, number, number];

const toBaseline = (item: Record<string, unknown>) => BaselineRecord.parse(recordOf(item));
const pack = (c: AreaCensus): Packed => [c.census, c.total, c.rejected, c.openDuplicate];
const unpack = (area: CounterArea, p: Packed | undefined): AreaCensus =>
  p ? { area, census: p[0], total: p[1], rejected: p[2], openDuplicate: p[3] } : censusOf(area, undefined);

export const newBaselineId = (): string => `B-${randomUUID().replaceAll('-', '').slice(0, 20)}`;

/** Counter reads running at once: each reads up to 500 areas, 100 per BatchGetItem. */
const COUNTER_READS_IN_FLIGHT = 8;
const AREAS_PER_READ = 500;

/**
 * The counters of many areas (a city's 20k cells), several BatchGet streams at a time.
 *
 * @example await readCountersOf(censusAreas(offices, topology))
 */
export async function readCountersOf(areas: readonly CounterArea[]): Promise<Counters> {
  const slices: CounterArea[][] = [];
  for (let i = 0; i < areas.length; i += AREAS_PER_READ) slices.push(areas.slice(i, i + AREAS_PER_READ));
  const out: Counters = {};
  let next = 0;
  const worker = async () => {
    while (next < slices.length) {
      const slice = slices[next++] ?? [];
      Object.assign(out, await getCounters(slice));
    }
  };
  await Promise.all(Array.from({ length: COUNTER_READS_IN_FLIGHT }, worker));
  return out;
}

/**
 * Writes a baseline: its numbers in `header.parts` chunks, then (in one transaction) its header and
 * the pointer making it current.
 */
export async function createBaseline(header: BaselineRecord, numbers: readonly AreaCensus[]): Promise<void> {
  const chunks: Record<string, Packed>[] = Array.from({ length: header.parts }, () => ({}));
  for (const n of numbers) {
    const chunk = chunks[baselinePartOf(n.area, header.parts)];
    if (chunk) chunk[n.area] = pack(n);
  }
  await batchPut(
    chunks.map((areas, i) => ({ ...keys.baselinePart(header.id, i), entity: 'baselinePart', areas })),
  );
  const table = tableName();
  await transactWrite([
    {
      Put: {
        TableName: table,
        Item: { ...keys.baseline(header), entity: 'baseline', ...header },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    {
      Put: {
        TableName: table,
        Item: { ...keys.baselinePointer(), entity: 'baselinePointer', currentId: header.id },
      },
    },
  ]);
}

export async function getBaseline(id: string): Promise<BaselineRecord | undefined> {
  const out = await documentClient().send(
    new GetCommand({ TableName: tableName(), Key: keys.baselineById(id), ConsistentRead: true }),
  );
  return out.Item ? toBaseline(out.Item) : undefined;
}

/** A page of baseline headers, newest counted first. */
export function listBaselines(cursor?: string, limit = 50): Promise<Page<BaselineRecord>> {
  return partitionPage({ index: 'gsi1', pk: 'BASELINES', descending: true }, toBaseline, cursor, limit);
}

/**
 * The id of the current baseline: the one the pointer names (the newest made, or the one a city
 * admin made current since); undefined before the first baseline.
 */
export async function getCurrentBaselineId(): Promise<string | undefined> {
  const out = await documentClient().send(
    new GetCommand({ TableName: tableName(), Key: keys.baselinePointer(), ConsistentRead: true }),
  );
  const id = out.Item?.currentId;
  return typeof id === 'string' ? id : undefined;
}

/** The current baseline's header, if any. */
export async function getCurrentBaseline(): Promise<BaselineRecord | undefined> {
  const id = await getCurrentBaselineId();
  return id !== undefined ? getBaseline(id) : undefined;
}

/** Makes an existing baseline current (the caller checked it exists). */
export async function setCurrentBaseline(id: string): Promise<void> {
  await documentClient().send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...keys.baselinePointer(), entity: 'baselinePointer', currentId: id },
    }),
  );
}

/**
 * One baseline's numbers for some areas, in the order asked: only the chunks holding them are read.
 * An area the baseline did not count reads as zeros.
 *
 * @example await getBaselineNumbers(baseline, ['city', 'zone#Z1'])
 */
export async function getBaselineNumbers(
  baseline: Pick<BaselineRecord, 'id' | 'parts'>,
  areas: readonly CounterArea[],
): Promise<AreaCensus[]> {
  const wanted = [...new Set(areas.map((a) => baselinePartOf(a, baseline.parts)))].sort((a, b) => a - b);
  const stored = new Map<CounterArea, Packed>();
  const items = await batchGet(wanted.map((n) => primaryKey(keys.baselinePart(baseline.id, n))));
  for (const item of items) {
    const chunk = (item?.areas ?? {}) as Record<string, Packed>;
    for (const [area, p] of Object.entries(chunk)) stored.set(area, p);
  }
  return areas.map((a) => unpack(a, stored.get(a)));
}
