/**
 * The production-grade parts of a city stack (issue 18): failure paths, alarms and dashboard,
 * identity, least privilege, backups and stages, edge and limits, and cdk-nag. One app is
 * synthesized for the whole file: a prod stage of demo with every city option on (alarm mail,
 * threat protection, the edge, a backup copy), so the edge's us-east-1 stack exists too. Bundling
 * is skipped (`aws:cdk:bundling-stacks`): nothing here reads a bundle (stack.test.ts does).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { readCityConfig } from '@gridpatrol/cities';
import type { CityConfig } from '@gridpatrol/core';
import { HANDLER_GROUPS, type HandlerGroup, ROUTES, routeKey } from '@gridpatrol/functions';
import { cityConfigDefine } from '@gridpatrol/functions/bundling';
import { isExpensiveRoute, ROUTE_THROTTLES } from '@gridpatrol/infra/lib/api';
import {
  MFA_REQUIRED_ROLES,
  PASSWORD_POLICY,
  PRE_TOKEN_RESERVED_CONCURRENCY,
} from '@gridpatrol/infra/lib/auth';
import { BACKUP_RETENTION } from '@gridpatrol/infra/lib/backup';
import { addCityStacks, type CityStacks } from '@gridpatrol/infra/lib/city-stacks';
import { MANAGED_RULE_GROUPS } from '@gridpatrol/infra/lib/edge';
import { REPO_ROOT, type TableAccess, tableActions } from '@gridpatrol/infra/lib/function';
import { GRID_IMPORT_TABLE_ACCESS } from '@gridpatrol/infra/lib/grid-imports';
import { JOB_RETRY_ATTEMPTS, JOBS_TABLE_ACCESS } from '@gridpatrol/infra/lib/jobs';
import { ALARM_THRESHOLDS } from '@gridpatrol/infra/lib/monitoring';
import { RESERVED_CONCURRENCY, TABLE_ACCESS } from '@gridpatrol/infra/lib/stack';
import { APP_ROUTING_FUNCTION, APP_SHELL_FILES } from '@gridpatrol/infra/lib/web-app';
import { TABLE } from '@gridpatrol/store';
import { App, type CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ALL_PUBLIC_ACCESS_BLOCKED, OWNER_ENFORCED } from '../support/buckets';
import { expectNagClean } from '../support/cdk-nag';

const CDK_CONTEXT = (
  JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context: object }
).context;

const ENV = { account: '111111111111', region: 'ap-east-1' };
const ALARM_EMAIL = 'duty@example.gov.cn';

/** demo with every deployment option a city file can turn on. */
const fullCity = (): CityConfig => {
  const demo = readCityConfig('demo');
  return {
    ...demo,
    tiles: {
      url: 'https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&style=8&x={x}&y={y}&z={z}',
      attribution: '© AMap',
      coordSys: 'gcj02',
      subdomains: '1234',
    },
    deployment: {
      alarmEmails: [ALARM_EMAIL],
      threatProtection: 'enforce',
      edge: { enabled: true, rateLimitPer5Minutes: 1200 },
      backupCopyRegion: 'ap-southeast-1',
    },
  };
};

let app: App;
let stacks: CityStacks;
let template: Template;
let edgeTemplate: Template;
let assemblyDir: string;

beforeAll(() => {
  app = new App({ context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
  stacks = addCityStacks(app, fullCity(), 'prod', ENV);
  assemblyDir = app.synth().directory;
  template = Template.fromStack(stacks.stack);
  if (!stacks.edgeAcl) throw new Error('the edge is on: its web ACL stack must exist');
  edgeTemplate = Template.fromStack(stacks.edgeAcl);
});

const id = (construct: IConstruct | undefined): string => {
  if (!construct) throw new Error('no construct');
  return stacks.stack.getLogicalId(construct as CfnElement);
};
const fnId = (group: HandlerGroup): string => id(stacks.stack.functions[group].node.defaultChild);
const queueArn = (queue: IConstruct) => ({ 'Fn::GetAtt': [id(queue.node.defaultChild), 'Arn'] });
const topicRef = () => ({ Ref: id(stacks.stack.monitoring.topic.node.defaultChild) });

/** Every function of the stack that is ours (not CDK's own deploy-time handlers). */
const ourFunctions = () => [
  ...HANDLER_GROUPS.map((g) => stacks.stack.functions[g]),
  stacks.stack.jobs.function,
  stacks.stack.gridImports.function,
  stacks.stack.counters.function,
  stacks.stack.notifications.function,
  stacks.stack.auth.preTokenTrigger,
  stacks.stack.attachments.checker,
];

const alarms = () => Object.entries(template.findResources('AWS::CloudWatch::Alarm'));

/** The alarms whose metric (or one of whose math metrics) has this name and dimension value. */
function alarmsOn(metricName: string, dimension: unknown): string[] {
  const wanted = JSON.stringify(dimension);
  return alarms()
    .filter(([, a]) => {
      const p = a.Properties;
      const metrics = p.MetricName
        ? [{ MetricName: p.MetricName, Dimensions: p.Dimensions }]
        : ((p.Metrics ?? []) as { MetricStat?: { Metric: { MetricName: string; Dimensions: unknown } } }[])
            .map((m) => m.MetricStat?.Metric)
            .filter((m) => m !== undefined);
      return metrics.some(
        (m) => m.MetricName === metricName && JSON.stringify(m.Dimensions ?? []).includes(wanted),
      );
    })
    .map(([logicalId]) => logicalId);
}

describe('failure paths', () => {
  it('sends a failed job run to a dead-letter queue and retries it exactly as the code says: never', () => {
    const jobs = stacks.stack.jobs;
    expect(JOB_RETRY_ATTEMPTS).toBe(0);
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: id(jobs.function.node.defaultChild) },
      Qualifier: '$LATEST',
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: 5 * 60,
      DestinationConfig: { OnFailure: { Destination: queueArn(jobs.failures) } },
    });
    // EventBridge: no retry of the delivery either, and an undeliverable event goes to the same queue.
    const jobRules = new Set(Object.values(jobs.rules).map((r) => id(r.node.defaultChild)));
    for (const [ruleId, rule] of Object.entries(template.findResources('AWS::Events::Rule'))) {
      if (!jobRules.has(ruleId)) continue;
      expect(rule.Properties.Targets).toEqual([
        expect.objectContaining({
          RetryPolicy: { MaximumRetryAttempts: 0 },
          DeadLetterConfig: { Arn: queueArn(jobs.failures) },
        }),
      ]);
    }
    // The function may send its failures there (Lambda's destination uses the function's role).
    const roleId = id(jobs.function.role?.node.defaultChild);
    const sends = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId))
      .flatMap(
        (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
      )
      .filter((st) => [st.Action].flat().includes('sqs:SendMessage'));
    expect(sends.map((st) => st.Resource)).toEqual([queueArn(jobs.failures)]);
  });

  it('sends a failed grid import invocation to its own dead-letter queue', () => {
    const imports = stacks.stack.gridImports;
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: id(imports.function.node.defaultChild) },
      MaximumRetryAttempts: 0,
      DestinationConfig: { OnFailure: { Destination: queueArn(imports.failures) } },
    });
  });

  it('gives every asynchronous consumer a dead-letter queue, and every queue an alarm to the topic', () => {
    const queues = template.findResources('AWS::SQS::Queue');
    const owners = [
      stacks.stack.jobs,
      stacks.stack.gridImports,
      stacks.stack.counters,
      stacks.stack.attachments,
      stacks.stack.notifications,
    ];
    // Exactly the consumers' queues: a new queue without an owner here fails this test. The
    // notification worker has two: its stream's on-failure queue and the sends it gave up on (0052).
    expect(Object.keys(queues).sort()).toEqual(
      [
        ...owners.map((o) => id(o.failures.node.defaultChild)),
        id(stacks.stack.notifications.deadLetters.node.defaultChild),
      ].sort(),
    );
    for (const queueId of Object.keys(queues)) {
      const watching = alarmsOn('ApproximateNumberOfMessagesVisible', {
        Name: 'QueueName',
        Value: { 'Fn::GetAtt': [queueId, 'QueueName'] },
      });
      expect(watching, queueId).toHaveLength(1);
      const alarm = template.findResources('AWS::CloudWatch::Alarm')[watching[0] ?? ''];
      expect(alarm?.Properties).toMatchObject({
        Threshold: ALARM_THRESHOLDS.deadLetters,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [topicRef()],
      });
    }
  });
});

describe('observability', () => {
  it('has one alarm topic per city, subscribed from the city file', () => {
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: ALARM_EMAIL,
      TopicArn: topicRef(),
    });
  });

  it('alarms on errors and throttles of every function', () => {
    for (const fn of ourFunctions()) {
      const ref = { Name: 'FunctionName', Value: { Ref: id(fn.node.defaultChild) } };
      expect(alarmsOn('Errors', ref), fn.node.path).toHaveLength(1);
      expect(alarmsOn('Throttles', ref), fn.node.path).toHaveLength(1);
    }
  });

  it("alarms on the API's 5xx rate and p99 latency", () => {
    const apiRef = { Name: 'ApiId', Value: { Ref: id(stacks.stack.api.httpApi.node.defaultChild) } };
    const [rate] = alarmsOn('5xx', apiRef);
    const props = template.findResources('AWS::CloudWatch::Alarm')[rate ?? '']?.Properties;
    expect(props?.Threshold).toBe(ALARM_THRESHOLDS.api5xxPercent);
    expect(JSON.stringify(props?.Metrics)).toContain('100 * errors / requests');
    expect(alarmsOn('Count', apiRef)).toEqual([rate]);
    const [latency] = alarmsOn('Latency', apiRef);
    expect(template.findResources('AWS::CloudWatch::Alarm')[latency ?? '']?.Properties).toMatchObject({
      ExtendedStatistic: 'p99',
      Threshold: ALARM_THRESHOLDS.apiP99LatencyMs,
    });
  });

  it('alarms on DynamoDB throttled requests and system errors of the table', () => {
    const tableRef = { Name: 'TableName', Value: { Ref: id(stacks.stack.data.table.node.defaultChild) } };
    expect(alarmsOn('ThrottledRequests', tableRef)).toHaveLength(1);
    expect(alarmsOn('SystemErrors', tableRef)).toHaveLength(1);
  });

  it('sends every alarm and its recovery to the topic, and shows every alarm on one dashboard', () => {
    const all = alarms();
    // 2 per function, 2 for the API, 2 for the table, 1 per dead-letter queue.
    expect(all).toHaveLength(ourFunctions().length * 2 + 2 + 2 + 6);
    for (const [, alarm] of all) {
      expect(alarm.Properties.AlarmActions).toEqual([topicRef()]);
      expect(alarm.Properties.OKActions).toEqual([topicRef()]);
      expect(alarm.Properties.TreatMissingData).toBe('notBreaching');
    }
    const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    expect(dashboards[0]?.Properties.DashboardName).toBe('GridPatrol-demo-prod');
    const body = JSON.stringify(dashboards[0]?.Properties.DashboardBody);
    for (const [alarmId] of all) expect(body, alarmId).toContain(alarmId);
  });

  it('keeps the alarm addresses out of the functions: the inlined config has no deployment section', () => {
    // A define's value is source text: here a string literal holding the config's JSON.
    const inlined = JSON.parse(
      cityConfigDefine(fullCity())['process.env.GRIDPATROL_CITY_CONFIG'] ?? '""',
    ) as string;
    expect(inlined).toContain('"name":"demo"');
    expect(inlined).not.toContain(ALARM_EMAIL);
    expect(inlined).not.toContain('"deployment"');
  });

  it('traces every function with X-Ray', () => {
    for (const fn of ourFunctions()) {
      const props = template.findResources('AWS::Lambda::Function')[id(fn.node.defaultChild)]?.Properties;
      expect(props?.TracingConfig, fn.node.path).toEqual({ Mode: 'Active' });
    }
  });
});

describe('identity', () => {
  it('states its password policy, offers authenticator-app MFA, and turns on threat protection from the city file', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      Policies: {
        PasswordPolicy: {
          MinimumLength: PASSWORD_POLICY.minLength,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
          TemporaryPasswordValidityDays: 3,
        },
      },
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
    });
    expect(MFA_REQUIRED_ROLES).toEqual(['city_admin', 'supervisor']);
  });

  it('enforces MFA per role with a V2 pre-token-generation trigger: our bundled function, 5 s at most', () => {
    const trigger = stacks.stack.auth.preTokenTrigger;
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      LambdaConfig: {
        PreTokenGenerationConfig: {
          LambdaArn: { 'Fn::GetAtt': [id(trigger.node.defaultChild), 'Arn'] },
          LambdaVersion: 'V2_0',
        },
      },
    });
    // Cognito may invoke it, and only from this pool.
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [id(trigger.node.defaultChild), 'Arn'] },
      Principal: 'cognito-idp.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [id(stacks.stack.auth.userPool.node.defaultChild), 'Arn'] },
    });
    const props = template.findResources('AWS::Lambda::Function')[id(trigger.node.defaultChild)]?.Properties;
    expect(trigger.group).toBe('pre-token');
    expect(props?.Timeout).toBe(5);
    expect(props?.ReservedConcurrentExecutions).toBe(PRE_TOKEN_RESERVED_CONCURRENCY);
  });

  it('signs in with SRP only: no admin password flow', () => {
    const client = Object.values(template.findResources('AWS::Cognito::UserPoolClient'))[0];
    expect(client?.Properties.ExplicitAuthFlows).toEqual(['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']);
  });
});

describe('least privilege', () => {
  /** Every statement of the policies attached to a function's role. */
  /** What bindTable denies a function with this access: UpdateItem, DeleteItem, BatchWriteItem on EVENT#*. */
  const eventDeny = (access: TableAccess) => {
    const changes = access === 'RO' ? [] : access.filter((a) => a !== 'PutItem');
    if (changes.length === 0) return [];
    return [
      {
        Effect: 'Deny',
        Action: changes.length === 1 ? `dynamodb:${changes[0]}` : changes.map((a) => `dynamodb:${a}`).sort(),
        Resource: { 'Fn::GetAtt': [tableId(), 'Arn'] },
        Condition: { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': ['EVENT#*'] } },
      },
    ];
  };
  const statementsOf = (fn: IConstruct & { role?: IConstruct }) => {
    const roleId = id(fn.role?.node.defaultChild);
    return Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId))
      .flatMap(
        (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
      );
  };
  it('grants each HTTP group exactly its table actions on the table, and Query on each named index', () => {
    for (const group of HANDLER_GROUPS) {
      const dynamo = statementsOf(stacks.stack.functions[group]).filter((st) =>
        JSON.stringify(st.Action).includes('dynamodb:'),
      );
      expect(dynamo, group).toEqual([
        {
          Effect: 'Allow',
          // CDK sorts a statement's actions (@aws-cdk/aws-iam:minimizePolicies).
          Action: tableActions(TABLE_ACCESS[group]).sort(),
          Resource: { 'Fn::GetAtt': [tableId(), 'Arn'] },
        },
        ...eventDeny(TABLE_ACCESS[group]),
        {
          Effect: 'Allow',
          Action: 'dynamodb:Query',
          Resource: TABLE.globalSecondaryIndexes.map((index) => ({
            'Fn::Join': ['', [{ 'Fn::GetAtt': [tableId(), 'Arn'] }, `/index/${index.indexName}`]],
          })),
        },
      ]);
    }
  });

  it('denies every function that writes any change or removal of an immutable event (0040)', () => {
    const writers = [
      ...HANDLER_GROUPS.map((group) => ({ fn: stacks.stack.functions[group], access: TABLE_ACCESS[group] })),
      { fn: stacks.stack.jobs.function, access: JOBS_TABLE_ACCESS },
      { fn: stacks.stack.gridImports.function, access: GRID_IMPORT_TABLE_ACCESS },
    ];
    for (const { fn, access } of writers) {
      const denies = statementsOf(fn).filter((st) => (st as { Effect?: string }).Effect === 'Deny');
      expect(denies, fn.node.path).toEqual(eventDeny(access));
    }
    // Those that write do change something; the read-only system group has nothing to deny.
    expect(eventDeny(TABLE_ACCESS.findings)).toHaveLength(1);
    expect(eventDeny('RO')).toEqual([]);
  });

  it('lets the pre-token trigger call only AdminGetUser, only on its own pool', () => {
    const pool = { 'Fn::GetAtt': [id(stacks.stack.auth.userPool.node.defaultChild), 'Arn'] };
    const statements = statementsOf(stacks.stack.auth.preTokenTrigger).filter(
      (st) => !JSON.stringify(st.Action).includes('xray:'),
    );
    expect(statements).toEqual([{ Action: 'cognito-idp:AdminGetUser', Effect: 'Allow', Resource: pool }]);
    // No other role may read users of the pool.
    const readers = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties.PolicyDocument).includes('cognito-idp:'),
    );
    expect(readers).toHaveLength(1);
  });

  it('grants no Scan, no stream read outside the two stream consumers, and no wildcard beyond the explained ones', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy'));
    const text = JSON.stringify(policies);
    expect(text).not.toContain('dynamodb:Scan');
    expect(text).not.toContain('dynamodb:*');
    expect(text).not.toContain('/index/*');
    const streamRoles = [stacks.stack.counters, stacks.stack.notifications].map((c) =>
      id(c.function.role?.node.defaultChild),
    );
    for (const p of policies) {
      if (streamRoles.some((r) => JSON.stringify(p.Properties.Roles).includes(r))) continue;
      expect(JSON.stringify(p)).not.toMatch(
        /dynamodb:(GetRecords|GetShardIterator|DescribeStream|ListStreams)/,
      );
    }
    // Resource "*" only for X-Ray, which supports no resource-level permissions, and for CDK's
    // deploy-time upload of the web app, which invalidates the app's shell in CloudFront (0049).
    for (const p of policies)
      for (const st of p.Properties.PolicyDocument.Statement as {
        Action: string | string[];
        Resource: unknown;
      }[])
        if (st.Resource === '*')
          for (const action of [st.Action].flat())
            expect(action).toMatch(/^(xray:|cloudfront:(CreateInvalidation|GetInvalidation)$)/);
  });
});

describe('backups and environments', () => {
  it('backs the table up daily for 35 days and monthly for a year, copied to the second region', () => {
    const plan = Object.values(template.findResources('AWS::Backup::BackupPlan'))[0]?.Properties.BackupPlan;
    const rules = plan?.BackupPlanRule as { RuleName: string; Lifecycle: object; CopyActions: object[] }[];
    expect(rules.map((r) => r.RuleName)).toEqual(['Daily', 'Monthly']);
    expect(rules[0]).toMatchObject({
      Lifecycle: { DeleteAfterDays: BACKUP_RETENTION.daily.toDays() },
      ScheduleExpressionTimezone: 'Asia/Shanghai',
    });
    expect(rules[1]).toMatchObject({ Lifecycle: { DeleteAfterDays: 365 } });
    expect(BACKUP_RETENTION.daily.toDays()).toBe(35);
    for (const rule of rules) {
      expect(JSON.stringify(rule.CopyActions)).toContain(':backup:ap-southeast-1:');
      expect(JSON.stringify(rule.CopyActions)).toContain('backup-vault:GridPatrol-demo-prod');
    }
    template.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: Match.objectLike({ Resources: [{ 'Fn::GetAtt': [tableId(), 'Arn'] }] }),
    });
    template.hasResource('AWS::Backup::BackupVault', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ BackupVaultName: 'GridPatrol-demo-prod' }),
    });
  });

  it('names the stacks by city and stage and protects prod from deletion', () => {
    expect(stacks.stack.stackName).toBe('GridPatrol-demo-prod');
    expect(stacks.stack.terminationProtection).toBe(true);
    expect(stacks.edgeAcl?.stackName).toBe('GridPatrol-demo-prod-edge');
    expect(stacks.edgeAcl?.terminationProtection).toBe(true);
  });

  it('refuses a stage that cannot be part of a stack name, and an edge without an account and region', () => {
    expect(() => addCityStacks(new App(), readCityConfig('demo'), 'Prod!')).toThrow(
      /Stage 'Prod!'.*-c stage=prod/,
    );
    expect(() => addCityStacks(new App(), fullCity(), 'dev')).toThrow(
      /deployment\.edge.*us-east-1.*account and region/,
    );
  });
});

const tableId = () => id(stacks.stack.data.table.node.defaultChild);

describe('edge and limits', () => {
  it('throttles each expensive route and each public route on its own, below the stage', () => {
    const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0]?.Properties;
    const settings = stage?.RouteSettings as Record<
      string,
      { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }
    >;
    const expensive = ROUTES.filter(isExpensiveRoute).map(routeKey);
    // The three kinds are all there: imports, exports, plans.
    expect(expensive).toEqual(
      expect.arrayContaining([
        'POST /grid/imports',
        'GET /exports/findings.csv',
        'POST /plans',
        'POST /plans/{id}/publish',
      ]),
    );
    expect(expensive).not.toContain('GET /plans');
    for (const key of expensive)
      expect(settings[key], key).toEqual({
        ThrottlingRateLimit: ROUTE_THROTTLES.expensive.rateLimit,
        ThrottlingBurstLimit: ROUTE_THROTTLES.expensive.burstLimit,
      });
    for (const route of ROUTES.filter((r) => r.roles === 'public'))
      expect(settings[routeKey(route)]?.ThrottlingRateLimit).toBe(ROUTE_THROTTLES.public.rateLimit);
    expect(Object.keys(settings).sort()).toEqual(
      ROUTES.filter((r) => isExpensiveRoute(r) || r.roles === 'public')
        .map(routeKey)
        .sort(),
    );
    expect(stage?.DefaultRouteSettings).toMatchObject({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 });
  });

  it('reserves concurrency for every function', () => {
    const fns = template.findResources('AWS::Lambda::Function');
    for (const group of HANDLER_GROUPS)
      expect(fns[fnId(group)]?.Properties.ReservedConcurrentExecutions, group).toBe(
        RESERVED_CONCURRENCY[group],
      );
    for (const fn of [
      stacks.stack.jobs.function,
      stacks.stack.gridImports.function,
      stacks.stack.counters.function,
      stacks.stack.auth.preTokenTrigger,
    ])
      expect(
        fns[id(fn.node.defaultChild)]?.Properties.ReservedConcurrentExecutions,
        fn.node.path,
      ).toBeGreaterThan(0);
  });

  it('puts a CloudFront web ACL in us-east-1: rate limit first, then the managed groups', () => {
    expect(stacks.edgeAcl?.region).toBe('us-east-1');
    const acl = Object.values(edgeTemplate.findResources('AWS::WAFv2::WebACL'))[0]?.Properties;
    expect(acl?.Scope).toBe('CLOUDFRONT');
    expect(acl?.DefaultAction).toEqual({ Allow: {} });
    const rules = acl?.Rules as {
      Name: string;
      Priority: number;
      Statement: Record<string, { Name?: string; RuleActionOverrides?: unknown }>;
    }[];
    expect(rules[0]).toMatchObject({
      Name: 'RatePerIp',
      Action: { Block: {} },
      Statement: { RateBasedStatement: { Limit: 1200, AggregateKeyType: 'IP' } },
    });
    expect(rules.slice(1).map((r) => r.Statement.ManagedRuleGroupStatement?.Name)).toEqual([
      ...MANAGED_RULE_GROUPS,
    ]);
    expect(MANAGED_RULE_GROUPS).toEqual(
      expect.arrayContaining([
        'AWSManagedRulesCommonRuleSet',
        'AWSManagedRulesKnownBadInputsRuleSet',
        'AWSManagedRulesAmazonIpReputationList',
      ]),
    );
    // Grid imports are large bodies: the common set's body-size rule only counts.
    const common = rules.find((r) => r.Name === 'AWSManagedRulesCommonRuleSet');
    expect(common?.Statement.ManagedRuleGroupStatement?.RuleActionOverrides).toEqual([
      { Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } },
    ]);
  });

  it('fronts the API with CloudFront behind that web ACL, caching nothing', () => {
    const dist = Object.values(template.findResources('AWS::CloudFront::Distribution'))[0]?.Properties
      .DistributionConfig;
    expect(dist?.WebACLId).toBeDefined();
    // A cross-region reference, read from the us-east-1 stack's output at deploy time.
    expect(dist?.WebACLId).toEqual({
      'Fn::GetStackOutput': expect.objectContaining({
        StackName: 'GridPatrol-demo-prod-edge',
        Region: 'us-east-1',
      }),
    });
    expect(dist?.DefaultCacheBehavior).toMatchObject({
      ViewerProtocolPolicy: 'https-only',
      CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', // AWS's CachingDisabled
    });
    expect(JSON.stringify(dist?.Origins)).toContain(id(stacks.stack.api.httpApi.node.defaultChild));
    template.hasOutput('EdgeUrl', {});
  });
});

describe('web app', () => {
  const dist = () =>
    Object.values(template.findResources('AWS::CloudFront::Distribution'))[0]?.Properties.DistributionConfig;
  const appBehaviors = () =>
    ((dist()?.CacheBehaviors ?? []) as { PathPattern: string }[]).filter((b) =>
      b.PathPattern.startsWith('/app'),
    );
  const deployments = () => Object.values(template.findResources('Custom::CDKBucketDeployment'));

  it('keeps the build in a private, encrypted, TLS-only bucket that only this distribution reads', () => {
    const bucketId = id(stacks.stack.webApp.bucket.node.defaultChild);
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        PublicAccessBlockConfiguration: ALL_PUBLIC_ACCESS_BLOCKED,
        OwnershipControls: OWNER_ENFORCED,
      }),
    });
    const policy = Object.values(template.findResources('AWS::S3::BucketPolicy')).find(
      (p) => p.Properties.Bucket.Ref === bucketId,
    );
    const statements = JSON.stringify(policy?.Properties.PolicyDocument.Statement);
    expect(statements).toContain('"aws:SecureTransport":"false"');
    // Origin access control: CloudFront's service principal, only for this distribution.
    expect(statements).toContain('"Service":"cloudfront.amazonaws.com"');
    expect(statements).toContain(id(stacks.stack.edge.distribution.node.defaultChild));
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: Match.objectLike({
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
        SigningProtocol: 'sigv4',
      }),
    });
  });

  it('serves /app and /app/* from the bucket on the API’s distribution, behind the same web ACL, HTTPS only', () => {
    expect(dist()?.WebACLId).toBeDefined();
    const routingId = id(stacks.stack.webApp.routing.node.defaultChild);
    const headersId = id(stacks.stack.webApp.headers.node.defaultChild);
    expect(appBehaviors().map((b) => b.PathPattern)).toEqual(['/app/*', '/app']);
    for (const behavior of appBehaviors())
      expect(behavior).toMatchObject({
        ViewerProtocolPolicy: 'https-only',
        AllowedMethods: ['GET', 'HEAD'],
        Compress: true,
        ResponseHeadersPolicyId: { Ref: headersId },
        FunctionAssociations: [
          { EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [routingId, 'FunctionARN'] } },
        ],
      });
    // The API stays the default behaviour, uncached: the app calls it on its own origin.
    expect(JSON.stringify(dist()?.DefaultCacheBehavior)).not.toContain(headersId);
    template.hasOutput('AppUrl', {});
  });

  it('answers every page of the app with index.html, /app with /app/, and a missing file with itself', () => {
    const handler = new Function(`${APP_ROUTING_FUNCTION}; return handler;`)() as (e: unknown) => {
      uri?: string;
      statusCode?: number;
      headers?: { location: { value: string } };
    };
    const request = (uri: string, query = '') => ({
      request: { uri, rawQueryString: () => query },
    });
    expect(handler(request('/app/')).uri).toBe('/app/index.html');
    expect(handler(request('/app/tasks')).uri).toBe('/app/index.html');
    expect(handler(request('/app/findings/f-1')).uri).toBe('/app/index.html');
    expect(handler(request('/app/app-ABCD1234.js')).uri).toBe('/app/app-ABCD1234.js');
    expect(handler(request('/app/config.json')).uri).toBe('/app/config.json');
    expect(handler(request('/app/missing.js')).uri).toBe('/app/missing.js');
    const redirect = handler(request('/app', 'lang=en'));
    expect(redirect.statusCode).toBe(301);
    expect(redirect.headers?.location.value).toBe('/app/?lang=en');
  });

  it('sends security headers: a CSP of its own origin and the hosted sign-in UI, HSTS, no framing', () => {
    const policy = Object.values(template.findResources('AWS::CloudFront::ResponseHeadersPolicy'))[0]
      ?.Properties.ResponseHeadersPolicyConfig;
    const security = policy?.SecurityHeadersConfig;
    const csp = JSON.stringify(security?.ContentSecurityPolicy.ContentSecurityPolicy);
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    // img-src: the city's tile host (any of its {s} subdomains) and the region's S3 (photo links),
    // nothing else outside.
    expect(csp).toMatch(
      /img-src 'self' data: blob: https:\/\/\*\.is\.autonavi\.com https:\/\/\*\.s3\.ap-east-1\.",\{"Ref":"AWS::URLSuffix"\},";/,
    );
    // connect-src: the API is on the same origin; the token exchange goes to the hosted UI; photo
    // uploads and export downloads to the region's S3.
    expect(csp).toMatch(
      /connect-src 'self' https:\/\/",\{"Ref":"[A-Za-z0-9]*HostedUi[A-Za-z0-9]*"\},"\.auth\.[^;]* https:\/\/\*\.s3\.ap-east-1\./,
    );
    expect(security).toMatchObject({
      StrictTransportSecurity: { AccessControlMaxAgeSec: 31536000, IncludeSubdomains: true, Override: true },
      ContentTypeOptions: { Override: true },
      FrameOptions: { FrameOption: 'DENY', Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'strict-origin-when-cross-origin', Override: true },
    });
  });

  it('lets the app read exports from its own origin: the console follows the redirect to the presigned file', () => {
    const exportsBucket = template.toJSON().Resources[id(stacks.stack.exports.bucket.node.defaultChild)];
    expect(JSON.stringify(exportsBucket.Properties.CorsConfiguration.CorsRules)).toContain(
      id(stacks.stack.edge.distribution.node.defaultChild),
    );
  });

  it("writes this city's runtime config at deploy time, with the pool, client and hosted UI of this stack", () => {
    const shell = deployments().find((d) =>
      String(JSON.stringify(d.Properties.Include)).includes('config.json'),
    );
    expect(shell?.Properties).toMatchObject({
      DestinationBucketKeyPrefix: 'app/',
      Include: [...APP_SHELL_FILES],
      Prune: false,
      SystemMetadata: { 'cache-control': 'no-cache' },
      DistributionPaths: expect.arrayContaining([
        '/app/',
        '/app/index.html',
        '/app/sw.js',
        '/app/config.json',
      ]),
    });
    // The hashed files: cached for good, never pruned (an open page may still load old chunks).
    const assets = deployments().find((d) => d !== shell);
    expect(assets?.Properties).toMatchObject({
      Prune: false,
      SystemMetadata: { 'cache-control': 'public, max-age=31536000, immutable' },
    });
    // config.json as staged, with CloudFormation's values as markers filled in at deploy time.
    const staged = readdirSync(assemblyDir, { withFileTypes: true }).find(
      (d) => d.isDirectory() && readdirSync(path.join(assemblyDir, d.name)).includes('config.json'),
    )?.name;
    if (!staged) throw new Error('no staged config.json');
    const config = JSON.parse(readFileSync(path.join(assemblyDir, staged, 'config.json'), 'utf8'));
    const markers = ((shell?.Properties.SourceMarkers ?? []) as Record<string, unknown>[]).find(
      (m) => Object.keys(m).length > 0,
    );
    const marked = (value: string) => markers?.[value];
    expect(config).toMatchObject({ apiBaseUrl: '', city: { name: 'demo', timeZone: 'Asia/Shanghai' } });
    expect(config.auth.mode).toBe('cognito');
    expect(marked(config.auth.userPoolId)).toEqual({ Ref: id(stacks.stack.auth.userPool.node.defaultChild) });
    expect(marked(config.auth.clientId)).toEqual({ Ref: id(stacks.stack.auth.client.node.defaultChild) });
    const domain = /^https:\/\/(<<marker:0xbaba:\d+>>)\.auth\.ap-east-1\.amazoncognito\.com$/.exec(
      config.auth.domain,
    );
    expect(marked(domain?.[1] ?? '')).toEqual({ Ref: id(stacks.stack.auth.hostedUi.node.defaultChild) });
    expect(config.auth.region).toBe(ENV.region);
    expect(config.categories.map((c: { id: string }) => c.id)).toContain('restaurant');
    expect(config.tiles).toMatchObject({ coordSys: 'gcj02', subdomains: '1234' });
  });

  it('signs in through the hosted UI: authorization code only, no secret, back to the app only', () => {
    const appUrl = {
      'Fn::Join': [
        '',
        [
          'https://',
          { 'Fn::GetAtt': [id(stacks.stack.edge.distribution.node.defaultChild), 'DomainName'] },
          '/app/',
        ],
      ],
    };
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: ['openid', 'profile'],
      CallbackURLs: [appUrl],
      LogoutURLs: [appUrl],
      SupportedIdentityProviders: ['COGNITO'],
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
      Domain: 'gridpatrol-demo-prod',
      UserPoolId: { Ref: id(stacks.stack.auth.userPool.node.defaultChild) },
    });
  });
});

describe('cdk-nag', () => {
  it('finds no unacknowledged error or warning in the AwsSolutions and Serverless packs', () => {
    expectNagClean(app);
  });
});
