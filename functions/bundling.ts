/**
 * How a Lambda handler group is bundled: the one place for it. infra/lib/function.ts hands these
 * settings to NodejsFunction, and `npm run bench -- bundles` builds with exactly the same, so the
 * sizes and cold-start figures it reports are those of what we deploy.
 */
import type { CityConfig } from '@gridpatrol/core';
import type { BuildOptions } from 'esbuild';

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
    sourcemap: true,
    // The AWS SDK is bundled too (no externals): pinned versions, and a smaller cold start than
    // resolving the runtime's copy from disk (see docs/decisions/0002-lambda-bundling.md).
    external: [],
    define: cityConfigDefine(config),
    // import.meta.url is used by no handler; keep esbuild quiet about CJS output of ESM sources.
    logOverride: { 'empty-import-meta': 'silent' },
  };
}
