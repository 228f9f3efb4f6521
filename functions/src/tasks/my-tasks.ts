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
  type RenderContext,
  render,
  taskRange,
  taskWindow,
  visitingOrder,
} from '@gridpatrol/core';
import {
  getPatrolTasks,
  getPerson,
  listTaskHistory,
  openFindingsOfCells,
  taskIdsOfPerson,
} from '@gridpatrol/store';
import { now } from '../clock';
import { gridTopology } from '../grid-cache';
import { cityConfig } from '../runtime';
import { cellOf, readableTask } from './access';

/** Statuses a pair sees in its list: published and not cancelled by a newer plan. */
const LISTED = new Set<PatrolTask['status']>(['assigned', 'completed', 'missed']);

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
  const cellInfo = new Map(
    await Promise.all(
      cellIds.map(async (id) => [id, topology ? await cellOf(topology.version, id) : undefined] as const),
    ),
  );
  const otherIds = [...new Set(tasks.map((t) => (t.officerId === caller.id ? t.partnerId : t.officerId)))];
  const people = new Map(await Promise.all(otherIds.map(async (id) => [id, await getPerson(id)] as const)));
  const findings = await openFindingsOfCells(cellIds);

  // An officer's shifts: the cells of each (date, shift) in visiting order.
  const shifts: { date: string; name: string; start: string; end: string; taskIds: string[] }[] = [];
  const officerTasks = tasks.filter((t) => t.officerId === caller.id);
  const byShift = new Map<string, PatrolTask[]>();
  for (const t of officerTasks) {
    const k = `${t.shiftStart}#${t.shift}#${t.date}`;
    byShift.set(k, [...(byShift.get(k) ?? []), t]);
  }
  const position = new Map<string, { position: number; of: number }>();
  for (const group of byShift.values()) {
    const first = group[0] as PatrolTask;
    const order = visitingOrder(
      group.map((t) => ({ id: t.id, centroid: cellInfo.get(t.cellId)?.centroid ?? [0, 0] })),
    );
    order.forEach((id, i) => {
      position.set(id, { position: i + 1, of: order.length });
    });
    shifts.push({
      date: first.date,
      name: first.shift,
      start: first.shiftStart,
      end: first.shiftEnd,
      taskIds: order,
    });
  }

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
  await readableTask(id, caller);
  return listTaskHistory(id, page.cursor, page.limit);
}
