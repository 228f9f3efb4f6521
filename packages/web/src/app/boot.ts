/**
 * The boot script: a few hundred bytes loaded `async` beside the app's module. A signed-in person
 * opens on who they are and their tasks, so it asks for the config and then `/me` and `/me/tasks`
 * while the module is still on its way (on a slow phone network, the module's download and a round
 * trip earlier). The app takes these answers over instead of asking again; an answer that is not a
 * success is asked again by the app, so every refusal is still worded by the app's one client.
 */
export const BOOT_PATHS = ['/me', '/me/tasks'] as const;
export type BootPath = (typeof BOOT_PATHS)[number];

export interface Boot {
  /** The runtime config, fetched once (this is the request index.html's preload matches). */
  readonly config: Promise<Response>;
  /** The first pages' reads under the stored session's token, if there was an unexpired one. */
  readonly reads?: { readonly token: string; readonly answers: Record<BootPath, Promise<Response>> };
}

/** Shared by the boot script and the module through the global object (hence `var`). */
declare global {
  var gpBoot: Boot | undefined;
}

function storedToken(): string | undefined {
  try {
    const s = JSON.parse(localStorage.getItem('gp.session') ?? 'null') as {
      token?: unknown;
      expiresAt?: unknown;
    } | null;
    return typeof s?.token === 'string' && typeof s.expiresAt === 'number' && s.expiresAt > Date.now() / 1000
      ? s.token
      : undefined;
  } catch {
    return undefined;
  }
}

export function boot(): Boot {
  const config = fetch('/app/config.json');
  const token = storedToken();
  if (!token) return { config };
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
  return { config, reads: { token, answers: { '/me': read('/me'), '/me/tasks': read('/me/tasks') } } };
}
