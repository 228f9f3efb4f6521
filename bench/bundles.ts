/**
 * `npm run bench -- bundles`: each Lambda function's bundle size and two medians, each in a fresh
 * Node process, beside a bundle that holds only the DynamoDB document client (the floor every
 * function pays):
 *
 * - cold `require`: what Lambda's init phase runs;
 * - `require` + first request: init and then one request to a representative route of each HTTP
 *   group (the group's first GET in the manifest, by a caller with no person record: its token
 *   check reads the table once, then a 403; `GET /health` reads it once, then a 200), against a stub
 *   DynamoDB that answers every call with `{}`. The baseline's first request is one GetItem against
 *   the same stub. Work a bundle defers from init to its first request shows here, so the first
 *   figure cannot be won by moving work around (decision 0057).
 *
 * The stream and S3 consumers' first request is an empty batch (it loads their code and does no work);
 * the jobs and the pre-token trigger get none here (a job run is a workload of its own; the trigger calls
 * Cognito).
 *
 * The ratios are the figures: what our code adds on top of the SDK. Every bundle takes the SDK
 * from its ES modules, tree-shaken (0060); a second baseline takes it from its CommonJS build, as
 * all bundles did before, and column ×cjs reads each cold require against that one too.
 *
 * To compare two versions in one interleaved run: `BENCH_SAVE_TO=/tmp/before npm run bench -- bundles`
 * on the old code keeps its bundles; `BENCH_COMPARE_WITH=/tmp/before` on the new one measures them
 * again beside the new ones, as `<name> (before)`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readCityConfig } from '@gridpatrol/cities';
import { HANDLER_GROUPS, type HandlerGroup, ROUTES } from '@gridpatrol/functions';
import {
  LAMBDA_FUNCTIONS,
  type LambdaFunction,
  lambdaEntry,
  lambdaEsbuildOptions,
} from '@gridpatrol/functions/bundling';
import { build } from 'esbuild';
import { fmt, summarize } from './stats';

const ROOT = path.resolve(import.meta.dirname, '..');
// BENCH_RUNS=3 for a quick look; the figures in the decisions are from 15.
const RUNS = Number(process.env.BENCH_RUNS ?? 15);

const BASELINE_SOURCE = `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
export const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
export const handler = () => client.send(new GetCommand({ TableName: 'bench', Key: { pk: 'a', sk: 'b' } }));`;

/**
 * Bundles a function's entry, or (entry undefined) the baseline, resolved from packages/store;
 * `mainFields` overrides the shared options' (the CommonJS baseline).
 */
async function bundle(entry: string | undefined, outfile: string, mainFields?: string[]): Promise<number> {
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
    ...(mainFields ? { mainFields } : {}),
    outfile,
    sourcemap: false,
    logLevel: 'error',
  });
  return statSync(outfile).size;
}

/** The API Gateway (HTTP API, payload 2.0) event of a GET to the group's first GET route. */
function firstRequestEvent(group: HandlerGroup): object {
  const route = ROUTES.find((r) => r.group === group && r.method === 'GET');
  if (!route) throw new Error(`${group} has no GET route`);
  const rawPath = route.path.replace(/\{[^}]+\}/g, 'bench-id');
  const nowS = Math.floor(Date.now() / 1000);
  return {
    version: '2.0',
    routeKey: `GET ${route.path}`,
    rawPath,
    rawQueryString: '',
    headers: { 'accept-language': 'en' },
    pathParameters: Object.fromEntries(
      [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => [m[1] as string, 'bench-id']),
    ),
    requestContext: {
      http: { method: 'GET', path: rawPath },
      requestId: 'bench',
      authorizer: { jwt: { claims: { token_use: 'id', sub: 'bench-person', iat: nowS, exp: nowS + 600 } } },
    },
    isBase64Encoded: false,
  };
}

/**
 * The child process's script: with `event` undefined, times the require alone; otherwise starts a
 * stub DynamoDB first, then times the require and one invocation, and prints the status it got.
 */
function childScript(file: string, event: object | undefined): string {
  const time = `const t=process.hrtime.bigint();const m=require(${JSON.stringify(file)});`;
  if (!event) return `${time}process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
  return `const http=require('node:http');
const stub=http.createServer((q,s)=>{q.resume();q.on('end',()=>{s.writeHead(200,{'content-type':'application/x-amz-json-1.0'});s.end('{}')})});
stub.listen(0,'127.0.0.1',async()=>{
  const url='http://127.0.0.1:'+stub.address().port;
  process.env.DYNAMODB_ENDPOINT=url;process.env.AWS_ENDPOINT_URL_DYNAMODB=url;
  ${time}
  const ctx={awsRequestId:'bench',functionName:'bench',functionVersion:'1',invokedFunctionArn:'arn:aws:lambda:us-east-1:1:function:bench',memoryLimitInMB:'512',getRemainingTimeInMillis:()=>10000};
  const r=await m.handler(${JSON.stringify(event)},ctx);
  const ms=Number(process.hrtime.bigint()-t)/1e6;
  stub.close();
  process.stdout.write(ms+' '+(r&&r.statusCode!==undefined?r.statusCode:'-'));
  process.exit(0);
});`;
}

function runChild(file: string, event: object | undefined): { ms: number; status: string } {
  const out = execFileSync(process.execPath, ['-e', childScript(file, event)], {
    env: {
      ...process.env,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'bench',
      AWS_SECRET_ACCESS_KEY: 'bench',
      TABLE_NAME: 'bench',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    stdio: ['ignore', 'pipe', 'ignore'],
  }).toString();
  const [ms, status] = out.split(' ');
  return { ms: Number(ms), status: status ?? '' };
}

/** The first event of the functions that are not HTTP groups: an empty batch of what they consume. */
const EMPTY_BATCH: Partial<Record<LambdaFunction, object>> = {
  'grid-import': { Records: [] },
  counters: { Records: [] },
  notifications: { Records: [] },
  attachments: { Records: [] },
};

interface Target {
  name: string;
  entry: string | undefined;
  /** The first request's event; undefined: only the cold require is measured. */
  event: object | undefined;
  mainFields?: string[];
}

export async function run(): Promise<void> {
  const saveTo = process.env.BENCH_SAVE_TO;
  const compareWith = process.env.BENCH_COMPARE_WITH;
  if (saveTo) mkdirSync(saveTo, { recursive: true });
  const dir = saveTo ?? mkdtempSync(path.join(tmpdir(), 'gridpatrol-bundles-'));
  const httpGroups: readonly string[] = HANDLER_GROUPS;
  try {
    const targets: Target[] = [
      { name: 'baseline: DynamoDB document client only', entry: undefined, event: {} },
      // The same client from the SDK's CommonJS build, as every bundle took it until 0060: the
      // floor when issue 18 set its target, shown so that both ratios can be read (column ×cjs).
      {
        name: 'baseline-cjs: the same, CommonJS SDK',
        entry: undefined,
        event: {},
        mainFields: ['main', 'module'],
      },
      ...LAMBDA_FUNCTIONS.map((fn) => ({
        name: fn,
        entry: lambdaEntry(fn, ROOT),
        event: httpGroups.includes(fn) ? firstRequestEvent(fn as HandlerGroup) : EMPTY_BATCH[fn],
      })),
    ];
    const built = [];
    for (const t of targets) {
      const file = path.join(dir, `${t.name.split(':')[0]}.cjs`);
      built.push({ ...t, file, bytes: await bundle(t.entry, file, t.mainFields) });
      const before = compareWith && path.join(compareWith, path.basename(file));
      if (before && existsSync(before))
        built.push({
          ...t,
          name: `${t.name.split(':')[0]} (before)`,
          file: before,
          bytes: statSync(before).size,
        });
    }
    // Round-robin so that machine noise falls on every bundle alike.
    const requires = new Map<string, number[]>(built.map((b) => [b.name, []]));
    const firsts = new Map<string, number[]>(built.map((b) => [b.name, []]));
    const statuses = new Map<string, Set<string>>(built.map((b) => [b.name, new Set()]));
    for (let i = 0; i < RUNS; i++)
      for (const b of built) {
        requires.get(b.name)?.push(runChild(b.file, undefined).ms);
        if (!b.event) continue;
        const first = runChild(b.file, b.event);
        firsts.get(b.name)?.push(first.ms);
        statuses.get(b.name)?.add(first.status);
      }

    const base = built[0];
    const baseRequire = summarize(requires.get(base?.name ?? '') ?? []).median;
    const baseFirst = summarize(firsts.get(base?.name ?? '') ?? []).median;
    const cjsRequire = summarize(requires.get(built.find((b) => b.mainFields)?.name ?? '') ?? []).median;
    console.log(
      `Lambda bundles (esbuild, minified, CJS, AWS SDK bundled from its ES modules), in a fresh node ${process.version}, ${RUNS} runs each, medians\n` +
        '×time: ÷ the baseline built the same way; ×cjs: cold require ÷ the baseline from the SDK’s CommonJS build\n',
    );
    console.log(
      `${'bundle'.padEnd(42)} ${'size'.padStart(8)} ${'×size'.padStart(6)}  ${'cold require'.padEnd(36)} ×time  ×cjs  ${'require + first request'.padEnd(36)} ×time  status`,
    );
    for (const b of built) {
      const r = summarize(requires.get(b.name) ?? []);
      const f = firsts.get(b.name)?.length ? summarize(firsts.get(b.name) ?? []) : undefined;
      const sizeRatio = b.bytes / (base?.bytes ?? 1);
      console.log(
        [
          b.name.padEnd(42),
          `${(b.bytes / 1024).toFixed(0)} KB`.padStart(8),
          sizeRatio.toFixed(2).padStart(6),
          ` ${fmt(r, 'ms').padEnd(36)}`,
          (r.median / baseRequire).toFixed(2).padStart(5),
          (r.median / cjsRequire).toFixed(2).padStart(5),
          ` ${(f ? fmt(f, 'ms') : '—').padEnd(36)}`,
          (f ? (f.median / baseFirst).toFixed(2) : '').padStart(5),
          ` ${[...(statuses.get(b.name) ?? [])].join('/')}`,
        ].join(' '),
      );
    }
  } finally {
    if (!saveTo) rmSync(dir, { recursive: true, force: true });
  }
}
