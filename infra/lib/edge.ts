/**
 * The edge of one city: CloudFront in front of the HTTP API, and the field app under /app/ on the
 * same origin (infra/lib/web-app.ts, docs/decisions/0049). Optionally (deployment.edge in the city
 * file, docs/decisions/0041) with an AWS WAF web ACL (an HTTP API cannot take one itself) of
 * the managed common, known-bad-inputs and IP-reputation rule groups and a per-IP rate limit.
 * A web ACL for CloudFront must live in us-east-1, so it gets its own small stack there
 * (GridPatrolEdgeAclStack), and the city stack refers to it across regions.
 */
import { ORIGIN_KEY_HEADER } from '@gridpatrol/functions/http/origin-key';
import { type SecretValue, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  OriginRequestPolicy,
  PriceClass,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

/** CloudFront's web ACLs exist only in us-east-1. */
export const EDGE_ACL_REGION = 'us-east-1';

/** The managed rule groups, in evaluation order (cheapest, most certain first). */
export const MANAGED_RULE_GROUPS = [
  'AWSManagedRulesAmazonIpReputationList',
  'AWSManagedRulesKnownBadInputsRuleSet',
  'AWSManagedRulesCommonRuleSet',
] as const;

const visibility = (metricName: string): CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  sampledRequestsEnabled: true,
  metricName,
});

export interface GridPatrolEdgeAclStackProps extends StackProps {
  /** Requests one IP may make in 5 minutes before it is blocked. */
  readonly rateLimitPer5Minutes: number;
}

export class GridPatrolEdgeAclStack extends Stack {
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: GridPatrolEdgeAclStackProps) {
    super(scope, id, props);
    const managed = MANAGED_RULE_GROUPS.map(
      (name, i): CfnWebACL.RuleProperty => ({
        name,
        priority: 10 + i,
        overrideAction: { none: {} },
        statement: {
          managedRuleGroupStatement: {
            vendorName: 'AWS',
            name,
            // Grid imports post GeoJSON bodies of up to 6 MB: the common set's 8 KB body-size rule
            // would block every one. Counted instead; the API bounds bodies itself (0020).
            ruleActionOverrides:
              name === 'AWSManagedRulesCommonRuleSet'
                ? [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }]
                : undefined,
          },
        },
        visibilityConfig: visibility(name),
      }),
    );
    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('GridPatrolEdge'),
      rules: [
        {
          // First: a flooding client is refused before any other rule spends effort on it.
          name: 'RatePerIp',
          priority: 0,
          action: { block: {} },
          statement: {
            rateBasedStatement: { limit: props.rateLimitPer5Minutes, aggregateKeyType: 'IP' },
          },
          visibilityConfig: visibility('RatePerIp'),
        },
        ...managed,
      ],
    });
  }
}

export interface GridPatrolEdgeProps {
  /** The HTTP API's id; its default endpoint in this stack's region is the origin. */
  readonly apiId: string;
  /**
   * The web ACL's ARN (from GridPatrolEdgeAclStack, a cross-region reference), when the city file
   * enables deployment.edge. @default no WAF
   */
  readonly webAclArn?: string;
  /** The key every request to the API carries (origin-key.ts), so the API can refuse the rest. */
  readonly originKey: SecretValue;
}

export class GridPatrolEdge extends Construct {
  readonly distribution: Distribution;

  constructor(scope: Construct, id: string, props: GridPatrolEdgeProps) {
    super(scope, id);
    const { region, urlSuffix } = Stack.of(this);
    this.distribution = new Distribution(this, 'Distribution', {
      comment: props.webAclArn ? 'GridPatrol API and app behind AWS WAF' : 'GridPatrol API and app',
      webAclId: props.webAclArn,
      // Officers are in one country: the cheapest price class that covers Asia.
      priceClass: PriceClass.PRICE_CLASS_200,
      defaultBehavior: {
        origin: new HttpOrigin(`${props.apiId}.execute-api.${region}.${urlSuffix}`, {
          customHeaders: { [ORIGIN_KEY_HEADER]: props.originKey.unsafeUnwrap() },
        }),
        allowedMethods: AllowedMethods.ALLOW_ALL,
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
        // Every answer is per caller: nothing is cached, every header but Host goes through
        // (Authorization, Idempotency-Key, the CORS headers).
        cachePolicy: CachePolicy.CACHING_DISABLED,
        originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      },
    });
    if (!props.webAclArn)
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR2',
        reason:
          "WAF is a city option (deployment.edge: a web ACL in us-east-1, billed per rule); the API's throttles and token checks hold without it.",
      });
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason: 'Officers travel and use roaming phones; the WAF rate and reputation rules do the filtering.',
      },
      {
        id: 'AwsSolutions-CFR3',
        reason:
          "Every request that reaches the API is in the API's access log, and WAF keeps sampled requests of every rule; a log bucket would repeat them.",
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          "The distribution's default *.cloudfront.net certificate cannot set a minimum TLS version; a city with its own domain sets TLSv1.2_2021 with it.",
      },
    );
  }
}
