/**
 * Findings: reporting, reading, acting on and the history of unlicensed-business findings. Each
 * operation reads: schema (the manifest) → policy → core → store → response. The rules of the loop
 * are core's (findings/lifecycle), the transactions the store's (findings-repo); see
 * docs/decisions/0008-findings-idempotency.md for how retried reports stay single.
 */
import {
  type ActiveGrid,
  allowedActions,
  applyAction,
  assertMayReportAt,
  assertReportLinks,
  ConflictError,
  canReadFinding,
  createFinding,
  duplicateSearchCells,
  type Finding,
  findingRef,
  findPossibleDuplicate,
  type GridTopology,
  message,
  NotFoundError,
  type Person,
  planFindingList,
  planTodoList,
  type ReportBody,
  reportTimeRange,
  resolvePoint,
  routingOf,
  type Scope,
  scopeOf,
  zonesInheritedIfUnstaffed,
  zonesWithoutActiveOfficer,
} from '@gridpatrol/core';
import {
  allPeople,
  applyActionTx,
  createFindingTx,
  findingIdFor,
  getFinding,
  getFindingEvent,
  getIdempotencyRecord,
  getPatrolTask,
  listCityTodo,
  listFindingEvents,
  listFindings,
  listFindingsByReporter,
  newFindingId,
  openFindingsNear,
  type Page,
  requestHash,
} from '@gridpatrol/store';
import { now as clockNow } from '../clock';
import { activeGridAndTopology } from '../grid-cache';
import { httpHandler } from '../http/chain';
import { earlierAnswer, REPLAYED_HEADERS, reusedKey } from '../idempotency';
import { cityConfig } from '../runtime';
import { activeScope } from '../scope';

const actor = (caller: Person) => ({ id: caller.id, role: caller.role });

/** The finding as answered: with the actions this caller may take on it now. */
const out = (f: Finding, caller: Person, scope: Scope) => ({
  ...f,
  allowedActions: allowedActions(f, actor(caller), scope),
});

/** A finding the caller may read, else 404 exactly like a missing one (policy: no leaks). */
async function readable(id: string, scope: Scope): Promise<Finding> {
  const f = await getFinding(id);
  if (!f || !canReadFinding(scope, findingRef(f))) throw new NotFoundError('finding', id);
  return f;
}

/**
 * The first answer to a report made under this key, when there was one: the same body gets it
 * again (writing nothing), another body is refused, since the key names one submission.
 */
const replayOf = (findingId: string, hash: string, caller: Person, scope: Scope) =>
  earlierAnswer({
    hash,
    readRecord: () => getIdempotencyRecord(findingId),
    reused: reusedKey(message('idempotency.reusedReport')),
    replay: (record) => ({
      status: 201,
      body: out(record.response, caller, scope),
      headers: REPLAYED_HEADERS,
    }),
  });

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
) {
  const config = cityConfig();
  const task = body.taskId !== undefined ? await getPatrolTask(body.taskId) : undefined;
  assertReportLinks(body, caller.id, task);
  const resolution = resolvePoint(grid, body, config.grid.snapToleranceM);
  const routing = routingOf(resolution, topology.zoneOffice);
  assertMayReportAt(scope, routing);
  // Possible duplicates lie in the cells within the duplicate distance: one small Query each.
  const nearby = await openFindingsNear(duplicateSearchCells(grid, resolution.point, routing.cellId, config));
  const { coordSys: _coordSys, ...input } = body;
  const { finding, event } = createFinding({
    id,
    input,
    routing,
    reporter: actor(caller),
    scope,
    now: clockNow(),
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
  );
  return written === 'created' ? { status: 201, body: out(finding, caller, scope) } : undefined;
}

/**
 * The zones of a supervisor's scope that no active zone officer serves (one Query per zone of the
 * office, for its zone officers): their cases are the supervisor's to-do.
 */
async function orphanZones(scope: Scope): Promise<ReadonlySet<string>> {
  const zones = zonesInheritedIfUnstaffed(scope);
  if (zones.length === 0) return new Set();
  const partitions = zones.map((id) => ({ kind: 'zone' as const, id }));
  return zonesWithoutActiveOfficer(zones, await allPeople(partitions, 'zone_officer'));
}

/** GET /me/findings: what I reported, or what waits on me (policy planTodoList). */
async function myFindings(
  caller: Person,
  scope: Scope,
  query: { view: 'reported' | 'todo'; cursor?: string | undefined; limit?: number | undefined },
): Promise<Page<Finding>> {
  if (query.view === 'reported') return listFindingsByReporter(caller.id, query.cursor, query.limit);
  const todo = planTodoList(scope, await orphanZones(scope));
  if (todo.kind === 'city') return listCityTodo(todo.unzonedStatuses, query.cursor, query.limit);
  if (todo.kind === 'none') return { items: [] };
  return listFindings(todo.plan, {
    statuses: todo.statuses,
    overdue: todo.overdue,
    wholeZones: todo.wholeZones,
    cursor: query.cursor,
    limit: query.limit,
  });
}

export const handler = httpHandler('findings', {
  reportFinding: async ({ caller, body, idempotencyKey }) => {
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
  },

  getFinding: async ({ caller, params }) => {
    const { scope } = await activeScope(caller);
    return { body: out(await readable(params.id, scope), caller, scope) };
  },

  actOnFinding: async ({ caller, params, body }) => {
    const { scope } = await activeScope(caller);
    const hash = requestHash(body);
    const before = await readable(params.id, scope);
    // The step from `expectedVersion` names one action: if this very action (same person, same
    // body) already took it, this is a retry whose answer was lost (or a twin that lost the race),
    // not a stale client. It is answered with the finding as it is now.
    const replay = async () => {
      const taken = await getFindingEvent(before.id, body.expectedVersion + 1);
      if (taken?.actorId !== caller.id || taken.requestHash !== hash) return undefined;
      const now = (await getFinding(before.id)) ?? before;
      return { body: out(now, caller, scope), headers: REPLAYED_HEADERS };
    };
    if (body.expectedVersion < before.version) {
      const replayed = await replay();
      if (replayed) return replayed;
    }
    const step = applyAction(before, body, actor(caller), scope, clockNow(), cityConfig());
    try {
      await applyActionTx(before, step.finding, { ...step.event, requestHash: hash });
    } catch (err) {
      const replayed = err instanceof ConflictError ? await replay() : undefined;
      if (replayed) return replayed;
      throw err;
    }
    return { body: out(step.finding, caller, scope) };
  },

  listFindings: async ({ caller, query }) => {
    const { scope } = await activeScope(caller);
    const plan = planFindingList(scope, query);
    const page = await listFindings(plan, { ...query, ...reportTimeRange(query, cityConfig().timeZone) });
    return { body: { ...page, items: page.items.map((f) => out(f, caller, scope)) } };
  },

  listMyFindings: async ({ caller, query }) => {
    const { scope } = await activeScope(caller);
    const page = await myFindings(caller, scope, query);
    return { body: { ...page, items: page.items.map((f) => out(f, caller, scope)) } };
  },

  getFindingHistory: async ({ caller, params, query }) => {
    const { scope } = await activeScope(caller);
    await readable(params.id, scope);
    return { body: await listFindingEvents(params.id, query.cursor, query.limit) };
  },
});
