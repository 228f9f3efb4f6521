/**
 * The Lambda of the grid import job, started by the exports bucket's event notification when an
 * import body is stored under grid-imports/ (infra/lib/grid-imports.ts). No HTTP chain: nobody
 * calls this over the API; clients poll GET /grid/imports/{version}.
 */
import type { Context, S3Event } from 'aws-lambda';
import { logger } from '../runtime';
import { type GridImportOutcome, runGridImport } from './job';

export async function handler(event: S3Event, context?: Context): Promise<GridImportOutcome[]> {
  if (context) logger.addContext(context);
  const outcomes: GridImportOutcome[] = [];
  // S3 event keys are URL-encoded, spaces as '+'.
  for (const record of event.Records ?? [])
    outcomes.push(await runGridImport(decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '))));
  return outcomes;
}
