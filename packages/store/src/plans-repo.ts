/**
 * Stored plans (docs/decisions/0010-plan-storage.md): the header (`keys.plan`, listed per office on
 * gsi1), its tasks (`keys.patrolTask`, listed per plan on gsi1), per-cell planner input and demand
 * (`keys.planCell`), the people it was made from (`keys.planPeople`), and each cell's planning record
 * (`keys.cellPlanning`). A draft is written tasks first, header last, so an unfinished draft is never
 * listed; every later change of a task is one version-checked step (tasks-repo `writeTaskStep`).
 */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  type CellDemand,
  type CellFindingStats,
  type CellPlanning,
  type PastPairing,
  PatrolTask,
  type Person,
  type PlanCell,
  PlanRecord,
  type PlanStatus,
  type StoredPlanCell,
  TaskEvent,
  type TaskSlotRef,
  type UnmetReason,
} from '@gridpatrol/core';
import { batchDelete, batchGet, batchPut, putEach } from './batch';
import { documentClient, tableName } from './client';
import { type Page } from './cursor';
import { recordOf } from './item';
import { findingZonePartition, keys, planOfficePartition } from './keys';
import { mergedIndexPage } from './merged-page';
import { everyPage, partitionItems, partitionPage } from './query';
import { patrolTaskItem, taskEventItem } from './tasks-repo';

const toPlan = (item: Record<string, unknown>) => PlanRecord.parse(recordOf(item));
const toTask = (item: Record<string, unknown>) => PatrolTask.parse(recordOf(item));
const planItem = (p: PlanRecord) => ({ ...keys.plan(p), entity: 'plan', ...p });

/** People per planPeople item: a person is well under 2 KB, so a chunk stays far below 400 KB. */
const PEOPLE_PER_CHUNK = 100;
/**
 * Pairings per planLastWeek item and draw lines per planDraw item: either is a short string or a
 * three-field object (ids of at most 64 characters), so 1,000 stay below 200 KB.
 */
const LINES_PER_CHUNK = 1000;

function chunked<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export async function getPlan(id: string): Promise<PlanRecord | undefined> {
  const out = await documentClient().send(
    new GetCommand({ TableName: tableName(), Key: { pk: `PLAN#${id}`, sk: 'PLAN' }, ConsistentRead: true }),
  );
  return out.Item ? toPlan(out.Item) : undefined;
}

/** Every plan of one week of one office (null: city-wide plans): a handful, one Query. */
export async function plansOfWeek(officeId: string | null, weekStart: string): Promise<PlanRecord[]> {
  const found = (
    await partitionItems({ index: 'gsi1', pk: planOfficePartition(officeId), prefix: `${weekStart}#` })
  ).map(toPlan);
  // The index lags the table in AWS: re-read the headers whose state decides anything.
  const fresh = await Promise.all(found.map((p) => getPlan(p.id)));
  return fresh.filter((p): p is PlanRecord => p !== undefined);
}

/**
 * A page of the plans of some offices (null: city-wide plans), by week then creation, optionally of
 * one week: one Query per partition per page (mergedIndexPage).
 */
export async function listPlans(
  offices: readonly (string | null)[],
  opts: { week?: string | undefined; cursor?: string | undefined; limit?: number | undefined },
): Promise<Page<PlanRecord>> {
  return mergedIndexPage(
    {
      pks: [...new Set(offices)].map(planOfficePartition),
      prefix: opts.week ? `${opts.week}#` : undefined,
      cursor: opts.cursor,
      limit: opts.limit ?? 50,
    },
    toPlan,
  );
}

const tasksPk = (planId: string) => `PLAN#${planId}#TASKS`;

/** A page of a plan's tasks, by date, shift start and cell. */
export function listPlanTasks(planId: string, cursor?: string, limit = 200): Promise<Page<PatrolTask>> {
  return partitionPage({ index: 'gsi1', pk: tasksPk(planId) }, toTask, cursor, limit);
}

/** Every task of a plan (a bounded set: a plan's week), page by page. */
export const allPlanTasks = (planId: string): Promise<PatrolTask[]> =>
  everyPage((cursor) => listPlanTasks(planId, cursor, 1000));

/**
 * Where every task of a plan is (who, when, which cell, status), for the reassignment rules: the
 * same Query as allPlanTasks, projected to a few fields so a plan of thousands of tasks reads fast.
 */
export async function planTaskSlots(planId: string): Promise<TaskSlotRef[]> {
  const items = await partitionItems({
    index: 'gsi1',
    pk: tasksPk(planId),
    projection: ['id', 'officerId', 'partnerId', 'date', 'shift', 'cellId', 'status'],
  });
  return items.map((i) => ({
    id: String(i.id),
    officerId: String(i.officerId),
    partnerId: String(i.partnerId),
    date: String(i.date),
    shift: String(i.shift),
    cellId: String(i.cellId),
    status: i.status as TaskSlotRef['status'],
  }));
}

/** What a draft writes besides its header. */
export interface DraftItems {
  readonly header: PlanRecord;
  readonly tasks: readonly PatrolTask[];
  readonly events: readonly TaskEvent[];
  readonly cells: readonly {
    cell: PlanCell;
    demand: CellDemand | undefined;
    unmetReason?: UnmetReason | undefined;
  }[];
  readonly people: readonly Person[];
  /** Last week's pairings the planner was given, and the lines of the draw (docs/decisions/0046). */
  readonly lastWeek: readonly PastPairing[];
  readonly drawLines: readonly string[];
}

/**
 * Writes a draft: its per-cell input and demand, its people, last week's pairings and the lines of
 * its draw (the snapshot that verifies it, docs/decisions/0046), its tasks, their first events (one
 * PutItem each: 0040), and last its header (conditioned on not existing). A plan id drafted before
 * without a header (a run
 * that stopped half-way) has its leftover tasks and snapshot items deleted first. Returns 'exists'
 * when a header of that id is already there (a twin run won; nothing is written when it is seen
 * first, else the tasks written are that run's twins).
 */
export async function writeDraft(d: DraftItems): Promise<'created' | 'exists'> {
  const planId = d.header.id;
  if (await getPlan(planId)) return 'exists';
  const leftovers = await allPlanTasks(planId);
  const keep = new Set(d.tasks.map((t) => t.id));
  const stale = leftovers.filter((t) => !keep.has(t.id));
  // Their first events stay: no function may delete an event (0040), and a history is only ever
  // read through its task, which is gone.
  await batchDelete(stale.map((t) => keys.patrolTaskById(t.id)));
  const chunks = chunked(d.people, PEOPLE_PER_CHUNK);
  const items = [
    ...d.cells.map((c) => ({
      ...keys.planCell(planId, c.cell.id),
      entity: 'plan_cell',
      planId,
      cell: c.cell,
      ...(c.demand ? { demand: c.demand } : {}),
      ...(c.unmetReason ? { unmetReason: c.unmetReason } : {}),
    })),
    ...chunks.map((people, n) => ({
      ...keys.planPeople(planId, n),
      entity: 'plan_people',
      planId,
      people,
    })),
    ...chunked(d.lastWeek, LINES_PER_CHUNK).map((pairs, n) => ({
      ...keys.planLastWeek(planId, n),
      entity: 'plan_last_week',
      planId,
      pairs,
    })),
    ...chunked(d.drawLines, LINES_PER_CHUNK).map((lines, n) => ({
      ...keys.planDraw(planId, n),
      entity: 'plan_draw',
      planId,
      lines,
    })),
    ...d.tasks.map(patrolTaskItem),
  ];
  // A redo's snapshot must not keep a chunk or cell of the run that stopped (verifying would read it).
  const writing = new Set(items.map((i) => i.sk));
  const leftover = (await partitionItems({ pk: `PLAN#${planId}`, projection: ['pk', 'sk'] })).filter(
    (i) => i.sk !== 'PLAN' && !writing.has(String(i.sk)),
  );
  await batchDelete(leftover.map((i) => ({ pk: String(i.pk), sk: String(i.sk) })));
  await batchPut(items, undefined, 8);
  await putEach(d.events.map(taskEventItem));
  try {
    await documentClient().send(
      new PutCommand({
        TableName: tableName(),
        Item: planItem(d.header),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return 'created';
  } catch (err) {
    if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return 'exists';
    throw err;
  }
}

const toPlanCell = (i: Record<string, unknown>) => ({
  cell: i.cell as PlanCell,
  ...(i.demand ? { demand: i.demand as CellDemand } : {}),
  ...(typeof i.unmetReason === 'string' ? { unmetReason: i.unmetReason as UnmetReason } : {}),
});

/** The per-cell planner input and demand of a plan (to explain or reproduce it). */
export async function planCells(planId: string): Promise<StoredPlanCell[]> {
  return queryAll(`PLAN#${planId}`, 'CELL#', toPlanCell);
}

/** A page of a plan's per-cell input and demand, by cell id (GET /plans/{id}/cells). */
export function listPlanCells(planId: string, cursor?: string, limit = 200): Promise<Page<StoredPlanCell>> {
  return partitionPage({ pk: `PLAN#${planId}`, prefix: 'CELL#' }, toPlanCell, cursor, limit);
}

/** The people a plan was made from. */
export async function planPeople(planId: string): Promise<Person[]> {
  return (await queryAll(`PLAN#${planId}`, 'PEOPLE#', (i) => i.people as Person[])).flat();
}

/** Last week's pairings a plan was drafted with (empty for plans drafted before they were kept). */
export async function planLastWeek(planId: string): Promise<PastPairing[]> {
  return (await queryAll(`PLAN#${planId}`, 'LASTWEEK#', (i) => (i.pairs ?? []) as PastPairing[])).flat();
}

/** The lines of a plan's draw, in the draw's order (`drawLine`). */
export async function planDrawLines(planId: string): Promise<string[]> {
  // As text whatever was stored, so that a damaged item is a difference the verification names.
  return (
    await queryAll(`PLAN#${planId}`, 'DRAW#', (i) => (Array.isArray(i.lines) ? i.lines.map(String) : []))
  ).flat();
}

async function queryAll<T>(pk: string, prefix: string, map: (i: Record<string, unknown>) => T): Promise<T[]> {
  return (await partitionItems({ pk, prefix })).map(map);
}

/**
 * Moves a plan's header to a new status (and other fields), conditioned on its current status being
 * one of `from`; returns the new header, or undefined when the condition failed (someone else
 * moved it: re-read).
 */
export async function updatePlanStatus(
  plan: PlanRecord,
  from: readonly PlanStatus[],
  patch: Partial<PlanRecord> & { status: PlanStatus },
): Promise<PlanRecord | undefined> {
  const next = PlanRecord.parse({ ...plan, ...patch, version: plan.version + 1 });
  const values: Record<string, unknown> = {};
  from.forEach((s, i) => {
    values[`:s${i}`] = s;
  });
  try {
    await documentClient().send(
      new PutCommand({
        TableName: tableName(),
        Item: planItem(next),
        ConditionExpression: `#status IN (${from.map((_, i) => `:s${i}`).join(', ')})`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: values,
      }),
    );
    return next;
  } catch (err) {
    if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return undefined;
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// Cell planning records

const cellPlanningOf = (cellId: string, i: Record<string, unknown> | undefined) => ({
  cellId,
  manualPriority: typeof i?.manualPriority === 'number' ? i.manualPriority : 0,
  lastJointPatrolDate: typeof i?.lastJointPatrolDate === 'string' ? i.lastJointPatrolDate : null,
  ...(typeof i?.updatedAt === 'string' ? { updatedAt: i.updatedAt } : {}),
  ...(typeof i?.updatedBy === 'string' ? { updatedBy: i.updatedBy } : {}),
});

/** Manual priority and last joint patrol of many cells (BatchGetItem, 100 at a time). */
export async function getCellPlannings(cellIds: readonly string[]): Promise<Map<string, CellPlanning>> {
  const items = await batchGet(cellIds.map((c) => keys.cellPlanning(c)));
  const out = new Map<string, CellPlanning>();
  cellIds.forEach((id, i) => {
    const item = items[i];
    if (item) out.set(id, cellPlanningOf(id, item));
  });
  return out;
}

/** Sets a cell's manual priority (0–5), leaving its last joint patrol date alone. */
export async function setCellPriority(cellId: string, priority: number, by: string, at: string) {
  const out = await documentClient().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.cellPlanning(cellId),
      UpdateExpression: 'SET #e = :e, cellId = :c, manualPriority = :p, updatedAt = :at, updatedBy = :by',
      ExpressionAttributeNames: { '#e': 'entity' },
      ExpressionAttributeValues: {
        ':e': 'cell_planning',
        ':c': cellId,
        ':p': priority,
        ':at': at,
        ':by': by,
      },
      ReturnValues: 'ALL_NEW',
    }),
  );
  return cellPlanningOf(cellId, out.Attributes);
}

// ---------------------------------------------------------------------------------------------
// The draft job's claim

/** The plan id the draft job claimed for a week of an office; the first claim wins. */
export async function claimDraft(
  officeId: string | null,
  weekStart: string,
  planId: string,
  at: string,
): Promise<string> {
  const key = keys.planDraftClaim(officeId, weekStart);
  try {
    await documentClient().send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...key, entity: 'plan_draft_claim', planId, officeId, weekStart, at },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return planId;
  } catch (err) {
    if ((err as { name?: string }).name !== 'ConditionalCheckFailedException') throw err;
    const out = await documentClient().send(
      new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }),
    );
    return String(out.Item?.planId ?? planId);
  }
}

// ---------------------------------------------------------------------------------------------
// Finding counts per cell

/**
 * Finding counts of some cells as `asOf`: open (overdue and reopened ones too) from the open part
 * of each zone's gsi1 partition, and the findings reported in the 28 days before `asOf` (open, or
 * closed; rejected ones are not findings) from the open part and a range of the closed part. One
 * bounded Query stream per zone touched, the unzoned partition included; only a few fields read.
 */
export async function findingStatsOfCells(
  zones: readonly (string | null)[],
  cellIds: ReadonlySet<string>,
  asOf: string,
): Promise<Map<string, CellFindingStats>> {
  const from = new Date(Date.parse(asOf) - 28 * 86_400_000).toISOString();
  const stats = new Map<string, { open: number; overdue: number; recent: number; reopened: number }>();
  const row = (c: string) => {
    let r = stats.get(c);
    if (!r) {
      r = { open: 0, overdue: 0, recent: 0, reopened: 0 };
      stats.set(c, r);
    }
    return r;
  };
  const tally = (items: Record<string, unknown>[], open: boolean) => {
    for (const i of items) {
      const cell = typeof i.cellId === 'string' ? i.cellId : undefined;
      if (!cell || !cellIds.has(cell)) continue;
      const r = row(cell);
      const recent = String(i.reportedAt) >= from && String(i.reportedAt) <= asOf;
      if (recent) r.recent++;
      if (!open) continue;
      r.open++;
      if (i.overdue === true) r.overdue++;
      if (Number(i.reopenCount ?? 0) > 0) r.reopened++;
    }
  };
  const projection = ['cellId', 'overdue', 'reopenCount', 'reportedAt'];
  // Zones a few at a time: a city-wide plan touches hundreds.
  const queue = [...new Set(zones)];
  const worker = async () => {
    for (let z = queue.shift(); z !== undefined; z = queue.shift()) {
      const pk = findingZonePartition(z);
      const [open, closed] = await Promise.all([
        partitionItems({ index: 'gsi1', pk, prefix: 'OPEN#', projection }),
        partitionItems({
          index: 'gsi1',
          pk,
          range: { lo: `SHUT#closed#${from}`, hi: `SHUT#closed#${asOf}~` },
          projection,
        }),
      ]);
      tally(open, true);
      tally(closed, false);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return stats;
}
