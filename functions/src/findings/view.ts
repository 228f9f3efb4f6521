/**
 * A finding as a caller may see it: readable or 404 exactly like a missing one (policy: no leaks),
 * answered with the actions this caller may take on it now.
 */
import {
  allowedActions,
  canReadFinding,
  type Finding,
  findingRef,
  NotFoundError,
  type Person,
  type Scope,
} from '@gridpatrol/core';
import { getFinding } from '@gridpatrol/store';
import { actorOf } from '../caller';

/** The finding as answered: with the actions this caller may take on it now. */
export const findingView = (f: Finding, caller: Person, scope: Scope) => ({
  ...f,
  allowedActions: allowedActions(f, actorOf(caller), scope),
});

export type FindingView = ReturnType<typeof findingView>;

/** A finding the caller may read, else 404 exactly like a missing one (policy: no leaks). */
export async function readableFinding(id: string, scope: Scope): Promise<Finding> {
  const f = await getFinding(id);
  if (!f || !canReadFinding(scope, findingRef(f))) throw new NotFoundError('finding', id);
  return f;
}
