/**
 * Patrol tasks as their pairs do them: my tasks (with cell, partner, shift, reasons, open findings
 * and an officer's visiting order), check-in on site, completion. Rules are core's
 * (planning/tasks), transactions the store's (tasks-repo); see
 * docs/decisions/0011-patrol-execution.md for windows, tolerance, joint vs solo and idempotency.
 */
import {
  BadRequestError,
  ConflictError,
  canReadCell,
  cellCentroid,
  checkIn,
  completeTask,
  detail,
  explainTask,
  findingMismatch,
  isPartnerOf,
  maySeeDraftTasks,
  message,
  NotFoundError,
  type PatrolTask,
  type Person,
  type PolygonGeometry,
  type Position,
  render,
  type TaskEvent,
  taskRange,
  taskWindow,
  UnprocessableError,
  visitingOrder,
} from '@gridpatrol/core';
import {
  findingCellsByIds,
  getCell,
  getPatrolTask,
  getPatrolTasks,
  getPerson,
  getTaskIdempotency,
  listTaskHistory,
  openFindingsOfCells,
  recordJointPatrol,
  taskIdsOfPerson,
  taskRequestHash,
  writeTaskChange,
} from '@gridpatrol/store';
import { now as clockNow, setClock } from '../clock';
import { gridTopology, requireTopology } from '../grid-cache';
import { httpHandler, readerOf } from '../http/chain';
import { cityConfig, logger } from '../runtime';
import { activeScope } from '../scope';

// The time comes from the handlers' one clock (../clock), so that tests and the local server's
// `--clock` move it instead of waiting. Nothing else in this module reads the time.
const clock = clockNow;

/** The handlers' clock, under the name the tasks tests know it by; no argument restores the real one. */
export const setTasksClock = setClock;

const actor = (caller: Person) => ({ id: caller.id, role: caller.role });

/** Statuses a pair sees in its list: published and not cancelled by a newer plan. */
const LISTED = new Set<PatrolTask['status']>(['assigned', 'completed', 'missed']);

/**
 * A task the caller is one of the pair of, published; 404 exactly like a missing one otherwise
 * (a stranger learns nothing, not even that the task exists).
 */
async function partnerTask(id: string, caller: Person): Promise<PatrolTask> {
  const task = await getPatrolTask(id);
  if (!task || task.status === 'draft' || !isPartnerOf(task, caller.id)) throw new NotFoundError('task', id);
  return task;
}

/**
 * A task whose history the caller may read: one of its pair (once published), or anyone whose area
 * holds its cell (a draft: managers only). 404 exactly like a missing one otherwise.
 */
async function readableTask(id: string, caller: Person): Promise<PatrolTask> {
  const task = await getPatrolTask(id);
  if (task) {
    if (task.status !== 'draft' && isPartnerOf(task, caller.id)) return task;
    if (task.status !== 'draft' || maySeeDraftTasks(caller)) {
      const { scope } = await activeScope(caller);
      if (canReadCell(scope, task.cellId)) return task;
    }
  }
  throw new NotFoundError('task', id);
}

// Cells never change within a grid version: their geometry is cached per container.
const CELLS_KEPT = 2000;
const cells = new Map<string, { name: string; geometry: PolygonGeometry; centroid: Position }>();

async function cellOf(version: number, cellId: string) {
  const key = `${version}#${cellId}`;
  const hit = cells.get(key);
  if (hit) return hit;
  const cell = await getCell(version, cellId);
  if (!cell) return undefined;
  const entry = { name: cell.name, geometry: cell.geometry, centroid: cellCentroid(cell.geometry) };
  if (cells.size >= CELLS_KEPT) {
    const oldest = cells.keys().next().value;
    if (oldest !== undefined) cells.delete(oldest);
  }
  cells.set(key, entry);
  return entry;
}

/** The first answer given under this key, when there was one; another body under it is a 422. */
async function replayOf(taskId: string, caller: Person, key: string, hash: string) {
  const record = await getTaskIdempotency(taskId, caller.id, key);
  if (!record) return undefined;
  if (record.requestHash !== hash)
    throw new UnprocessableError(message('idempotency.reusedRequest'), [
      detail('headers.idempotency-key', message('detail.keyReused')),
    ]);
  return {
    status: record.status,
    body: record.response as PatrolTask,
    headers: { 'idempotent-replayed': 'true' },
  };
}

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
  decide: (task: PatrolTask) => Promise<{ task: PatrolTask; event: TaskEvent | null }>,
) {
  const hash = taskRequestHash(operation, body);
  if (idempotencyKey !== undefined) {
    const replay = await replayOf(taskId, caller, idempotencyKey, hash);
    if (replay) return replay;
  }
  for (let attempt = 1; ; attempt++) {
    const before = await partnerTask(taskId, caller);
    const { task: after, event } = await decide(before);
    // A repeated check-in: the first one stands and nothing is written.
    if (event === null) return { body: after };
    const written = await writeTaskChange(
      before,
      after,
      event,
      idempotencyKey !== undefined
        ? { personId: caller.id, key: idempotencyKey, requestHash: hash, status: 200, response: after }
        : undefined,
    );
    if (written === 'written') {
      if (after.completion?.joint) await noteJointPatrol(after);
      return { body: after };
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

export const handler = httpHandler('tasks', {
  listMyTasks: async ({ caller, query, event }) => {
    const reader = readerOf(event);
    const config = cityConfig();
    const range = taskRange(query, clock(), config.timeZone);
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
    return { body: { from: range.from, to: range.to, items, shifts } };
  },

  getTaskHistory: async ({ caller, params, query }) => {
    await readableTask(params.id, caller);
    return { body: await listTaskHistory(params.id, query.cursor, query.limit) };
  },

  checkInTask: async ({ caller, params, body, idempotencyKey }) =>
    change(caller, params.id, 'check-in', body, idempotencyKey, async (task) => {
      const topology = await requireTopology();
      const cell = await cellOf(topology.version, task.cellId);
      if (!cell)
        throw new ConflictError(
          message('task.cellNotActive', { cell: task.cellId, id: task.id, version: topology.version }),
        );
      return checkIn(task, actor(caller), body, cell, clock(), cityConfig().patrols);
    }),

  completeTask: async ({ caller, params, body, idempotencyKey }) =>
    change(caller, params.id, 'complete', body, idempotencyKey, async (task) => {
      const step = completeTask(task, actor(caller), body, clock(), cityConfig().patrols);
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
      return step;
    }),
});
