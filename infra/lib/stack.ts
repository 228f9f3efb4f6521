/**
 * One city's deployment. The stack only composes the constructs of infra/lib: stateful data and
 * accounts first (each in its own construct, retained on delete), then the stateless functions
 * and the API in front of them, and the scheduled jobs.
 */

import { mkdirSync } from 'node:fs';
import { type CityConfig, parseCityConfig } from '@gridpatrol/core';
import { HANDLER_GROUPS, type HandlerGroup, ROUTES, type RouteDef } from '@gridpatrol/functions';
import { appConfig } from '@gridpatrol/web/runtime-config';
import { CfnOutput, Duration, Stack, type StackProps, Stage, Tags } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import type { Construct } from 'constructs';
import { GridPatrolApi, type ThrottleProps } from './api';
import { GridPatrolAttachments } from './attachments';
import { GridPatrolAuth } from './auth';
import { GridPatrolBackup } from './backup';
import { GridPatrolCounters } from './counters';
import { GridPatrolCursorKey } from './cursors';
import { GridPatrolData } from './data';
import { GridPatrolEdge } from './edge';
import { GridPatrolExports } from './exports';
import {
  GridPatrolFunction,
  type GridPatrolFunctionProps,
  keptSourceMapDir,
  type TableAccess,
} from './function';
import { GridPatrolGridImports } from './grid-imports';
import { GridPatrolJobs } from './jobs';
import { GridPatrolMonitoring } from './monitoring';
import { GridPatrolNotifications } from './notifications';
import { GridPatrolOriginKey } from './origin-key';
import { GridPatrolWebApp } from './web-app';

/**
 * What each handler group may do to the table. Typed by HandlerGroup, so a new group in the
 * manifest does not compile until its access is declared here. DeleteItem and BatchWriteItem only
 * where the group's bundle reaches code that makes them (test/infra/stack.test.ts checks the bundles).
 */
export const TABLE_ACCESS: Readonly<Record<HandlerGroup, TableAccess>> = {
  // Health reads the city record; the OpenAPI document touches nothing.
  system: 'RO',
  // Saving a person replaces their area memberships in one transaction (Delete of the old ones).
  people: ['PutItem', 'UpdateItem', 'DeleteItem'],
  // Imports and activation write grid versions, cells and zones (the bulk of an import: GridImports).
  grid: ['PutItem', 'UpdateItem'],
  // Reports and actions write findings, their events and idempotency records (counters: the fold).
  findings: ['PutItem', 'UpdateItem'],
  // Drafts write and replace tasks in bulk; reassignment and publication move task memberships.
  plans: ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'],
  // Check-ins and completions write tasks, their events, memberships and idempotency records.
  tasks: ['PutItem', 'UpdateItem', 'DeleteItem'],
  // Baselines write their header, their numbers' chunks (in bulk) and the current-baseline pointer.
  stats: ['PutItem', 'UpdateItem', 'BatchWriteItem'],
  // Exports only read the table (they write to the exports bucket).
  exports: 'RO',
};

/** Groups that need more than GridPatrolFunction's defaults (512 MB, 10 s). */
export const FUNCTION_SIZING: Readonly<
  Partial<Record<HandlerGroup, Pick<GridPatrolFunctionProps, 'memorySize' | 'timeout'>>>
> = {
  // Resolution and coverage unpack a large city's grid index and report, and an import's request
  // hashes and stores a body of up to 6 MB (the import itself runs in GridImports): one full vCPU,
  // and 29 s, just under the HTTP API's fixed 30 s integration timeout.
  grid: { memorySize: 1769, timeout: Duration.seconds(29) },
  // A report resolves its point: a cold container loads the packed grid index (up to tens of MB
  // at 20k cells) before answering, which 512 MB would make slow and tight.
  findings: { memorySize: 1024 },
  // A draft runs the planner over an office's cells (20k cells: ~0.5 s planning, seconds of
  // writing), and publication writes one transaction per task; both resume if cut short, but
  // 29 s lets an office's week finish in one request. The jobs function drafts with 5 minutes.
  plans: { memorySize: 1769, timeout: Duration.seconds(29) },
  // My tasks and check-ins read and unpack cell geometry (gzip'd GeoJSON, up to 20k vertices a cell).
  tasks: { memorySize: 1024 },
  // A baseline reads the counters of every area (20k cells: 200 BatchGets) and writes its chunks.
  stats: { timeout: Duration.seconds(29) },
  // An export streams ~100k findings (23 MB of CSV) from Query pages into a multipart upload:
  // one full vCPU for formatting, and 29 s, the HTTP API's limit (bench: npm run bench -- exports).
  exports: { memorySize: 1769, timeout: Duration.seconds(29) },
};

/**
 * Concurrency reserved for (and capping) each HTTP group's function. The stage allows 50 requests a
 * second; at a few hundred ms each that is ~10–20 in flight, most of them reports and check-ins.
 * Typed by HandlerGroup, so a new group does not compile until its share is declared here. With the
 * jobs (one per job: 5), the grid import (2), the counter fold (10) and the sign-in trigger (5, infra/lib/auth.ts)
 * one city reserves 107 of the account's concurrency, and Lambda keeps 100 unreserved: docs/decisions/0041 says what quota that needs.
 */
export const RESERVED_CONCURRENCY: Readonly<Record<HandlerGroup, number>> = {
  system: 5,
  people: 10,
  grid: 10,
  findings: 20,
  plans: 10,
  tasks: 20,
  stats: 5,
  exports: 5,
};

export interface GridPatrolStackProps extends StackProps {
  /** The city this stack serves; validated again here, so a hand-built config cannot slip through. */
  readonly city: CityConfig;
  /**
   * The environment of this copy of the city ('dev', 'staging', 'prod'): part of every name, so
   * that the stages of one city can share an account and region. 'prod' is termination-protected.
   */
  readonly stage: string;
  /**
   * The ARN of the city's CloudFront web ACL (GridPatrolEdgeAclStack, in us-east-1). Given only
   * when the city file enables the edge; then WAF guards the distribution in front of the API and app.
   */
  readonly edgeWebAclArn?: string;
  /** @default ROUTES, the route manifest */
  readonly routes?: readonly RouteDef[];
  /** Retention of every log group (functions and API access logs). @default one year */
  readonly logRetention?: RetentionDays;
  /** @default see GridPatrolApiProps.throttle */
  readonly throttle?: ThrottleProps;
}

/**
 * `GridPatrol-<city>-<stage>`: one stack per city and stage, so cities deploy and fail
 * independently, and a city's dev and prod can share an account and region.
 */
export const stackName = (city: string, stage: string): string => `GridPatrol-${city}-${stage}`;

/** The stage whose stack CloudFormation refuses to delete. */
export const PROTECTED_STAGE = 'prod';

export class GridPatrolStack extends Stack {
  readonly city: CityConfig;
  readonly data: GridPatrolData;
  readonly auth: GridPatrolAuth;
  readonly exports: GridPatrolExports;
  readonly cursorKey: GridPatrolCursorKey;
  readonly originKey: GridPatrolOriginKey;
  readonly functions: Readonly<Record<HandlerGroup, GridPatrolFunction>>;
  readonly api: GridPatrolApi;
  readonly jobs: GridPatrolJobs;
  readonly counters: GridPatrolCounters;
  readonly gridImports: GridPatrolGridImports;
  readonly stage: string;
  readonly monitoring: GridPatrolMonitoring;
  readonly notifications: GridPatrolNotifications;
  readonly backup: GridPatrolBackup;
  readonly edge: GridPatrolEdge;
  readonly webApp: GridPatrolWebApp;
  readonly attachments: GridPatrolAttachments;
  /** Every function's source map, uploaded with the deployment (output `SourceMaps`, 0057). */
  readonly sourceMaps: Asset;

  constructor(scope: Construct, id: string, props: GridPatrolStackProps) {
    super(scope, id, {
      ...props,
      terminationProtection: props.terminationProtection ?? props.stage === PROTECTED_STAGE,
    });
    const city = parseCityConfig(props.city, `city config of ${id}`);
    this.city = city;
    this.stage = props.stage;
    Tags.of(this).add('gridpatrol:city', city.name);
    Tags.of(this).add('gridpatrol:stage', props.stage);

    // Stateful: kept on stack deletion, each in its own construct.
    this.data = new GridPatrolData(this, 'Data');
    this.auth = new GridPatrolAuth(this, 'Auth', {
      city,
      logRetention: props.logRetention,
      threatProtection: city.deployment.threatProtection,
      domainPrefix: id.toLowerCase(),
    });
    this.exports = new GridPatrolExports(this, 'Exports', { allowOrigins: city.cors.allowOrigins });

    // Seals the pagination cursors of every HTTP function (not data: a new key only restarts lists).
    this.cursorKey = new GridPatrolCursorKey(this, 'CursorKey');
    // Proves a request came through the city's CloudFront: the execute-api address answers 403.
    this.originKey = new GridPatrolOriginKey(this, 'OriginKey');

    // Stateless: one function per handler group, each with its declared table access.
    const functions = {} as Record<HandlerGroup, GridPatrolFunction>;
    for (const group of HANDLER_GROUPS) {
      const fn = new GridPatrolFunction(this, `${pascal(group)}Function`, {
        group,
        city,
        logRetention: props.logRetention,
        reservedConcurrentExecutions: RESERVED_CONCURRENCY[group],
        ...FUNCTION_SIZING[group],
      });
      fn.bindTable({ table: this.data.table, access: TABLE_ACCESS[group] });
      this.cursorKey.bind(fn);
      this.originKey.bind(fn);
      functions[group] = fn;
    }
    this.functions = functions;
    // Only the exports group writes to (and signs links of) the exports bucket.
    this.exports.bindWriter(functions.exports);

    this.api = new GridPatrolApi(this, 'Api', {
      routes: props.routes ?? ROUTES,
      functions,
      authorizer: this.auth.authorizer,
      allowOrigins: city.cors.allowOrigins,
      throttle: props.throttle,
      accessLogRetention: props.logRetention,
      apiName: id,
    });

    // Time-driven work: the overdue and revisit jobs on their EventBridge schedules.
    this.jobs = new GridPatrolJobs(this, 'Jobs', {
      city,
      table: this.data.table,
      logRetention: props.logRetention,
    });

    // Statistics: the counters folded in from the table's stream (decision 0028).
    this.counters = new GridPatrolCounters(this, 'Counters', {
      city,
      table: this.data.table,
      logRetention: props.logRetention,
    });

    // Notifications: the outbox's items sent from the table's stream (decision 0052).
    this.notifications = new GridPatrolNotifications(this, 'Notifications', {
      city,
      table: this.data.table,
      logRetention: props.logRetention,
    });

    // Grid imports: the grid group stores the body, the bucket's notification starts the job.
    this.gridImports = new GridPatrolGridImports(this, 'GridImports', {
      city,
      table: this.data.table,
      bucket: this.exports.bucket,
      logRetention: props.logRetention,
    });
    this.gridImports.bindBodyWriter(functions.grid, this.exports.bucket);

    // Backups beyond point-in-time recovery: daily for 35 days, monthly for a year.
    this.backup = new GridPatrolBackup(this, 'Backup', {
      table: this.data.table,
      vaultName: id,
      copyRegion: city.deployment.backupCopyRegion,
      timeZone: city.timeZone,
    });

    // CloudFront in front of the API (with the us-east-1 web ACL when the city enables it), and the
    // field app under /app/ on the same origin: no CORS between them (docs/decisions/0049).
    this.edge = new GridPatrolEdge(this, 'Edge', {
      apiId: this.api.httpApi.apiId,
      webAclArn: props.edgeWebAclArn,
      originKey: this.originKey.value,
    });
    this.webApp = new GridPatrolWebApp(this, 'WebApp', {
      distribution: this.edge.distribution,
      logRetention: props.logRetention,
      config: appConfig(city, {
        apiBaseUrl: '',
        auth: {
          mode: 'cognito',
          region: this.region,
          userPoolId: this.auth.userPool.userPoolId,
          clientId: this.auth.client.userPoolClientId,
          domain: this.auth.hostedUi.baseUrl(),
        },
      }),
    });
    this.auth.allowSignInFrom(this.webApp.url);
    this.exports.allowBrowserOrigin(`https://${this.edge.distribution.distributionDomainName}`);

    // Evidence photos: the bucket the app uploads to (from its CloudFront origin), the checker its
    // uploads trigger, and the findings and tasks functions that issue slots, keep and link photos.
    this.attachments = new GridPatrolAttachments(this, 'Attachments', {
      city,
      table: this.data.table,
      allowOrigins: [...city.cors.allowOrigins, `https://${this.edge.distribution.distributionDomainName}`],
      logRetention: props.logRetention,
    });
    this.attachments.bindApi(functions.findings);
    this.attachments.bindApi(functions.tasks);

    // What watches all of the above; alarms go to the city's topic.
    this.monitoring = new GridPatrolMonitoring(this, 'Monitoring', {
      alarmEmails: city.deployment.alarmEmails,
      dashboardName: id,
    });
    this.monitoring.watchApi(this.api.httpApi);
    this.monitoring.watchTable(this.data.table);
    for (const group of HANDLER_GROUPS) this.monitoring.watchFunction(pascal(group), functions[group]);
    this.monitoring.watchFunction('Jobs', this.jobs.function);
    this.monitoring.watchFunction('GridImport', this.gridImports.function);
    this.monitoring.watchFunction('Counters', this.counters.function);
    this.monitoring.watchFunction('AttachmentChecker', this.attachments.checker);
    this.monitoring.watchFunction('Notifications', this.notifications.function);
    this.monitoring.watchFunction('PreTokenTrigger', this.auth.preTokenTrigger);
    this.monitoring.watchDeadLetters({
      Jobs: this.jobs.failures,
      GridImport: this.gridImports.failures,
      Counters: this.counters.failures,
      AttachmentChecks: this.attachments.failures,
      NotificationStream: this.notifications.failures,
      NotificationSends: this.notifications.deadLetters,
    });

    // The only address that answers: the execute-api one refuses requests without the origin key.
    const edgeUrl = `https://${this.edge.distribution.distributionDomainName}/`;
    new CfnOutput(this, 'ApiUrl', {
      value: edgeUrl,
      description: props.edgeWebAclArn
        ? 'Base URL of the API, through CloudFront and WAF'
        : 'Base URL of the API, through CloudFront',
    });
    new CfnOutput(this, 'EdgeUrl', { value: edgeUrl, description: 'The same as ApiUrl (kept for scripts)' });
    new CfnOutput(this, 'AppUrl', { value: this.webApp.url, description: 'The field app, for phones' });
    new CfnOutput(this, 'TableName', { value: this.data.table.tableName });
    new CfnOutput(this, 'ExportsBucket', { value: this.exports.bucket.bucketName });
    new CfnOutput(this, 'AttachmentsBucket', { value: this.attachments.bucket.bucketName });
    new CfnOutput(this, 'UserPoolId', { value: this.auth.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.auth.client.userPoolClientId });

    // The source maps the functions' bundling kept out of their zips (0057) go up with the
    // deployment, as one asset: a stack trace's index.js:<line>:<column> is read with the maps of
    // the code that runs, not of whatever was built last. Last, once every function is bundled; a
    // stack whose bundling was skipped (not selected for this synth) uploads an empty one.
    const mapsDir = keptSourceMapDir(Stage.of(this)?.assetOutdir ?? '.', this.stackName);
    mkdirSync(mapsDir, { recursive: true });
    this.sourceMaps = new Asset(this, 'SourceMapsAsset', { path: mapsDir });
    new CfnOutput(this, 'SourceMaps', {
      value: this.sourceMaps.s3ObjectUrl,
      description:
        "This deployment's functions' source maps (a zip of <function>.js.map; 0057 says how to read a stack trace with one)",
    });
  }
}

const pascal = (s: string): string => s.replace(/(^|[-_])([a-z])/g, (_, __, c: string) => c.toUpperCase());
