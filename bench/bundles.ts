/**
 * `npm run bench -- bundles`: each Lambda handler group's bundle size and its median cold `require`
 * time in a fresh Node process, beside a bundle that holds only the DynamoDB document client (the
 * floor every function pays). The ratio is the figure: what our code adds on top of the SDK.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readCityConfig } from '@gridpatrol/cities';
import { HANDLER_GROUPS } from '@gridpatrol/functions';
import { lambdaEsbuildOptions } from '@gridpatrol/functions/bundling';
import { build } from 'esbuild';
import { fmt, summarize } from './stats';

const ROOT = path.resolve(import.meta.dirname, '..');
const RUNS = 15;

const BASELINE_SOURCE = `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
export const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));`;

/** Bundles a handler entry, or (entry undefined) the baseline, resolved from packages/store. */
async function bundle(entry: string | undefined, outfile: string): Promise<number> {
  const source = entry
    ? { entryPoints: [entry] }
    : {
        stdin: {
          contents: BASELINE_SOURCE,
          resolveDir: path.join(ROOT, 'packages/store'),
          loader: 'ts' as const,
        },
      };
  await build({
    ...lambdaEsbuildOptions(readCityConfig('demo')),
    ...source,
    outfile,
    sourcemap: false,
    logLevel: 'error',
  });
  return statSync(outfile).size;
}

function coldRequireMs(file: string): number {
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(file)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
  return Number(
    execFileSync(process.execPath, ['-e', script], {
      env: {
        ...process.env,
        AWS_REGION: 'us-east-1',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
    }).toString(),
  );
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'gridpatrol-bundles-'));
  try {
    const targets = [
      { name: 'baseline: DynamoDB document client only', entry: undefined },
      ...HANDLER_GROUPS.map((g) => ({ name: g, entry: path.join(ROOT, `functions/src/handlers/${g}.ts`) })),
    ];
    const built = [];
    for (const t of targets) {
      const file = path.join(dir, `${t.name.split(':')[0]}.cjs`);
      built.push({ ...t, file, bytes: await bundle(t.entry, file) });
    }
    // Round-robin so that machine noise falls on every bundle alike.
    const samples = new Map<string, number[]>(built.map((b) => [b.name, []]));
    for (let i = 0; i < RUNS; i++) for (const b of built) samples.get(b.name)?.push(coldRequireMs(b.file));

    const base = built[0];
    const baseMedian = summarize(samples.get(base?.name ?? '') ?? []).median;
    console.log(
      `Lambda bundles (esbuild, minified, CJS, AWS SDK bundled), cold require in a fresh node ${process.version}, ${RUNS} runs each\n`,
    );
    console.log(
      `${'bundle'.padEnd(42)} ${'size'.padStart(9)} ${'×size'.padStart(6)}  cold require (median, min–max)      ×time`,
    );
    for (const b of built) {
      const s = summarize(samples.get(b.name) ?? []);
      const sizeRatio = b.bytes / (base?.bytes ?? 1);
      console.log(
        `${b.name.padEnd(42)} ${`${(b.bytes / 1024).toFixed(0)} KB`.padStart(9)} ${sizeRatio.toFixed(2).padStart(6)}  ${fmt(s, 'ms').padEnd(35)} ${(s.median / baseMedian).toFixed(2)}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
