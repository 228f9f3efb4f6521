/**
 * The claims the handlers accept (functions/src/http/identity.ts): the same rule for the local dev
 * tokens (numbers) and for what API Gateway's JWT authorizer passes on in AWS (strings).
 */
import {
  MAX_TOKEN_LIFETIME_S,
  mfaMarked,
  personIdFromClaims,
  tokenTimeProblem,
} from '@gridpatrol/functions/http/identity';
import { describe, expect, it } from 'vitest';

const NOW = 1_800_000_000;

describe('tokenTimeProblem', () => {
  it('accepts a Cognito ID token of an hour, as numbers or as API Gateway’s strings', () => {
    expect(tokenTimeProblem({ iat: NOW - 600, exp: NOW + 3000 }, NOW)).toBeUndefined();
    expect(tokenTimeProblem({ iat: String(NOW - 600), exp: String(NOW + 3000) }, NOW)).toBeUndefined();
    expect(tokenTimeProblem({ iat: NOW, exp: NOW + MAX_TOKEN_LIFETIME_S }, NOW)).toBeUndefined();
    expect(tokenTimeProblem({ iat: NOW + 30, exp: NOW + 3600 }, NOW)).toBeUndefined();
  });

  it('names what is wrong with the times', () => {
    expect(tokenTimeProblem({ iat: NOW }, NOW)).toMatch(/no exp/);
    expect(tokenTimeProblem({ exp: NOW + 60, iat: '' }, NOW)).toMatch(/no iat/);
    expect(tokenTimeProblem({ iat: 'soon', exp: NOW + 60 }, NOW)).toMatch(/no iat/);
    expect(tokenTimeProblem({ iat: NOW - 7200, exp: NOW - 3600 }, NOW)).toBe('expired');
    expect(tokenTimeProblem({ iat: NOW + 3600, exp: NOW + 7200 }, NOW)).toBe('issued in the future');
    expect(tokenTimeProblem({ iat: NOW, exp: NOW + MAX_TOKEN_LIFETIME_S + 1 }, NOW)).toMatch(
      /longer than 12 h/,
    );
  });
});

describe('personIdFromClaims', () => {
  it('takes the person from an ID token only, never from an access token', () => {
    expect(personIdFromClaims({ token_use: 'id', 'custom:person_id': 'worker-liu', sub: 'uuid' })).toBe(
      'worker-liu',
    );
    expect(personIdFromClaims({ token_use: 'access', sub: 'worker-liu' })).toBeUndefined();
    expect(personIdFromClaims({ sub: 'worker-liu' })).toBeUndefined();
  });
});

describe('mfaMarked', () => {
  it('reads the pre-token trigger’s mark of an authenticator app, and nothing else', () => {
    expect(mfaMarked({ mfa: 'totp' })).toBe(true);
    expect(mfaMarked({ mfa: 'sms' })).toBe(false);
    expect(mfaMarked({ mfa: true })).toBe(false);
    expect(mfaMarked({ mfa_enrolment_required: 'false' })).toBe(false);
    expect(mfaMarked({ token_use: 'id' })).toBe(false);
  });
});
