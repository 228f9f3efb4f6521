/**
 * A real local server for one test file: its own table in the shared DynamoDB Local, the city's
 * seed, a random dev-token key, and a small fetch wrapper.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CityConfig } from '@gridpatrol/core';
import { readCityConfig } from '@gridpatrol/infra/cities';
import {
  issueDevToken,
  type LocalServerOptions,
  openDatabase,
  randomDevKey,
  seedCity,
  startLocalServer,
} from '@gridpatrol/local';

export interface TestApi {
  readonly url: string;
  readonly config: CityConfig;
  readonly tableName: string;
  /** The key dev tokens are signed with, for tests that forge their own. */
  readonly tokenKey: Uint8Array;
  token(personId: string): Promise<string>;
  call(method: string, path: string, opts?: CallOptions): Promise<TestResponse>;
  /**
   * Waits until every change written so far is folded into the counters (they follow the stream,
   * docs/decisions/0028): call it before reading counters, stats, exports or baselines after a write.
   */
  settle(): Promise<void>;
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

/** `server` passes options on to the local server (e.g. short receive timeouts). */
export async function startTestApi(
  city = 'demo',
  server: Pick<LocalServerOptions, 'receiveTimeouts'> = {},
): Promise<TestApi> {
  const config = readCityConfig(city);
  const tableName = `test-${randomUUID().slice(0, 8)}`;
  const db = await openDatabase(config, { persist: false, tableName });
  await seedCity(config);
  const key = randomDevKey();
  // Exports go to a directory of this API's own, removed on close (not the developer's .data/).
  const exportsDir = mkdtempSync(path.join(tmpdir(), 'gridpatrol-exports-'));
  const local = await startLocalServer({ ...server, config, tokenKey: key, exportsDir });
  const token = (id: string) => issueDevToken(key, id);
  return {
    url: local.url,
    config,
    tableName,
    tokenKey: key,
    token,
    async call(method, path, opts = {}) {
      const headers: Record<string, string> = { ...opts.headers };
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
    async close() {
      await local.close();
      await db.stop();
      rmSync(exportsDir, { recursive: true, force: true });
    },
  };
}
