/**
 * Local stand-in for Cognito: bearer tokens signed with a dev key (HS256, jose). The local server
 * verifies them and passes their claims on exactly where API Gateway's JWT authorizer puts them.
 * The key lives in .data/ so that tokens printed by `npm start` or `gridpatrol token` keep working.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MFA_CLAIM, MFA_CLAIM_VALUE } from '@gridpatrol/core';
import { CLOCK_SKEW_S, MAX_TOKEN_LIFETIME_S, tokenTimeProblem } from '@gridpatrol/functions/http/identity';
import { jwtVerify, SignJWT } from 'jose';

export const DEV_ISSUER = 'gridpatrol-local';
export const DEV_AUDIENCE = 'gridpatrol';

export function devKey(dataDir: string): Uint8Array {
  const file = path.join(dataDir, 'dev-token-key');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  }
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
}

export const randomDevKey = (): Uint8Array => randomBytes(32);

/** How long dev tokens live; `verifyDevToken` refuses any that claims to live longer. */
export const DEV_TOKEN_TTL = '12h';

/**
 * A token for a person; `sub` is the person id. Roles are read from the person record, not the token.
 * A `ttl` longer than the server accepts (12 h) is refused here, rather than printing a dead token.
 */
export async function issueDevToken(key: Uint8Array, personId: string, ttl = DEV_TOKEN_TTL): Promise<string> {
  const lifetime = ttlSeconds(ttl);
  if (lifetime > MAX_TOKEN_LIFETIME_S)
    throw new Error(`A dev token lives at most ${MAX_TOKEN_LIFETIME_S / 3600} h; '${ttl}' is longer.`);
  // exp from the same clock reading as iat: jose resolves a relative '12h' against its own later
  // reading, which under load made a token 12 h + 1 s long and the server refused it.
  const now = Math.floor(Date.now() / 1000);
  // The local sign-in stands for a complete one, second factor included (decision 0040).
  return new SignJWT({ token_use: 'id', [MFA_CLAIM]: MFA_CLAIM_VALUE })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(personId)
    .setIssuer(DEV_ISSUER)
    .setAudience(DEV_AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + lifetime)
    .sign(key);
}

/** `'90s'`, `'30m'`, `'12h'` as seconds; anything else is refused with the accepted forms. */
function ttlSeconds(ttl: string): number {
  const m = /^(\d+)\s*(s|m|h)$/.exec(ttl.trim());
  if (!m) throw new Error(`A token lifetime is a number with s, m or h (e.g. '12h'); '${ttl}' is not.`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600 }[m[2] as 's' | 'm' | 'h'];
}

export type Claims = Record<string, string | number | boolean | string[]>;

/**
 * Verified claims, or undefined for a missing, malformed, forged or expired token, and for one
 * without `exp` or `iat`, issued in the future or meant to live longer than a dev token does (the
 * handlers check the same times again: functions/src/http/identity.ts `tokenTimeProblem`).
 */
export async function verifyDevToken(
  key: Uint8Array,
  authorization: string | undefined,
): Promise<Claims | undefined> {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  if (!match?.[1]) return undefined;
  try {
    const { payload } = await jwtVerify(match[1], key, {
      issuer: DEV_ISSUER,
      audience: DEV_AUDIENCE,
      algorithms: ['HS256'],
      requiredClaims: ['exp', 'iat'],
      clockTolerance: CLOCK_SKEW_S,
      // Refuses an iat in the future (beyond the tolerance) and one older than a dev token lives.
      maxTokenAge: DEV_TOKEN_TTL,
    });
    if (tokenTimeProblem(payload as Claims, Math.floor(Date.now() / 1000)) !== undefined) return undefined;
    const claims: Claims = {};
    for (const [k, v] of Object.entries(payload)) {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') claims[k] = v;
      else if (Array.isArray(v)) claims[k] = v.map(String);
    }
    return claims;
  } catch {
    return undefined;
  }
}
