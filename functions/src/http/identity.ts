/**
 * Who is calling. Identity comes only from `requestContext.authorizer.jwt.claims`, which API Gateway's
 * JWT authorizer fills in AWS and the local server fills after verifying a dev token; the Lambda
 * trusts those claims alone (docs/decisions/0019-identity.md). The role and area come from the
 * person record, not the token: writes read it fresh on every request, reads may reuse it for a
 * few seconds, and a missing record is never remembered.
 */
import {
  assertMayAct,
  assertMfaSatisfied,
  ForbiddenError,
  inEnglish,
  type Message,
  MFA_CLAIM,
  MFA_CLAIM_VALUE,
  message,
  type PersonRecord,
  UnauthenticatedError,
} from '@gridpatrol/core';
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

/** The longest a token may live (exp − iat): the dev tokens' 12 h; Cognito's ID tokens live 1 h. */
export const MAX_TOKEN_LIFETIME_S = 12 * 3600;
/** Clocks of phones, Cognito and Lambda disagree by a little; no more is forgiven. */
export const CLOCK_SKEW_S = 60;

/**
 * What is wrong with a token's times, or undefined: it must say when it expires and when it was
 * issued (claims arrive as numbers locally and as strings from API Gateway), not be expired, not be
 * issued in the future, and not live longer than MAX_TOKEN_LIFETIME_S. A token minted to last for
 * ever (or dated ahead to outlive a key rotation) is refused.
 *
 * @example tokenTimeProblem({ exp: 1_800_000_000 }, 1_700_000_000) // 'no iat (issued-at) claim'
 */
export function tokenTimeProblem(claims: Claims, nowS: number): string | undefined {
  const problem = tokenTimeProblemText(claims, nowS);
  return problem && inEnglish(problem);
}

/** `tokenTimeProblem` as a catalogue entry, for the reader's language. */
function tokenTimeProblemText(claims: Claims, nowS: number): Message | undefined {
  const time = (v: unknown) =>
    typeof v === 'number' || (typeof v === 'string' && v !== '') ? Number(v) : NaN;
  const exp = time(claims.exp);
  const iat = time(claims.iat);
  if (!Number.isFinite(exp)) return message('auth.token.noExp');
  if (!Number.isFinite(iat)) return message('auth.token.noIat');
  if (exp <= nowS - CLOCK_SKEW_S) return message('auth.token.expired');
  if (iat > nowS + CLOCK_SKEW_S) return message('auth.token.future');
  if (exp - iat > MAX_TOKEN_LIFETIME_S)
    return message('auth.token.tooLong', { hours: MAX_TOKEN_LIFETIME_S / 3600 });
  return undefined;
}

/**
 * Whether the token carries the pre-token trigger's mark of an enrolled authenticator app (decision
 * 0040). API Gateway passes claims on as strings; the local server as given.
 *
 * @example mfaMarked({ mfa: 'totp' }) // true
 * @example mfaMarked({ mfa: 'sms' }) // false
 */
export function mfaMarked(claims: Claims): boolean {
  return claims[MFA_CLAIM] === MFA_CLAIM_VALUE;
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
const cache = new Map<string, { person: PersonRecord; at: number }>();

/**
 * The caller's person record. `fresh` (every write) reads the item with a consistent read, so a
 * deactivation or a change of area holds from the very next write; reads may use a record read in
 * the last CACHE_MS. A missing record is not cached: a person created a moment ago may call at once.
 */
async function loadPerson(id: string, fresh: boolean): Promise<PersonRecord | undefined> {
  const hit = cache.get(id);
  if (!fresh && hit && Date.now() - hit.at < CACHE_MS) return hit.person;
  const person = await getPerson(id, { consistent: fresh });
  if (person && CACHE_MS > 0) cache.set(id, { person, at: Date.now() });
  else cache.delete(id);
  return person;
}

/**
 * The caller's active person record, or 401/403. `fresh`: read the record now, not from the cache
 * (the chain asks it for every write).
 */
export async function authenticate(
  event: APIGatewayProxyEventV2,
  options: { fresh: boolean } = { fresh: true },
): Promise<PersonRecord> {
  const claims = readClaims(event);
  if (!claims) throw new UnauthenticatedError();
  const timeProblem = tokenTimeProblemText(claims, Math.floor(Date.now() / 1000));
  if (timeProblem) throw new UnauthenticatedError(message('auth.tokenRefused', { reason: timeProblem }));
  const id = personIdFromClaims(claims);
  if (!id) throw new UnauthenticatedError();
  const person = await loadPerson(id, options.fresh);
  if (!person) throw new ForbiddenError(message('auth.noPerson', { id }));
  assertMayAct(person);
  // The record's role decides, not the token's groups: a role given a moment ago needs MFA at once.
  assertMfaSatisfied(person, mfaMarked(claims));
  return person;
}
