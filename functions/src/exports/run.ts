/**
 * Writes one export: the writer's text, page by page as the store reads them, streamed into the
 * object store (never the whole file in memory), then a presigned URL of it. An export that would
 * outrun the HTTP API's 30 s is stopped at EXPORT_BUDGET_MS, its upload aborted, and refused with a
 * 422 that says how to narrow it (docs/decisions/0016-exports.md).
 */
import { randomUUID } from 'node:crypto';
import {
  detail,
  type ExportOut,
  type ExportWriter,
  exportFilename,
  message,
  UnprocessableError,
} from '@gridpatrol/core';
import { cityConfig, logger } from '../runtime';
import { objectStore } from './object-store';

/** How long a download link is valid. */
export const EXPORT_URL_TTL_MS = 15 * 60_000;
/**
 * The time an export may spend reading and writing: the HTTP API ends every request at 30 s, and
 * finishing the upload and signing the URL take a little after the last page.
 */
export const EXPORT_BUDGET_MS = 26_000;

export interface ExportJob<T> {
  readonly what: 'findings' | 'tasks' | 'cells';
  /** Who asked: logged with the export (DOMAIN.md, integrity: who saw what is kept). */
  readonly by: string;
  /** The area exported, as ExportPlan.scope spells it. */
  readonly scope: string;
  readonly writer: ExportWriter<T>;
  readonly pages: AsyncIterable<readonly T[]>;
  /** @default EXPORT_BUDGET_MS */
  readonly budgetMs?: number;
}

/**
 * Runs an export to its end and answers where to fetch it.
 *
 * @example const out = await runExport({ what: 'tasks', scope: plan.scope, writer: tasksCsv(), pages })
 */
export async function runExport<T>(job: ExportJob<T>): Promise<ExportOut> {
  const started = Date.now();
  const deadline = started + (job.budgetMs ?? EXPORT_BUDGET_MS);
  const now = new Date(started);
  const store = objectStore();
  const key = `${now.toISOString().slice(0, 10)}/${randomUUID()}.${job.writer.extension}`;
  const filename = exportFilename(job.what, job.scope, job.writer.extension, now, cityConfig().timeZone);
  const sink = store.writeStream(key, { contentType: job.writer.contentType, filename });
  let rows = 0;
  let pages = 0;
  let bytes: number;
  try {
    await sink.write(job.writer.start());
    for await (const items of job.pages) {
      pages++;
      if (Date.now() > deadline) throw tooLarge(job, rows);
      if (items.length === 0) continue;
      rows += items.length;
      await sink.write(job.writer.rows(items));
    }
    await sink.write(job.writer.end());
    ({ bytes } = await sink.end());
  } catch (err) {
    await sink.abort().catch((e: unknown) => logger.warn('export abort failed', { error: e as Error }));
    throw err;
  }
  const expiresAt = new Date(Date.now() + EXPORT_URL_TTL_MS);
  const url = await store.presignedUrl(key, expiresAt);
  logger.info('export written', {
    what: job.what,
    scope: job.scope,
    key,
    rows,
    bytes,
    pages,
    ms: Date.now() - started,
  });
  return {
    url,
    expiresAt: expiresAt.toISOString(),
    scope: job.scope,
    filename,
    contentType: job.writer.contentType,
    rows,
    bytes,
    pages,
  };
}

function tooLarge(job: ExportJob<unknown>, rows: number): UnprocessableError {
  const seconds = Math.round((job.budgetMs ?? EXPORT_BUDGET_MS) / 1000);
  const narrow = message(job.what === 'cells' ? 'export.narrow.scope' : 'export.narrow.scopeOrRange');
  return new UnprocessableError(
    message('export.tooSlow', {
      what: message(`export.what.${job.what}`),
      scope: job.scope,
      seconds,
      rows,
      narrow,
    }),
    [detail('query.scope', message('export.tooSlowDetail', { seconds }))],
  );
}
