/**
 * A real local server for one test file: its own table in the shared DynamoDB Local, the city's
 * seed, a random dev-token key, and a small fetch wrapper.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readCityConfig } from '@gridpatrol/cities';
import type { CityConfig } from '@gridpatrol/core';
import {
  type FaultProxy,
  type FaultSettings,
  issueDevToken,
  type LocalServerOptions,
  openDatabase,
  randomDevKey,
  seedCity,
  startFaultProxy,
  startLocalServer,
} from '@gridpatrol/local';

export interface TestApi {
  readonly url: string;
  readonly config: CityConfig;
  readonly tableName: string;
  /** The key dev tokens are signed with, for tests that forge their own. */
  readonly tokenKey: Uint8Array;
  /** The fault proxy between the server and DynamoDB Local, when asked for (`faultProxy`). */
  readonly proxy?: FaultProxy;
  token(personId: string): Promise<string>;
  call(method: string, path: string, opts?: CallOptions): Promise<TestResponse>;
  /**
   * Waits until every change written so far is folded into the counters (they follow the stream,
   * docs/decisions/0028): call it before reading counters, stats, exports or baselines after a write.
   */
  settle(): Promise<void>;
  /**
   * Waits until every photo uploaded so far is checked and every grid import body stored so far is
   * imported (the local buckets' notifications, 0051 and 0056).
   */
  settleUploads(): Promise<void>;
  close(): Promise<void>;
}

// biome-ignore lint/suspicious/noExplicitAny: test responses are inspected loosely
type Json = any;

export interface TestResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed JSON body, or undefined when the body is not JSON. */
  body: Json;
}

export interface CallOptions {
  as?: string;
  body?: unknown;
  rawBody?: string | Buffer;
  headers?: Record<string, string>;
}

export interface TestApiOptions
  extends Pick<LocalServerOptions, 'receiveTimeouts' | 'webDir' | 'clockOffsetMs'> {
  /**
   * Put the server behind a fault proxy (packages/local/src/fault-proxy.ts). The table is created and
   * seeded through it with no faults; `faults` apply from then on, and `api.proxy.set` changes them.
   */
  faultProxy?: { seed?: number; faults?: FaultSettings };
  /** The dev-token key (a CLI in another process signs with the key in its data dir). @default random */
  tokenKey?: Uint8Array;
  /** Seed the demo city as `npm start` does: the whole force and six weeks of findings. @default false */
  fullSeed?: boolean;
  /** Changes the city file's settings for this server only (e.g. the photos a step requires). */
  configure?: (config: CityConfig) => CityConfig;
}

/** `server` passes options on to the local server (e.g. short receive timeouts). */
export async function startTestApi(city = 'demo', server: TestApiOptions = {}): Promise<TestApi> {
  const { faultProxy, tokenKey, fullSeed, configure, ...serverOptions } = server;
  const config = configure ? configure(readCityConfig(city)) : readCityConfig(city);
  const tableName = `test-${randomUUID().slice(0, 8)}`;
  const directEndpoint = process.env.DYNAMODB_ENDPOINT;
  const proxy = faultProxy
    ? await startFaultProxy({ target: directEndpoint as string, seed: faultProxy.seed })
    : undefined;
  // The handlers (and the seed) reach the database through whatever DYNAMODB_ENDPOINT names.
  if (proxy) process.env.DYNAMODB_ENDPOINT = proxy.url;
  const db = await openDatabase(config, { persist: false, tableName });
  await seedCity(config, { full: fullSeed === true });
  if (proxy && faultProxy?.faults) await proxy.set(faultProxy.faults);
  const key = tokenKey ?? randomDevKey();
  // The local S3's objects (the attachments and exports buckets) go to a directory of this API's
  // own, removed on close (not the developer's .data/).
  const s3Dir = mkdtempSync(path.join(tmpdir(), 'gridpatrol-s3-'));
  const local = await startLocalServer({ ...serverOptions, config, tokenKey: key, s3Dir });
  const token = (id: string) => issueDevToken(key, id);
  return {
    url: local.url,
    config,
    tableName,
    tokenKey: key,
    ...(proxy ? { proxy } : {}),
    token,
    async call(method, path, opts = {}) {
      const headers: Record<string, string> = { ...opts.headers };
      // The API answers in the city's language (zh-CN) by default; the tests read English unless
      // they ask for another language themselves (issue 16).
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'accept-language'))
        headers['accept-language'] = 'en';
      if (opts.as) headers.authorization = `Bearer ${await token(opts.as)}`;
      let body: string | Buffer | undefined = opts.rawBody;
      if (opts.body !== undefined) {
        body = JSON.stringify(opts.body);
        headers['content-type'] ??= 'application/json';
      }
      const res = await fetch(`${local.url}${path}`, { method, headers, body });
      const text = await res.text();
      let json: Json;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: res.status, headers: res.headers, text, body: json };
    },
    settle: () => db.settleCounters(),
    settleUploads: () => local.settleUploads(),
    async close() {
      await local.close();
      await db.stop();
      await proxy?.close();
      if (proxy) process.env.DYNAMODB_ENDPOINT = directEndpoint;
      rmSync(s3Dir, { recursive: true, force: true });
    },
  };
}
