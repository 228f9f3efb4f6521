/**
 * The grid import job: what `POST /grid/imports` hands over once it has stored the body
 * (docs/decisions/0021-async-grid-imports.md). It claims the version, reads the body, validates,
 * repairs and maps it (core buildGrid) and writes the version, which turns 'draft' last. A refused
 * file, or anything thrown, marks the version 'failed' with its reason and every error detail, and
 * its partial items are deleted. The body is deleted in every case. In AWS it runs in its own
 * function (15 min, infra/lib/grid-imports.ts); locally the local server runs it in-process.
 */
import { buildGrid, DomainError, inEnglish, message, packIndex } from '@gridpatrol/core';
import {
  claimGridImport,
  cleanupGridVersion,
  failGridImport,
  heartbeatGridVersion,
  writeGridVersion,
} from '@gridpatrol/store';
import { now } from '../clock';
import { objectStore } from '../exports/object-store';
import { cityConfig, logger } from '../runtime';
import { versionOfImportKey } from './object-key';

export type GridImportOutcome = 'draft' | 'failed' | 'skipped';

/**
 * Runs the import whose body is stored under `key`. Never throws for a bad file or a failed write:
 * the version records it.
 *
 * @example await runGridImport('grid-imports/000004-….json') // 'draft'
 */
export async function runGridImport(key: string): Promise<GridImportOutcome> {
  const version = versionOfImportKey(key);
  if (version === undefined) {
    logger.warn('grid import: not an import object', { key });
    return 'skipped';
  }
  const store = objectStore();
  const meta = await claimGridImport(version, now());
  if (!meta) {
    // A duplicate start event, or a version already failed as stalled: nothing to do.
    logger.info('grid import: version not claimable', { version });
    return 'skipped';
  }
  const started = Date.now();
  try {
    const { cells, zones } = JSON.parse(await store.get(key)) as { cells: unknown; zones: unknown };
    const built = buildGrid(cells, zones, {
      config: cityConfig(),
      strict: meta.input?.strict,
      coordSys: meta.input?.coordSys,
    });
    await heartbeatGridVersion(version, now());
    await writeGridVersion(
      version,
      {
        meta: {
          createdAt: meta.createdAt,
          createdBy: meta.createdBy,
          counts: built.report.counts,
          ...(meta.input ? { input: meta.input } : {}),
          ...(meta.jobStartedAt ? { jobStartedAt: meta.jobStartedAt } : {}),
        },
        report: built.report,
        artifact: { indexChunks: packIndex(built.index), sidecar: built.sidecar },
        cells: built.cells,
        zones: built.zones,
      },
      undefined,
      now,
    );
    logger.info('grid import: draft written', { version, ...built.report.counts, ms: Date.now() - started });
    return 'draft';
  } catch (err) {
    await failAndClean(version, err);
    return 'failed';
  } finally {
    await store.remove(key);
  }
}

async function failAndClean(version: number, err: unknown): Promise<void> {
  if (err instanceof DomainError) {
    logger.info('grid import: refused', { version, code: err.code, errors: err.details.length });
    await failGridImport(
      version,
      { code: err.code, message: err.message, ...(err.text ? { text: err.text } : {}) },
      err.details,
      now(),
    );
  } else if (err instanceof SyntaxError) {
    const text = message('import.notJson');
    await failGridImport(version, { code: 'bad_request', message: inEnglish(text), text }, [], now());
  } else {
    logger.error('grid import: failed', { version, error: err as Error });
    const text = message('import.jobFailed');
    await failGridImport(version, { code: 'internal', message: inEnglish(text), text }, [], now());
  }
  await cleanupGridVersion(version, now());
}
