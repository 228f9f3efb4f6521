/**
 * CDK assertions on the synthesized city stacks. Each city is synthesized once per file (bundling
 * takes seconds); every test then reads the same template and the same bundles.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import path from 'node:path';
import { readCityConfig } from '@gridpatrol/cities';
import { type CityConfig, ROLES } from '@gridpatrol/core';
import {
  HANDLER_GROUPS,
  type HandlerGroup,
  JOB_NAMES,
  JOBS,
  ROUTES,
  rateExpression,
  routeKey,
} from '@gridpatrol/functions';
import { LAMBDA_NODE_TARGET, lambdaEsbuildOptions } from '@gridpatrol/functions/bundling';
import { CURSOR_KEY_ENV } from '@gridpatrol/functions/http/cursor-seal';
import { MAX_TOKEN_LIFETIME_S } from '@gridpatrol/functions/http/identity';
import { ORIGIN_KEY_ENV, ORIGIN_KEY_HEADER } from '@gridpatrol/functions/http/origin-key';

import { CITY_CONTEXT_KEY, cityFromContext } from '@gridpatrol/infra/lib/city';
import { addCityStacks } from '@gridpatrol/infra/lib/city-stacks';
import {
  GridPatrolFunction,
  keptSourceMapPath,
  REPO_ROOT,
  tableActions,
  toNodejsBundling,
} from '@gridpatrol/infra/lib/function';
import { GRID_IMPORT_TABLE_ACCESS } from '@gridpatrol/infra/lib/grid-imports';
import { FUNCTION_SIZING, GridPatrolStack, TABLE_ACCESS } from '@gridpatrol/infra/lib/stack';
import { LOCAL_ATTACHMENTS_BUCKET, LOCAL_EXPORTS_BUCKET } from '@gridpatrol/local';

import { TABLE } from '@gridpatrol/store';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_PUBLIC_ACCESS_BLOCKED, OWNER_ENFORCED } from '../support/buckets';
import { expectNagClean } from '../support/cdk-nag';

interface Synthesized {
  readonly city: CityConfig;
  readonly stack: GridPatrolStack;
  readonly template: Template;
  readonly assemblyDir: string;
}

/** The feature flags of cdk.json, so that the tests synthesize what `cdk synth` does. */
const CDK_CONTEXT = (
  JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context: object }
).context;

/** An env-agnostic stack in a temporary cloud assembly, bundled as `cdk synth` would. */
function synthCity(name: string): Synthesized {
  const city = readCityConfig(name);
  const app = new App({ context: CDK_CONTEXT });
  const { stack } = addCityStacks(app, city, 'dev');
  const assemblyDir = app.synth().directory;
  return { city, stack, template: Template.fromStack(stack), assemblyDir };
}

const logicalId = (stack: GridPatrolStack, element: unknown): string =>
  stack.getLogicalId(element as CfnElement);

const fnLogicalId = (s: Synthesized, group: HandlerGroup): string =>
  logicalId(s.stack, s.stack.functions[group].node.defaultChild);

/** The asset directory of a function's code, named by its S3 key. */
function assetDir(s: Synthesized, fn: GridPatrolFunction): string {
  const resource =
    s.template.findResources('AWS::Lambda::Function')[logicalId(s.stack, fn.node.defaultChild)];
  const key: unknown = resource?.Properties?.Code?.S3Key;
  if (typeof key !== 'string') throw new Error(`no S3Key on the ${fn.group} function`);
  return path.join(s.assemblyDir, `asset.${key.replace(/\.zip$/, '')}`);
}

/** Every function of the city's stack, HTTP groups and the others alike. */
const allFunctions = (s: Synthesized): GridPatrolFunction[] =>
  s.stack.node.findAll().filter((c): c is GridPatrolFunction => c instanceof GridPatrolFunction);

/** The bundle of one group's function, and the sources its source map (kept beside the asset) names. */
function readBundle(
  s: Synthesized,
  group: HandlerGroup,
): { code: string; sources: string[]; map: SourceMap } {
  const code = readFileSync(path.join(assetDir(s, s.stack.functions[group]), 'index.js'), 'utf8');
  const mapFile = keptSourceMapPath(s.assemblyDir, s.stack.stackName, group);
  const payload = JSON.parse(readFileSync(mapFile, 'utf8')) as SourceMapPayload;
  return { code, sources: payload.sources, map: new SourceMap(payload) };
}

/** How often `marker` occurs in the part of a bundle that its source map says is our code, not a package's. */
function countInOurCode({ code, map }: { code: string; map: SourceMap }, marker: string): number {
  let count = 0;
  const lineStarts = [0];
  for (let i = code.indexOf('\n'); i !== -1; i = code.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  for (let at = code.indexOf(marker); at !== -1; at = code.indexOf(marker, at + 1)) {
    let line = lineStarts.length - 1;
    while ((lineStarts[line] as number) > at) line--;
    const entry = map.findEntry(line, at - (lineStarts[line] as number)) as { originalSource?: string };
    if (entry.originalSource && !entry.originalSource.includes('node_modules/')) count++;
  }
  return count;
}

const WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];

/** Every DynamoDB action granted to a function's role, from its default policy. */
function grantedActions(s: Synthesized, group: HandlerGroup): string[] {
  const role = s.stack.functions[group].role;
  if (!role) throw new Error(`${group} has no role`);
  const roleId = logicalId(s.stack, role.node.defaultChild);
  const policies = Object.values(s.template.findResources('AWS::IAM::Policy')).filter((p) =>
    JSON.stringify(p.Properties.Roles).includes(roleId),
  );
  return policies.flatMap((p) =>
    (p.Properties.PolicyDocument.Statement as { Action: string | string[] }[]).flatMap((st) =>
      Array.isArray(st.Action) ? st.Action : [st.Action],
    ),
  );
}

let demo: Synthesized;
let riverside: Synthesized;

beforeAll(() => {
  demo = synthCity('demo');
  riverside = synthCity('riverside');
});

afterAll(() => {
  for (const s of [demo, riverside]) if (s) rmSync(s.assemblyDir, { recursive: true, force: true });
});

describe('data', () => {
  it('is one on-demand table with PITR and deletion protection, retained on delete and on replace', () => {
    demo.template.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
    demo.template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        Replicas: [
          Match.objectLike({
            DeletionProtectionEnabled: true,
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          }),
        ],
        TableName: Match.absent(),
      }),
    });
  });

  it('has exactly the keys, indexes and TTL of the TABLE definition', () => {
    const keySchema = (pk: string, sk: string) => [
      { AttributeName: pk, KeyType: 'HASH' },
      { AttributeName: sk, KeyType: 'RANGE' },
    ];
    demo.template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: keySchema(TABLE.partitionKey, TABLE.sortKey),
      GlobalSecondaryIndexes: TABLE.globalSecondaryIndexes.map((gsi) => ({
        IndexName: gsi.indexName,
        KeySchema: keySchema(gsi.partitionKey, gsi.sortKey),
        Projection: { ProjectionType: 'ALL' },
      })),
      TimeToLiveSpecification: { AttributeName: TABLE.timeToLiveAttribute, Enabled: true },
    });
  });
});

describe('functions', () => {
  it('has one function per handler group: Node 22 on arm64, with its table, city and source maps', () => {
    // One per HTTP group, the jobs' (describe 'jobs'), the grid import job's and CDK's handler of
    // the bucket notification that starts it (describe 'grid imports'), the counter fold's
    // (describe 'counters'), the notification worker's (describe 'notifications'), the user pool's
    // pre-token trigger (production.test.ts, 'identity'), CDK's deploy-time upload of the web app
    // (describe 'web app') and the attachments checker (test/infra/attachments.test.ts; the bucket
    // notification handler is shared).
    demo.template.resourceCountIs('AWS::Lambda::Function', HANDLER_GROUPS.length + 8);
    const tableId = logicalId(demo.stack, demo.stack.data.table.node.defaultChild);
    for (const group of HANDLER_GROUPS) {
      const fn = demo.template.findResources('AWS::Lambda::Function')[fnLogicalId(demo, group)];
      expect(fn, group).toBeDefined();
      expect(fn?.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        Environment: {
          Variables: {
            TABLE_NAME: { Ref: tableId },
            GRIDPATROL_CITY: 'demo',
            POWERTOOLS_SERVICE_NAME: 'gridpatrol',
            POWERTOOLS_LOG_LEVEL: 'INFO',
          },
        },
      });
      const sizing = FUNCTION_SIZING[group];
      expect(fn?.Properties.MemorySize, group).toBe(sizing?.memorySize ?? 512);
      expect(fn?.Properties.Timeout, group).toBe(sizing?.timeout?.toSeconds() ?? 10);
      // The config is inlined at bundle time, never an environment variable (4 KB limit).
      expect(fn?.Properties.Environment.Variables.GRIDPATROL_CITY_CONFIG).toBeUndefined();
    }
  });

  it('logs every function and the API to a log group with a retention, kept on delete', () => {
    const groups = demo.template.findResources('AWS::Logs::LogGroup');
    // The HTTP groups', the jobs', the grid import job's, the counter fold's, the notification
    // worker's, the pre-token trigger's, the API's access log, the web app's upload handler's and
    // the attachments checker's.
    expect(Object.keys(groups)).toHaveLength(HANDLER_GROUPS.length + 8);
    for (const g of Object.values(groups)) {
      expect(g.Properties.RetentionInDays).toBe(365);
      expect(g.DeletionPolicy).toBe('Retain');
    }
    for (const group of HANDLER_GROUPS) {
      const fn = demo.template.findResources('AWS::Lambda::Function')[fnLogicalId(demo, group)];
      const ref: unknown = fn?.Properties.LoggingConfig?.LogGroup?.Ref;
      expect(Object.keys(groups)).toContain(ref);
    }
  });

  it('grants each group only the table access it declares', () => {
    for (const group of HANDLER_GROUPS) {
      const actions = grantedActions(demo, group);
      expect(actions, group).toContain('dynamodb:GetItem');
      expect(actions, group).toContain('dynamodb:Query');
      const declared = tableActions(TABLE_ACCESS[group]);
      for (const write of WRITE_ACTIONS)
        expect(actions.includes(write), `${group} ${write}`).toBe(declared.includes(write));
    }
    expect(TABLE_ACCESS.system).toBe('RO');
  });

  it('grants DeleteItem and BatchWriteItem exactly to the groups whose bundle makes them (issue 18: least privilege)', () => {
    // Minified markers of our writes: a transaction's Delete item, a batch's Put and Delete
    // requests, counted where the source map says the code is ours: the bundled SDK holds some
    // itself, as many as the commands a bundle keeps of it (0060).
    const markers = { delete: ['Delete:{'], batch: ['PutRequest:{', 'DeleteRequest:{'] };
    const codes = HANDLER_GROUPS.map((group) => ({ group, code: readBundle(demo, group) }));
    const makes = (code: ReturnType<typeof readBundle>, kind: keyof typeof markers) =>
      markers[kind].some((marker) => countInOurCode(code, marker) > 0);
    for (const { group, code } of codes) {
      const actions = grantedActions(demo, group);
      expect(actions.includes('dynamodb:DeleteItem'), `${group} DeleteItem`).toBe(makes(code, 'delete'));
      expect(actions.includes('dynamodb:BatchWriteItem'), `${group} BatchWriteItem`).toBe(
        makes(code, 'batch'),
      );
    }
  });

  it('bundles with the shared esbuild options: minified CJS with source maps, for the runtime it runs on', () => {
    const bundling = toNodejsBundling(lambdaEsbuildOptions(demo.city));
    expect(bundling).toMatchObject({
      minify: true,
      sourceMap: true,
      sourceMapMode: SourceMapMode.EXTERNAL,
      externalModules: [],
      format: 'cjs',
    });
    expect(`nodejs${LAMBDA_NODE_TARGET.replace('node', '')}.x`).toBe('nodejs22.x');
    expect(() => toNodejsBundling({ bundle: true, splitting: true })).toThrow(/splitting/);
  });

  it('keeps source maps out of the zips (issue 18: cold start): none in an asset, none referenced, none loaded; each kept beside the assembly', () => {
    const functions = allFunctions(demo);
    expect(functions.length).toBe(HANDLER_GROUPS.length + 6);
    const variables = demo.template.findResources('AWS::Lambda::Function');
    for (const fn of functions) {
      const dir = assetDir(demo, fn);
      expect(readdirSync(dir), fn.group).toEqual(['index.js']);
      expect(readFileSync(path.join(dir, 'index.js'), 'utf8'), fn.group).not.toContain('sourceMappingURL');
      const env = variables[logicalId(demo.stack, fn.node.defaultChild)]?.Properties.Environment.Variables;
      expect(env?.NODE_OPTIONS ?? '', fn.group).not.toContain('--enable-source-maps');
      const kept = keptSourceMapPath(demo.assemblyDir, demo.stack.stackName, fn.group);
      const map = JSON.parse(readFileSync(kept, 'utf8')) as { sources: string[]; sourcesContent?: unknown };
      expect(map.sources.length, fn.group).toBeGreaterThan(0);
      expect(map.sourcesContent, fn.group).toBeUndefined();
    }
  });

  it('uploads the source maps with the deployment: one asset of every function’s map, named by an output', () => {
    const outputs = demo.template.findOutputs('SourceMaps');
    expect(Object.keys(outputs)).toHaveLength(1);
    const staged = path.join(demo.assemblyDir, demo.stack.sourceMaps.assetPath);
    const functions = allFunctions(demo);
    expect(readdirSync(staged).sort()).toEqual(functions.map((fn) => `${fn.group}.js.map`).sort());
    for (const fn of functions)
      expect(readFileSync(path.join(staged, `${fn.group}.js.map`), 'utf8'), fn.group).toBe(
        readFileSync(keptSourceMapPath(demo.assemblyDir, demo.stack.stackName, fn.group), 'utf8'),
      );
  });

  it('bundles the AWS SDK, inlines the city config, and carries no whole @turf/turf', () => {
    for (const group of HANDLER_GROUPS) {
      const { code, sources } = readBundle(demo, group);
      expect(
        sources.some((f) => f.includes('node_modules/@turf/turf/')),
        group,
      ).toBe(false);
      expect(code, group).not.toMatch(/@turf\/turf/);
      // externalModules: [] puts the pinned SDK in the bundle instead of the runtime's copy.
      expect(
        sources.some((f) => f.includes('node_modules/@aws-sdk/client-dynamodb/')),
        group,
      ).toBe(true);
      // The define replaced every read of the variable with the config's JSON text.
      expect(code, group).not.toContain('env.GRIDPATROL_CITY_CONFIG');
      expect(code, group).toContain('"name":"demo"');
      expect(code, group).toContain('"timeZone":"Asia/Shanghai"');
    }
  });

  it('carries no local stand-in: the local S3 and its wiring stay in packages/local (issue 20.5, 0056)', () => {
    for (const group of HANDLER_GROUPS) {
      const { code, sources } = readBundle(demo, group);
      const local = sources.filter((f) => /packages\/local\/|node_modules\/s3rver\//.test(f));
      expect(local, group).toEqual([]);
      // The local buckets' names are the stand-in's mark: in AWS the bucket comes from EXPORTS_BUCKET.
      expect(code, group).not.toContain(LOCAL_EXPORTS_BUCKET);
      expect(code, group).not.toContain(LOCAL_ATTACHMENTS_BUCKET);
    }
  });
});

describe('api', () => {
  it('has no local-only route: no dev sign-in or web app in the API, none of their code in a bundle', () => {
    const keys = Object.values(demo.template.findResources('AWS::ApiGatewayV2::Route')).map(
      (r) => r.Properties.RouteKey as string,
    );
    expect(keys.filter((k) => /\/_dev\b|\/app\b|token/.test(k))).toEqual([]);
    for (const group of HANDLER_GROUPS) {
      const { code, sources } = readBundle(demo, group);
      expect(code, group).not.toContain('/_dev/');
      expect(
        sources.filter((f) => /packages\/(local|web)\//.test(f)),
        group,
      ).toEqual([]);
    }
  });

  it('has exactly one route per manifest entry, sent to its group, JWT unless public', () => {
    const routes = Object.values(demo.template.findResources('AWS::ApiGatewayV2::Route'));
    const integrations = demo.template.findResources('AWS::ApiGatewayV2::Integration');
    const authorizerId = Object.keys(demo.template.findResources('AWS::ApiGatewayV2::Authorizer'))[0];
    expect(routes.map((r) => r.Properties.RouteKey).sort()).toEqual(ROUTES.map(routeKey).sort());

    for (const def of ROUTES) {
      const route = routes.find((r) => r.Properties.RouteKey === routeKey(def));
      const isPublic = def.roles === 'public';
      expect(route?.Properties.AuthorizationType, routeKey(def)).toBe(isPublic ? 'NONE' : 'JWT');
      expect(route?.Properties.AuthorizerId, routeKey(def)).toEqual(
        isPublic ? undefined : { Ref: authorizerId },
      );
      // Target: integrations/<integration> whose URI is the group's function.
      const integrationId: unknown = route?.Properties.Target['Fn::Join'][1][1].Ref;
      const uri = integrations[String(integrationId)]?.Properties.IntegrationUri;
      expect(uri, routeKey(def)).toEqual({ 'Fn::GetAtt': [fnLogicalId(demo, def.group), 'Arn'] });
    }
    // One integration per group, shared by its routes.
    expect(Object.keys(integrations)).toHaveLength(new Set(ROUTES.map((r) => r.group)).size);
  });

  it('trusts tokens of this pool and this client only', () => {
    const poolId = logicalId(demo.stack, demo.stack.auth.userPool.node.defaultChild);
    const clientId = logicalId(demo.stack, demo.stack.auth.client.node.defaultChild);
    demo.template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    demo.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [{ Ref: clientId }],
        Issuer: {
          'Fn::Join': [
            '',
            [
              'https://cognito-idp.',
              { Ref: 'AWS::Region' },
              '.',
              { Ref: 'AWS::URLSuffix' },
              '/',
              { Ref: poolId },
            ],
          ],
        },
      },
    });
  });

  it('allows CORS from the city config origins with the headers the clients send', () => {
    demo.template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({
        AllowOrigins: demo.city.cors.allowOrigins,
        AllowHeaders: ['authorization', 'content-type', 'idempotency-key'],
      }),
    });
  });

  it('serves a throttled, access-logged $default stage and outputs its URL', () => {
    demo.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      AccessLogSettings: {
        DestinationArn: {
          'Fn::GetAtt': [logicalId(demo.stack, demo.stack.api.accessLogs.node.defaultChild), 'Arn'],
        },
        Format: Match.stringLikeRegexp('\\$context\\.requestId'),
      },
    });
    for (const name of ['ApiUrl', 'TableName', 'UserPoolId', 'UserPoolClientId'])
      demo.template.hasOutput(name, {});
  });
});

describe('jobs', () => {
  it('runs each job on its EventBridge schedule, with its kind as input, in a function with table RW', () => {
    const jobsFn = logicalId(demo.stack, demo.stack.jobs.function.node.defaultChild);
    const tableId = logicalId(demo.stack, demo.stack.data.table.node.defaultChild);
    const fn = demo.template.findResources('AWS::Lambda::Function')[jobsFn];
    expect(fn?.Properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Timeout: 300,
      Environment: { Variables: { TABLE_NAME: { Ref: tableId }, GRIDPATROL_CITY: 'demo' } },
    });

    // The jobs' rules (the notification worker's own schedule: describe 'notifications').
    const rules = Object.values(demo.template.findResources('AWS::Events::Rule')).filter(
      (r) => r.Properties.Targets?.[0]?.Arn?.['Fn::GetAtt']?.[0] === jobsFn,
    );
    expect(rules).toHaveLength(JOB_NAMES.length);
    for (const name of JOB_NAMES) {
      const rule = rules.find((r) => r.Properties.Targets?.[0]?.Input === JSON.stringify({ job: name }));
      expect(rule, name).toBeDefined();
      expect(rule?.Properties.ScheduleExpression).toBe(rateExpression(JOBS[name].everyMinutes));
      expect(rule?.Properties.State).toBe('ENABLED');
      expect(rule?.Properties.Targets).toEqual([
        expect.objectContaining({
          Arn: { 'Fn::GetAtt': [jobsFn, 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 0 },
        }),
      ]);
    }
    expect(rules.map((r) => r.Properties.ScheduleExpression).sort()).toEqual([
      'rate(1 day)',
      'rate(1 hour)',
      'rate(15 minutes)',
      'rate(15 minutes)',
      'rate(5 minutes)',
    ]);
    // EventBridge may invoke the function.
    demo.template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [jobsFn, 'Arn'] },
    });
  });

  it('grants the jobs function reads and writes on the table', () => {
    const role = demo.stack.jobs.function.role;
    if (!role) throw new Error('jobs has no role');
    const roleId = logicalId(demo.stack, role.node.defaultChild);
    const actions = Object.values(demo.template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId))
      .flatMap((p) =>
        (p.Properties.PolicyDocument.Statement as { Action: string | string[] }[]).flatMap((st) =>
          Array.isArray(st.Action) ? st.Action : [st.Action],
        ),
      );
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:Query', ...WRITE_ACTIONS]));
  });
});

describe('counters', () => {
  const counters = () => demo.stack.counters;
  const counterFnId = () => logicalId(demo.stack, counters().function.node.defaultChild);

  it("gives the table a stream of both images, the fold's source", () => {
    demo.template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
  });

  it('feeds finding and task records to the fold in order, bounded, bisected, failures to a queue', () => {
    const queueId = logicalId(demo.stack, counters().failures.node.defaultChild);
    const tableId = logicalId(demo.stack, demo.stack.data.table.node.defaultChild);
    // The fold's own mapping (the notification worker has the other: describe 'notifications').
    const mappings = Object.values(demo.template.findResources('AWS::Lambda::EventSourceMapping')).filter(
      (m) => m.Properties.FunctionName?.Ref === counterFnId(),
    );
    expect(mappings).toHaveLength(1);
    const mapping = mappings[0]?.Properties;
    expect(mapping).toMatchObject({
      FunctionName: { Ref: counterFnId() },
      EventSourceArn: { 'Fn::GetAtt': [tableId, 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 1,
      ParallelizationFactor: 1,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 5,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
    });
    const patterns = (mapping.FilterCriteria.Filters as { Pattern: string }[]).map((f) =>
      JSON.parse(f.Pattern),
    );
    expect(patterns).toEqual([
      { dynamodb: { NewImage: { entity: { S: ['finding', 'patrol_task'] } } } },
      { eventName: ['REMOVE'], dynamodb: { OldImage: { entity: { S: ['finding', 'patrol_task'] } } } },
    ]);
    demo.template.hasResource('AWS::SQS::Queue', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ MessageRetentionPeriod: 14 * 86_400, SqsManagedSseEnabled: true }),
    });
    const fn = demo.template.findResources('AWS::Lambda::Function')[counterFnId()];
    expect(fn?.Properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Timeout: 30,
      Environment: { Variables: { TABLE_NAME: { Ref: tableId }, GRIDPATROL_CITY: 'demo' } },
    });
  });

  it('may read the stream and only its own items of the table: counters and its ledger', () => {
    const role = counters().function.role;
    if (!role) throw new Error('counters has no role');
    const roleId = logicalId(demo.stack, role.node.defaultChild);
    const statements = Object.values(demo.template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId))
      .flatMap(
        (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Condition?: object }[],
      );
    const actions = statements.flatMap((st) => (Array.isArray(st.Action) ? st.Action : [st.Action]));
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetRecords', 'dynamodb:GetShardIterator']));
    for (const write of [
      'dynamodb:PutItem',
      'dynamodb:DeleteItem',
      'dynamodb:BatchWriteItem',
      'dynamodb:Query',
    ])
      expect(actions).not.toContain(write);
    const tableStatement = statements.find((st) => JSON.stringify(st.Action).includes('dynamodb:UpdateItem'));
    expect(tableStatement).toMatchObject({
      Action: ['dynamodb:BatchGetItem', 'dynamodb:UpdateItem'],
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['COUNTER#*', 'FOLDED#*'] } },
    });
  });
});

describe('web app', () => {
  it('builds the app at synth, offline, into the asset both uploads copy from', () => {
    const deployments = Object.values(demo.template.findResources('Custom::CDKBucketDeployment'));
    expect(deployments).toHaveLength(2);
    const keys = new Set(deployments.flatMap((d) => d.Properties.SourceObjectKeys as unknown[]));
    const build = [...keys].find((k): k is string => typeof k === 'string' && !k.includes('config'));
    const dir = path.join(demo.assemblyDir, `asset.${build?.replace(/\.zip$/, '')}`);
    const files = readdirSync(dir);
    expect(files).toEqual(expect.arrayContaining(['index.html', 'sw.js']));
    const script = files.find((f) => /^app-[A-Z0-9]+\.js$/.test(f));
    expect(script).toBeDefined();
    expect(readFileSync(path.join(dir, 'index.html'), 'utf8')).toContain(`/app/${script}`);
  });
});

describe('exports', () => {
  const bucketId = (s: Synthesized) => logicalId(s.stack, s.stack.exports.bucket.node.defaultChild);

  it('is one private, encrypted, TLS-only bucket whose exports expire after a day, retained like the table', () => {
    // The exports bucket, the web app's (production.test.ts, 'web app') and the attachments'
    // (test/infra/attachments.test.ts).
    demo.template.resourceCountIs('AWS::S3::Bucket', 3);
    demo.template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BucketName: Match.absent(),
        PublicAccessBlockConfiguration: ALL_PUBLIC_ACCESS_BLOCKED,
        OwnershipControls: OWNER_ENFORCED,
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        LifecycleConfiguration: {
          Rules: [
            Match.objectLike({
              Status: 'Enabled',
              ExpirationInDays: 1,
              AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
            }),
          ],
        },
        CorsConfiguration: {
          CorsRules: [
            Match.objectLike({
              AllowedOrigins: demo.city.cors.allowOrigins,
              AllowedMethods: ['GET', 'HEAD'],
            }),
            // The app's own origin (the distribution): the console fetches exports to save them.
            Match.objectLike({ AllowedMethods: ['GET', 'HEAD'] }),
          ],
        },
      }),
    });
    demo.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId(demo) },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
    demo.template.hasOutput('ExportsBucket', { Value: { Ref: bucketId(demo) } });
  });

  it('lets only the exports function put and get its exports, reading the table only, with the bucket by env', () => {
    const fn = demo.template.findResources('AWS::Lambda::Function')[fnLogicalId(demo, 'exports')];
    expect(fn?.Properties.Environment.Variables.EXPORTS_BUCKET).toEqual({ Ref: bucketId(demo) });
    expect(fn?.Properties).toMatchObject({ MemorySize: 1769, Timeout: 29 });
    const actions = grantedActions(demo, 'exports');
    // Named actions, no s3:Abort* / s3:PutObject* wildcards (issue 18: least privilege).
    expect(actions.filter((a) => a.startsWith('s3:')).sort()).toEqual([
      's3:AbortMultipartUpload',
      's3:GetObject',
      's3:PutObject',
    ]);
    expect(actions.filter((a) => a.startsWith('s3:')).sort()).not.toContain('s3:DeleteObject*');
    expect(actions.some((a) => a.startsWith('s3:List'))).toBe(false);
    expect(TABLE_ACCESS.exports).toBe('RO');
    for (const write of WRITE_ACTIONS) expect(actions).not.toContain(write);
    // The grants name the bucket's objects, nothing wider.
    const role = demo.stack.functions.exports.role;
    const roleId = logicalId(demo.stack, role?.node.defaultChild);
    const s3Statements = Object.values(demo.template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId))
      .flatMap(
        (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
      )
      .filter((st) => [st.Action].flat().some((a) => a.startsWith('s3:')));
    for (const st of s3Statements) expect(JSON.stringify(st.Resource)).toContain(bucketId(demo));
    // The grid group may put import bodies only (describe 'grid imports'); findings and tasks reach
    // the attachments bucket only (test/infra/attachments.test.ts).
    for (const group of HANDLER_GROUPS.filter((g) => g !== 'exports' && g !== 'grid')) {
      if (group !== 'findings' && group !== 'tasks')
        expect(
          grantedActions(demo, group).filter((a) => a.startsWith('s3:')),
          group,
        ).toEqual([]);
      const other = demo.template.findResources('AWS::Lambda::Function')[fnLogicalId(demo, group)];
      expect(other?.Properties.Environment.Variables.EXPORTS_BUCKET, group).toBeUndefined();
    }
  });

  it('bundles the S3 client only into the functions that use a bucket', () => {
    // Exports write theirs; findings and tasks issue photo slots and links (docs/decisions/0051).
    for (const group of ['exports', 'findings', 'tasks'] as const)
      expect(
        readBundle(demo, group).sources.some((f) => f.includes('node_modules/@aws-sdk/client-s3/')),
        group,
      ).toBe(true);
    expect(
      readBundle(demo, 'people').sources.some((f) => f.includes('node_modules/@aws-sdk/client-s3/')),
    ).toBe(false);
  });
});

describe('cursor key', () => {
  it('is one generated secret, handed to every HTTP function by a dynamic reference, never in the template', () => {
    const secretId = logicalId(demo.stack, demo.stack.cursorKey.secret.node.defaultChild);
    const secret = demo.template.findResources('AWS::SecretsManager::Secret')[secretId];
    expect(secret?.Properties.GenerateSecretString).toMatchObject({ PasswordLength: 64 });
    expect(secret?.Properties.SecretString).toBeUndefined();
    for (const group of HANDLER_GROUPS) {
      const fn = demo.template.findResources('AWS::Lambda::Function')[fnLogicalId(demo, group)];
      const value = JSON.stringify(fn?.Properties.Environment.Variables[CURSOR_KEY_ENV]);
      // {{resolve:secretsmanager:<arn>:SecretString:::}}: CloudFormation reads it at deploy time.
      expect(value, group).toContain('{{resolve:secretsmanager:');
      expect(value, group).toContain(`{"Ref":"${secretId}"}`);
    }
  });
});

describe('origin key (issue 18: the execute-api address answers only 403)', () => {
  it('is a generated secret CloudFront sends to the API and every HTTP function checks, never in the template', () => {
    const secrets = demo.template.findResources('AWS::SecretsManager::Secret');
    // The cursor key and the origin key, nothing else.
    expect(Object.keys(secrets)).toHaveLength(2);
    const secretId = logicalId(demo.stack, demo.stack.originKey.secret.node.defaultChild);
    expect(secrets[secretId]?.Properties.SecretString).toBeUndefined();
    const reference = (value: unknown) => {
      const text = JSON.stringify(value);
      expect(text).toContain('{{resolve:secretsmanager:');
      expect(text).toContain(`{"Ref":"${secretId}"}`);
    };
    for (const group of HANDLER_GROUPS) {
      const fn = demo.template.findResources('AWS::Lambda::Function')[fnLogicalId(demo, group)];
      reference(fn?.Properties.Environment.Variables[ORIGIN_KEY_ENV]);
    }
    const [dist] = Object.values(demo.template.findResources('AWS::CloudFront::Distribution'));
    const apiOrigin = (
      (dist?.Properties.DistributionConfig.Origins ?? []) as {
        DomainName: unknown;
        CustomOriginConfig?: unknown;
        OriginCustomHeaders?: { HeaderName: string; HeaderValue: unknown }[];
      }[]
    ).find((o) => JSON.stringify(o.DomainName).includes('execute-api'));
    const header = apiOrigin?.OriginCustomHeaders?.find((h) => h.HeaderName === ORIGIN_KEY_HEADER);
    reference(header?.HeaderValue);
  });

  it('gives the CloudFront address as the API URL, the one that answers', () => {
    const output = demo.template.findOutputs('ApiUrl').ApiUrl;
    expect(JSON.stringify(output?.Value)).toContain('DomainName');
    expect(JSON.stringify(output?.Value)).not.toContain('execute-api');
  });
});

describe('notifications', () => {
  const worker = (s: Synthesized) => s.stack.notifications;
  const statementsOf = (s: Synthesized) => {
    const roleId = logicalId(s.stack, worker(s).function.role?.node.defaultChild);
    return Object.values(s.template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId))
      .flatMap(
        (p) =>
          p.Properties.PolicyDocument.Statement as {
            Action: string | string[];
            Resource: unknown;
            Condition?: unknown;
          }[],
      );
  };
  const actionsOf = (s: Synthesized) => statementsOf(s).flatMap((st) => [st.Action].flat());

  it('feeds only new notification items to the worker: bisected, retried, failures to a queue', () => {
    const fnId = logicalId(demo.stack, worker(demo).function.node.defaultChild);
    const mappings = Object.values(demo.template.findResources('AWS::Lambda::EventSourceMapping')).filter(
      (m) => m.Properties.FunctionName?.Ref === fnId,
    );
    expect(mappings).toHaveLength(1);
    const mapping = mappings[0]?.Properties;
    expect(mapping).toMatchObject({
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 20,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 3,
      DestinationConfig: {
        OnFailure: {
          Destination: {
            'Fn::GetAtt': [logicalId(demo.stack, worker(demo).failures.node.defaultChild), 'Arn'],
          },
        },
      },
    });
    expect(
      (mapping.FilterCriteria.Filters as { Pattern: string }[]).map((f) => JSON.parse(f.Pattern)),
    ).toEqual([{ eventName: ['INSERT'], dynamodb: { NewImage: { entity: { S: ['notification'] } } } }]);
    // The held-back sends: a schedule of its own, no retry (the next run is minutes away).
    const rules = Object.values(demo.template.findResources('AWS::Events::Rule')).filter(
      (r) => r.Properties.Targets?.[0]?.Arn?.['Fn::GetAtt']?.[0] === fnId,
    );
    expect(rules.map((r) => [r.Properties.ScheduleExpression, r.Properties.Targets[0].Input])).toEqual([
      ['rate(5 minutes)', JSON.stringify({ deferred: true })],
    ]);
    const fn = demo.template.findResources('AWS::Lambda::Function')[fnId];
    expect(fn?.Properties.Environment.Variables).toMatchObject({
      NOTIFY_DLQ_URL: { Ref: logicalId(demo.stack, worker(demo).deadLetters.node.defaultChild) },
      NOTIFY_PARAMETER_PREFIX: '/gridpatrol/demo/notifications',
    });
  });

  it('may touch only its own items, its robots’ parameters and its queue; no SMS or e-mail where the city sends none', () => {
    const statements = statementsOf(demo);
    const table = statements.find((st) => [st.Action].flat().includes('dynamodb:UpdateItem'));
    expect(table).toMatchObject({
      Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['PERSON#*', 'NOTIFY#*'] } },
    });
    const actions = actionsOf(demo);
    for (const never of [
      'dynamodb:PutItem',
      'dynamodb:DeleteItem',
      'dynamodb:Scan',
      'sns:Publish',
      'ses:SendEmail',
    ])
      expect(actions).not.toContain(never);
    const ssm = statements.find((st) => [st.Action].flat().includes('ssm:GetParameter'));
    expect(JSON.stringify(ssm?.Resource)).toContain(':parameter/gridpatrol/demo/notifications/*"');
    expect(demo.city.notifications.channels).toEqual([]);
  });

  it('grants SNS Publish and SES SendEmail (on its own domain) where the city file enables SMS and e-mail', () => {
    const statements = statementsOf(riverside);
    expect(statements.find((st) => [st.Action].flat().includes('sns:Publish'))?.Resource).toBe('*');
    expect(
      JSON.stringify(statements.find((st) => [st.Action].flat().includes('ses:SendEmail'))?.Resource),
    ).toContain(':identity/riverside.example');
    const fnId = logicalId(riverside.stack, worker(riverside).function.node.defaultChild);
    expect(
      riverside.template.findResources('AWS::Lambda::Function')[fnId]?.Properties.Environment.Variables,
    ).toMatchObject({ NOTIFY_EMAIL_FROM: 'patrol@riverside.example' });
  });
});

describe('grid imports', () => {
  const bucketId = (s: Synthesized) => logicalId(s.stack, s.stack.exports.bucket.node.defaultChild);
  const jobId = (s: Synthesized) => logicalId(s.stack, s.stack.gridImports.function.node.defaultChild);
  const statementsOf = (s: Synthesized, role: { node: { defaultChild?: unknown } } | undefined) => {
    const roleId = logicalId(s.stack, role?.node.defaultChild);
    return Object.values(s.template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId))
      .flatMap(
        (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
      );
  };

  it('runs the import job in its own function: 15 minutes, 3008 MB, table RW, no retry', () => {
    const fn = demo.template.findResources('AWS::Lambda::Function')[jobId(demo)];
    const tableId = logicalId(demo.stack, demo.stack.data.table.node.defaultChild);
    expect(fn?.Properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Timeout: 900,
      MemorySize: 3008,
      Environment: {
        Variables: { TABLE_NAME: { Ref: tableId }, EXPORTS_BUCKET: { Ref: bucketId(demo) } },
      },
    });
    const actions = statementsOf(demo, demo.stack.gridImports.function.role).flatMap((st) =>
      [st.Action].flat(),
    );
    // Bulk writes and deletes only: no single DeleteItem (issue 18: least privilege).
    expect(actions).toEqual(expect.arrayContaining(tableActions(GRID_IMPORT_TABLE_ACCESS)));
    expect(actions).not.toContain('dynamodb:DeleteItem');
    demo.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: jobId(demo) },
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: 3600,
    });
  });

  it('starts the job when an import body is stored under grid-imports/, and only then', () => {
    demo.template.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: { Ref: bucketId(demo) },
      NotificationConfiguration: {
        LambdaFunctionConfigurations: [
          {
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'grid-imports/' }] } },
            LambdaFunctionArn: { 'Fn::GetAtt': [jobId(demo), 'Arn'] },
          },
        ],
      },
    });
    demo.template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 's3.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [jobId(demo), 'Arn'] },
      SourceArn: { 'Fn::GetAtt': [bucketId(demo), 'Arn'] },
    });
  });

  it('lets the grid group put import bodies and the job read and delete them, nothing else of the bucket', () => {
    const objects = (s: Synthesized) => ({
      'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId(s), 'Arn'] }, '/grid-imports/*']],
    });
    const s3Of = (role: { node: { defaultChild?: unknown } } | undefined) =>
      statementsOf(demo, role).filter((st) => [st.Action].flat().some((a) => a.startsWith('s3:')));
    expect(s3Of(demo.stack.functions.grid.role)).toEqual([
      expect.objectContaining({ Action: 's3:PutObject', Resource: objects(demo) }),
    ]);
    expect(s3Of(demo.stack.gridImports.function.role)).toEqual([
      expect.objectContaining({ Action: ['s3:DeleteObject', 's3:GetObject'], Resource: objects(demo) }),
    ]);
    const grid = demo.template.findResources('AWS::Lambda::Function')[fnLogicalId(demo, 'grid')];
    expect(grid?.Properties.Environment.Variables.EXPORTS_BUCKET).toEqual({ Ref: bucketId(demo) });
  });
});

describe('auth', () => {
  it('is an admin-managed user pool with person_id, retained, and a public client', () => {
    demo.template.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        Schema: [Match.objectLike({ Name: 'person_id', AttributeDataType: 'String', Mutable: true })],
      }),
    });
    demo.template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      // SRP only: the admin password flow was enabled and unused (issue 18).
      ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      // The field app's hosted-UI sign-in: the code grant only (production.test.ts, 'web app').
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['code'],
    });
  });

  it('issues ID tokens that live no longer than the handlers accept', () => {
    demo.template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      IdTokenValidity: 60,
      AccessTokenValidity: 60,
      TokenValidityUnits: Match.objectLike({ IdToken: 'minutes', AccessToken: 'minutes' }),
    });
    expect(60 * 60).toBeLessThanOrEqual(MAX_TOKEN_LIFETIME_S);
  });

  it('does not let users write their own person_id', () => {
    const client = Object.values(demo.template.findResources('AWS::Cognito::UserPoolClient'))[0];
    const writable: unknown = client?.Properties.WriteAttributes;
    // An absent list would mean Cognito's default; ours must be explicit and leave person_id out.
    expect(Array.isArray(writable)).toBe(true);
    expect(writable).not.toContain('custom:person_id');
  });

  it('has one group per role', () => {
    const groups = Object.values(demo.template.findResources('AWS::Cognito::UserPoolGroup'));
    expect(groups.map((g) => g.Properties.GroupName).sort()).toEqual([...ROLES].sort());
  });
});

describe('cities', () => {
  it('tags every taggable resource with its city', () => {
    demo.template.hasResourceProperties('AWS::Lambda::Function', {
      Tags: Match.arrayWith([{ Key: 'gridpatrol:city', Value: 'demo' }]),
    });
    demo.template.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolTags: { 'gridpatrol:city': 'demo' },
    });
  });

  it('makes riverside its own stack with its own origins and its own inlined config', () => {
    expect(riverside.stack.stackName).toBe('GridPatrol-riverside-dev');
    expect(riverside.city.cors.allowOrigins).not.toEqual(demo.city.cors.allowOrigins);
    riverside.template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({ AllowOrigins: riverside.city.cors.allowOrigins }),
    });
    for (const group of HANDLER_GROUPS) {
      const { code } = readBundle(riverside, group);
      expect(code, group).toContain('"name":"riverside"');
      expect(code, group).not.toContain('"name":"demo"');
    }
  });

  it('leaves the city options off by default: a dev stage, unprotected, no WAF, no threat protection, no backup copy', () => {
    expect(demo.stack.stackName).toBe('GridPatrol-demo-dev');
    expect(demo.stack.terminationProtection).toBe(false);
    const stacks = demo.stack.node.root.node.children.filter((c) => Stack.isStack(c));
    expect(stacks.map((c) => c.node.id)).toEqual(['GridPatrol-demo-dev']);
    // One distribution for the API and the app, without a web ACL (docs/decisions/0049).
    demo.template.resourceCountIs('AWS::CloudFront::Distribution', 1);
    demo.template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ WebACLId: Match.absent() }),
    });
    demo.template.resourceCountIs('AWS::SNS::Subscription', 0);
    demo.template.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolTier: 'ESSENTIALS',
      UserPoolAddOns: { AdvancedSecurityMode: 'OFF' },
    });
    const plan = Object.values(demo.template.findResources('AWS::Backup::BackupPlan'))[0];
    expect(JSON.stringify(plan)).not.toContain('CopyActions');
  });

  it('passes the cdk-nag AwsSolutions and Serverless packs with the default options too', () => {
    expectNagClean(demo.stack);
  });

  it('refuses an invalid city config, naming the bad field', () => {
    const bad = { ...demo.city, timeZone: 'Mars/Olympus_Mons' };
    expect(() => new GridPatrolStack(new App(), 'GridPatrol-bad', { city: bad, stage: 'dev' })).toThrow(
      /timeZone/,
    );
  });

  it('says how to pick a city when none or an unknown one is given', () => {
    expect(() => cityFromContext(new App().node)).toThrow(/-c city=NAME.*demo, riverside/);
    const unknown = new App({ context: { [CITY_CONTEXT_KEY]: 'atlantis' } });
    expect(() => cityFromContext(unknown.node)).toThrow(/atlantis.*demo, riverside/);
  });

  it('exits non-zero with that message when the app runs without a city', () => {
    const tsx = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
    expect(existsSync(tsx)).toBe(true);
    const env = { ...process.env };
    delete env.CDK_CONTEXT_JSON;
    delete env.CDK_CONTEXT_OVERFLOW_LOCATION;
    const run = spawnSync(tsx, ['infra/bin/app.ts'], {
      cwd: REPO_ROOT,
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/No city given\. Pass -c city=NAME/);
    expect(run.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
  });
});
