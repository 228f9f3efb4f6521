/**
 * The caller's scope for a request, from their person record and the grid version it reads. The
 * decisions themselves are core's (packages/core/src/policy.ts); this only fetches their inputs.
 */
import { type GridTopology, type Person, type Scope, scopeOf } from '@gridpatrol/core';
import { EMPTY_TOPOLOGY, gridTopology, requireTopology } from './grid-cache';

/** For reads of the grid: the named or active version must exist (404 / 409 otherwise). */
export async function gridScope(
  caller: Person,
  version?: number,
): Promise<{ scope: Scope; topology: GridTopology }> {
  const topology = await requireTopology(version);
  return { scope: scopeOf(caller, topology), topology };
}

/**
 * For people and findings routes: over the active grid, or an empty one before the first
 * activation (then only admins and the reporters of a finding see it).
 */
export async function activeScope(caller: Person): Promise<{ scope: Scope; topology: GridTopology }> {
  const topology = (await gridTopology()) ?? EMPTY_TOPOLOGY;
  return { scope: scopeOf(caller, topology), topology };
}
