/**
 * What a deactivation leaves behind (issue 15.5, docs/decisions/0025): the person's future tasks in
 * published plans are flagged for a manager to reassign (the existing reassign, under the planner's
 * rules), and the cases of zones left with no active officer join their office supervisor's to-do
 * (policy `planTodoList`). Pure: the store reads the tasks and people, these functions decide.
 */

import * as z from 'zod';
import { detail, type ErrorDetail, UnprocessableError } from '../errors';
import { lazySchema } from '../lazy-schema';
import { message } from '../messages';
import { type Person, PersonRecord } from '../people';
import { taskStep } from './plans';
import { NeedsReassignment, type PatrolTask, type TaskEvent } from './records';

/** One future task of a deactivated person, as the deactivation reports it. */
export const AffectedTask = lazySchema(() =>
  z.object({
    id: z.string(),
    planId: z.string(),
    date: z.string(),
    shift: z.string(),
    cellId: z.string(),
    /** The deactivated person's part in it. */
    as: z.enum(['officer', 'partner']),
    needsReassignment: NeedsReassignment,
  }),
);
export type AffectedTask = z.infer<typeof AffectedTask>;

/** The answer's `deactivation` block (PUT /people/{id} and `gridpatrol people import`). */
export const DeactivationReport = lazySchema(() =>
  z.object({
    personId: z.string(),
    /** Assigned tasks of published plans whose shift starts after the deactivation, flagged. */
    futureTasks: z.array(AffectedTask),
    /** Of those, how many this deactivation flagged (the others were flagged by an earlier one). */
    newlyFlagged: z.number().int().min(0),
    /** The person's zones no active zone officer serves any more: their cases wait on `movedTo`. */
    zonesWithoutOfficer: z.array(z.string()),
    /** Open findings of those zones now. */
    openFindings: z.number().int().min(0),
    /** Active supervisors of the person's office, whose to-do those cases join. */
    movedTo: z.array(z.string()),
  }),
);
export type DeactivationReport = z.infer<typeof DeactivationReport>;

/**
 * The tasks a deactivation flags: assigned (published, not done), with the person as officer or
 * partner, whose shift starts after `now`. Past and running shifts, and done tasks, stay as they
 * were: what happened is kept (DOMAIN.md "Integrity").
 *
 * @example futureTasksOf('officer-li', tasks, now).map((t) => t.id) // ['P-1.2026-12-09.am.C-1']
 */
export function futureTasksOf(personId: string, tasks: readonly PatrolTask[], now: Date): PatrolTask[] {
  const at = now.toISOString();
  return tasks
    .filter(
      (t) =>
        t.status === 'assigned' &&
        t.shiftStart > at &&
        (t.officerId === personId || t.partnerId === personId),
    )
    .sort((a, b) => a.shiftStart.localeCompare(b.shiftStart) || a.id.localeCompare(b.id));
}

/**
 * The step that flags one task for reassignment, or null when it is flagged already (a repeated
 * deactivation writes nothing twice). The task stays assigned: its pair's schedules are unchanged
 * until a manager moves it.
 *
 * @example flagForReassignment(task, 'officer-li', supervisor, now)?.after.needsReassignment?.reason // 'person_deactivated'
 */
export function flagForReassignment(
  task: PatrolTask,
  personId: string,
  actor: TaskEvent['actor'],
  now: Date,
): { after: PatrolTask; event: TaskEvent } | null {
  if (task.needsReassignment?.personId === personId) return null;
  const flag: NeedsReassignment = { reason: 'person_deactivated', personId, since: now.toISOString() };
  return taskStep(task, task.status, 'flag', actor, now.toISOString(), {
    detail: { needsReassignment: flag },
    patch: { needsReassignment: flag },
  });
}

/**
 * A task after a reassignment: the flag goes once neither of the new pair is the person it named
 * (a move of the date alone leaves it, since the deactivated person would still be on it).
 *
 * @example clearReassignmentFlag({ ...task, officerId: 'officer-zhao' }).needsReassignment // undefined
 */
export function clearReassignmentFlag(task: PatrolTask): PatrolTask {
  const flag = task.needsReassignment;
  if (!flag || task.officerId === flag.personId || task.partnerId === flag.personId) return task;
  const { needsReassignment: _cleared, ...rest } = task;
  return rest;
}

/**
 * The step a reactivation takes on one task, or null when its flag does not name the person (never
 * flagged, already cleared by an earlier reactivation, or flagged for the other of the pair): the
 * flag is removed (`unflag`) when the other of the pair is active, and otherwise moved to them
 * (`flag`), since the task still waits for a manager while either of its pair is deactivated.
 *
 * @example reactivationStep(task, 'li', true, supervisor, now)?.event.action // 'unflag'
 */
export function reactivationStep(
  task: PatrolTask,
  personId: string,
  otherActive: boolean,
  actor: TaskEvent['actor'],
  now: Date,
): { after: PatrolTask; event: TaskEvent } | null {
  const flag = task.needsReassignment;
  if (flag?.personId !== personId) return null;
  const at = now.toISOString();
  if (!otherActive) {
    const other = task.officerId === personId ? task.partnerId : task.officerId;
    const moved: NeedsReassignment = { reason: 'person_deactivated', personId: other, since: at };
    return taskStep(task, task.status, 'flag', actor, at, {
      detail: { needsReassignment: moved, replaces: flag },
      patch: { needsReassignment: moved },
    });
  }
  const step = taskStep(task, task.status, 'unflag', actor, at, { detail: { cleared: flag } });
  const { needsReassignment: _cleared, ...after } = step.after;
  return { after, event: step.event };
}

/** One future task of a reactivated person whose flag the reactivation removed or moved on. */
export const ReactivatedTask = lazySchema(() =>
  AffectedTask.omit({ needsReassignment: true }).extend({
    /** Absent when cleared; the other of the pair when they are deactivated too. */
    needsReassignment: NeedsReassignment.optional(),
  }),
);
export type ReactivatedTask = z.infer<typeof ReactivatedTask>;

/** The answer's `reactivation` block (PUT /people/{id} and `gridpatrol people import`). */
export const ReactivationReport = lazySchema(() =>
  z.object({
    personId: z.string(),
    /** Future tasks whose flag named the person and no longer needs to: now unflagged. */
    cleared: z.array(ReactivatedTask),
    /** Future tasks whose flag named the person but whose other partner is deactivated: flag moved to them. */
    stillFlagged: z.array(ReactivatedTask),
  }),
);
export type ReactivationReport = z.infer<typeof ReactivationReport>;

/** A task as the deactivation and reactivation reports list it: where, when, the person's part, its flag. */
function reportedTask(t: PatrolTask, personId: string): ReactivatedTask {
  return {
    id: t.id,
    planId: t.planId,
    date: t.date,
    shift: t.shift,
    cellId: t.cellId,
    as: partIn(t, personId),
    ...(t.needsReassignment ? { needsReassignment: t.needsReassignment } : {}),
  };
}

/**
 * The report of a reactivation, from the tasks as this run changed them (a repeat changes none).
 *
 * @example reactivationReport(li, changed).cleared.map((t) => t.id) // ['P-….2026-12-09.am.C-1']
 */
export function reactivationReport(
  person: Pick<Person, 'id'>,
  changed: readonly PatrolTask[],
): ReactivationReport {
  const entry = (t: PatrolTask) => reportedTask(t, person.id);
  return {
    personId: person.id,
    cleared: changed.filter((t) => !t.needsReassignment).map(entry),
    stillFlagged: changed.filter((t) => t.needsReassignment).map(entry),
  };
}

/**
 * Publishing a draft that names a deactivated person is refused (docs/decisions/0025): deactivation
 * flags only published tasks, so a draft made before it would otherwise hand that person new tasks
 * unflagged. Each draft task and person is named; the supervisor reassigns or redrafts first.
 * `people` are the current records of the plan's people (an unknown id is not this check's concern).
 *
 * @example assertDraftPeopleActive('P-1', tasks, [{ id: 'li', active: false }]) // throws 422 naming li's tasks
 */
export function assertDraftPeopleActive(
  planId: string,
  tasks: readonly PatrolTask[],
  people: readonly Pick<Person, 'id' | 'active'>[],
): void {
  const inactive = new Set(people.filter((p) => !p.active).map((p) => p.id));
  const details: ErrorDetail[] = [];
  const named = new Set<string>();
  const refused = new Set<string>();
  for (const t of tasks) {
    if (t.status !== 'draft') continue;
    for (const part of ['officerId', 'partnerId'] as const)
      if (inactive.has(t[part])) {
        details.push(
          detail(
            `tasks.${t.id}.${part}`,
            message('reassign.rule', {
              rule: 'inactive',
              problem: message('reassign.inactive', { id: t[part] }),
            }),
          ),
        );
        named.add(t[part]);
        refused.add(t.id);
      }
  }
  if (details.length === 0) return;
  throw new UnprocessableError(
    message('plan.deactivatedPeople', {
      id: planId,
      count: refused.size,
      people: [...named].sort().join(', '),
    }),
    details,
  );
}

/** The deactivated person's part in a task. */
export const partIn = (task: Pick<PatrolTask, 'officerId'>, personId: string): 'officer' | 'partner' =>
  task.officerId === personId ? 'officer' : 'partner';

/**
 * The report of a deactivation, from the tasks as now flagged and the to-do's new owners.
 *
 * @example deactivationReport(li, flagged, 2, { zones: ['Z-001'], openFindings: 3, movedTo: ['sup-east'] })
 */
export function deactivationReport(
  person: Pick<Person, 'id'>,
  flagged: readonly PatrolTask[],
  newlyFlagged: number,
  todo: { zones: readonly string[]; openFindings: number; movedTo: readonly string[] },
): DeactivationReport {
  return {
    personId: person.id,
    futureTasks: flagged.flatMap((t) =>
      t.needsReassignment ? [{ ...reportedTask(t, person.id), needsReassignment: t.needsReassignment }] : [],
    ),
    newlyFlagged,
    zonesWithoutOfficer: [...todo.zones].sort(),
    openFindings: todo.openFindings,
    movedTo: [...todo.movedTo].sort(),
  };
}

/**
 * PUT /people/{id} answers the saved record, for an inactive person what deactivating left, and for
 * a reactivated one the flags it removed.
 */
export const PersonSaved = lazySchema(() =>
  PersonRecord.extend({
    deactivation: DeactivationReport.optional(),
    reactivation: ReactivationReport.optional(),
  }),
);

/** POST /people/imports answers who was created and who replaced, and each deactivation's report. */
export const PeopleImportOut = lazySchema(() =>
  z.object({
    imported: z.number().int(),
    created: z.array(z.string()),
    updated: z.array(z.string()),
    deactivations: z.array(DeactivationReport),
    reactivations: z.array(ReactivationReport),
  }),
);
