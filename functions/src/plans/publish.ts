/**
 * Publishing a plan, resumably (docs/decisions/0010-plan-storage.md): the header goes to
 * `publishing`; the superseded plan (if any) has its not-yet-completed tasks cancelled and is marked
 * superseded; each draft task becomes assigned with its two schedule entries (or is cancelled when
 * the old plan completed that cell's slot meanwhile); the header goes to `published` last. Every
 * task step is its own version-checked transaction with its event, and each step skips what is
 * already done, so a retried publish (after a timeout or a crash) finishes the job and a publish of
 * a published plan changes nothing.
 */
import {
  assertDraftPeopleActive,
  ConflictError,
  message,
  NotFoundError,
  type Notification,
  type PatrolTask,
  type PlanRecord,
  planNotifications,
  publishCheck,
  type TaskEvent,
  taskStep,
} from '@gridpatrol/core';
import {
  allPlanTasks,
  getPatrolTask,
  getPeople,
  getPlan,
  plansOfWeek,
  TASK_STEPS_PER_TRANSACTION,
  updatePlanStatus,
  writeTaskStep,
  writeTaskSteps,
} from '@gridpatrol/store';
import { logger } from '../runtime';

/** Task transactions in flight at once (each of up to TASK_STEPS_PER_TRANSACTION tasks). */
const PARALLEL = 8;

async function eachLimited<T>(items: readonly T[], fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, worker));
}

/**
 * Applies `step` to a task, re-reading it when someone changed it in between (a check-in, a
 * reassignment): `step` returns null when, as read, nothing is left to do.
 */
async function stepTask(
  task: PatrolTask,
  step: (t: PatrolTask) => { after: PatrolTask; event: TaskEvent } | null,
  notesOf: NotesOf,
): Promise<void> {
  let current: PatrolTask | undefined = task;
  for (let attempt = 0; attempt < 4 && current; attempt++) {
    const change = step(current);
    if (!change) return;
    try {
      await writeTaskStep(current, change.after, change.event, notesOf(change.after));
      return;
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      current = await getPatrolTask(task.id);
    }
  }
  throw new ConflictError(message('plan.taskKeptChanging', { id: task.id }));
}

/**
 * Steps every task `decide` moves, a few per transaction with their counters merged (fewer meetings
 * on the city's and the office's counter items); a batch that finds a task changed meanwhile is
 * redone task by task, each re-read.
 */
/** The notifications that ride with a task's step (a plan's publication: a person's first task). */
type NotesOf = (after: PatrolTask) => Notification[];
const NO_NOTES: NotesOf = () => [];

async function stepAll(
  tasks: readonly PatrolTask[],
  decide: (t: PatrolTask) => { after: PatrolTask; event: TaskEvent } | null,
  notesOf: NotesOf = NO_NOTES,
): Promise<void> {
  const batches: PatrolTask[][] = [];
  for (let i = 0; i < tasks.length; i += TASK_STEPS_PER_TRANSACTION)
    batches.push(tasks.slice(i, i + TASK_STEPS_PER_TRANSACTION));
  await eachLimited(batches, async (batch) => {
    const steps = batch.flatMap((before) => {
      const change = decide(before);
      return change
        ? [{ before, after: change.after, event: change.event, notifications: notesOf(change.after) }]
        : [];
    });
    if ((await writeTaskSteps(steps)) === 'stale') for (const t of batch) await stepTask(t, decide, notesOf);
  });
}

const slotKey = (t: Pick<PatrolTask, 'cellId' | 'date' | 'shift'>) => `${t.cellId}|${t.date}|${t.shift}`;

/** Cancels the not-yet-completed tasks of a superseded plan and marks it superseded by `by`. */
async function supersedeOld(old: PlanRecord, by: PlanRecord, actor: TaskEvent['actor'], at: string) {
  const tasks = await allPlanTasks(old.id);
  await stepAll(tasks, (cur) =>
    cur.status === 'draft' || cur.status === 'assigned'
      ? taskStep(cur, 'cancelled', 'cancel', actor, at, {
          note: `plan ${old.id} superseded by ${by.id}`,
          detail: { supersededBy: by.id },
        })
      : null,
  );
  if (old.status !== 'superseded') {
    const done = await updatePlanStatus(old, ['published', 'publishing'], {
      status: 'superseded',
      supersededBy: by.id,
    });
    if (!done) {
      const now = await getPlan(old.id);
      if (now?.status !== 'superseded' || now.supersededBy !== by.id)
        throw new ConflictError(message('plan.changedWhileSuperseded', { id: old.id }));
    }
  }
  return tasks;
}

/**
 * A draft naming a person deactivated since it was made is not published (docs/decisions/0025):
 * checked before publishing starts, against the people's current records.
 */
async function refuseDeactivatedPeople(plan: PlanRecord): Promise<void> {
  const tasks = await allPlanTasks(plan.id);
  const ids = [...new Set(tasks.flatMap((t) => [t.officerId, t.partnerId]))];
  const people = await getPeople(ids);
  assertDraftPeopleActive(
    plan.id,
    tasks,
    people.filter((p) => p !== undefined),
  );
}

/**
 * Each person of the plan's pairs hears of it once, with their number of tasks: the item rides in
 * the transaction that assigns their first task in the plan's order (docs/decisions/0052). The
 * first task is chosen over the tasks assigned already and those about to be, so a publish resumed
 * after a crash picks the same one (already written with its item: nothing more is written).
 */
async function publicationNotes(
  plan: PlanRecord,
  tasks: readonly PatrolTask[],
  completed: ReadonlySet<string>,
  actorId: string,
  at: string,
): Promise<NotesOf> {
  const published = tasks.filter(
    (t) => t.status === 'assigned' || (t.status === 'draft' && !completed.has(slotKey(t))),
  );
  const ids = [...new Set(published.flatMap((t) => [t.officerId, t.partnerId]))];
  const people = (await getPeople(ids)).filter((p) => p !== undefined);
  const notes = planNotifications(plan, published, people, actorId, at);
  return (t) => [t.officerId, t.partnerId].flatMap((id) => notes.get(`${t.id}|${id}`) ?? []);
}

/**
 * Publishes a plan (idempotent: a published plan is answered as it is). 409 when another plan of
 * the week is published and this one does not supersede it, or when it was itself superseded; 422
 * when a draft names a deactivated person.
 */
export async function publishPlan(planId: string, actor: TaskEvent['actor'], now: Date): Promise<PlanRecord> {
  const at = now.toISOString();
  let plan = await getPlan(planId);
  if (!plan) throw new NotFoundError('plan', planId);
  const week = await plansOfWeek(plan.officeId, plan.weekStart);
  if (publishCheck(plan, week) === 'done') return plan;
  if (plan.status === 'draft') {
    await refuseDeactivatedPeople(plan);
    const moved = await updatePlanStatus(plan, ['draft'], { status: 'publishing' });
    if (!moved) {
      // A twin publish moved it first: carry on from what it is now.
      plan = await getPlan(planId);
      if (!plan) throw new NotFoundError('plan', planId);
      if (publishCheck(plan, week) === 'done') return plan;
    } else plan = moved;
  }
  const completed = new Set<string>();
  if (plan.supersedes) {
    const old = await getPlan(plan.supersedes);
    if (old)
      for (const t of await supersedeOld(old, plan, actor, at))
        if (t.status === 'completed') completed.add(slotKey(t));
  }
  // Completed tasks of the old plan are re-read after cancelling: one completed meanwhile is kept.
  if (plan.supersedes)
    for (const t of await allPlanTasks(plan.supersedes))
      if (t.status === 'completed') completed.add(slotKey(t));
  const tasks = await allPlanTasks(plan.id);
  const decide = (cur: PatrolTask) => {
    if (cur.status !== 'draft') return null;
    return completed.has(slotKey(cur))
      ? taskStep(cur, 'cancelled', 'cancel', actor, at, {
          note: 'the superseded plan already completed this cell in this shift',
        })
      : taskStep(cur, 'assigned', 'publish', actor, at);
  };
  await stepAll(tasks, decide, await publicationNotes(plan, tasks, completed, actor.id, at));
  const assigned = tasks.filter((t) => t.status === 'draft' && !completed.has(slotKey(t))).length;
  const cancelled = tasks.filter((t) => t.status === 'draft' && completed.has(slotKey(t))).length;
  const current = plan;
  const published = await updatePlanStatus(current, ['publishing'], {
    status: 'published',
    publishedAt: at,
    publishedBy: actor.id,
  });
  logger.info('plan published', { planId, assigned, cancelled, supersedes: plan.supersedes });
  if (published) return published;
  const after = await getPlan(planId);
  if (after?.status === 'published') return after;
  throw new ConflictError(message('plan.changedWhilePublished', { id: planId }));
}
