// s3rver ships no types; the little of it the local runtime uses.
declare module 's3rver' {
  import type { EventEmitter } from 'node:events';
  import type { IncomingHttpHeaders } from 'node:http';

  interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    directory: string;
    resetOnClose?: boolean;
    configureBuckets?: { name: string; configs?: string[] }[];
    allowMismatchedSignatures?: boolean;
  }
  /** The part of a Koa context (s3rver is a Koa app) a middleware in front of s3rver's own uses. */
  export interface KoaContext {
    readonly method: string;
    /** The request's path, not percent-decoded. */
    readonly path: string;
    /** The path and query as requested. */
    readonly url: string;
    readonly headers: IncomingHttpHeaders;
    status: number;
    type: string;
    body: unknown;
  }
  export type KoaMiddleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;
  export default class S3rver extends EventEmitter {
    constructor(options: S3rverOptions);
    /** Koa's middleware list, run in order on each request; read when the server starts. */
    middleware: KoaMiddleware[];
    run(): Promise<{ address: string; port: number }>;
    close(): Promise<void>;
  }
}
