/**
 * Findings: reporting, reading, acting on and the history of unlicensed-business findings. Each
 * operation reads: schema (the manifest) → policy → core → store → response. The rules of the loop
 * are core's (findings/lifecycle), the transactions the store's (findings-repo); see
 * docs/decisions/0008-findings-idempotency.md for how retried reports stay single.
 */
import {
  allowedActions,
  applyAction,
  assertMayReportAt,
  ConflictError,
  canReadFinding,
  counterDeltas,
  createFinding,
  type Finding,
  findingRef,
  findPossibleDuplicate,
  NotFoundError,
  type Person,
  planFindingList,
  resolvePoint,
  routingOf,
  type Scope,
  scopeOf,
  UnprocessableError,
} from '@gridpatrol/core';
import {
  applyActionTx,
  createFindingTx,
  findingIdFor,
  getFinding,
  getIdempotencyRecord,
  listFindingEvents,
  listFindingsByReporter,
  listFindingsInZones,
  newFindingId,
  openFindingsInZones,
  requestHash,
} from '@gridpatrol/store';
import { activeGridAndTopology } from '../grid-cache';
import { httpHandler } from '../http/chain';
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
async function replayOf(findingId: string, hash: string, caller: Person, scope: Scope) {
  const record = await getIdempotencyRecord(findingId);
  if (!record) return undefined;
  if (record.requestHash !== hash)
    throw new UnprocessableError(
      'This Idempotency-Key was already used for a different report; use a new key for a new report.',
      [{ path: 'headers.idempotency-key', message: 'already used with another body' }],
    );
  return {
    status: 201,
    body: out(record.response, caller, scope),
    headers: { 'idempotent-replayed': 'true' },
  };
}

export const handler = httpHandler('findings', {
  reportFinding: async ({ caller, body, idempotencyKey }) => {
    const { grid, topology } = await activeGridAndTopology();
    const scope = scopeOf(caller, topology);
    const hash = requestHash(body);
    const id = idempotencyKey !== undefined ? findingIdFor(caller.id, idempotencyKey) : newFindingId();
    if (idempotencyKey !== undefined) {
      const replay = await replayOf(id, hash, caller, scope);
      if (replay) return replay;
    }
    const config = cityConfig();
    const resolution = resolvePoint(grid, body, config.grid.snapToleranceM);
    const routing = routingOf(resolution, topology.zoneOffice);
    assertMayReportAt(scope, routing);
    // Nearby findings lie in the zones of the point's cell (or, for a point in no zone, in the
    // unzoned partition): one bounded Query per zone.
    const nearby = await openFindingsInZones(routing.zones.length > 0 ? routing.zones : [routing.zoneId]);
    const { coordSys: _coordSys, ...input } = body;
    const { finding, event } = createFinding({
      id,
      input,
      routing,
      reporter: actor(caller),
      scope,
      now: new Date(),
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
      counterDeltas(null, finding),
      idempotencyKey !== undefined ? { reporterId: caller.id, requestHash: hash } : undefined,
    );
    if (written === 'exists') {
      // A twin of this submission won the race: answer what it wrote.
      const replay = await replayOf(id, hash, caller, scope);
      if (replay) return replay;
      throw new ConflictError(`Finding '${id}' already exists.`);
    }
    return { status: 201, body: out(finding, caller, scope) };
  },

  getFinding: async ({ caller, params }) => {
    const { scope } = await activeScope(caller);
    return { body: out(await readable(params.id, scope), caller, scope) };
  },

  actOnFinding: async ({ caller, params, body }) => {
    const { scope } = await activeScope(caller);
    const before = await readable(params.id, scope);
    const { finding, event } = applyAction(before, body, actor(caller), scope, new Date(), cityConfig());
    await applyActionTx(before, finding, event, counterDeltas(before, finding));
    return { body: out(finding, caller, scope) };
  },

  listFindings: async ({ caller, query }) => {
    const { scope } = await activeScope(caller);
    const page = await listFindingsInZones(planFindingList(scope, query), query);
    return { body: { ...page, items: page.items.map((f) => out(f, caller, scope)) } };
  },

  listMyFindings: async ({ caller, query }) => {
    const { scope } = await activeScope(caller);
    const page = await listFindingsByReporter(caller.id, query.cursor, query.limit);
    return { body: { ...page, items: page.items.map((f) => out(f, caller, scope)) } };
  },

  getFindingHistory: async ({ caller, params, query }) => {
    const { scope } = await activeScope(caller);
    await readable(params.id, scope);
    return { body: await listFindingEvents(params.id, query.cursor, query.limit) };
  },
});
