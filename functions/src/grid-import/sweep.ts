/**
 * The scheduled sweep of grid imports (job `grid-imports`, docs/decisions/0021): an import job that
 * died (timeout, crash, a start event never delivered) stops sending its heartbeat; its version is
 * marked failed as stalled and what it wrote is deleted. Kept apart from job.ts so that the jobs
 * function does not bundle the object store.
 */
import { inEnglish, isStalled, localTime, message } from '@gridpatrol/core';
import {
  cleanupGridVersion,
  failGridImport,
  type GridVersionMeta,
  listUnsettledGridVersions,
} from '@gridpatrol/store';
import { cityConfig, logger } from '../runtime';

export interface SweepCounts {
  scanned: number;
  /** Stalled imports marked failed, plus failed versions whose leftovers were deleted. */
  changed: number;
  conflicts: number;
}

/**
 * The scheduled sweep (job `grid-imports`): a 'writing' version whose import has sent no heartbeat
 * for the city's `importStallMinutes` is marked failed as stalled; every failed version not yet
 * cleaned up is. Reads only the versions in the sweep's sparse index partition (writing, or failed
 * and not cleaned up), not the whole versions list.
 */
export async function sweepGridImports(now: Date, stallMinutes = cityConfig().grid.importStallMinutes) {
  const counts: SweepCounts = { scanned: 0, changed: 0, conflicts: 0 };
  const unsettled = await listUnsettledGridVersions();
  counts.scanned = unsettled.length;
  for (const v of unsettled) {
    if (await sweepOne(v, now, stallMinutes)) counts.changed += 1;
  }
  return counts;
}

async function sweepOne(v: GridVersionMeta, now: Date, stallMinutes: number): Promise<boolean> {
  if (isStalled(v, now, stallMinutes)) {
    const last = v.heartbeatAt ?? v.createdAt;
    const text = message('import.stalled', { last: localTime(last), minutes: stallMinutes });
    const failed = await failGridImport(
      v.version,
      { code: 'stalled', message: inEnglish(text), text },
      [],
      now,
    );
    if (failed) logger.warn('grid import: stalled, marked failed', { version: v.version, last });
    await cleanupGridVersion(v.version, now);
    return true;
  }
  if (v.status === 'failed' && !v.cleanedAt) {
    await cleanupGridVersion(v.version, now);
    return true;
  }
  return false;
}
