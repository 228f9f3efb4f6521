/**
 * A pair's steps on a task: check-in on site and completion. Core decides each step
 * (planning/tasks), the store writes it in one transaction with the key's record (tasks-repo);
 * see docs/decisions/0011-patrol-execution.md for windows, tolerance, joint vs solo and idempotency.
 */
import {
  assertRequiredPhotos,
  type CheckInBody,
  type CompleteBody,
  ConflictError,
  checkIn,
  completeTask as completion,
  detail,
  findingMismatch,
  message,
  type PatrolTask,
  type Person,
  type TaskEvent,
  UnprocessableError,
} from '@gridpatrol/core';
import {
  findingCellsByIds,
  getTaskIdempotency,
  recordJointPatrol,
  type TransactItem,
  taskRequestHash,
  writeTaskChange,
} from '@gridpatrol/store';
import { photoReferences } from '../attachments/reference';
import { actorOf } from '../caller';
import { now } from '../clock';
import { requireTopology } from '../grid-cache';
import { earlierAnswer, reusedKey, type Written } from '../idempotency';
import { cityConfig, logger } from '../runtime';
import { cellOf, partnerTask } from './access';

/** The first answer given under this key, when there was one; another body under it is a 422. */
const replayOf = (taskId: string, caller: Person, key: string, hash: string) =>
  earlierAnswer({
    hash,
    readRecord: () => getTaskIdempotency(taskId, caller.id, key),
    reused: reusedKey(message('idempotency.reusedRequest')),
    replay: (record): Written<PatrolTask> => ({
      status: record.status,
      body: record.response as PatrolTask,
      replayed: true,
    }),
  });

/** Times a step is decided again on a fresh read when the task changed between read and write. */
const STALE_ATTEMPTS = 3;

/**
 * Reads the task, decides the step with `decide`, writes it in one transaction; when the task
 * changed meanwhile (the partner checked in at the same moment), reads and decides again, so the
 * rules, not the timing, answer: a second completion then meets a completed task (409).
 */
async function change(
  caller: Person,
  taskId: string,
  operation: string,
  body: unknown,
  idempotencyKey: string | undefined,
  decide: (
    task: PatrolTask,
  ) => Promise<{ task: PatrolTask; event: TaskEvent | null; extra?: readonly TransactItem[] }>,
): Promise<Written<PatrolTask>> {
  const hash = taskRequestHash(operation, body);
  if (idempotencyKey !== undefined) {
    const replay = await replayOf(taskId, caller, idempotencyKey, hash);
    if (replay) return replay;
  }
  for (let attempt = 1; ; attempt++) {
    const before = await partnerTask(taskId, caller);
    const { task: after, event, extra } = await decide(before);
    // A repeated check-in: the first one stands and nothing is written.
    if (event === null) return { body: after, replayed: false };
    const written = await writeTaskChange(
      before,
      after,
      event,
      idempotencyKey !== undefined
        ? { personId: caller.id, key: idempotencyKey, requestHash: hash, status: 200, response: after }
        : undefined,
      { extra },
    );
    if (written === 'written') {
      if (after.completion?.joint) await noteJointPatrol(after);
      return { body: after, replayed: false };
    }
    if (idempotencyKey !== undefined) {
      // A twin of this request (same key) won the race: answer what it wrote.
      const replay = await replayOf(taskId, caller, idempotencyKey, hash);
      if (replay) return replay;
    }
    if (written === 'key-taken' || attempt >= STALE_ATTEMPTS)
      throw new ConflictError(message('task.changed', { id: taskId, version: before.version }));
  }
}

/** The cell's last joint patrol, for the planner's staleness; a hint, so a failure only logs. */
async function noteJointPatrol(task: PatrolTask): Promise<void> {
  try {
    await recordJointPatrol(task.cellId, task.date);
  } catch (err) {
    logger.warn('tasks: could not record the last joint patrol', { taskId: task.id, error: err as Error });
  }
}

/** A step a partner takes on a task, under the request's Idempotency-Key when it has one. */
type PartnerStep<B> = (
  caller: Person,
  taskId: string,
  body: B,
  idempotencyKey: string | undefined,
) => Promise<Written<PatrolTask>>;

/**
 * POST /tasks/{id}/check-in, by one of the pair, on site and in the window.
 *
 * @example const { body } = await checkInTask(caller, 'T-1', { position: [121.47, 31.23] }, key)
 */
export const checkInTask: PartnerStep<CheckInBody> = (caller, taskId, body, idempotencyKey) =>
  change(caller, taskId, 'check-in', body, idempotencyKey, async (task) => {
    const topology = await requireTopology();
    const cell = await cellOf(topology.version, task.cellId);
    if (!cell)
      throw new ConflictError(
        message('task.cellNotActive', { cell: task.cellId, id: task.id, version: topology.version }),
      );
    return checkIn(task, actorOf(caller), body, cell, now(), cityConfig().patrols);
  });

/**
 * POST /tasks/{id}/complete, by a partner who checked in: the checks, a note and the findings of
 * this patrol (each must lie in the task's cell, 422 naming the bad one).
 *
 * @example const { body } = await completeTask(caller, 'T-1', { checks, findingIds: [] }, key)
 */
export const completeTask: PartnerStep<CompleteBody> = (caller, taskId, body, idempotencyKey) =>
  change(caller, taskId, 'complete', body, idempotencyKey, async (task) => {
    const step = completion(task, actorOf(caller), body, now(), cityConfig().patrols);
    if (body.findingIds.length > 0) {
      const found = await findingCellsByIds(body.findingIds);
      const details = body.findingIds.flatMap((id, i) => {
        const why = findingMismatch(task, found.get(id));
        return why === null
          ? []
          : [detail(`body.findingIds[${i}]`, message('task.findingNotOfTask', { id, why }))];
      });
      if (details.length > 0)
        throw new UnprocessableError(
          message('task.findingsNotOfTask', { problems: details.flatMap((d) => (d.text ? [d.text] : [])) }),
          details,
        );
    }
    assertRequiredPhotos('complete', body.photos?.length ?? 0, cityConfig().photos.requiredFor);
    const extra = await photoReferences(
      caller,
      body.photos ?? [],
      { kind: 'task', id: task.id },
      { kind: 'task', id: task.id, action: 'complete' },
      step.event.at,
    );
    return { ...step, extra };
  });
