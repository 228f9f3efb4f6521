/**
 * Patrol tasks as their pairs do them: reading a task, a person's tasks by shift start (gsi2), the
 * open findings of the task cells, the assigned tasks whose shift has ended (gsi3), and writing one
 * step of a task. Every step is ONE TransactWriteItems (DESIGN.md): the task conditioned on the
 * version read, its immutable event conditioned on not existing, and the Idempotency-Key's record
 * when the step came under one. Counters follow from the table's stream (core `taskCounterDeltas`
 * of the task's old and new image, docs/decisions/0028). See docs/decisions/0011-patrol-execution.md.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, detail, message, type Notification, PatrolTask, TaskEvent } from '@gridpatrol/core';
import { batchGet } from './batch';
import { conditionalWrite, documentClient, tableName } from './client';
import type { TransactItem } from './counters';
import type { Page } from './cursor';
import { historyPage } from './events';
import { type OpenFindingSummary, openFindingsNear } from './findings-repo';
import { keyHash, keyRecordPut, readKeyRecord, requestHash } from './idempotency';
import { recordOf } from './item';
import { keys, primaryKey, TASKS_DUE_PARTITION } from './keys';
import { type ChangeExtras, notificationPuts } from './notifications-repo';
import { partitionItems, partitionPage } from './query';
import { transactWrite } from './transact';

/** The stored item of a task: its record under keys.patrolTask (gsi3 only while assigned). */
export const patrolTaskItem = (t: PatrolTask) => ({ ...keys.patrolTask(t), entity: 'patrol_task', ...t });
export const taskEventItem = (e: TaskEvent) => ({
  ...keys.taskEvent(e.taskId, e.version),
  entity: 'task_event',
  ...e,
});
/** A published task's entry in one person's schedule: where it is, not a copy (read the task by id). */
export const taskMembershipItem = (t: PatrolTask, personId: string, as: 'officer' | 'partner') => ({
  ...keys.taskMembership(t.id, personId, t.shiftStart),
  entity: 'task_membership',
  taskId: t.id,
  planId: t.planId,
  personId,
  as,
  cellId: t.cellId,
  date: t.date,
  shift: t.shift,
  shiftStart: t.shiftStart,
  shiftEnd: t.shiftEnd,
});

/** States whose task is in its pair's schedules (published and not cancelled). */
const SCHEDULED: ReadonlySet<PatrolTask['status']> = new Set(['assigned', 'completed', 'missed']);

/**
 * The schedule entries a step changes: the old pair's removed and the new pair's written when the
 * task enters or leaves the schedules, or changes partner, officer or shift; nothing otherwise.
 */
function membershipChanges(before: PatrolTask, after: PatrolTask, table: string): TransactItem[] {
  const was = SCHEDULED.has(before.status);
  const is = SCHEDULED.has(after.status);
  const same =
    was === is &&
    before.officerId === after.officerId &&
    before.partnerId === after.partnerId &&
    before.shiftStart === after.shiftStart;
  if (same) return [];
  const put = is
    ? [
        taskMembershipItem(after, after.officerId, 'officer'),
        taskMembershipItem(after, after.partnerId, 'partner'),
      ]
    : [];
  const kept = new Set(put.map((m) => m.sk));
  const old = was
    ? [before.officerId, before.partnerId].map((id) => keys.taskMembership(before.id, id, before.shiftStart))
    : [];
  return [
    ...old.filter((k) => !kept.has(k.sk)).map((k) => ({ Delete: { TableName: table, Key: primaryKey(k) } })),
    ...put.map((m) => ({ Put: { TableName: table, Item: m } })),
  ];
}

export async function getPatrolTask(id: string): Promise<PatrolTask | undefined> {
  const out = await documentClient().send(
    new GetCommand({ TableName: tableName(), Key: keys.patrolTaskById(id), ConsistentRead: true }),
  );
  return out.Item ? PatrolTask.parse(recordOf(out.Item)) : undefined;
}

/** Tasks by id (missing ones left out), in the order given. */
export async function getPatrolTasks(ids: readonly string[]): Promise<PatrolTask[]> {
  const items = await batchGet(ids.map((id) => keys.patrolTaskById(id)));
  return items.flatMap((item) => (item ? [PatrolTask.parse(recordOf(item))] : []));
}

/** The most tasks one person's range read returns (31 days × a few shifts × a few cells). */
export const MAX_TASKS_PER_RANGE = 500;

/**
 * The ids of a person's published tasks whose shift starts in [startsFrom, startsBefore): one range
 * Query on their gsi2 partition (the membership items publication writes), in shift-start order.
 */
export async function taskIdsOfPerson(
  personId: string,
  startsFrom: string,
  startsBefore: string,
): Promise<string[]> {
  const pk = keys.taskMembership('', personId, '').gsi2pk;
  // `<shiftStart>#<taskId>`: a start exactly at `startsBefore` sorts after it and is left out.
  const items = await partitionItems(
    { index: 'gsi2', pk, range: { lo: startsFrom, hi: startsBefore }, projection: ['gsi2sk'] },
    MAX_TASKS_PER_RANGE,
  );
  return items.map((item) => {
    const sk = String(item.gsi2sk);
    return sk.slice(sk.indexOf('#') + 1);
  });
}

/**
 * The open findings of some cells, by cell and id: one bounded Query per cell (gsi4, as the
 * duplicate check reads them).
 */
export async function openFindingsOfCells(
  cellIds: readonly string[],
): Promise<Map<string, OpenFindingSummary[]>> {
  const byCell = new Map<string, OpenFindingSummary[]>();
  if (cellIds.length === 0) return byCell;
  for (const f of await openFindingsNear(cellIds)) {
    if (f.cellId === null) continue;
    byCell.set(f.cellId, [...(byCell.get(f.cellId) ?? []), f]);
  }
  for (const list of byCell.values()) list.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return byCell;
}

/** Findings by id, for checking a completion's list: what it needs of each (missing ones absent). */
export async function findingCellsByIds(
  ids: readonly string[],
): Promise<Map<string, { cellId: string | null; taskId?: string }>> {
  const out = new Map<string, { cellId: string | null; taskId?: string }>();
  const items = await batchGet(ids.map((id) => keys.findingById(id)));
  for (const item of items)
    if (item && item.entity === 'finding')
      out.set(String(item.id), {
        cellId: typeof item.cellId === 'string' ? item.cellId : null,
        ...(typeof item.taskId === 'string' ? { taskId: item.taskId } : {}),
      });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Idempotency
// ---------------------------------------------------------------------------------------------

/** The hash of an operation and its body, independent of field order. */
export const taskRequestHash = (operation: string, body: unknown): string => requestHash({ operation, body });

export interface TaskIdempotencyRecord {
  readonly taskId: string;
  readonly personId: string;
  readonly requestHash: string;
  /** The status and body first answered, replayed to every retry. */
  readonly status: number;
  readonly response: unknown;
  readonly createdAt: string;
}

export interface TaskIdempotencyInput {
  readonly personId: string;
  readonly key: string;
  readonly requestHash: string;
  readonly status: number;
  readonly response: unknown;
}

export async function getTaskIdempotency(
  taskId: string,
  personId: string,
  key: string,
): Promise<TaskIdempotencyRecord | undefined> {
  const i = await readKeyRecord(keys.taskIdempotency(taskId, personId, keyHash(key)));
  if (!i) return undefined;
  return {
    taskId: String(i.taskId),
    personId: String(i.personId),
    requestHash: String(i.requestHash),
    status: Number(i.status),
    response: i.response,
    createdAt: String(i.createdAt),
  };
}

// ---------------------------------------------------------------------------------------------
// Writing a step
// ---------------------------------------------------------------------------------------------

export type TaskWriteResult =
  /** Everything was written. */
  | 'written'
  /** The task is no longer at the version read: nothing was written. */
  | 'stale'
  /** The Idempotency-Key's record exists already (a twin of this request won): nothing was written. */
  | 'key-taken';

/** The items of one step besides its key record and counters: the task (version-checked), its event, the schedule entries it changes. */
function stepItems(before: PatrolTask, after: PatrolTask, event: TaskEvent, table: string): TransactItem[] {
  return [
    {
      Put: {
        TableName: table,
        Item: patrolTaskItem(after),
        ConditionExpression: '#version = :expected',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':expected': before.version },
      },
    },
    {
      Put: { TableName: table, Item: taskEventItem(event), ConditionExpression: 'attribute_not_exists(pk)' },
    },
    ...membershipChanges(before, after, table),
  ];
}

/**
 * Writes one step of a task in one transaction: the task (version-checked), its event, the key's
 * record (when given) and the pair's schedule entries the step changes. What the step moves in the
 * counters (publishing counts a planned patrol, cancelling takes it back) is folded in from the stream.
 * Contention alone is retried by `transactWrite` (past its budget: a 503); a failed condition is
 * answered, never retried.
 *
 * @example await writeTaskChange(before, after, event)
 */
export async function writeTaskChange(
  before: PatrolTask,
  after: PatrolTask,
  event: TaskEvent,
  idempotency?: TaskIdempotencyInput,
  /**
   * More of the same change, after the task's own items: the photos it references (0051), and who
   * hears of it (the outbox, 0052).
   */
  { extra = [], notifications = [] }: ChangeExtras = {},
): Promise<TaskWriteResult> {
  const table = tableName();
  const [task, taskEvent, ...schedule] = stepItems(before, after, event, table) as [
    TransactItem,
    TransactItem,
  ];
  // The order matters: the cancellation reasons are read by position (task 0, key record 2).
  const items: TransactItem[] = [
    task,
    taskEvent,
    ...(idempotency
      ? [
          keyRecordPut(
            table,
            keys.taskIdempotency(after.id, idempotency.personId, keyHash(idempotency.key)),
            'task_idempotency',
            {
              taskId: after.id,
              personId: idempotency.personId,
              requestHash: idempotency.requestHash,
              status: idempotency.status,
              response: idempotency.response,
              createdAt: event.at,
            },
          ),
        ]
      : []),
    ...schedule,
    ...extra,
    // The outbox (docs/decisions/0052): last, so the reasons above keep their places.
    ...notificationPuts(table, notifications),
  ];
  try {
    await transactWrite(items);
    return 'written';
  } catch (err) {
    if (!(err instanceof TransactionCanceledException)) throw err;
    const codes = (err.CancellationReasons ?? []).map((r) => r.Code ?? 'None');
    if (codes[0] === 'ConditionalCheckFailed') return 'stale';
    if (idempotency && codes[2] === 'ConditionalCheckFailed') return 'key-taken';
    if (codes.includes('ConditionalCheckFailed'))
      throw new ConflictError(message('task.storedConflict', { id: after.id }));
    // Contention past the retry budget is a 503 (unavailable.ts), never a 409: nothing of ours failed.
    throw err;
  }
}

/** One step of a task, for writeTaskSteps. */
export interface TaskStep {
  readonly before: PatrolTask;
  readonly after: PatrolTask;
  readonly event: TaskEvent;
  /** What the step tells whom (a plan's publication: a person's item rides with their first task). */
  readonly notifications?: readonly Notification[];
}

/** Tasks per writeTaskSteps call: 4 items each, well under DynamoDB's 100 a transaction. */
export const TASK_STEPS_PER_TRANSACTION = 8;

/**
 * Several planner steps (publishing a plan) in one transaction. 'stale' when any task is no longer
 * at the version read: nothing was written, and the caller steps the batch's tasks one by one.
 */
export async function writeTaskSteps(steps: readonly TaskStep[]): Promise<'written' | 'stale'> {
  if (steps.length === 0) return 'written';
  const table = tableName();
  const items = steps.flatMap((s) => [
    ...stepItems(s.before, s.after, s.event, table),
    ...notificationPuts(table, s.notifications ?? []),
  ]);
  if (items.length > 100) throw new Error(`${items.length} items exceed one transaction; write fewer steps`);
  try {
    await transactWrite(items);
    return 'written';
  } catch (err) {
    if (!(err instanceof TransactionCanceledException)) throw err;
    if ((err.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed')) return 'stale';
    throw err;
  }
}

/**
 * A manager's or the planner's step of a task (no key): as writeTaskChange, with a task changed
 * meanwhile answered as a 409 naming expectedVersion.
 */
export async function writeTaskStep(
  before: PatrolTask,
  after: PatrolTask,
  event: TaskEvent,
  notifications: readonly Notification[] = [],
): Promise<void> {
  if ((await writeTaskChange(before, after, event, undefined, { notifications })) === 'stale')
    throw new ConflictError(message('task.changed', { id: after.id, version: before.version }), [
      detail('body.expectedVersion', message('version.noLongerCurrent', { version: before.version })),
    ]);
}

/**
 * Records a joint patrol's date on the cell's planning item, only when later than the one stored
 * (monotonic: a late completion of an older task never moves it back). A planning hint, written
 * after the step's transaction.
 */
export async function recordJointPatrol(cellId: string, date: string): Promise<boolean> {
  return conditionalWrite(() =>
    documentClient().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: primaryKey(keys.cellPlanning(cellId)),
        UpdateExpression: 'SET #entity = :entity, #cellId = :cellId, #last = :date',
        ConditionExpression: 'attribute_not_exists(#last) OR #last < :date',
        ExpressionAttributeNames: {
          '#entity': 'entity',
          '#cellId': 'cellId',
          '#last': 'lastJointPatrolDate',
        },
        ExpressionAttributeValues: { ':entity': 'cell_planning', ':cellId': cellId, ':date': date },
      }),
    ),
  );
}

/**
 * A page of a task's history, oldest first: a Query on its events' partition.
 *
 * @example (await listTaskHistory(id)).items.map((e) => e.action) // ['publish', 'check_in', 'complete']
 */
export function listTaskHistory(taskId: string, cursor?: string, limit = 100): Promise<Page<TaskEvent>> {
  return historyPage(keys.taskEvent(taskId, 0).pk, (i) => TaskEvent.parse(recordOf(i)), cursor, limit);
}

/**
 * A page of the assigned tasks whose shift ended at or before `endedBy`, earliest first: one Query
 * on the gsi3 partition that holds assigned tasks only (keys.patrolTask). The index is eventually
 * consistent: the missed-task job re-reads a task before it writes.
 */
export function tasksEndedBy(endedBy: Date, cursor?: string, limit = 100): Promise<Page<PatrolTask>> {
  return partitionPage(
    { index: 'gsi3', pk: TASKS_DUE_PARTITION, range: { hi: `${endedBy.toISOString()}#~` } },
    (i) => PatrolTask.parse(recordOf(i)),
    cursor,
    limit,
  );
}
