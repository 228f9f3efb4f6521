/**
 * The consequences of a deactivation (issue 15.5, docs/decisions/0025), shared by PUT /people/{id}
 * and `gridpatrol people import`: the person's future tasks in published plans are flagged for
 * reassignment (one version-checked step each, with its event), and the zones they leave without an
 * active officer are reported with their open findings and the supervisors whose to-do takes them
 * (policy `planTodoList` reads that staffing on every request). Run after the person is saved
 * inactive; running it again flags nothing twice, so a deactivation interrupted half-way is finished
 * by repeating it. A reactivation undoes the flags that named the person (reactivationConsequences).
 */
import {
  ConflictError,
  counterArea,
  type DeactivationReport,
  deactivationReport,
  flagForReassignment,
  futureTasksOf,
  type PatrolTask,
  type Person,
  type ReactivationReport,
  reactivationReport,
  reactivationStep,
  type TaskEvent,
  zonesWithoutActiveOfficer,
} from '@gridpatrol/core';
import {
  allPeople,
  getCounters,
  getPatrolTask,
  getPatrolTasks,
  getPerson,
  taskIdsOfPerson,
  writeTaskStep,
} from '@gridpatrol/store';

/** Past every shift start: a person's schedule from now on. */
const END_OF_TIME = '9999-12-31T23:59:59.999Z';

/** Flags one task, re-reading it once when a concurrent step changed it (a check-in, a reassign). */
async function flagged(
  task: PatrolTask,
  person: Person,
  actor: TaskEvent['actor'],
  now: Date,
): Promise<{ task: PatrolTask; changed: boolean } | undefined> {
  let current: PatrolTask | undefined = task;
  for (let attempt = 0; attempt < 2 && current; attempt++) {
    if (futureTasksOf(person.id, [current], now).length === 0) return undefined;
    const step = flagForReassignment(current, person.id, actor, now);
    if (!step) return { task: current, changed: false };
    try {
      await writeTaskStep(current, step.after, step.event);
      return { task: step.after, changed: true };
    } catch (err) {
      if (!(err instanceof ConflictError) || attempt > 0) throw err;
      current = await getPatrolTask(current.id);
    }
  }
  return undefined;
}

/** What a deactivated zone officer's cases become: zones left to nobody, their open cases, who takes them. */
async function todoHandOver(person: Person) {
  if (person.role !== 'zone_officer' || person.zones.length === 0)
    return { zones: [], openFindings: 0, movedTo: [] };
  const officers = await allPeople(
    person.zones.map((id) => ({ kind: 'zone' as const, id })),
    'zone_officer',
  );
  const zones = [
    ...zonesWithoutActiveOfficer(
      person.zones,
      officers.filter((o) => o.id !== person.id),
    ),
  ];
  const counters = await getCounters(zones.map((z) => counterArea.zone(z)));
  const openFindings = zones.reduce((n, z) => n + (counters[counterArea.zone(z)]?.open ?? 0), 0);
  const supervisors = person.office
    ? (await allPeople([{ kind: 'office', id: person.office }], 'supervisor')).filter((s) => s.active)
    : [];
  return { zones, openFindings, movedTo: supervisors.map((s) => s.id) };
}

/**
 * Flags the deactivated person's future published tasks and reports them with the hand-over of
 * their cases. `person` is the record as saved (inactive).
 *
 * @example const report = await deactivationConsequences(saved, { id: 'sup-east', role: 'supervisor' }, new Date());
 *   report.futureTasks.length // tasks now waiting for a reassignment
 */
export async function deactivationConsequences(
  person: Person,
  actor: TaskEvent['actor'],
  now: Date,
): Promise<DeactivationReport> {
  const ids = await taskIdsOfPerson(person.id, now.toISOString(), END_OF_TIME);
  const due = futureTasksOf(person.id, await getPatrolTasks(ids), now);
  const results: { task: PatrolTask; changed: boolean }[] = [];
  for (const task of due) {
    const r = await flagged(task, person, actor, now);
    if (r) results.push(r);
  }
  const newly = results.filter((r) => r.changed).length;
  return deactivationReport(
    person,
    results.map((r) => r.task),
    newly,
    await todoHandOver(person),
  );
}

/**
 * What deactivating the person would leave, written nowhere (GET /people/{id}/deactivation, shown
 * before a manager confirms): the same report as `deactivationConsequences`, with the future tasks
 * flagged as they would be and `newlyFlagged` those not flagged for the person yet.
 *
 * @example (await deactivationPreview(li, new Date())).futureTasks.length // tasks that would wait for a reassignment
 */
export async function deactivationPreview(person: Person, now: Date): Promise<DeactivationReport> {
  const ids = await taskIdsOfPerson(person.id, now.toISOString(), END_OF_TIME);
  const due = futureTasksOf(person.id, await getPatrolTasks(ids), now);
  const wouldBe = due.map((t) => flagForReassignment(t, person.id, PREVIEW_ACTOR, now)?.after ?? t);
  const newly = due.filter((t) => t.needsReassignment?.personId !== person.id).length;
  return deactivationReport(person, wouldBe, newly, await todoHandOver(person));
}

/** The actor of a step computed for a preview and never written. */
const PREVIEW_ACTOR: TaskEvent['actor'] = { id: 'preview', role: 'system' };

/**
 * Removes the flags a reactivated person's future tasks carry for them (docs/decisions/0025): one
 * version-checked step each (`unflag`), re-read once when a concurrent step changed the task; a
 * task whose other partner is deactivated keeps a flag, moved to that partner. `person` is the
 * record as saved (active). Running it again changes nothing, so it finishes an interrupted one.
 *
 * @example (await reactivationConsequences(saved, supervisor, new Date())).cleared.length // flags removed
 */
export async function reactivationConsequences(
  person: Person,
  actor: TaskEvent['actor'],
  now: Date,
): Promise<ReactivationReport> {
  const ids = await taskIdsOfPerson(person.id, now.toISOString(), END_OF_TIME);
  const flaggedForThem = futureTasksOf(person.id, await getPatrolTasks(ids), now).filter(
    (t) => t.needsReassignment?.personId === person.id,
  );
  const activeOf = new Map<string, boolean>();
  const isActive = async (id: string) => {
    if (!activeOf.has(id)) activeOf.set(id, (await getPerson(id))?.active ?? false);
    return activeOf.get(id) as boolean;
  };
  const changed: PatrolTask[] = [];
  for (const task of flaggedForThem) {
    let current: PatrolTask | undefined = task;
    for (let attempt = 0; attempt < 2 && current; attempt++) {
      if (futureTasksOf(person.id, [current], now).length === 0) break;
      const other = current.officerId === person.id ? current.partnerId : current.officerId;
      const step = reactivationStep(current, person.id, await isActive(other), actor, now);
      if (!step) break;
      try {
        await writeTaskStep(current, step.after, step.event);
        changed.push(step.after);
        break;
      } catch (err) {
        if (!(err instanceof ConflictError) || attempt > 0) throw err;
        current = await getPatrolTask(current.id);
      }
    }
  }
  return reactivationReport(person, changed);
}
