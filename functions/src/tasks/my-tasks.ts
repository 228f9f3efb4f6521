/**
 * A pair's view of their tasks (GET /me/tasks): each task with its cell, partner, shift, window,
 * reasons explained in the reader's language, open findings of the cell, and an officer's visiting
 * order per shift. What a task holds is core's (planning/tasks); this gathers what it points to.
 */
import {
  BadRequestError,
  detail,
  explainTask,
  isPartnerOf,
  type MyTasksQuery,
  message,
  type PatrolTask,
  type Person,
  type Position,
  type RenderContext,
  render,
  taskRange,
  taskWindow,
  visitingOrder,
} from '@gridpatrol/core';
import {
  getPatrolTasks,
  getPeople,
  listTaskHistory,
  openFindingsOfCells,
  taskIdsOfPerson,
} from '@gridpatrol/store';
import { taskPhotos } from '../attachments/views';
import { now } from '../clock';
import { gridTopology } from '../grid-cache';
import { cityConfig } from '../runtime';
import { cellOf, readableTask } from './access';

/** Statuses a pair sees in its list: published and not cancelled by a newer plan. */
const LISTED = new Set<PatrolTask['status']>(['assigned', 'completed', 'missed']);

/** Tasks by their officer's round: one officer, one date and shift. */
function roundsOf(tasks: readonly PatrolTask[]): Map<string, PatrolTask[]> {
  const rounds = new Map<string, PatrolTask[]>();
  for (const t of tasks) {
    const key = `${t.officerId}#${t.shiftStart}#${t.shift}#${t.date}`;
    rounds.set(key, [...(rounds.get(key) ?? []), t]);
  }
  return rounds;
}

/** Every listed task of the round `task` belongs to: its officer's, starting when it starts. */
async function officerRoundOf(task: PatrolTask): Promise<PatrolTask[]> {
  const after = new Date(Date.parse(task.shiftStart) + 1).toISOString();
  const ids = await taskIdsOfPerson(task.officerId, task.shiftStart, after);
  return (await getPatrolTasks(ids)).filter(
    (t) =>
      LISTED.has(t.status) &&
      t.officerId === task.officerId &&
      t.shift === task.shift &&
      t.date === task.date,
  );
}

/**
 * The caller's tasks of the range the query names (the current planning week by default), with
 * the officer's shifts in visiting order. 400 naming the field for a range out of bounds.
 *
 * @example const { items, shifts } = await myTasks(caller, {}, reader)
 */
export async function myTasks(caller: Person, query: MyTasksQuery, reader: RenderContext) {
  const config = cityConfig();
  const range = taskRange(query, now(), config.timeZone);
  if ('error' in range)
    throw new BadRequestError(
      message('request.invalid', {
        where: message('request.where.query'),
        problems: message('request.problem', { path: range.path, problem: range.text }),
      }),
      [detail(range.path, range.text)],
    );
  const ids = await taskIdsOfPerson(caller.id, range.startsFrom, range.startsBefore);
  const tasks = (await getPatrolTasks(ids))
    .filter((t) => LISTED.has(t.status) && isPartnerOf(t, caller.id))
    .sort((a, b) => a.shiftStart.localeCompare(b.shiftStart) || a.cellId.localeCompare(b.cellId));

  const topology = await gridTopology();
  const cellIds = [...new Set(tasks.map((t) => t.cellId))];
  const cellInfo = new Map<string, Awaited<ReturnType<typeof cellOf>>>(
    await Promise.all(
      cellIds.map(async (id) => [id, topology ? await cellOf(topology.version, id) : undefined] as const),
    ),
  );
  const otherIds = [...new Set(tasks.map((t) => (t.officerId === caller.id ? t.partnerId : t.officerId)))];
  const people = new Map((await getPeople(otherIds)).map((p, i) => [otherIds[i] as string, p] as const));
  const findings = await openFindingsOfCells(cellIds);

  // The order of an officer's round: the cells of one (date, shift) in visiting order.
  const centroid = async (cellId: string): Promise<Position> => {
    if (!cellInfo.has(cellId))
      cellInfo.set(cellId, topology ? await cellOf(topology.version, cellId) : undefined);
    return cellInfo.get(cellId)?.centroid ?? [0, 0];
  };
  const roundOrder = async (round: readonly PatrolTask[]) =>
    visitingOrder(
      await Promise.all(round.map(async (t) => ({ id: t.id, centroid: await centroid(t.cellId) }))),
    );
  const position = new Map<string, { position: number; of: number }>();
  const place = (order: readonly string[]) =>
    order.forEach((id, i) => {
      position.set(id, { position: i + 1, of: order.length });
    });

  // The caller's own rounds, as an officer.
  const shifts: { date: string; name: string; start: string; end: string; taskIds: string[] }[] = [];
  for (const round of roundsOf(tasks.filter((t) => t.officerId === caller.id)).values()) {
    const first = round[0] as PatrolTask;
    const order = await roundOrder(round);
    place(order);
    shifts.push({
      date: first.date,
      name: first.shift,
      start: first.shiftStart,
      end: first.shiftEnd,
      taskIds: order,
    });
  }
  // As a partner: each task's place in its officer's round, so both walk the same order (issue 12).
  await Promise.all(
    [...roundsOf(tasks.filter((t) => t.officerId !== caller.id)).values()].map(async (round) =>
      place(await roundOrder(await officerRoundOf(round[0] as PatrolTask))),
    ),
  );

  const items = tasks.map((t) => {
    const otherId = t.officerId === caller.id ? t.partnerId : t.officerId;
    const other = people.get(otherId);
    const cell = cellInfo.get(t.cellId);
    const visit = position.get(t.id);
    return {
      id: t.id,
      planId: t.planId,
      status: t.status,
      version: t.version,
      as: t.officerId === caller.id ? 'officer' : 'partner',
      cell: { id: t.cellId, name: cell?.name ?? t.cellId, geometry: cell?.geometry ?? null },
      zoneId: t.zoneId,
      partner: {
        id: otherId,
        name: other?.name ?? otherId,
        role: other?.role ?? 'unknown',
        ...(other?.phone !== undefined ? { phone: other.phone } : {}),
      },
      shift: { date: t.date, name: t.shift, start: t.shiftStart, end: t.shiftEnd },
      window: taskWindow(t, config.patrols),
      reasons: t.reasons,
      explanation: render(explainTask(t), reader),
      checkIns: t.checkIns,
      ...(t.completion ? { completion: t.completion } : {}),
      openFindings: (findings.get(t.cellId) ?? []).map(({ cellId: _c, ...f }) => f),
      ...(visit ? { visit } : {}),
    };
  });
  return { from: range.from, to: range.to, items, shifts };
}

/** GET /tasks/{id}/history: the events of a task the caller may read (404 otherwise). */
export async function taskHistory(
  caller: Person,
  id: string,
  page: { cursor?: string | undefined; limit?: number | undefined },
) {
  const task = await readableTask(id, caller);
  // The history shows each photo with its flags (docs/decisions/0051) beside the page of steps.
  const [events, photos] = await Promise.all([
    listTaskHistory(id, page.cursor, page.limit),
    taskPhotos(task),
  ]);
  return { ...events, photos };
}
