/**
 * The offline queue (docs/decisions/0034-offline-queue.md). Every field write — a report, a
 * check-in, a completion — is first stored in IndexedDB with the Idempotency-Key made when the
 * person pressed the button, then sent; an item leaves the queue only when the server has answered
 * it (2xx: done; a refusal: shown to the person). Without a connection, or on a 5xx/503, it stays
 * and is sent again with backoff, when the connection returns, and at every start. The API's
 * idempotency makes a resend of an answered request a replay, so nothing is written twice.
 */
import { ApiClient, ApiError, newIdempotencyKey, RETRYABLE } from './api';
import { keyPhotos, type PendingPhoto, uploadPhotos } from './photos';
import { signal } from './state';

export type OutboxKind = 'report' | 'checkIn' | 'complete';

export interface OutboxItem {
  /** The Idempotency-Key, also the item's key. */
  readonly key: string;
  readonly personId: string;
  readonly kind: OutboxKind;
  readonly path: string;
  readonly body: unknown;
  /** What the person would recognise it by (business name, cell name). */
  readonly label: string;
  readonly createdAt: number;
  /**
   * Its photos (Blobs in IndexedDB) and the slot route they are uploaded through, before the step
   * is sent; each keeps its own slot Idempotency-Key and, once uploaded, its attachment id.
   */
  readonly photos?: PendingPhoto[];
  readonly slotPath?: string;
  attempts: number;
  nextAttemptAt: number;
}

export type SubmitResult<T> = { readonly state: 'sent'; readonly response: T } | { readonly state: 'queued' };

const DB = 'gridpatrol';
const STORE = 'outbox';
const MAX_DELAY_MS = 5 * 60_000;
const RETRY_TICK_MS = 10_000;
export const OLD_AFTER_MS = 24 * 3600_000;

export const hasIndexedDb = (): boolean => typeof indexedDB !== 'undefined';

/** How many wait, and how many of them waited more than a day. */
export const waiting = signal({ count: 0, old: 0 });
/** Queued items the server refused when they were finally sent: told to the person once. */
export const refusals = signal<{ label: string; error: ApiError }[]>([]);
/** Raised after a queued item was acknowledged, so pages can reload what it changed. */
export const acknowledged = signal(0);

let dbPromise: Promise<IDBDatabase> | undefined;

function db(): Promise<IDBDatabase> {
  dbPromise ??= new Promise((resolve, reject) => {
    const open = indexedDB.open(DB, 1);
    open.onupgradeneeded = () => open.result.createObjectStore(STORE, { keyPath: 'key' });
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  return dbPromise;
}

async function tx<T>(mode: IDBTransactionMode, run: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const store = (await db()).transaction(STORE, mode).objectStore(STORE);
  return new Promise((resolve, reject) => {
    const req = run(store);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

const putItem = (item: OutboxItem) => tx('readwrite', (s) => s.put(item));
const removeItem = (key: string) => tx('readwrite', (s) => s.delete(key));
const allItems = () => tx<OutboxItem[]>('readonly', (s) => s.getAll() as IDBRequest<OutboxItem[]>);

/** Jittered exponential backoff: 2 s, 4 s, 8 s … up to 5 min. */
export const backoffMs = (attempts: number): number =>
  Math.min(MAX_DELAY_MS, 2000 * 2 ** Math.min(attempts, 10)) * (0.5 + Math.random() / 2);

export class Outbox {
  private readonly inFlight = new Set<string>();
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly api: ApiClient,
    private readonly personId: () => string | undefined,
  ) {}

  /** Starts the background sending: now, when the connection returns, and every few seconds. */
  start(): void {
    if (!hasIndexedDb()) return;
    addEventListener('online', () => void this.flush({ now: true }));
    setInterval(() => void this.flush(), RETRY_TICK_MS);
    void this.flush({ now: true });
  }

  /**
   * Stores the write and sends it. `sent` with the server's answer, or `queued` when it could not
   * be delivered now; a refusal (4xx) throws its ApiError and leaves nothing queued.
   */
  async submit<T>(
    kind: OutboxKind,
    path: string,
    body: unknown,
    label: string,
    attached?: { readonly slotPath: string; readonly photos: readonly PendingPhoto[] },
  ): Promise<SubmitResult<T>> {
    const personId = this.personId();
    const item: OutboxItem = {
      key: newIdempotencyKey(),
      personId: personId ?? '',
      kind,
      path,
      body,
      label,
      createdAt: Date.now(),
      ...(attached?.photos.length
        ? { photos: keyPhotos(attached.photos, newIdempotencyKey), slotPath: attached.slotPath }
        : {}),
      attempts: 0,
      nextAttemptAt: Date.now(),
    };
    if (!hasIndexedDb()) {
      // No queue in this browser (some in-app browsers): send once; the page keeps the form on error.
      const response = await this.api.request<T>('POST', path, {
        body: await this.bodyWithPhotos(item),
        idempotencyKey: item.key,
      });
      return { state: 'sent', response };
    }
    await putItem(item);
    await this.count();
    const outcome = await this.send<T>(item);
    if (outcome.state === 'refused') throw outcome.error;
    return outcome;
  }

  private async send<T>(item: OutboxItem): Promise<SubmitResult<T> | { state: 'refused'; error: ApiError }> {
    this.inFlight.add(item.key);
    try {
      const response = await this.api.request<T>('POST', item.path, {
        body: await this.bodyWithPhotos(item),
        idempotencyKey: item.key,
      });
      await removeItem(item.key);
      return { state: 'sent', response };
    } catch (err) {
      const error = err instanceof ApiError ? err : new ApiError('server', 0, 'internal', String(err));
      if (RETRYABLE.has(error.kind) || error.kind === 'unauthenticated') {
        // Unauthenticated: kept until the person signs in again, then sent under a fresh token.
        item.attempts += 1;
        item.nextAttemptAt = Date.now() + backoffMs(item.attempts);
        await putItem(item);
        return { state: 'queued' };
      }
      await removeItem(item.key);
      return { state: 'refused', error };
    } finally {
      this.inFlight.delete(item.key);
      await this.count();
    }
  }

  /**
   * The step's body naming its photos, uploading first those not uploaded yet: each one's id is
   * stored as it lands, so a resend after a lost connection uploads only what is missing.
   */
  private async bodyWithPhotos(item: OutboxItem): Promise<unknown> {
    if (!item.photos?.length || !item.slotPath) return item.body;
    const ids = await uploadPhotos(this.api, item.slotPath, item.photos, () =>
      hasIndexedDb() ? putItem(item) : Promise.resolve(),
    );
    return { ...(item.body as Record<string, unknown>), photos: ids };
  }

  /** Sends what is due (everything, with `now`), oldest first; one pass at a time. */
  flush(opts: { now?: boolean } = {}): Promise<void> {
    this.flushing ??= this.flushOnce(opts.now === true).finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private async flushOnce(now: boolean): Promise<void> {
    const personId = this.personId();
    if (!personId || !hasIndexedDb()) return;
    const items = (await allItems())
      .filter(
        (i) => i.personId === personId && !this.inFlight.has(i.key) && (now || i.nextAttemptAt <= Date.now()),
      )
      .sort((a, b) => a.createdAt - b.createdAt);
    for (const item of items) {
      const outcome = await this.send(item).catch(() => ({ state: 'queued' as const }));
      // Still unreachable: the rest can wait as well.
      if (outcome.state === 'queued') break;
      if (outcome.state === 'refused')
        refusals.set([...refusals.get(), { label: item.label, error: outcome.error }]);
      acknowledged.set(acknowledged.get() + 1);
    }
  }

  /** Updates `waiting` for the signed-in person. */
  async count(): Promise<void> {
    if (!hasIndexedDb()) return;
    const personId = this.personId();
    const mine = (await allItems()).filter((i) => i.personId === personId);
    const old = mine.filter((i) => Date.now() - i.createdAt > OLD_AFTER_MS).length;
    waiting.set({ count: mine.length, old });
  }

  /** What waits, for the tasks page (a check-in made offline shows as pending). */
  async pending(): Promise<OutboxItem[]> {
    if (!hasIndexedDb()) return [];
    const personId = this.personId();
    return (await allItems()).filter((i) => i.personId === personId);
  }
}

/** Asks the browser not to evict the queue under storage pressure; harmless where unsupported. */
export async function requestPersistentStorage(): Promise<boolean> {
  try {
    return (await navigator.storage?.persist?.()) ?? false;
  } catch {
    return false;
  }
}
