/**
 * The boot script: a few hundred bytes loaded `async` beside the app's module. A signed-in person
 * opens on who they are and their tasks, so it asks for the config and then `/me` and `/me/tasks`
 * while the module is still on its way (on a slow phone network, the module's download and a round
 * trip earlier). The app takes these answers over instead of asking again; an answer that is not a
 * success is asked again by the app, so every refusal is still worded by the app's one client.
 * `/me/tasks` only for someone whose first page is their tasks: a desk role would get a 403.
 */
import { FIELD_ROLES, rememberedPerson } from './remembered';

export const BOOT_PATHS = ['/me', '/me/tasks'] as const;
export type BootPath = (typeof BOOT_PATHS)[number];

/**
 * What a signed-in person's first page reads: who they are, and their tasks unless this browser
 * last saw them in a role without tasks (the first visit after signing in asks for both).
 */
export function bootPaths(personId: string): readonly BootPath[] {
  const role = rememberedPerson(personId)?.role;
  return role === undefined || FIELD_ROLES.has(role) ? BOOT_PATHS : ['/me'];
}

export interface Boot {
  /** The runtime config, fetched once (this is the request index.html's preload matches). */
  readonly config: Promise<Response>;
  /** The first page's reads (`bootPaths`) under the stored session's token, if there was an unexpired one. */
  readonly reads?: {
    readonly token: string;
    readonly answers: Partial<Record<BootPath, Promise<Response>>>;
  };
}

/** Shared by the boot script and the module through the global object (hence `var`). */
declare global {
  var gpBoot: Boot | undefined;
}

function storedSession(): { token: string; personId: string } | undefined {
  try {
    const s = JSON.parse(localStorage.getItem('gp.session') ?? 'null') as {
      token?: unknown;
      personId?: unknown;
      expiresAt?: unknown;
    } | null;
    return typeof s?.token === 'string' &&
      typeof s.personId === 'string' &&
      typeof s.expiresAt === 'number' &&
      s.expiresAt > Date.now() / 1000
      ? { token: s.token, personId: s.personId }
      : undefined;
  } catch {
    return undefined;
  }
}

export function boot(): Boot {
  const config = fetch('/app/config.json');
  const stored = storedSession();
  if (!stored) return { config };
  const { token, personId } = stored;
  const base = config.then((res) =>
    (res.clone().json() as Promise<{ apiBaseUrl: string }>).then((c) => c.apiBaseUrl),
  );
  const read = (path: BootPath) => {
    const answer = base.then((apiBaseUrl) =>
      fetch(`${apiBaseUrl}${path}`, {
        headers: { accept: 'application/json', authorization: `Bearer ${token}` },
        cache: 'no-store',
      }),
    );
    // Looked at by the app, or not at all: never an unhandled rejection.
    answer.catch(() => undefined);
    return answer;
  };
  return {
    config,
    reads: { token, answers: Object.fromEntries(bootPaths(personId).map((path) => [path, read(path)])) },
  };
}
