/**
 * The object-store interface exports are written through, a sink over a Node stream with
 * backpressure, and the download's Content-Disposition.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';

/** What a reader of the object is told: its type and the file name to save it under. */
export interface ObjectMeta {
  readonly contentType: string;
  readonly filename: string;
}

/** One object being written. Nothing is readable until `end` resolves. */
export interface ObjectSink {
  /** Appends UTF-8 text; resolves when the sink can take more (backpressure), rejects if it failed. */
  write(text: string): Promise<void>;
  /** Finishes the object; resolves once it is stored, with its size in bytes. */
  end(): Promise<{ bytes: number }>;
  /** Gives up: nothing is left behind (the multipart upload aborted). */
  abort(): Promise<void>;
}

export interface ObjectStore {
  writeStream(key: string, meta: ObjectMeta): ObjectSink;
  /** A URL anyone holding it may GET the object with, until `expiresAt`. */
  presignedUrl(key: string, expiresAt: Date): Promise<string>;
  /** Stores a small object whole (a grid import's body, up to the 6 MB request limit). */
  put(key: string, body: string, contentType: string): Promise<void>;
  /** The object's text; throws when there is none. */
  get(key: string): Promise<string>;
  /** Deletes the object; nothing when there is none. */
  remove(key: string): Promise<void>;
}

/**
 * A sink over a Node stream whose consumer reports completion (or failure) through `done`. Text is
 * encoded once and counted; a full stream is waited on, unless the consumer has failed meanwhile.
 */
export function streamSink(stream: Writable, done: Promise<unknown>, abort: () => Promise<void>): ObjectSink {
  let bytes = 0;
  let failure: unknown;
  const failed = done.then(
    () => undefined,
    (err: unknown) => {
      failure = err;
      throw err;
    },
  );
  failed.catch(() => undefined);
  return {
    async write(text) {
      if (failure !== undefined) throw failure;
      const chunk = Buffer.from(text, 'utf8');
      bytes += chunk.length;
      if (!stream.write(chunk)) await Promise.race([once(stream, 'drain'), failed]);
    },
    async end() {
      if (failure !== undefined) throw failure;
      stream.end();
      await done;
      return { bytes };
    },
    async abort() {
      stream.destroy();
      await abort();
    },
  };
}

/**
 * `Content-Disposition` of a download: the name as ASCII for old clients, and in full (RFC 6266 /
 * RFC 5987) for those that read `filename*`.
 *
 * @example contentDisposition('findings_城区_2026-11-23.csv') // `attachment; filename="findings____2026-11-23.csv"; filename*=UTF-8''findings_%E5%9F%8E%E5%8C%BA_2026-11-23.csv`
 */
export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
