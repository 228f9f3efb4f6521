/**
 * The pieces of the OAuth 2.0 authorization-code flow with PKCE (RFC 7636) that Cognito's hosted UI
 * speaks: a code verifier and its S256 challenge (Web Crypto), the authorize URL, the check of the
 * callback's `state`, and the token endpoint's form bodies. Pure apart from Web Crypto: no DOM, no
 * storage, so unit tests run them in Node against the RFC's own vector.
 */

/** base64url without padding (RFC 7636 §3, Appendix A). */
export function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * A code verifier (or `state`): 32 random bytes as 43 base64url characters (RFC 7636 §4.1).
 *
 * @example randomToken() // 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'-like
 */
export function randomToken(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

/**
 * The S256 code challenge: base64url(SHA-256(ASCII(verifier))) (RFC 7636 §4.2).
 *
 * @example await codeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk') // 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'
 */
export async function codeChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

export interface HostedUi {
  /** The hosted UI's origin, e.g. https://gridpatrol-demo-dev.auth.ap-east-1.amazoncognito.com */
  readonly domain: string;
  readonly clientId: string;
  /** Where the hosted UI returns to: the app's /app/ URL, exactly as the client lists it. */
  readonly redirectUri: string;
}

/** Where the browser goes to sign in. */
export function authorizeUrl(ui: HostedUi, state: string, challenge: string): string {
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: ui.clientId,
    redirect_uri: ui.redirectUri,
    scope: 'openid profile',
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  return `${ui.domain}/oauth2/authorize?${query}`;
}

/** Where the browser goes to sign out of the hosted UI too (it returns to the app). */
export function logoutUrl(ui: HostedUi): string {
  return `${ui.domain}/logout?${new URLSearchParams({ client_id: ui.clientId, logout_uri: ui.redirectUri })}`;
}

/** The callback is not the answer to the sign-in this browser started: refused, never exchanged. */
export class SignInCallbackError extends Error {
  constructor(readonly reason: 'state_mismatch' | 'denied' | 'no_code') {
    super(`sign-in callback refused: ${reason}`);
    this.name = 'SignInCallbackError';
  }
}

/**
 * The authorization code of a callback, after checking that its `state` is the one this browser
 * sent (a forged or replayed callback would sign the person in as someone else: CSRF, RFC 6749 §10.12).
 */
export function codeFromCallback(params: URLSearchParams, expectedState: string | undefined): string {
  if (params.has('error')) throw new SignInCallbackError('denied');
  const state = params.get('state');
  if (!expectedState || state !== expectedState) throw new SignInCallbackError('state_mismatch');
  const code = params.get('code');
  if (!code) throw new SignInCallbackError('no_code');
  return code;
}

/** The token endpoint's body exchanging a code (with the verifier that proves who asked for it). */
export function codeExchangeBody(ui: HostedUi, code: string, verifier: string): URLSearchParams {
  return new URLSearchParams({
    grant_type: 'authorization_code',
    client_id: ui.clientId,
    code,
    redirect_uri: ui.redirectUri,
    code_verifier: verifier,
  });
}

/** The token endpoint's body for new ID and access tokens from the refresh token. */
export function refreshBody(ui: HostedUi, refreshToken: string): URLSearchParams {
  return new URLSearchParams({
    grant_type: 'refresh_token',
    client_id: ui.clientId,
    refresh_token: refreshToken,
  });
}

/** Refresh this long before the ID token expires: a request under way must not carry a dead token. */
export const REFRESH_MARGIN_S = 5 * 60;

/** When to refresh a token expiring at `expiresAt` (seconds since the epoch), in ms from `nowMs`. */
export function refreshDelayMs(expiresAt: number, nowMs: number): number {
  return Math.max(0, (expiresAt - REFRESH_MARGIN_S) * 1000 - nowMs);
}
