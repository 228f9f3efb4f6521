/**
 * The README's first command as a new user runs it: `gridpatrol start` on its embedded default, in a
 * child process with its own DynamoDB Local and data folder. It must answer /health within 60 s,
 * keep its data across restarts, and leave no java process behind when stopped with Ctrl-C.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '@gridpatrol/local';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');
const dataDir = mkdtempSync(path.join(tmpdir(), 'gridpatrol-cli-'));
// The CLI must start its own DynamoDB Local here, so the test run's endpoint is left out.
const { DYNAMODB_ENDPOINT: _shared, ...inherited } = process.env;
// The small demo (the people of DOMAIN.md): this test is about starting, keeping data and stopping;
// the full demo's seed is test/e2e/demo-city.test.ts's.
const env = { ...inherited, GRIDPATROL_DATA_DIR: dataDir, GRIDPATROL_DEMO: 'small' };

const BIN = path.join(root, 'packages/local/bin/gridpatrol.js');

function cli(args: string[]): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], { env, cwd: root });
}

/** A dev token from `gridpatrol token`, signed with the key in the data folder the server uses. */
const tokenFor = (personId: string): string =>
  spawnSync(process.execPath, [BIN, 'token', personId], { env, cwd: root }).stdout.toString().trim();

async function startAndWait(port: number): Promise<{ child: ChildProcess; output: () => string }> {
  const child = cli(['start', '--port', String(port)]);
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`start exited early:\n${out}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      if (res.ok) return { child, output: () => out };
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill('SIGKILL');
  throw new Error(`no /health within 60 s:\n${out}`);
}

const javaFor = (dir: string) => spawnSync('pgrep', ['-f', `DynamoDBLocal.jar.*${dir}`]).status === 0;

async function interrupt(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGINT');
  await exited;
}

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('gridpatrol start', () => {
  it('serves the demo city, prints people with tokens, keeps data, and stops cleanly', async () => {
    const port = await freePort();
    const first = await startAndWait(port);
    expect(first.output()).toContain('officer-li');
    expect(first.output()).toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
    expect(first.output()).toContain(`curl http://127.0.0.1:${port}/health`);
    // The web app is built (when its sources changed) and served, with its runtime config.
    expect(first.output()).toContain(`App       http://127.0.0.1:${port}/app/`);
    const app = await fetch(`http://127.0.0.1:${port}/app/`);
    expect(app.status).toBe(200);
    expect(await app.text()).toMatch(/<script type="module" src="\/app\/app-[A-Z0-9]+\.js">/);
    const config = await fetch(`http://127.0.0.1:${port}/app/config.json`);
    expect(await config.json()).toMatchObject({ auth: { mode: 'local' }, city: { name: 'demo' } });

    // A token from the CLI works against the running server (same key in the data folder).
    const token = tokenFor('admin');
    const put = await fetch(`http://127.0.0.1:${port}/people/kept-worker`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'kept', role: 'grid_worker' }),
    });
    expect(put.status).toBe(201);
    expect(javaFor(dataDir)).toBe(true);
    await interrupt(first.child);
    expect(javaFor(dataDir)).toBe(false);

    // Restart: the person written before is still there.
    const second = await startAndWait(port);
    const me = await fetch(`http://127.0.0.1:${port}/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    const kept = tokenFor('kept-worker');
    const keptMe = await fetch(`http://127.0.0.1:${port}/me`, {
      headers: { authorization: `Bearer ${kept}` },
    });
    expect(await keptMe.json()).toMatchObject({ id: 'kept-worker' });
    await interrupt(second.child);
    expect(javaFor(dataDir)).toBe(false);
  }, 150_000);
});
