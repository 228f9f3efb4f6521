/**
 * GridPatrolFunction: the one way this app makes a Lambda function. It pins what every handler
 * group shares (runtime, architecture, bundling, logging) so that a group differs only in its entry
 * file and its table access. Why the bundle looks the way it does: docs/decisions/0002-lambda-bundling.md.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CityConfig } from '@gridpatrol/core';
import type { HandlerGroup } from '@gridpatrol/functions';
import { lambdaEsbuildOptions } from '@gridpatrol/functions/bundling';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { BuildOptions } from 'esbuild';

/** The repository root: esbuild resolves workspaces and the lock file from here. */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * What a function serves: an HTTP handler group, the scheduled jobs (infra/lib/jobs.ts), the grid
 * import job (infra/lib/grid-imports.ts), or the counter fold (infra/lib/counters.ts).
 */
export type FunctionGroup = HandlerGroup | 'jobs' | 'grid-import' | 'counters';

/**
 * Where each function's entry lives: an HTTP group's under `handlers/` (HANDLER_GROUPS in
 * functions/src/manifest-types.ts), the jobs' at `jobs/handler.ts`, beside the job runner.
 */
export const handlerEntry = (group: FunctionGroup, root = REPO_ROOT): string =>
  group === 'jobs' || group === 'grid-import' || group === 'counters'
    ? path.join(root, 'functions', 'src', group, 'handler.ts')
    : path.join(root, 'functions', 'src', 'handlers', `${group}.ts`);

/**
 * Translates the esbuild options of functions/bundling.ts (the one place that says how a group is
 * bundled, also used by `npm run bench -- bundles`) into NodejsFunction's bundling props. An option
 * it does not know fails the synth, so that nothing the bench measures is silently left out here.
 */
export function toNodejsBundling(options: BuildOptions): BundlingOptions {
  const {
    bundle,
    platform,
    target,
    format,
    minify,
    sourcemap,
    external,
    define,
    logOverride,
    mainFields,
    ...rest
  } = options;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) {
    throw new Error(
      `infra/lib/function.ts cannot pass esbuild option(s) ${unknown.join(', ')} to NodejsFunction yet.`,
    );
  }
  if (bundle !== true || (platform !== undefined && platform !== 'node')) {
    throw new Error('Lambda bundles must be esbuild bundles for platform node.');
  }
  if (format === 'iife') throw new Error('Lambda cannot load an iife bundle.');
  if (typeof target !== 'string' && target !== undefined)
    throw new Error('esbuild target must be one string.');
  if (sourcemap !== undefined && typeof sourcemap !== 'boolean')
    throw new Error('sourcemap must be true or false.');
  return {
    target,
    format: format === 'esm' ? OutputFormat.ESM : OutputFormat.CJS,
    minify,
    sourceMap: sourcemap,
    externalModules: external ?? [],
    define,
    mainFields,
    esbuildArgs: logOverride
      ? { '--log-override': Object.entries(logOverride).map(([id, level]) => `${id}=${level}`) }
      : undefined,
  };
}

export type TableAccess = 'RO' | 'RW';
export type PowertoolsLogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export interface GridPatrolFunctionProps {
  /** What this function serves; its entry is `handlerEntry(group)`. */
  readonly group: FunctionGroup;
  /** The validated city config; inlined into the bundle at build time, not passed as an env var. */
  readonly city: CityConfig;
  /**
   * Memory in MB. CPU scales with memory; 512 MB keeps cold starts of a ~1 MB bundle short.
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * Well under the HTTP API's 30 s integration limit, so a stuck call ends as our error, not a 503.
   * @default Duration.seconds(10)
   */
  readonly timeout?: Duration;
  /**
   * Retention of the function's log group. A year covers an annual audit of who did what.
   * @default RetentionDays.ONE_YEAR
   */
  readonly logRetention?: RetentionDays;
  /**
   * What happens to the log group when the function goes. Kept: logs are the audit trail.
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
  /** @default 'INFO' */
  readonly logLevel?: PowertoolsLogLevel;
  /**
   * Active X-Ray tracing. Off by default: it costs per trace and the handlers do not use it yet.
   * @default false
   */
  readonly tracing?: boolean;
  /** Extra environment variables (small values only; the city config is never one of them). */
  readonly environment?: Readonly<Record<string, string>>;
  /** @default REPO_ROOT */
  readonly projectRoot?: string;
}

export interface BindTableOptions {
  readonly table: ITableV2;
  /** 'RO' grants reads (GetItem, Query, BatchGet…); 'RW' adds writes and transactions. */
  readonly access: TableAccess;
}

export interface BindTableItemsOptions {
  readonly table: ITableV2;
  /** The DynamoDB actions allowed, e.g. ['dynamodb:BatchGetItem', 'dynamodb:UpdateItem']. */
  readonly actions: readonly string[];
  /** Partition-key prefixes the function may touch (`COUNTER#`): a `dynamodb:LeadingKeys` condition. */
  readonly keyPrefixes: readonly string[];
}

export class GridPatrolFunction extends NodejsFunction {
  readonly group: FunctionGroup;
  private boundTable: ITableV2 | undefined;

  constructor(scope: Construct, id: string, props: GridPatrolFunctionProps) {
    const root = props.projectRoot ?? REPO_ROOT;
    // An explicit log group, so that retention and removal are stated here and not left to Lambda,
    // which would create one that never expires.
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention ?? RetentionDays.ONE_YEAR,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });

    super(scope, id, {
      entry: handlerEntry(props.group, root),
      handler: 'handler',
      projectRoot: root,
      depsLockFilePath: path.join(root, 'package-lock.json'),
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      logGroup,
      tracing: props.tracing ? Tracing.ACTIVE : Tracing.DISABLED,
      environment: {
        ...props.environment,
        GRIDPATROL_CITY: props.city.name,
        POWERTOOLS_SERVICE_NAME: 'gridpatrol',
        POWERTOOLS_LOG_LEVEL: props.logLevel ?? 'INFO',
        // Stack traces in the logs point at the TypeScript sources, not the minified bundle.
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        ...toNodejsBundling(lambdaEsbuildOptions(props.city)),
        // No Docker here or in CI: the local esbuild from the lock file does the work.
        forceDockerBundling: false,
        // Mappings are enough to name file and line; the sources would only grow the asset.
        sourcesContent: false,
      },
    });
    this.group = props.group;
  }

  /**
   * Points the function at the table (TABLE_NAME) and grants least privilege: reads only for 'RO',
   * reads and writes for 'RW'. Grants cover the table and its indexes, nothing else.
   */
  bindTable({ table, access }: BindTableOptions): void {
    if (this.boundTable && this.boundTable !== table) {
      throw new Error(`${this.node.path}: already bound to a table; a function serves one city table.`);
    }
    this.boundTable = table;
    this.addEnvironment('TABLE_NAME', table.tableName);
    if (access === 'RW') table.grantReadWriteData(this);
    else table.grantReadData(this);
  }

  /**
   * Narrower than bindTable: only `actions`, on the table itself (no index), on items whose
   * partition key starts with one of `keyPrefixes`. For a function that owns a few kinds of item.
   */
  bindTableItems({ table, actions, keyPrefixes }: BindTableItemsOptions): void {
    if (this.boundTable && this.boundTable !== table) {
      throw new Error(`${this.node.path}: already bound to a table; a function serves one city table.`);
    }
    this.boundTable = table;
    this.addEnvironment('TABLE_NAME', table.tableName);
    this.addToRolePolicy(
      new PolicyStatement({
        actions: [...actions],
        resources: [table.tableArn],
        conditions: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': keyPrefixes.map((p) => `${p}*`) },
        },
      }),
    );
  }
}
