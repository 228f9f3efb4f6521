/**
 * GridPatrolFunction: the one way this app makes a Lambda function. It pins what every handler
 * group shares (runtime, architecture, bundling, logging) so that a group differs only in its entry
 * file and its table access. Why the bundle looks the way it does: docs/decisions/0002-lambda-bundling.md.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CityConfig } from '@gridpatrol/core';
import { type LambdaFunction, lambdaEntry, lambdaEsbuildOptions } from '@gridpatrol/functions/bundling';
import { EVENT_PARTITION_PREFIX, TABLE } from '@gridpatrol/store/table';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import {
  type BundlingOptions,
  NodejsFunction,
  OutputFormat,
  SourceMapMode,
} from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { BuildOptions } from 'esbuild';

/** The repository root: esbuild resolves workspaces and the lock file from here. */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * What a function serves: an HTTP handler group or one of the other functions (LAMBDA_FUNCTIONS in
 * functions/bundling.ts, the one list of them).
 */
export type FunctionGroup = LambdaFunction;

/** Where each function's entry lives (functions/bundling.ts says, for the bench and for us alike). */
export const handlerEntry = (group: FunctionGroup, root = REPO_ROOT): string => lambdaEntry(group, root);

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
  if (sourcemap !== undefined && typeof sourcemap !== 'boolean' && sourcemap !== 'external')
    throw new Error("sourcemap must be true, false or 'external'.");
  return {
    target,
    format: format === 'esm' ? OutputFormat.ESM : OutputFormat.CJS,
    minify,
    sourceMap: sourcemap !== undefined && sourcemap !== false,
    // 'external': the map is written, and the bundle does not point at it.
    sourceMapMode: sourcemap === 'external' ? SourceMapMode.EXTERNAL : undefined,
    externalModules: external ?? [],
    define,
    mainFields,
    esbuildArgs: logOverride
      ? { '--log-override': Object.entries(logOverride).map(([id, level]) => `${id}=${level}`) }
      : undefined,
  };
}

/**
 * Where the source map of a function's bundle is kept: in the cloud assembly, beside (not in) the
 * asset that becomes the zip. A stack trace's `index.js:<line>:<column>` maps back through it.
 *
 * @example keptSourceMapPath('cdk.out', 'GridPatrol-demo-dev', 'grid') // 'cdk.out/sourcemaps/GridPatrol-demo-dev/grid.js.map'
 */
export const keptSourceMapPath = (assemblyDir: string, stackName: string, group: FunctionGroup): string =>
  path.join(keptSourceMapDir(assemblyDir, stackName), `${group}.js.map`);

/** The directory of a stack's kept source maps, which the stack uploads as one asset (output `SourceMaps`). */
export const keptSourceMapDir = (assemblyDir: string, stackName: string): string =>
  path.join(assemblyDir, 'sourcemaps', stackName);

/** Why a function has no Lambda dead-letter queue (cdk-nag Serverless-LambdaDLQ), by how it is invoked. */
const SYNCHRONOUS_REASON =
  'Invoked synchronously by API Gateway: the caller gets the error; a DLQ only applies to asynchronous invocations.';
const DEAD_LETTER_REASON: Partial<Record<FunctionGroup, string>> = {
  jobs: 'Its failures go to an on-failure destination (SQS, with an alarm) in its EventInvokeConfig, the successor of a DLQ.',
  'grid-import':
    'Its failures go to an on-failure destination (SQS, with an alarm) in its EventInvokeConfig, the successor of a DLQ.',
  attachments:
    'Invoked by S3 notifications (asynchronously): its failures go to an on-failure destination (SQS, with an alarm) in its EventInvokeConfig, the successor of a DLQ.',
  counters:
    "Invoked by a stream event source mapping, whose on-failure queue (SQS, with an alarm) is the stream's DLQ.",
  notifications:
    "Invoked by a stream event source mapping (its on-failure queue is the stream's DLQ) and by a schedule; sends it gives up on go to its own dead-letter queue (SQS, with an alarm).",
  'pre-token':
    'Invoked synchronously by Cognito at each sign-in: an error fails that sign-in, which the user retries; a DLQ only applies to asynchronous invocations.',
};

/**
 * The DynamoDB writes the store's code makes (packages/store/src): PutCommand, UpdateCommand,
 * transactions whose items are Put, Update or Delete (a transaction is authorized per item action),
 * and BatchWriteCommand (batchPut, batchDelete).
 */
export type TableWrite = 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'BatchWriteItem';

/** 'RO' reads only; otherwise the writes the function's code makes, besides reading. */
export type TableAccess = 'RO' | readonly TableWrite[];

/** GetCommand, BatchGetCommand and QueryCommand: every read the store makes. */
const TABLE_READS = ['GetItem', 'BatchGetItem', 'Query'] as const;

/**
 * The actions a TableAccess grants on the table. Never Scan, ConditionCheckItem, DescribeTable or
 * the stream, which grantReadData / grantReadWriteData would give: no code calls them.
 *
 * @example tableActions(['PutItem']) // ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:PutItem']
 */
export const tableActions = (access: TableAccess): string[] =>
  [...TABLE_READS, ...(access === 'RO' ? [] : access)].map((action) => `dynamodb:${action}`);

const TABLE_INDEX_NAMES = TABLE.globalSecondaryIndexes.map((index) => index.indexName);

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
   * Active X-Ray tracing: a slow request shows which DynamoDB or S3 call it waited on. On by
   * default; X-Ray samples (1 request a second, then 5%), so the cost stays small (0039).
   * @default true
   */
  readonly tracing?: boolean;
  /**
   * Concurrency kept for this function and also its ceiling, so one function cannot take the
   * account's whole pool from the others (0041).
   * @default none: the unreserved pool
   */
  readonly reservedConcurrentExecutions?: number;
  /** Extra environment variables (small values only; the city config is never one of them). */
  readonly environment?: Readonly<Record<string, string>>;
  /** @default REPO_ROOT */
  readonly projectRoot?: string;
}

export interface BindTableOptions {
  readonly table: ITableV2;
  /** 'RO' grants the reads (GetItem, BatchGetItem, Query); a list of writes adds those. */
  readonly access: TableAccess;
  /**
   * The table's secondary indexes, each granted Query.
   * @default the indexes of TABLE, the one table definition (packages/store)
   */
  readonly indexNames?: readonly string[];
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
      tracing: (props.tracing ?? true) ? Tracing.ACTIVE : Tracing.DISABLED,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      environment: {
        ...props.environment,
        GRIDPATROL_CITY: props.city.name,
        POWERTOOLS_SERVICE_NAME: 'gridpatrol',
        POWERTOOLS_LOG_LEVEL: props.logLevel ?? 'INFO',
        // No --enable-source-maps: the map is not in the zip, and reading it cost 3-33 ms of
        // every cold start (0057). Stacks name index.js:<line>:<column>; the map at
        // keptSourceMapPath turns that into file and line.
      },
      bundling: {
        ...toNodejsBundling(lambdaEsbuildOptions(props.city)),
        // No Docker here or in CI: the local esbuild from the lock file does the work.
        forceDockerBundling: false,
        // Mappings are enough to name file and line; the sources would only grow the asset.
        sourcesContent: false,
        // The map leaves the asset before it is hashed and zipped: kept beside the cloud assembly,
        // to be stored with the deployment's artefacts, not loaded by Lambda (0057).
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_inputDir, outputDir) => {
            const kept = keptSourceMapPath(path.dirname(outputDir), Stack.of(scope).stackName, props.group);
            const quoted = (p: string) => JSON.stringify(p);
            return [
              `mkdir -p ${quoted(path.dirname(kept))}`,
              `mv ${quoted(path.join(outputDir, 'index.js.map'))} ${quoted(kept)}`,
            ];
          },
        },
      },
    });
    this.group = props.group;

    // cdk-nag findings every function shares, acknowledged once here with why (test/infra/nag.test.ts).
    Validations.of(this).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          "AWS's minimal logging policy for Lambda (CreateLogGroup, CreateLogStream, PutLogEvents); the log group itself is ours, with retention.",
      },
      {
        id: 'AwsSolutions-L1',
        reason: `Pinned to ${Runtime.NODEJS_22_X.name}, the target the bundles are built and tested for (functions/bundling.ts); a runtime upgrade is a deliberate change of both.`,
      },
      {
        id: 'Serverless-LambdaLatestVersion',
        reason: `Pinned to ${Runtime.NODEJS_22_X.name}, the target the bundles are built and tested for (functions/bundling.ts).`,
      },
      { id: 'Serverless-LambdaDLQ', reason: DEAD_LETTER_REASON[props.group] ?? SYNCHRONOUS_REASON },
    );
    if (props.tracing ?? true)
      Validations.of(this).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'X-Ray tracing: xray:PutTraceSegments and PutTelemetryRecords support no resource-level permissions, AWS requires Resource *.',
      });
  }

  /**
   * Points the function at the table (TABLE_NAME) and grants least privilege: tableActions(access)
   * on the table, Query on each named index, nothing else; and denies its updates, deletes and batch
   * writes on the immutable events' partitions (0040).
   */
  bindTable({ table, access, indexNames = TABLE_INDEX_NAMES }: BindTableOptions): void {
    if (this.boundTable && this.boundTable !== table) {
      throw new Error(`${this.node.path}: already bound to a table; a function serves one city table.`);
    }
    this.boundTable = table;
    this.addEnvironment('TABLE_NAME', table.tableName);
    this.addToRolePolicy(new PolicyStatement({ actions: tableActions(access), resources: [table.tableArn] }));
    // Events are history: no function may change or remove one (a new one is a PutItem on a new key).
    const changes = access === 'RO' ? [] : access.filter((a) => a !== 'PutItem');
    if (changes.length > 0)
      this.addToRolePolicy(
        new PolicyStatement({
          effect: Effect.DENY,
          actions: changes.map((a) => `dynamodb:${a}`),
          resources: [table.tableArn],
          conditions: {
            'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': [`${EVENT_PARTITION_PREFIX}*`] },
          },
        }),
      );
    // Indexes are only queried; each is named, so a new index is granted by declaring it.
    if (indexNames.length > 0)
      this.addToRolePolicy(
        new PolicyStatement({
          actions: ['dynamodb:Query'],
          resources: indexNames.map((name) => `${table.tableArn}/index/${name}`),
        }),
      );
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
