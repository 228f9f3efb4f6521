/**
 * Brings up the embedded default for one city: a database (DynamoDB Local, or the one named by
 * DYNAMODB_ENDPOINT), the table from its one definition, and the process environment the handlers
 * read. Used by `npm start`, the CLI and the tests alike.
 */

import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import type { CityConfig } from '@gridpatrol/core';
import { setDeliveryPorts } from '@gridpatrol/functions/notifications/ports';
import {
  backfillFindingIndex,
  ensureTableUpToDate,
  eventsMoved,
  localTableName,
  makeDynamoClient,
  moveEvents,
  type TableUpgrade,
} from '@gridpatrol/store';
import { type CounterFold, startCounterFold } from './counter-stream';
import { type DynamoSupervision, startDynamoDbLocal } from './dynamodb-local';
import { formatEventMove } from './event-move';
import { formatIndexBackfill } from './index-backfill';
import { localDeliveryPorts } from './notification-ports';
import { DATA_DIR } from './paths';

/** Where a running `npm start` says which DynamoDB Local it owns, so the CLI can share it. */
const RUNNING_ENDPOINT_FILE = path.join(DATA_DIR, 'dynamodb-endpoint');

export interface LocalDatabase {
  readonly endpoint: string;
  readonly tableName: string;
  /** True when we started DynamoDB Local and so must stop it. */
  readonly owned: boolean;
  /**
   * Resolves once every change written so far is folded into the counters (the stream drained):
   * call it before reading counters right after a write. A no-op when `foldCounters` was false.
   */
  settleCounters(): Promise<void>;
  stop(): Promise<void>;
}

export interface DatabaseOptions {
  /** Keep data on disk under .data/ (npm start, CLI) or in memory (tests). */
  readonly persist: boolean;
  readonly tableName?: string;
  /** Use the DynamoDB Local of a running `npm start` rather than opening its files a second time. */
  readonly reuseRunning?: boolean;
  /**
   * Poll the table's stream and fold counters, as the counters Lambda does in AWS (0028). Another
   * process folding the same stream (a CLI beside `npm start`) is harmless: the ledger counts each
   * change once.
   * @default true
   */
  readonly foldCounters?: boolean;
  /**
   * Move the events a table of an older version stored in their finding's or task's partition
   * (0040), once: `npm start` does, other commands leave it to `gridpatrol events move`.
   */
  readonly moveEvents?: boolean;
}

/** Errors of the background fold, said at most this often (a stopped database fails every poll). */
const FOLD_ERROR_QUIET_MS = 30_000;
/** How long stop() lets the fold catch up with this process's own writes. */
const FOLD_SETTLE_ON_STOP_MS = 10_000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

async function answers(endpoint: string): Promise<boolean> {
  const client = makeDynamoClient(endpoint);
  try {
    await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  } finally {
    client.destroy();
  }
}

async function runningEndpoint(): Promise<string | undefined> {
  if (!existsSync(RUNNING_ENDPOINT_FILE)) return undefined;
  const endpoint = readFileSync(RUNNING_ENDPOINT_FILE, 'utf8').trim();
  return (await answers(endpoint)) ? endpoint : undefined;
}

/** What `npm start` says when DynamoDB Local dies: the API answers 503 until it is back. */
const CONSOLE_SUPERVISION: DynamoSupervision = {
  onExit: ({ code, signal }) =>
    console.error(
      `DynamoDB Local stopped unexpectedly (${signal ?? `exit code ${code}`}); the API answers 503 while it restarts...`,
    ),
  onRestarted: (endpoint) => console.error(`DynamoDB Local restarted on ${endpoint}; the API answers again.`),
  onGiveUp: (err) =>
    console.error(
      [
        `DynamoDB Local could not be restarted: ${err.message}`,
        'The API answers 503 until it is back. Stop GridPatrol (Ctrl-C) and run `npm start` again.',
      ].join('\n'),
    ),
};

export async function openDatabase(config: CityConfig, opts: DatabaseOptions): Promise<LocalDatabase> {
  // GRIDPATROL_TABLE: another local table for every command (the README test's own).
  const tableName = opts.tableName ?? (process.env.GRIDPATROL_TABLE || localTableName(config.name));
  const given = process.env.DYNAMODB_ENDPOINT || (opts.reuseRunning ? await runningEndpoint() : undefined);
  const dynamo = given
    ? undefined
    : await startDynamoDbLocal({
        dataDir: opts.persist ? path.join(DATA_DIR, 'dynamodb') : undefined,
        // Data on disk survives a restart; an in-memory database would come back empty.
        ...(opts.persist ? { supervise: CONSOLE_SUPERVISION } : {}),
      });
  const endpoint = dynamo?.endpoint ?? (given as string);
  let upgrade: TableUpgrade;
  try {
    const client = makeDynamoClient(endpoint);
    upgrade = await ensureTableUpToDate(client, tableName);
    client.destroy();
  } catch (err) {
    await dynamo?.stop();
    throw err;
  }
  configureHandlerEnv(config, endpoint, tableName);
  // The delivery worker's local stand-ins (robots as configured, SMS and e-mail recorded).
  if (opts.foldCounters !== false) setDeliveryPorts(localDeliveryPorts());
  if (upgrade.streamEnabled)
    console.log(`Table ${tableName} now has its change stream: counters are folded in from it from now on.`);
  let lastFoldError = 0;
  const fold: CounterFold | undefined =
    opts.foldCounters === false
      ? undefined
      : startCounterFold({
          endpoint,
          tableName,
          onError: (err) => {
            if (Date.now() - lastFoldError < FOLD_ERROR_QUIET_MS) return;
            lastFoldError = Date.now();
            console.error(`Counter fold: ${err.message} (retried every poll)`);
          },
        });
  if (upgrade.addedIndexes.includes('gsi5')) {
    // A table of an older version just gained the city-wide index: its findings get their keys now.
    try {
      console.log(formatIndexBackfill(await backfillFindingIndex({ timeZone: config.timeZone })));
    } catch (err) {
      await fold?.stop();
      await dynamo?.stop();
      throw err;
    }
  }
  try {
    // Events stored before they had partitions of their own (0040) are moved once, on the first start.
    if (opts.moveEvents && !upgrade.created && !(await eventsMoved()))
      console.log(formatEventMove(await moveEvents()));
  } catch (err) {
    await fold?.stop();
    await dynamo?.stop();
    throw err;
  }
  const advertise = dynamo !== undefined && opts.persist;
  if (advertise) writeFileSync(RUNNING_ENDPOINT_FILE, endpoint);
  return {
    endpoint,
    tableName,
    owned: dynamo !== undefined,
    settleCounters: async () => {
      await fold?.settle();
    },
    stop: async () => {
      if (advertise) rmSync(RUNNING_ENDPOINT_FILE, { force: true });
      // What this process wrote is folded before it goes (a database already gone is not waited for).
      await Promise.race([fold?.settle().catch(() => undefined), sleep(FOLD_SETTLE_ON_STOP_MS)]);
      await fold?.stop();
      await dynamo?.stop();
      // A database this process started is gone: the next one opened here must not be sent to it.
      if (dynamo && process.env.DYNAMODB_ENDPOINT === endpoint) delete process.env.DYNAMODB_ENDPOINT;
    },
  };
}

/** What the handlers read from their environment in Lambda, set for this process. */
export function configureHandlerEnv(config: CityConfig, endpoint: string, tableName: string): void {
  process.env.DYNAMODB_ENDPOINT = endpoint;
  process.env.TABLE_NAME = tableName;
  process.env.GRIDPATROL_CITY = config.name;
  process.env.GRIDPATROL_CITY_CONFIG = JSON.stringify(config);
  process.env.AWS_REGION ??= 'local';
}
