/**
 * What activating a draft would change, and whether it may go ahead unreviewed
 * (docs/decisions/0022-reviewed-activation.md). Pure: the caller reads the two versions' cells and
 * zones and the people, open findings and future tasks that name the cells or zones the draft
 * drops, through indexed queries; this compares them.
 */
import { ConflictError, detail, type ErrorDetail } from '../errors';
import type { DroppedArea } from '../geo/dropped-area';
import { type Message, type MessageKey, message } from '../messages';

export interface DiffCell {
  readonly id: string;
  readonly areaM2: number;
  readonly primaryZone: string | null;
}

export interface DiffVersion {
  readonly version: number;
  readonly cells: readonly DiffCell[];
  readonly zones: readonly { readonly id: string }[];
}

/** A person as far as the diff cares: the cells and zones they serve. */
export interface DiffPerson {
  readonly id: string;
  readonly role: string;
  readonly cells?: readonly string[];
  readonly zones?: readonly string[];
}

export interface DiffFinding {
  readonly id: string;
  readonly cellId: string | null;
  readonly status: string;
}

export interface DiffTask {
  readonly id: string;
  readonly cellId: string;
  readonly date: string;
  readonly planId: string;
}

export interface GridDiffInput {
  readonly active: DiffVersion;
  readonly draft: DiffVersion;
  /** People serving any cell or zone the draft drops (others cannot be stranded). */
  readonly people: readonly DiffPerson[];
  /** Open findings in the cells the draft drops. */
  readonly openFindings: readonly DiffFinding[];
  /** Published tasks from today on in the cells the draft drops. */
  readonly futureTasks: readonly DiffTask[];
  /** The active land the draft no longer covers, by geometry (`droppedAreaOfIndexes`). */
  readonly droppedArea: Pick<DroppedArea, 'activeM2' | 'droppedM2'>;
  /** City config grid.maxDroppedAreaShare. */
  readonly maxDroppedAreaShare: number;
}

/** A cell whose area changes by more than this share counts as reshaped (float noise is not). */
const RESHAPE_SHARE = 0.001;

export type GridDiff = {
  readonly fromVersion: number;
  readonly toVersion: number;
  readonly cells: {
    readonly before: number;
    readonly after: number;
    readonly added: string[];
    readonly removed: string[];
    readonly reshaped: { id: string; areaBeforeM2: number; areaAfterM2: number; changeM2: number }[];
    readonly primaryZoneChanged: { id: string; before: string | null; after: string | null }[];
  };
  readonly zones: { readonly added: string[]; readonly removed: string[] };
  /** People who serve a cell or zone that would no longer exist, with those cells and zones. */
  readonly strandedPeople: { id: string; role: string; cells: string[]; zones: string[] }[];
  readonly strandedFindings: { id: string; cellId: string; status: string }[];
  readonly strandedTasks: { id: string; cellId: string; date: string; planId: string }[];
  /**
   * The active grid's land the draft no longer covers, by geometry (whatever the cells' ids):
   * `droppedShare` is that over the active area.
   */
  readonly area: { activeM2: number; droppedM2: number; droppedShare: number; maxDroppedShare: number };
  /** Why activation needs `force` and a reason: empty when it may go ahead. */
  readonly blockers: ErrorDetail[];
};

const byId = <T extends { id: string }>(xs: readonly T[]) => new Map(xs.map((x) => [x.id, x]));
const sorted = (xs: Iterable<string>) => [...xs].sort();
const round = (n: number) => Math.round(n * 10) / 10;

/**
 * Compares a draft with the active version and names what activation would strand.
 *
 * @example
 *   diffGrids({ active, draft, people, openFindings, futureTasks, droppedArea, maxDroppedAreaShare: 0.05 }).blockers
 *   // [{ path: 'people', message: '2 people serve cells or zones the draft drops: worker-liu (…), …' }, …]
 */
export function diffGrids(input: GridDiffInput): GridDiff {
  const { active, draft } = input;
  const before = byId(active.cells);
  const after = byId(draft.cells);
  const added = sorted(draft.cells.filter((c) => !before.has(c.id)).map((c) => c.id));
  const removed = sorted(active.cells.filter((c) => !after.has(c.id)).map((c) => c.id));
  const removedCells = new Set(removed);
  const reshaped: GridDiff['cells']['reshaped'] = [];
  const primaryZoneChanged: GridDiff['cells']['primaryZoneChanged'] = [];
  for (const c of active.cells) {
    const next = after.get(c.id);
    if (!next) continue;
    const change = next.areaM2 - c.areaM2;
    if (Math.abs(change) > RESHAPE_SHARE * Math.max(c.areaM2, 1))
      reshaped.push({
        id: c.id,
        areaBeforeM2: round(c.areaM2),
        areaAfterM2: round(next.areaM2),
        changeM2: round(change),
      });
    if (next.primaryZone !== c.primaryZone)
      primaryZoneChanged.push({ id: c.id, before: c.primaryZone, after: next.primaryZone });
  }
  const zonesBefore = new Set(active.zones.map((z) => z.id));
  const zonesAfter = new Set(draft.zones.map((z) => z.id));
  const removedZones = new Set([...zonesBefore].filter((z) => !zonesAfter.has(z)));

  const strandedPeople = input.people
    .map((p) => ({
      id: p.id,
      role: p.role,
      cells: sorted((p.cells ?? []).filter((c) => removedCells.has(c))),
      zones: sorted((p.zones ?? []).filter((z) => removedZones.has(z))),
    }))
    .filter((p) => p.cells.length + p.zones.length > 0)
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  const strandedFindings = input.openFindings
    .filter((f): f is DiffFinding & { cellId: string } => f.cellId !== null && removedCells.has(f.cellId))
    .map((f) => ({ id: f.id, cellId: f.cellId, status: f.status }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  const strandedTasks = input.futureTasks
    .filter((t) => removedCells.has(t.cellId))
    .map((t) => ({ id: t.id, cellId: t.cellId, date: t.date, planId: t.planId }))
    .sort((a, b) => (a.date + a.id < b.date + b.id ? -1 : 1));

  const { activeM2, droppedM2 } = input.droppedArea;
  const droppedShare = activeM2 > 0 ? droppedM2 / activeM2 : 0;
  const area = {
    activeM2: round(activeM2),
    droppedM2: round(droppedM2),
    droppedShare: Math.round(droppedShare * 10_000) / 10_000,
    maxDroppedShare: input.maxDroppedAreaShare,
  };
  const blockers: ErrorDetail[] = [];
  const names = (xs: readonly string[]) =>
    `${xs.slice(0, 10).join(', ')}${xs.length > 10 ? `, … (${xs.length - 10} more)` : ''}`;
  const list = (xs: readonly string[]): Message | string =>
    xs.length > 10
      ? message('list.more', { list: xs.slice(0, 10).join(', '), more: xs.length - 10 })
      : xs.join(', ');
  // Each blocker's English is kept as it was (`original`); other readers get the catalogue's words.
  const blocker = (path: string, key: MessageKey, ids: readonly string[], english: string) =>
    detail(path, { ...message(key, { count: ids.length, list: list(ids) }), original: english });
  if (strandedPeople.length > 0) {
    const ids = strandedPeople.map((p) => `${p.id} (${[...p.cells, ...p.zones].join(', ')})`);
    blockers.push(
      blocker(
        'people',
        'grid.blocker.people',
        ids,
        `${strandedPeople.length} ${strandedPeople.length === 1 ? 'person serves' : 'people serve'} cells or zones the draft drops: ${names(ids)}`,
      ),
    );
  }
  if (strandedFindings.length > 0) {
    const ids = strandedFindings.map((f) => `${f.id} (${f.cellId})`);
    blockers.push(
      blocker(
        'findings',
        'grid.blocker.findings',
        ids,
        `${strandedFindings.length} open finding${strandedFindings.length === 1 ? ' lies' : 's lie'} in cells the draft drops: ${names(ids)}`,
      ),
    );
  }
  if (strandedTasks.length > 0) {
    const ids = strandedTasks.map((t) => `${t.id} (${t.cellId}, ${t.date})`);
    blockers.push(
      blocker(
        'tasks',
        'grid.blocker.tasks',
        ids,
        `${strandedTasks.length} published future task${strandedTasks.length === 1 ? ' is' : 's are'} in cells the draft drops: ${names(ids)}`,
      ),
    );
  }
  if (droppedShare > input.maxDroppedAreaShare) {
    const share = (droppedShare * 100).toFixed(1);
    const max = (input.maxDroppedAreaShare * 100).toFixed(1);
    const text = message('grid.blocker.area', { share, removed: removed.length, max });
    blockers.push(detail('area', text));
  }
  return {
    fromVersion: active.version,
    toVersion: draft.version,
    cells: {
      before: active.cells.length,
      after: draft.cells.length,
      added,
      removed,
      reshaped,
      primaryZoneChanged,
    },
    zones: {
      added: sorted([...zonesAfter].filter((z) => !zonesBefore.has(z))),
      removed: sorted(removedZones),
    },
    strandedPeople,
    strandedFindings,
    strandedTasks,
    area,
    blockers,
  };
}

/** Who forced an activation past its blockers, when and why: kept on the version for good. */
export interface ActivationOverride {
  readonly by: string;
  readonly at: string;
  readonly reason: string;
  readonly blockers: readonly ErrorDetail[];
}

/**
 * Refuses an activation the diff has blockers for (409 naming each), unless it is forced with a
 * reason; returns the override to record when it was forced past blockers.
 *
 * @example reviewActivation(diff, { force: true, reason: 'Street merger, people moved next week' }, 'admin', now)
 */
export function reviewActivation(
  diff: GridDiff,
  request: { readonly force?: boolean; readonly reason?: string } | undefined,
  by: string,
  now: Date,
): ActivationOverride | undefined {
  if (diff.blockers.length === 0) return undefined;
  if (!request?.force || !request.reason)
    throw new ConflictError(
      message('grid.wouldStrand', {
        version: diff.toVersion,
        active: diff.fromVersion,
        what: diff.blockers.map((b) => b.path).join(', '),
      }),
      diff.blockers,
    );
  return { by, at: now.toISOString(), reason: request.reason, blockers: diff.blockers };
}
