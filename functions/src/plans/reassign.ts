/**
 * A supervisor's move of one task: another officer and/or partner and/or slot, checked against the
 * planner's own rules (core `assertReassignable`) over every task of the plan, then written as one
 * version-checked transaction with its event (and, for a published task, its pair's schedule
 * entries moved). The task keeps its id: it names the slot it was planned in. A dry run stops after
 * the rules: the same checks, nothing written.
 */
import {
  assertReassignable,
  ConflictError,
  clearReassignmentFlag,
  detail,
  message,
  NotFoundError,
  type PatrolTask,
  type Person,
  type PlanRecord,
  type ReassignBody,
  slotWindow,
  type TaskEvent,
  taskStep,
  UnprocessableError,
} from '@gridpatrol/core';
import { getPatrolTask, getPerson, planTaskSlots, writeTaskStep } from '@gridpatrol/store';
import { requireTopology } from '../grid-cache';
import { taskOutbox } from '../notifications/outbox';
import { cityConfig } from '../runtime';

/**
 * `canSee` is the caller's read policy over people (core `canReadPerson`): a person the caller may
 * not read is treated as unknown, so the rules' messages (role, zones, days off, capacity) never
 * describe someone of another office, nor tell that their id exists.
 */
export async function reassignTask(
  plan: PlanRecord,
  taskId: string,
  body: ReassignBody,
  actor: TaskEvent['actor'],
  now: Date,
  canSee: (person: Person) => boolean,
): Promise<PatrolTask> {
  if (plan.status === 'publishing') throw new ConflictError(message('plan.beingPublished', { id: plan.id }));
  if (plan.status === 'superseded')
    throw new ConflictError(
      message('plan.supersededReassign', { id: plan.id, by: plan.supersededBy ?? '?' }),
    );
  const task = await getPatrolTask(taskId);
  if (!task || task.planId !== plan.id) throw new NotFoundError('task', taskId);
  if (task.status !== 'draft' && task.status !== 'assigned')
    throw new UnprocessableError(message('plan.taskNotMovable', { id: taskId, status: task.status }), [
      detail('params.taskId', message('plan.taskIs', { status: task.status })),
    ]);
  if (body.expectedVersion !== task.version)
    throw new ConflictError(
      message('task.versionConflict', { id: taskId, version: task.version, expected: body.expectedVersion }),
      [detail('body.expectedVersion', message('finding.versionDetail', { version: task.version }))],
    );
  const target = {
    officerId: body.officerId ?? task.officerId,
    partnerId: body.partnerId ?? task.partnerId,
    date: body.date ?? task.date,
    shift: body.shift ?? task.shift,
  };
  const visible = (p: Person | undefined) => (p && canSee(p) ? p : undefined);
  const [officer, partner, tasks, topology] = await Promise.all([
    getPerson(target.officerId).then(visible),
    getPerson(target.partnerId).then(visible),
    planTaskSlots(plan.id),
    requireTopology(plan.gridVersion),
  ]);
  const { patrols, timeZone } = cityConfig();
  const known = patrols.shiftTimes[target.shift] !== undefined;
  const window = known ? slotWindow(target.date, target.shift, patrols.shiftTimes, timeZone) : undefined;
  const { zoneId } = assertReassignable({
    slotStart: window?.start,
    now: now.toISOString(),
    task,
    target,
    officer,
    partner,
    cellZones: topology.cellZones.get(task.cellId) ?? [],
    weekStart: plan.weekStart,
    shifts: plan.shifts,
    maxTasksPerOfficerShift: plan.config.maxTasksPerOfficerShift,
    // A replacement plan's week also holds the patrols its predecessor completed.
    tasks: [
      ...tasks,
      ...(plan.exclusions?.completed ?? []).map((c, i) => ({
        ...c,
        id: `completed-${i}`,
        status: 'completed' as const,
      })),
    ],
  });
  if (!window) throw new Error(`shift '${target.shift}' passed the rules without times`);
  if (body.dryRun) return task;
  const from = { officerId: task.officerId, partnerId: task.partnerId, date: task.date, shift: task.shift };
  const moved = taskStep(task, task.status, 'reassign', actor, now.toISOString(), {
    ...(body.note !== undefined ? { note: body.note } : {}),
    detail: { from, to: target },
    patch: { ...target, zoneId, shiftStart: window.start, shiftEnd: window.end },
  });
  // A task flagged for a deactivated person is answered once that person is off it.
  const after = clearReassignmentFlag(moved.after);
  const event =
    after === moved.after
      ? moved.event
      : { ...moved.event, detail: { ...moved.event.detail, cleared: task.needsReassignment } };
  // The people put on it and taken off it hear of it with the step (docs/decisions/0052).
  await writeTaskStep(task, after, event, await taskOutbox(task, after, event));
  return after;
}
