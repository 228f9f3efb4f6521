/**
 * Who is calling. Identity comes only from `requestContext.authorizer.jwt.claims`, which API Gateway's
 * JWT authorizer fills in AWS and the local server fills after verifying a dev token. The role and
 * area come from the person record, not the token, so a change takes effect within the cache time.
 */
import { ForbiddenError, type Person, UnauthenticatedError } from '@gridpatrol/core';
import { getPerson } from '@gridpatrol/store';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

type Claims = Record<string, string | number | boolean | string[]>;

export function readClaims(event: APIGatewayProxyEventV2): Claims | undefined {
  const ctx = event.requestContext as { authorizer?: { jwt?: { claims?: Claims } } };
  return ctx.authorizer?.jwt?.claims;
}

/**
 * Only ID tokens identify a person: Cognito's carry the person id in `custom:person_id` (which users
 * cannot write themselves), local dev tokens in `sub`. Access tokens, which the JWT authorizer also
 * lets through, carry neither and are refused.
 */
export function personIdFromClaims(claims: Claims): string | undefined {
  if (claims.token_use !== 'id') return undefined;
  const id = claims['custom:person_id'] ?? claims.sub;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/** Short enough that a deactivation or a change of area takes effect well within a minute. */
const CACHE_MS = Number(process.env.GRIDPATROL_CALLER_CACHE_MS ?? 30_000);
const cache = new Map<string, { person: Person | undefined; at: number }>();

async function loadPerson(id: string): Promise<Person | undefined> {
  const hit = cache.get(id);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.person;
  const person = await getPerson(id);
  if (CACHE_MS > 0) cache.set(id, { person, at: Date.now() });
  return person;
}

/** The caller's active person record, or 401/403. */
export async function authenticate(event: APIGatewayProxyEventV2): Promise<Person> {
  const claims = readClaims(event);
  const id = claims && personIdFromClaims(claims);
  if (!id) throw new UnauthenticatedError();
  const person = await loadPerson(id);
  if (!person) throw new ForbiddenError(`No person record for '${id}'.`);
  if (!person.active) throw new ForbiddenError(`The account '${id}' is deactivated.`);
  return person;
}
