/**
 * A finding as a caller may see it: readable or 404 exactly like a missing one (policy: no leaks),
 * answered with the actions this caller may take on it now, its steps with the names of the people
 * the caller may see.
 */
import {
  allowedActions,
  canReadFinding,
  canReadPerson,
  type Finding,
  type FindingEvent,
  findingRef,
  NotFoundError,
  type Person,
  type Scope,
  SYSTEM_ACTOR,
} from '@gridpatrol/core';
import { getFinding, getPeople } from '@gridpatrol/store';
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

/**
 * A finding's steps with each actor's display name, where the caller may read that person as GET
 * /people/{id} would answer them (core canReadPerson); anyone else keeps only the id the step
 * already carries, so a history tells no name the caller could not look up.
 */
export async function namedSteps(
  steps: readonly FindingEvent[],
  scope: Scope,
): Promise<(FindingEvent & { actorName?: string })[]> {
  const ids = [...new Set(steps.map((s) => s.actorId))].filter((id) => id !== SYSTEM_ACTOR);
  const people = await getPeople(ids);
  const names = new Map(people.flatMap((p) => (p && canReadPerson(scope, p) ? [[p.id, p.name]] : [])));
  return steps.map((s) => {
    const actorName = names.get(s.actorId);
    return actorName === undefined ? s : { ...s, actorName };
  });
}
