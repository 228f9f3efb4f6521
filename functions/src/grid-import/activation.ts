/**
 * Activation as a reviewed step (docs/decisions/0022-reviewed-activation.md), shared by
 * POST /grid/imports/{v}/activate and `gridpatrol grid import --activate`: read what the diff
 * compares through indexed queries, let core compare and decide, then move the pointer.
 */
import {
  type ActivationOverride,
  assertActivatable,
  diffGrids,
  droppedAreaOfIndexes,
  type GridDiff,
  NotFoundError,
  reviewActivation,
} from '@gridpatrol/core';
import {
  activateGridVersion,
  assignedTasksEndingAfter,
  cellSummaries,
  type GridVersionMeta,
  getGridPointer,
  getGridVersion,
  indexChunksOf,
  openFindingsInCells,
  peopleWithAreas,
  zoneIdsOf,
} from '@gridpatrol/store';
import { now as clockNow } from '../clock';

/**
 * What activating `version` would change against the active version (everything is "added" when
 * none is active). A version still writing is a 409, a failed one a 422, as for activation.
 */
export async function gridDiff(
  version: number,
  maxDroppedAreaShare: number,
  now = clockNow(),
): Promise<{ meta: GridVersionMeta; diff: GridDiff }> {
  const [meta, pointer] = await Promise.all([getGridVersion(version), getGridPointer()]);
  if (!meta) throw new NotFoundError('grid version', String(version));
  assertActivatable(meta);
  const activeVersion = pointer.activeVersion ?? 0;
  const [activeCells, activeZones, draftCells, draftZones, activeIndex, draftIndex] = await Promise.all([
    activeVersion ? cellSummaries(activeVersion) : [],
    activeVersion ? zoneIdsOf(activeVersion) : [],
    cellSummaries(version),
    zoneIdsOf(version),
    activeVersion ? indexChunksOf(activeVersion, pointer.artifact) : [],
    indexChunksOf(version, meta.artifact),
  ]);
  const kept = new Set(draftCells.map((c) => c.id));
  const keptZones = new Set(draftZones.map((z) => z.id));
  const droppedCells = activeCells.filter((c) => !kept.has(c.id)).map((c) => c.id);
  const droppedZones = activeZones.filter((z) => !keptZones.has(z.id)).map((z) => z.id);
  // Only what names a dropped cell or zone can be stranded; nothing to read when nothing is dropped.
  const dropsAny = droppedCells.length + droppedZones.length > 0;
  const [people, openFindings, futureTasks] = await Promise.all([
    dropsAny ? peopleWithAreas() : [],
    openFindingsInCells(
      droppedCells,
      activeZones.map((z) => z.id),
    ),
    droppedCells.length ? assignedTasksEndingAfter(now) : [],
  ]);
  const diff = diffGrids({
    active: { version: activeVersion, cells: activeCells, zones: activeZones },
    draft: { version, cells: draftCells, zones: draftZones },
    people,
    openFindings,
    futureTasks,
    droppedArea: droppedAreaOfIndexes(activeIndex, draftIndex),
    maxDroppedAreaShare,
  });
  return { meta, diff };
}

/**
 * Activates `version` after review: refused with 409 naming each blocker unless forced with a
 * reason, which the version records (who, when, why, and what was overridden).
 */
export async function activateReviewed(
  version: number,
  by: string,
  request: { force?: boolean; reason?: string } | undefined,
  maxDroppedAreaShare: number,
  opts: { readonly now?: Date; readonly onDiff?: (diff: GridDiff) => void } = {},
): Promise<{ meta: GridVersionMeta; diff?: GridDiff; override?: ActivationOverride }> {
  const now = opts.now ?? clockNow();
  const current = await getGridVersion(version);
  if (current?.status === 'active') return { meta: current };
  const { diff } = await gridDiff(version, maxDroppedAreaShare, now);
  opts.onDiff?.(diff);
  const override = reviewActivation(diff, request, by, now);
  const meta = await activateGridVersion(version, by, {
    now,
    expectedActive: diff.fromVersion || undefined,
    ...(override ? { override } : {}),
  });
  return { meta, diff, ...(override ? { override } : {}) };
}
