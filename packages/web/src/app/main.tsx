/** Starts the app: runtime config, language, API client, outbox, service worker, first page. */
import { render } from 'preact';
import '../styles.css';
// The console's few rules ride with the app's one stylesheet (a lazy chunk's CSS would not be loaded).
import './console/console.css';
import { CATALOGUES } from '../messages';
import type { AppConfig } from '../runtime-config';
import { ApiClient } from './api';
import { App } from './app';
import { currentToken, finishCognitoSignIn, keepSessionFresh, session, signInFailed } from './auth';
import { type BootPath, boot, bootPaths } from './boot';
import { initLanguage, language } from './i18n';
import { Outbox, requestPersistentStorage } from './outbox';

/**
 * What the boot script started (app/boot.ts); started here if it has not run yet (the module can
 * be first, from the service worker's cache) or will not (an old page), and left on the global
 * object so that a boot script running later starts nothing twice.
 */
globalThis.gpBoot ??= boot();
const started = globalThis.gpBoot;

async function loadConfig(): Promise<AppConfig> {
  // The service worker answers from its cache when offline; the server says no-cache, and the
  // request matches index.html's preload of it.
  const res = await started.config;
  if (!res.ok) throw new Error(`config.json: ${res.status}`);
  return (await res.json()) as AppConfig;
}

/** The boot script's read of `path` if it succeeded under this token; asked again (and worded by the client) if not. */
function earlyRead(api: ApiClient, token: string, path: BootPath): Promise<unknown> {
  const again = () => api.request('GET', path);
  const answer = started.reads?.token === token ? started.reads.answers[path] : undefined;
  if (!answer) return again();
  return answer.then(
    (res) => (res.ok ? res.json() : again()),
    () => again(),
  );
}

async function start(root: HTMLElement) {
  let config: AppConfig;
  try {
    config = await loadConfig();
  } catch {
    root.textContent = CATALOGUES['zh-CN']['app.configFailed'];
    return;
  }
  initLanguage(config.defaultLanguage);
  // Back from the hosted UI with ?code=…: exchanged before anything asks who is signed in.
  await finishCognitoSignIn(config).catch(() => signInFailed.set(true));
  keepSessionFresh(config);
  const api = new ApiClient(config.apiBaseUrl, currentToken, () => language.get());
  const outbox = new Outbox(api, () => session.get()?.personId);
  // A signed-in person opens on who they are and, in the field, their tasks: asked for at once, by
  // the boot script if it ran (bootPaths).
  const token = currentToken();
  const signedIn = session.get();
  const early =
    token && signedIn
      ? Object.fromEntries(
          bootPaths(signedIn.personId).map((path) => {
            const answer = earlyRead(api, token, path);
            answer.catch(() => undefined);
            return [path, { token, answer }];
          }),
        )
      : undefined;
  outbox.start();
  session.subscribe(() => void outbox.count());
  void requestPersistentStorage();
  if ('serviceWorker' in navigator)
    navigator.serviceWorker.register('/app/sw.js', { scope: '/app/' }).catch(() => undefined);
  // Preact adds to what is there: the page's "loading" text goes first.
  root.textContent = '';
  render(<App ctx={{ config, api, outbox, early }} />, root);
}

const root = document.getElementById('app');
if (root) void start(root);
