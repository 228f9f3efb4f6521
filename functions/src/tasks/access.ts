/**
 * Which tasks a caller may see, and the cells they lie in. A task outside the caller's reach is a
 * 404 exactly like a missing one: a stranger learns nothing, not even that the task exists.
 */
import {
  canReadCell,
  cellCentroid,
  isPartnerOf,
  maySeeDraftTasks,
  NotFoundError,
  type PatrolTask,
  type Person,
  type PolygonGeometry,
  type Position,
} from '@gridpatrol/core';
import { getCell, getPatrolTask } from '@gridpatrol/store';
import { activeScope } from '../scope';

/**
 * A task the caller is one of the pair of, published; 404 exactly like a missing one otherwise
 * (a stranger learns nothing, not even that the task exists).
 */
export async function partnerTask(id: string, caller: Person): Promise<PatrolTask> {
  const task = await getPatrolTask(id);
  if (!task || task.status === 'draft' || !isPartnerOf(task, caller.id)) throw new NotFoundError('task', id);
  return task;
}

/**
 * A task whose history the caller may read: one of its pair (once published), or anyone whose area
 * holds its cell (a draft: managers only). 404 exactly like a missing one otherwise.
 */
export async function readableTask(id: string, caller: Person): Promise<PatrolTask> {
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

/** A cell's name, geometry and centroid in a grid version; undefined when the version has no such cell. */
export async function cellOf(version: number, cellId: string) {
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
