/**
 * Reporting a finding: resolve the point, route it, check the reporter may report there, look for
 * a possible duplicate nearby and write it, once however often a phone retries
 * (docs/decisions/0008-findings-idempotency.md, 0012-findings-latency.md).
 */
import {
  type ActiveGrid,
  assertMayReportAt,
  assertReportLinks,
  assertRequiredPhotos,
  ConflictError,
  createFinding,
  duplicateSearchCells,
  findingAudience,
  findingNotifications,
  findPossibleDuplicate,
  type GridTopology,
  message,
  type Person,
  type ReportBody,
  resolvePoint,
  routingOf,
  type Scope,
  scopeOf,
} from '@gridpatrol/core';
import {
  createFindingTx,
  findingIdFor,
  getIdempotencyRecord,
  getPatrolTask,
  newFindingId,
  openFindingsNear,
  requestHash,
} from '@gridpatrol/store';
import { photoReferences } from '../attachments/reference';
import { actorOf } from '../caller';
import { now } from '../clock';
import { activeGridAndTopology } from '../grid-cache';
import { earlierAnswer, reusedKey, type Written } from '../idempotency';
import { readAudience } from '../notifications/outbox';
import { cityConfig } from '../runtime';
import { type FindingView, findingView } from './view';

/**
 * The first answer to a report made under this key, when there was one: the same body gets it
 * again (writing nothing), another body is refused, since the key names one submission.
 */
const replayOf = (findingId: string, hash: string, caller: Person, scope: Scope) =>
  earlierAnswer({
    hash,
    readRecord: () => getIdempotencyRecord(findingId),
    reused: reusedKey(message('idempotency.reusedReport')),
    replay: (record): Written<FindingView> => ({
      body: findingView(record.response, caller, scope),
      replayed: true,
    }),
  });

/** What the outbox's rules read of a report's event before it exists. */
const REPORT_STEP = { action: 'report', from: null, data: {} } as const;

/**
 * Resolves, routes, checks for duplicates and writes one new report. Undefined when a finding of
 * that id already exists (nothing written): the caller decides whether that is a replay.
 */
async function report(
  caller: Person,
  scope: Scope,
  grid: ActiveGrid,
  topology: GridTopology,
  body: ReportBody,
  id: string,
  hash?: string,
): Promise<Written<FindingView> | undefined> {
  const config = cityConfig();
  const task = body.taskId !== undefined ? await getPatrolTask(body.taskId) : undefined;
  assertReportLinks(body, caller.id, task);
  assertRequiredPhotos('report', body.photos.length, config.photos.requiredFor);
  const resolution = resolvePoint(grid, body, config.grid.snapToleranceM);
  const routing = routingOf(resolution, topology.zoneOffice);
  assertMayReportAt(scope, routing);
  const at = now();
  const photos = await photoReferences(
    caller,
    body.photos,
    { kind: 'report', id: caller.id },
    { kind: 'finding', id, action: 'report' },
    at.toISOString(),
  );
  // Possible duplicates lie in the cells within the duplicate distance: one small Query each. The
  // zone's officers, who hear of the report (the outbox, docs/decisions/0052), are read beside them.
  const [nearby, audience] = await Promise.all([
    openFindingsNear(duplicateSearchCells(grid, resolution.point, routing.cellId, config)),
    readAudience(findingAudience({ ...routing, reporterId: caller.id }, REPORT_STEP)),
  ]);
  const { coordSys: _coordSys, ...input } = body;
  const { finding, event } = createFinding({
    id,
    input,
    routing,
    reporter: actorOf(caller),
    scope,
    now: at,
    config,
    originalPoint: resolution.input,
    possibleDuplicateOf: findPossibleDuplicate(
      { ...routing, businessName: input.businessName },
      nearby,
      config,
    )?.id,
  });
  const written = await createFindingTx(
    finding,
    event,
    hash !== undefined ? { reporterId: caller.id, requestHash: hash } : undefined,
    { extra: photos, notifications: findingNotifications(finding, event, audience, topology) },
  );
  return written === 'created' ? { body: findingView(finding, caller, scope), replayed: false } : undefined;
}

/**
 * POST /findings: a new finding, or (under a key already used with this body) the first answer
 * again. 409 when the finding exists and no record explains it.
 *
 * @example const { body, replayed } = await reportFinding(caller, body, 'key-1')
 */
export async function reportFinding(
  caller: Person,
  body: ReportBody,
  idempotencyKey: string | undefined,
): Promise<Written<FindingView>> {
  const { grid, topology } = await activeGridAndTopology();
  const scope = scopeOf(caller, topology);
  if (idempotencyKey === undefined) {
    const created = await report(caller, scope, grid, topology, body, newFindingId());
    if (created) return created;
    throw new ConflictError(message('finding.idCollided'));
  }
  // No read before the write: the derived id makes a retry's create fail on the first one's
  // finding, and only then is the key's record read (docs/decisions/0012-findings-latency.md).
  const id = findingIdFor(caller.id, idempotencyKey);
  const hash = requestHash(body);
  try {
    const created = await report(caller, scope, grid, topology, body, id, hash);
    if (created) return created;
  } catch (err) {
    // A retry is answered as the first request was even if the point is now refused (the
    // reporter's cells or the grid changed since): the report was accepted then.
    const replay = await replayOf(id, hash, caller, scope);
    if (replay) return replay;
    throw err;
  }
  // The finding exists: this is a retry, or a twin that lost the race.
  const replay = await replayOf(id, hash, caller, scope);
  if (replay) return replay;
  throw new ConflictError(message('finding.exists', { id }));
}
