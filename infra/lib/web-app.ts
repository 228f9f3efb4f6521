/**
 * The field app in AWS (docs/decisions/0049): the built app in a private bucket, served under /app/
 * by the city's CloudFront distribution (the one in front of the API, so the app calls the API on
 * its own origin), with security headers, a fallback to index.html for the app's pages, and the
 * runtime config written at deploy time, so one build serves every city.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { type AppConfig, contentSecurityPolicy } from '@gridpatrol/web/runtime-config';
import { DockerImage, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import {
  AllowedMethods,
  type BehaviorOptions,
  CachePolicy,
  type Distribution,
  Function as EdgeFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { REPO_ROOT } from './function';
import { bucketObjectsFinding, privateBucket } from './private-bucket';

const WEB_ROOT = path.join(REPO_ROOT, 'packages', 'web');

/** What the build writes that must be fetched again to see a new build (the rest is hashed). */
export const APP_SHELL_FILES = ['index.html', 'sw.js', 'config.json'] as const;

/**
 * The viewer-request function of /app and /app/*: `/app` → `/app/`, and a path whose last segment
 * has no extension is a page of the app, answered by index.html (the app routes with the History
 * API). A missing file keeps its own path, so it is a 403 from the bucket, not a page.
 * CloudFront Functions run their own JavaScript (cloudfront-js-2.0): plain ES5.1 plus a few ES6 parts.
 */
export const APP_ROUTING_FUNCTION = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri === '/app') {
    var qs = request.rawQueryString ? '?' + request.rawQueryString() : '';
    return { statusCode: 301, statusDescription: 'Moved Permanently', headers: { location: { value: '/app/' + qs } } };
  }
  var last = uri.substring(uri.lastIndexOf('/') + 1);
  if (last.indexOf('.') === -1) request.uri = '/app/index.html';
  return request;
}`;

export interface GridPatrolWebAppProps {
  /** The city's distribution; its default behaviour is the API, this adds /app and /app/*. */
  readonly distribution: Distribution;
  /** The runtime config, written to /app/config.json at deploy time (may hold deploy-time tokens). */
  readonly config: AppConfig;
  /**
   * The built app to upload. @default the app built from packages/web at synth (esbuild, offline,
   * about a second; skipped like every bundling when the stack is not in `aws:cdk:bundling-stacks`).
   */
  readonly buildDirectory?: string;
  /** Retention of the deploy-time upload handler's log group. @default one year */
  readonly logRetention?: RetentionDays;
}

export class GridPatrolWebApp extends Construct {
  readonly bucket: Bucket;
  readonly headers: ResponseHeadersPolicy;
  readonly routing: EdgeFunction;
  /** `https://<distribution>/app/`: where people open the app, and the sign-in's callback. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: GridPatrolWebAppProps) {
    super(scope, id);
    const { distribution, config } = props;

    // Private: only CloudFront (origin access control) reads it. Nothing in it is data: a stack
    // deletion may take it, but a non-empty bucket cannot be deleted by CloudFormation, so it is
    // retained rather than emptied by another deploy-time function.
    this.bucket = privateBucket(this, 'Bucket', {
      removalPolicy: RemovalPolicy.RETAIN,
      noAccessLogBecause:
        "The app's public build files, read only by CloudFront: an access log would record CloudFront's fetches, nothing about people.",
    });

    this.headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'GridPatrol field app: CSP, HSTS, no framing, no sniffing',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: contentSecurityPolicy({
            authDomain: config.auth.mode === 'cognito' ? config.auth.domain : undefined,
            tileUrl: config.tiles?.url,
            objectStore: `https://*.s3.${Stack.of(this).region}.${Stack.of(this).urlSuffix}`,
          }),
          override: true,
        },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: {
          referrerPolicy: HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
          override: true,
        },
      },
      customHeadersBehavior: {
        customHeaders: [
          // The app asks for the position; nothing else of the device.
          {
            header: 'Permissions-Policy',
            value: 'geolocation=(self), microphone=(), payment=()',
            override: true,
          },
        ],
      },
    });

    this.routing = new EdgeFunction(this, 'Routing', {
      comment: 'GridPatrol app: /app to /app/, pages to index.html',
      runtime: FunctionRuntime.JS_2_0,
      code: FunctionCode.fromInline(APP_ROUTING_FUNCTION),
    });

    const behavior: BehaviorOptions = {
      origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
      viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
      // The objects' own Cache-Control decides: hashed files for a year, the shell revalidated.
      cachePolicy: CachePolicy.CACHING_OPTIMIZED,
      compress: true,
      responseHeadersPolicy: this.headers,
      functionAssociations: [{ function: this.routing, eventType: FunctionEventType.VIEWER_REQUEST }],
    };
    distribution.addBehavior('/app/*', behavior.origin, behavior);
    distribution.addBehavior('/app', behavior.origin, behavior);
    this.url = `https://${distribution.distributionDomainName}/app/`;

    const build = new Asset(this, 'Build', {
      path: props.buildDirectory ?? WEB_ROOT,
      exclude: props.buildDirectory ? undefined : ['dist*', 'node_modules', '*.tsbuildinfo'],
      bundling: props.buildDirectory ? undefined : webBundling(),
    });
    const source = Source.bucket(build.bucket, build.s3ObjectKey);
    const logGroup = new LogGroup(this, 'DeployLogs', {
      retention: props.logRetention ?? RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Hashed files first, never pruned: a page opened before this deploy may still load its chunks.
    const assets = new BucketDeployment(this, 'Assets', {
      sources: [source],
      destinationBucket: this.bucket,
      destinationKeyPrefix: 'app/',
      exclude: [...APP_SHELL_FILES, '.built'],
      prune: false,
      cacheControl: [CacheControl.fromString('public, max-age=31536000, immutable')],
      logGroup,
    });
    // Then the shell and this city's config, revalidated on every load, and CloudFront told.
    const shell = new BucketDeployment(this, 'Shell', {
      sources: [source, Source.jsonData('config.json', config)],
      destinationBucket: this.bucket,
      destinationKeyPrefix: 'app/',
      exclude: ['*'],
      include: [...APP_SHELL_FILES],
      prune: false,
      cacheControl: [CacheControl.noCache()],
      distribution,
      distributionPaths: APP_SHELL_FILES.map((f) => `/app/${f}`).concat('/app/'),
      logGroup,
    });
    shell.node.addDependency(assets);
    acknowledgeDeployHandler(Stack.of(this), this.bucket);
  }
}

/** Builds packages/web into the asset's output directory with the app's own build (esbuild). */
const webBundling = () => ({
  // Never pulled: the local build always succeeds or throws (there is no Docker engine here).
  image: DockerImage.fromRegistry('scratch'),
  local: {
    tryBundle(outputDir: string): boolean {
      const tsx = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
      const run = spawnSync(tsx, [path.join(WEB_ROOT, 'src', 'build-cli.ts'), outputDir], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
      });
      if (run.status !== 0) throw new Error(`web app build failed: ${run.stderr || run.error?.message}`);
      return true;
    },
  },
});

/** A value as cdk-nag writes it in a finding's id: itself when known at synth, else its pseudo parameter. */
const shown = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value);

/**
 * CDK's upload handler (one per stack, shared by both deployments) is not ours to change: it runs
 * only while deploying, on the runtime and policies CDK gives it.
 */
function acknowledgeDeployHandler(stack: Stack, bucket: Bucket): void {
  const handler = stack.node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
  if (!handler) return;
  const why =
    "CDK's deploy-time handler that copies the app's build into its bucket (not our code); runs only during deployments.";
  const ids = [
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    'AwsSolutions-L1',
    // CDK's grants: read the staged build from the assets bucket, write the app bucket, invalidate.
    ...['s3:GetBucket*', 's3:GetObject*', 's3:List*', 's3:Abort*', 's3:DeleteObject*'].map(
      (a) => `AwsSolutions-IAM5[Action::${a}]`,
    ),
    `AwsSolutions-IAM5[Resource::arn:${shown(stack.partition, 'Partition')}:s3:::cdk-hnb659fds-assets-${shown(stack.account, 'AccountId')}-${shown(stack.region, 'Region')}/*]`,
    bucketObjectsFinding(bucket, '*'),
    // CDK grants the invalidation on '*'; its handler invalidates only the distribution it is given.
    'AwsSolutions-IAM5[Resource::*]',
    'Serverless-LambdaDLQ',
    'Serverless-LambdaLatestVersion',
    'Serverless-LambdaTracing',
  ];
  Validations.of(handler).acknowledge(...ids.map((id) => ({ id, reason: why })));
}
