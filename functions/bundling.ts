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

/**
 * The entry file esbuild bundles for a function (`root` is the repository root): a small one under
 * `src/lambda/` that makes the DynamoDB client at init and loads the function's code at its first
 * invocation (src/lambda/deferred.ts, decision 0057). The pre-token trigger is the exception: it
 * never reads the table, and its whole bundle (the Cognito client) is already the size of that floor.
 */
export const lambdaEntry = (fn: LambdaFunction, root: string): string =>
  fn === 'pre-token'
    ? path.join(root, 'functions', 'src', fn, 'handler.ts')
    : path.join(root, 'functions', 'src', 'lambda', `${fn}.ts`);

/** Node.js version Lambda runs (runtime nodejs22.x). */
export const LAMBDA_NODE_TARGET = 'node22';

/**
 * The city config is inlined at bundle time: no 4 KB environment limit, no read at cold start.
 * Without its `deployment` section, which only infra/ reads: alarm e-mail addresses do not belong
 * in a function's code, and a new address must not rebuild every function.
 */
export const cityConfigDefine = ({
  deployment: _infraOnly,
  ...config
}: CityConfig): Record<string, string> => ({
  'process.env.GRIDPATROL_CITY_CONFIG': JSON.stringify(JSON.stringify(config)),
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
    define: cityConfigDefine(config),
    // import.meta.url is used by no handler; keep esbuild quiet about CJS output of ESM sources.
    logOverride: { 'empty-import-meta': 'silent' },
  };
}
