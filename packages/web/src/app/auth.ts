/**
 * Who is signed in. One interface for both sign-in modes of the runtime config: `local` (choose a
 * seeded person; the local server issues a dev token) and `cognito` (the city's user pool with the
 * authorization-code flow and PKCE: to be built, see `cognitoSignIn`). The pages only call
 * `session`, `signInAs`/`startSignIn` and `signOut`.
 */
import type { AppConfig } from '../runtime-config';
import { signal } from './state';

export interface Session {
  readonly personId: string;
  readonly token: string;
  /** Seconds since the epoch, from the token's `exp`. */
  readonly expiresAt: number;
}

const KEY = 'gp.session';

function decodeExp(token: string): number {
  try {
    const payload = JSON.parse(atob((token.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/')));
    return typeof payload.exp === 'number' ? payload.exp : 0;
  } catch {
    return 0;
  }
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

/**
 * Cognito's hosted UI with the authorization-code flow and PKCE: redirect to
 * `${domain}/oauth2/authorize` with a code challenge, exchange the code at `/oauth2/token`, keep the
 * ID token (it carries `custom:person_id`). Not built yet: the sign-in page says so.
 */
export function cognitoSignIn(_config: AppConfig): boolean {
  return false;
}

export function signOut(): void {
  save(undefined);
}
