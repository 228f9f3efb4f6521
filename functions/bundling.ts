/**
 * How a Lambda handler group is bundled: the one place for it. infra/lib/function.ts hands these
 * settings to NodejsFunction, and `npm run bench -- bundles` builds with exactly the same, so the
 * sizes and cold-start figures it reports are those of what we deploy.
 */
import path from 'node:path';
import type { CityConfig } from '@gridpatrol/core';
import type { BuildOptions } from 'esbuild';
import { HANDLER_GROUPS } from './src/manifest-types';

/**
 * Every Lambda function the stack deploys: the HTTP handler groups, the scheduled jobs
 * (infra/lib/jobs.ts), the grid import job (infra/lib/grid-imports.ts), the counter fold
 * (infra/lib/counters.ts), the notifications outbox, the photo checker (infra/lib/attachments.ts)
 * and the user pool's pre-token-generation trigger (infra/lib/auth.ts).
 */
export const LAMBDA_FUNCTIONS = [
  ...HANDLER_GROUPS,
  'jobs',
  'grid-import',
  'counters',
  'notifications',
  'pre-token',
  'attachments',
] as const;
export type LambdaFunction = (typeof LAMBDA_FUNCTIONS)[number];

const HTTP_GROUPS: readonly string[] = HANDLER_GROUPS;

/**
 * The entry file esbuild bundles for a function: an HTTP group's under `handlers/`, any other's at
 * `<function>/handler.ts`, beside the code it runs. `root` is the repository root.
 */
export const lambdaEntry = (fn: LambdaFunction, root: string): string =>
  HTTP_GROUPS.includes(fn)
    ? path.join(root, 'functions', 'src', 'handlers', `${fn}.ts`)
    : path.join(root, 'functions', 'src', fn, 'handler.ts');

/** Node.js version Lambda runs (runtime nodejs22.x). */
export const LAMBDA_NODE_TARGET = 'node22';

/**
 * The city config is inlined at bundle time: no 4 KB environment limit, no read at cold start.
 * Without its `deployment` section, which only infra/ reads: alarm e-mail addresses do not belong
 * in a function's code, and a new address must not rebuild every function.
 * `config` is parseCityConfig's output, so the bundle says so (CITY_CONFIG_PARSED_AT_BUILD) and
 * skips parsing it again at every cold start (functions/src/runtime.ts, decision 0057).
 */
export const cityConfigDefine = ({
  deployment: _infraOnly,
  ...config
}: CityConfig): Record<string, string> => ({
  'process.env.GRIDPATROL_CITY_CONFIG': JSON.stringify(JSON.stringify(config)),
  GRIDPATROL_CITY_CONFIG_PARSED_AT_BUILD: 'true',
});

export function lambdaEsbuildOptions(config: CityConfig): BuildOptions {
  return {
    bundle: true,
    platform: 'node',
    target: LAMBDA_NODE_TARGET,
    format: 'cjs',
    minify: true,
    // Written beside the bundle for the deployment's artefacts, never loaded by Lambda (0057).
    sourcemap: 'external',
    // The AWS SDK is bundled too (no externals): pinned versions, and a smaller cold start than
    // resolving the runtime's copy from disk (see docs/decisions/0002-lambda-bundling.md).
    external: [],
    // The ES build of a package where it has one: esbuild drops what is never imported (the AWS
    // SDK's unused commands, shapes and browser code), which CommonJS builds do not allow (0060).
    mainFields: ['module', 'main'],
    define: cityConfigDefine(config),
    // import.meta.url is used by no handler; keep esbuild quiet about CJS output of ESM sources.
    logOverride: { 'empty-import-meta': 'silent' },
  };
}
