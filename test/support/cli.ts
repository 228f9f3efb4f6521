/** Runs the `gridpatrol` command as an operator would, with its data folder in `dataDir`. */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readCityConfig } from '@gridpatrol/cities';
import { configureHandlerEnv } from '@gridpatrol/local';
import { ensureTable, makeDynamoClient } from '@gridpatrol/store';
import { afterAll, beforeAll } from 'vitest';
import { testDatabaseEndpoint } from './database';
import { startTestApi, type TestApi } from './local-api';

export const REPO_ROOT = path.resolve(__dirname, '../..');

/**
 * The command speaks the locale's language, else the city's (zh-CN for the demo): the tests read
 * English unless they ask for another language (`--lang`, or LANG in `env`), as with the API.
 */
export function runCli(args: string[], dataDir: string, env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [path.join(REPO_ROOT, 'packages/local/bin/gridpatrol.js'), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, LANG: 'en', LC_ALL: '', GRIDPATROL_DATA_DIR: dataDir, ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
}

/**
 * The command pointed at a test server's table in this file's DynamoDB Local, as an operator runs
 * it after a deploy, with a scratch data folder: `run` adds `--table` and `--endpoint` to the
 * arguments; `cleanup` (in afterAll) removes the folder. The table is read when a command runs,
 * so the server may start later (in beforeAll).
 *
 * @example const cli = cliOnTable('owners', () => api.tableName); cli.run(['stats', 'verify'])
 */
export function cliOnTable(prefix: string, tableName: () => string) {
  const dir = mkdtempSync(path.join(tmpdir(), `gridpatrol-${prefix}-`));
  return {
    run: (args: string[]) =>
      runCli([...args, '--table', tableName(), '--endpoint', testDatabaseEndpoint()], dir),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * This file's demo-city test server and the command on its table (cliOnTable), for the tests that
 * run both: the server starts in beforeAll; afterAll closes it and removes the command's folder.
 * Read `api` inside a test or hook, once the server is up.
 *
 * @example const demo = demoApiWithCli('owners'); … await demo.api.call('GET', '/findings'); demo.cli.run([…])
 */
export function demoApiWithCli(prefix: string) {
  let api: TestApi | undefined;
  const started = (): TestApi => {
    if (api === undefined) throw new Error('the test server has not started yet (read api inside a test)');
    return api;
  };
  const cli = cliOnTable(prefix, () => started().tableName);
  beforeAll(async () => {
    api = await startTestApi('demo');
  }, 120_000);
  afterAll(async () => {
    await api?.close();
    cli.cleanup();
  });
  return {
    get api() {
      return started();
    },
    cli,
  };
}

/**
 * A scratch folder and table for `gridpatrol grid import` runs against the suite's DynamoDB Local,
 * as the riverside city: `prepare` (in beforeAll) creates the table, `write` puts a file in the
 * folder, `gridImport` runs the command on two files, `cleanup` (in afterAll) removes the folder.
 */
export function gridImportTarget(prefix: string, endpoint: string) {
  const dir = mkdtempSync(path.join(tmpdir(), `gridpatrol-${prefix}-`));
  const table = `${prefix}-${randomUUID().slice(0, 8)}`;
  return {
    dir,
    table,
    write(name: string, value: unknown): string {
      const file = path.join(dir, name);
      writeFileSync(file, JSON.stringify(value));
      return file;
    },
    gridImport: (cells: string, zones: string, ...flags: string[]) =>
      runCli(
        ['grid', 'import', '--cells', cells, '--zones', zones, ...flags].concat([
          '--city',
          'riverside',
          '--table',
          table,
          '--endpoint',
          endpoint,
        ]),
        dir,
      ),
    async prepare() {
      const client = makeDynamoClient(endpoint);
      await ensureTable(client, table);
      client.destroy();
      configureHandlerEnv(readCityConfig('riverside'), endpoint, table);
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
