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
import { initLanguage, language } from './i18n';
import { Outbox, requestPersistentStorage } from './outbox';

async function loadConfig(): Promise<AppConfig> {
  // The service worker answers from its cache when offline; the server says no-cache, and the
  // request matches index.html's preload of it.
  const res = await fetch('/app/config.json');
  if (!res.ok) throw new Error(`config.json: ${res.status}`);
  return (await res.json()) as AppConfig;
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
  // A signed-in person opens on their tasks: asked for now, beside /me, not after it.
  const token = currentToken();
  const early = token ? { '/me/tasks': { token, answer: api.request('GET', '/me/tasks') } } : undefined;
  early?.['/me/tasks'].answer.catch(() => undefined);
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
