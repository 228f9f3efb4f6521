/**
 * Who is signed in. One interface for both sign-in modes of the runtime config: `local` (choose a
 * seeded person; the local server issues a dev token) and `cognito` (the city's user pool through
 * its hosted UI, authorization code with PKCE: `cognitoSignIn`, `finishCognitoSignIn`, refreshed
 * before expiry). The pages only call `session`, `signInAs`/`cognitoSignIn` and `signOut`.
 */
import type { AppConfig } from '../runtime-config';
import {
  authorizeUrl,
  codeChallenge,
  codeExchangeBody,
  codeFromCallback,
  type HostedUi,
  logoutUrl,
  randomToken,
  refreshBody,
  refreshDelayMs,
} from './pkce';
import { signal } from './state';

export interface Session {
  readonly personId: string;
  readonly token: string;
  /** Seconds since the epoch, from the token's `exp`. */
  readonly expiresAt: number;
  /** Cognito only: exchanged for a new ID token before this one expires. */
  readonly refreshToken?: string;
}

const KEY = 'gp.session';

function claims(token: string): Record<string, unknown> {
  try {
    return JSON.parse(atob((token.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/')));
  } catch {
    return {};
  }
}

function decodeExp(token: string): number {
  const exp = claims(token).exp;
  return typeof exp === 'number' ? exp : 0;
}

function load(): Session | undefined {
  try {
    const s = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Session | null;
    return s && typeof s.token === 'string' && typeof s.personId === 'string' ? s : undefined;
  } catch {
    return undefined;
  }
}

export const session = signal<Session | undefined>(load());

function save(next: Session | undefined): void {
  try {
    if (next) localStorage.setItem(KEY, JSON.stringify(next));
    else localStorage.removeItem(KEY);
  } catch {
    // Private mode: the session lasts as long as the page.
  }
  session.set(next);
}

/** The bearer token, unless it has expired (then the API would answer 401 anyway). */
export function currentToken(): string | undefined {
  const s = session.get();
  return s && s.expiresAt > Date.now() / 1000 ? s.token : undefined;
}

export interface DevPerson {
  readonly id: string;
  readonly name: string;
  readonly role: string;
  readonly active: boolean;
}

/** The seeded people the local server offers (auth mode `local` only). */
export async function devPeople(config: AppConfig): Promise<DevPerson[]> {
  const res = await fetch(`${config.apiBaseUrl}/_dev/people`, { cache: 'no-store' });
  if (!res.ok) throw new Error(`/_dev/people answered ${res.status}`);
  return ((await res.json()) as { people: DevPerson[] }).people;
}

export async function signInAs(config: AppConfig, personId: string): Promise<void> {
  const res = await fetch(`${config.apiBaseUrl}/_dev/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ personId }),
  });
  if (!res.ok) throw new Error(`/_dev/token answered ${res.status}`);
  const { token } = (await res.json()) as { token: string };
  save({ personId, token, expiresAt: decodeExp(token) });
}

/** The hosted UI of a cognito config, returning to this app's /app/. */
function hostedUi(config: AppConfig): HostedUi | undefined {
  if (config.auth.mode !== 'cognito') return undefined;
  return {
    domain: config.auth.domain,
    clientId: config.auth.clientId,
    redirectUri: `${location.origin}/app/`,
  };
}

/** Kept for the round trip through the hosted UI only: this tab's sign-in, not the device's. */
const PENDING_KEY = 'gp.signIn';

/**
 * Starts the hosted UI sign-in: a fresh verifier and state kept in this tab, the browser sent to
 * `/oauth2/authorize` with the S256 challenge. False when the config is not Cognito's.
 */
export function cognitoSignIn(config: AppConfig): boolean {
  const ui = hostedUi(config);
  if (!ui) return false;
  const verifier = randomToken();
  const state = randomToken();
  sessionStorage.setItem(PENDING_KEY, JSON.stringify({ verifier, state }));
  void codeChallenge(verifier).then((challenge) => location.assign(authorizeUrl(ui, state, challenge)));
  return true;
}

/** The person id an ID token names: Cognito's custom attribute, as the API reads it. */
function personOf(idToken: string): string {
  const c = claims(idToken);
  const id = c['custom:person_id'] ?? c.sub;
  return typeof id === 'string' ? id : '';
}

async function tokenRequest(ui: HostedUi, body: URLSearchParams): Promise<Session> {
  const res = await fetch(`${ui.domain}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  if (!res.ok) throw new Error(`/oauth2/token answered ${res.status}`);
  const tokens = (await res.json()) as { id_token?: string; refresh_token?: string };
  if (!tokens.id_token) throw new Error('/oauth2/token answered without an id_token');
  return {
    personId: personOf(tokens.id_token),
    token: tokens.id_token,
    expiresAt: decodeExp(tokens.id_token),
    // A refresh answer carries no new refresh token: the one we have stays.
    refreshToken: tokens.refresh_token ?? session.get()?.refreshToken,
  };
}

/**
 * On the hosted UI's return (`/app/?code=…&state=…`): checks the state against this tab's pending
 * sign-in, exchanges the code with the verifier, and takes the code out of the address bar. Throws
 * `SignInCallbackError` for a callback this tab did not ask for. Nothing to do without `code`/`error`.
 */
export async function finishCognitoSignIn(config: AppConfig): Promise<void> {
  const ui = hostedUi(config);
  const params = new URLSearchParams(location.search);
  if (!ui || !(params.has('code') || params.has('error'))) return;
  const pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? 'null') as {
    verifier: string;
    state: string;
  } | null;
  sessionStorage.removeItem(PENDING_KEY);
  history.replaceState(null, '', location.pathname);
  const code = codeFromCallback(params, pending?.state);
  save(await tokenRequest(ui, codeExchangeBody(ui, code, pending?.verifier ?? '')));
}

/** Why the last return from the hosted UI did not sign anyone in (shown on the sign-in page). */
export const signInFailed = signal(false);

let refreshTimer: ReturnType<typeof setTimeout> | undefined;

/**
 * Keeps a Cognito session alive: a new ID token from the refresh token a few minutes before the
 * current one expires (and at once when it already has), rescheduled after each. A refused refresh
 * (revoked, expired after 30 days) leaves the session to expire: the API's 401 asks to sign in.
 */
export function keepSessionFresh(config: AppConfig): void {
  const ui = hostedUi(config);
  const schedule = () => {
    if (refreshTimer) clearTimeout(refreshTimer);
    const s = session.get();
    if (!ui || !s?.refreshToken) return;
    const refreshToken = s.refreshToken;
    refreshTimer = setTimeout(
      () => {
        tokenRequest(ui, refreshBody(ui, refreshToken)).then(save, () => undefined);
      },
      refreshDelayMs(s.expiresAt, Date.now()),
    );
  };
  session.subscribe(schedule);
  schedule();
}

export function signOut(config?: AppConfig): void {
  const ui = config && hostedUi(config);
  save(undefined);
  // The hosted UI keeps its own session cookie: without this, the next sign-in skips the password.
  if (ui) location.assign(logoutUrl(ui));
}
