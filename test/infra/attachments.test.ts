/**
 * The attachments bucket and its checker as CloudFormation will make them (issue 14,
 * docs/decisions/0051): private, encrypted, TLS only, CORS for the app's origins, uploads expiring
 * under incoming/ while photos/ never expires, the ObjectCreated trigger on incoming/ only, and
 * least-privilege grants. Synthesized without bundling (the grants and the template do not depend
 * on the bundles; test/infra/stack.test.ts checks those), so this file takes seconds.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readCityConfig } from '@gridpatrol/cities';
import { addCityStacks } from '@gridpatrol/infra/lib/city-stacks';
import { REPO_ROOT } from '@gridpatrol/infra/lib/function';
import type { GridPatrolStack } from '@gridpatrol/infra/lib/stack';
import { App, type CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ALL_PUBLIC_ACCESS_BLOCKED } from '../support/buckets';
import { expectNagClean } from '../support/cdk-nag';

const CDK_CONTEXT = (
  JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context: object }
).context;

let app: App;
let stack: GridPatrolStack;
let template: Template;
// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON is read loosely
type Json = any;

const id = (element: unknown) => stack.getLogicalId(element as CfnElement);
const policiesOf = (roleElement: unknown): Json[] => {
  const roleId = id(roleElement);
  return Object.values(template.findResources('AWS::IAM::Policy')).filter((p: Json) =>
    p.Properties.Roles.some((r: Json) => r.Ref === roleId),
  );
};
const statementsOf = (roleElement: unknown): Json[] =>
  policiesOf(roleElement).flatMap((p: Json) => p.Properties.PolicyDocument.Statement);
const s3Statements = (roleElement: unknown) =>
  statementsOf(roleElement).filter((s) => [s.Action].flat().some((a: string) => a.startsWith('s3:')));
/** The object ARN patterns of a statement, as `<prefix>*`. */
const objectPatterns = (s: Json): string[] =>
  [s.Resource]
    .flat()
    .map((r: Json) => (r['Fn::Join'][1] as Json[]).at(-1) as string)
    .map((t) => t.replace(/^\//, ''));

beforeAll(() => {
  // No bundling: a placeholder asset per function (CDK's own switch for stacks not being deployed).
  app = new App({ context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
  stack = addCityStacks(app, readCityConfig('demo'), 'dev').stack;
  template = Template.fromStack(stack);
}, 120_000);

describe('the attachments bucket', () => {
  it('is private, encrypted, TLS only and kept with the stack', () => {
    const bucketId = id(stack.attachments.bucket.node.defaultChild);
    const bucket = template.toJSON().Resources[bucketId];
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual(ALL_PUBLIC_ACCESS_BLOCKED);
    expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0]).toMatchObject({
      ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('expires only unreferenced uploads (incoming/), never the photos steps keep (photos/)', () => {
    const bucket = template.toJSON().Resources[id(stack.attachments.bucket.node.defaultChild)];
    const rules = bucket.Properties.LifecycleConfiguration.Rules as Json[];
    expect(rules).toEqual([
      expect.objectContaining({ Prefix: 'incoming/', ExpirationInDays: 2, Status: 'Enabled' }),
    ]);
    expect(JSON.stringify(rules)).not.toContain('photos/');
  });

  it('lets the city’s origins and the app’s CloudFront origin post uploads and get links', () => {
    const bucket = template.toJSON().Resources[id(stack.attachments.bucket.node.defaultChild)];
    const [cors] = bucket.Properties.CorsConfiguration.CorsRules as Json[];
    expect(cors.AllowedMethods.sort()).toEqual(['GET', 'HEAD', 'POST']);
    expect(cors.AllowedOrigins).toEqual(expect.arrayContaining(stack.city.cors.allowOrigins));
    expect(JSON.stringify(cors.AllowedOrigins)).toContain(id(stack.edge.distribution.node.defaultChild));
  });
});

describe('the checker', () => {
  it('is triggered by objects created under incoming/ only', () => {
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: { Ref: id(stack.attachments.bucket.node.defaultChild) },
      NotificationConfiguration: {
        LambdaFunctionConfigurations: [
          {
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'incoming/' }] } },
            LambdaFunctionArn: { 'Fn::GetAtt': [id(stack.attachments.checker.node.defaultChild), 'Arn'] },
          },
        ],
      },
    });
  });

  it('may read uploads and kept photos and update the table, nothing more; its failures go to a dead-letter queue', () => {
    const role = stack.attachments.checker.role?.node.defaultChild;
    const s3 = s3Statements(role);
    expect(s3.map((s) => [s.Action].flat())).toEqual([['s3:GetObject']]);
    expect(objectPatterns(s3[0]).sort()).toEqual(['incoming/*', 'photos/*']);
    const dynamo = statementsOf(role)
      .flatMap((s) => [s.Action].flat())
      .filter((a: string) => a.startsWith('dynamodb:'));
    expect([...new Set(dynamo)].sort()).toEqual(
      ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'].sort(),
    );
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: id(stack.attachments.checker.node.defaultChild) },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
  });
});

describe('the API functions', () => {
  it('findings and tasks may put and get under incoming/ and photos/ (slots, copies, links), never delete or list', () => {
    for (const group of ['findings', 'tasks'] as const) {
      const s3 = s3Statements(stack.functions[group].role?.node.defaultChild);
      expect(s3.flatMap((s) => [s.Action].flat()).sort(), group).toEqual(['s3:GetObject', 's3:PutObject']);
      expect(objectPatterns(s3[0]).sort(), group).toEqual(['incoming/*', 'photos/*']);
    }
    for (const group of ['people', 'grid', 'plans', 'stats', 'system'] as const) {
      const text = JSON.stringify(statementsOf(stack.functions[group].role?.node.defaultChild));
      expect(text, group).not.toContain(id(stack.attachments.bucket.node.defaultChild));
    }
  });
});

describe('cdk-nag', () => {
  it('finds nothing unacknowledged with the attachments in the stack', () => {
    expectNagClean(app);
  });
});
