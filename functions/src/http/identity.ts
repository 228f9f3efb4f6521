/**
 * Who is calling. Identity comes only from `requestContext.authorizer.jwt.claims`, which API Gateway's
 * JWT authorizer fills in AWS and the local server fills after verifying a dev token. The role and
 * area come from the person record, not the token, so a change takes effect within the cache time.
 */
import { assertMayAct, ForbiddenError, type PersonRecord, UnauthenticatedError } from '@gridpatrol/core';
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

/** A deactivation or a change of area must take effect within a minute (the promise). */
export const CALLER_CACHE_MAX_MS = 60_000;

/**
 * How long a caller's person record is reused: 30 s unless GRIDPATROL_CALLER_CACHE_MS says
 * otherwise (0 in tests), never more than a minute whatever the setting.
 */
export function callerCacheMs(setting: string | undefined): number {
  const ms = Number(setting ?? 30_000);
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), CALLER_CACHE_MAX_MS) : 30_000;
}

const CACHE_MS = callerCacheMs(process.env.GRIDPATROL_CALLER_CACHE_MS);
const cache = new Map<string, { person: PersonRecord | undefined; at: number }>();

async function loadPerson(id: string): Promise<PersonRecord | undefined> {
  const hit = cache.get(id);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.person;
  const person = await getPerson(id);
  if (CACHE_MS > 0) cache.set(id, { person, at: Date.now() });
  return person;
}

/** The caller's active person record, or 401/403. */
export async function authenticate(event: APIGatewayProxyEventV2): Promise<PersonRecord> {
  const claims = readClaims(event);
  const id = claims && personIdFromClaims(claims);
  if (!id) throw new UnauthenticatedError();
  const person = await loadPerson(id);
  if (!person) throw new ForbiddenError(`No person record for '${id}'.`);
  assertMayAct(person);
  return person;
}
