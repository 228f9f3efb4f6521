/**
 * The field app's hosted-UI sign-in pieces (packages/web/src/app/pkce.ts): the S256 challenge of
 * RFC 7636's own example, the authorize URL, and a callback refused unless it answers this sign-in.
 */

import {
  authorizeUrl,
  codeChallenge,
  codeExchangeBody,
  codeFromCallback,
  REFRESH_MARGIN_S,
  randomToken,
  refreshDelayMs,
  SignInCallbackError,
} from '@gridpatrol/web/app/pkce';
import { describe, expect, it } from 'vitest';

const UI = {
  domain: 'https://gridpatrol-demo-dev.auth.ap-east-1.amazoncognito.com',
  clientId: 'client-1',
  redirectUri: 'https://d111111abcdef8.cloudfront.net/app/',
};

describe('PKCE', () => {
  it("derives RFC 7636 appendix B's challenge from its verifier", async () => {
    expect(await codeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('makes verifiers of 43 unreserved characters, a new one each time', () => {
    const a = randomToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomToken()).not.toBe(a);
  });

  it('asks the hosted UI for a code with the S256 challenge, the state and the app as redirect', () => {
    const url = new URL(authorizeUrl(UI, 'state-1', 'challenge-1'));
    expect(`${url.origin}${url.pathname}`).toBe(`${UI.domain}/oauth2/authorize`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'client-1',
      redirect_uri: UI.redirectUri,
      scope: 'openid profile',
      state: 'state-1',
      code_challenge: 'challenge-1',
      code_challenge_method: 'S256',
    });
  });

  it('exchanges the code with the verifier, at the same redirect', () => {
    expect(Object.fromEntries(codeExchangeBody(UI, 'code-1', 'verifier-1'))).toEqual({
      grant_type: 'authorization_code',
      client_id: 'client-1',
      code: 'code-1',
      redirect_uri: UI.redirectUri,
      code_verifier: 'verifier-1',
    });
  });
});

describe('the callback', () => {
  const reason = (params: string, expected: string | undefined) => {
    try {
      codeFromCallback(new URLSearchParams(params), expected);
    } catch (err) {
      return err instanceof SignInCallbackError ? err.reason : String(err);
    }
    return 'accepted';
  };

  it('gives the code when the state is the one this tab sent', () => {
    expect(codeFromCallback(new URLSearchParams('code=abc&state=s1'), 's1')).toBe('abc');
  });

  it('refuses a state that does not match, or a callback no sign-in of this tab started', () => {
    expect(reason('code=abc&state=forged', 's1')).toBe('state_mismatch');
    expect(reason('code=abc', 's1')).toBe('state_mismatch');
    expect(reason('code=abc&state=s1', undefined)).toBe('state_mismatch');
  });

  it('refuses an error answer and an answer without a code', () => {
    expect(reason('error=access_denied&state=s1', 's1')).toBe('denied');
    expect(reason('state=s1', 's1')).toBe('no_code');
  });
});

describe('refresh', () => {
  it('refreshes a few minutes before the ID token expires, at once when it is due', () => {
    const now = Date.UTC(2026, 11, 7, 9);
    expect(refreshDelayMs(now / 1000 + 3600, now)).toBe((3600 - REFRESH_MARGIN_S) * 1000);
    expect(refreshDelayMs(now / 1000 + 60, now)).toBe(0);
  });
});
