/**
 * The service worker: keeps the app shell (index.html, the hashed script and style, the runtime
 * config) so the app opens without a connection. Pages under /app/ are network-first (a new build
 * is seen when online) with the cached shell as fallback; hashed assets are cache-first. API
 * requests are not touched: the outbox, not the worker, owns retries.
 */
declare const __SHELL__: string[];
declare const __VERSION__: string;

// The few service-worker types used here (the WebWorker lib cannot share a program with DOM).
interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request;
  respondWith(response: Promise<Response> | Response): void;
}
interface WorkerScope {
  addEventListener(type: 'install' | 'activate', fn: (event: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', fn: (event: FetchEvent) => void): void;
  skipWaiting(): Promise<void>;
  readonly clients: { claim(): Promise<void> };
}

const sw = self as unknown as WorkerScope;
const CACHE = `gridpatrol-shell-${__VERSION__}`;

sw.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(__SHELL__))
      .then(() => sw.skipWaiting()),
  );
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n !== CACHE).map((n) => caches.delete(n))))
      .then(() => sw.clients.claim()),
  );
});

sw.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== location.origin || !url.pathname.startsWith('/app/'))
    return;
  const hashed = /-[A-Z0-9]{8,}\.(js|css)$/.test(url.pathname);
  // ignoreVary: the server answers `Vary: Origin`, and a module script's request carries an Origin
  // that the install's requests did not; the files are the same for every origin.
  if (hashed) {
    event.respondWith(
      caches.match(event.request, { ignoreVary: true }).then((hit) => hit ?? fetch(event.request)),
    );
    return;
  }
  const isPage = event.request.mode === 'navigate';
  event.respondWith(
    fetch(event.request)
      .then((res) => {
        if (res.ok && (url.pathname === '/app/config.json' || url.pathname === '/app/')) {
          const copy = res.clone();
          void caches.open(CACHE).then((c) => c.put(url.pathname, copy));
        }
        return res;
      })
      .catch(async () => {
        const hit = await caches.match(isPage ? '/app/' : url.pathname, { ignoreVary: true });
        return hit ?? Response.error();
      }),
  );
});
