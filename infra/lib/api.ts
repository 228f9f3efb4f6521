/**
 * The HTTP API, built from the route manifest (functions/src/routes/): one route per entry, sent
 * to its handler group's function, behind the JWT authorizer unless the entry is public. Adding a
 * route to the manifest adds it here with no change to this file.
 */
import { CORS_ALLOW_HEADERS, type HandlerGroup, type RouteDef, routeKey } from '@gridpatrol/functions';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnStage,
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  type HttpRoute,
  type HttpStage,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface ThrottleProps {
  /** Steady requests per second for the whole stage. */
  readonly rateLimit: number;
  /** Requests allowed above the rate in a short burst. */
  readonly burstLimit: number;
}

/**
 * Routes that cost seconds of a 1769 MB function and thousands of DynamoDB items each: a grid
 * import and its activation and diff, a plan's draft and publication, every export. They get their
 * own, much lower limit, so that one busy admin cannot take the stage's rate from the field staff.
 */
export function isExpensiveRoute(route: Pick<RouteDef, 'method' | 'path'>): boolean {
  const { method, path } = route;
  if (path.startsWith('/exports/') || path.endsWith('/diff')) return true;
  if (method !== 'POST') return false;
  return (
    path === '/grid/imports' || path.endsWith('/activate') || path === '/plans' || path.endsWith('/publish')
  );
}

/** Limits of the expensive routes (each route on its own) and of the unauthenticated ones. */
export const ROUTE_THROTTLES = {
  expensive: { rateLimit: 2, burstLimit: 5 },
  // Health and the OpenAPI document need no token: bounded so they cannot be used to run up cost.
  public: { rateLimit: 10, burstLimit: 20 },
} as const satisfies Record<string, ThrottleProps>;

export interface GridPatrolApiProps {
  /** Every route to serve; normally ROUTES. */
  readonly routes: readonly RouteDef[];
  /** The function serving each handler group. */
  readonly functions: Readonly<Record<HandlerGroup, IFunction>>;
  /** The authorizer for every route whose roles are not 'public'. */
  readonly authorizer: IHttpRouteAuthorizer;
  /** Browser origins allowed to call the API (the city config's cors.allowOrigins). */
  readonly allowOrigins: readonly string[];
  /**
   * Stage throttling. One city's bureau has hundreds of field staff, not thousands of clients: the
   * limit keeps a runaway client from running up Lambda and DynamoDB costs while leaving ~10× headroom.
   * @default { rateLimit: 50, burstLimit: 100 }
   */
  readonly throttle?: ThrottleProps;
  /** @default RetentionDays.ONE_YEAR */
  readonly accessLogRetention?: RetentionDays;
  /** @default RemovalPolicy.RETAIN */
  readonly accessLogRemovalPolicy?: RemovalPolicy;
  /** @default the API's construct path */
  readonly apiName?: string;
}

/** One JSON line per request, the fields one needs to find a request and see why it failed. */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    time: '$context.requestTime',
    routeKey: '$context.routeKey',
    status: '$context.status',
    ip: '$context.identity.sourceIp',
    userAgent: '$context.identity.userAgent',
    responseLength: '$context.responseLength',
    latencyMs: '$context.responseLatency',
    integrationLatencyMs: '$context.integrationLatency',
    integrationError: '$context.integrationErrorMessage',
    authorizerError: '$context.authorizer.error',
    sub: '$context.authorizer.claims.sub',
  }),
);

export class GridPatrolApi extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;
  /** The base URL of the default stage, ending in '/'. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: GridPatrolApiProps) {
    super(scope, id);
    const methods = [...new Set(props.routes.map((r) => r.method))].sort();

    this.httpApi = new HttpApi(this, 'HttpApi', {
      apiName: props.apiName,
      corsPreflight: {
        allowOrigins: [...props.allowOrigins],
        allowHeaders: [...CORS_ALLOW_HEADERS],
        allowMethods: [...methods.map((m) => CorsHttpMethod[m]), CorsHttpMethod.OPTIONS],
        maxAge: Duration.hours(1),
      },
      // Our own $default stage below, so that it can carry throttling and access logs.
      createDefaultStage: false,
    });

    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.accessLogRetention ?? RetentionDays.ONE_YEAR,
      removalPolicy: props.accessLogRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    const throttle = props.throttle ?? { rateLimit: 50, burstLimit: 100 };
    this.stage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: ACCESS_LOG_FORMAT,
      },
    });
    this.url = this.stage.url;

    // One integration per function: API Gateway reuses it for all of the group's routes.
    const integrations = new Map<HandlerGroup, HttpLambdaIntegration>();
    const integrationFor = (group: HandlerGroup): HttpLambdaIntegration => {
      let integration = integrations.get(group);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${group}Integration`, props.functions[group]);
        integrations.set(group, integration);
      }
      return integration;
    };

    const seen = new Set<string>();
    const routes: HttpRoute[] = [];
    // CloudFormation's own spelling: RouteSettings is untyped JSON, CDK does not case-convert it.
    const routeSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
    for (const route of props.routes) {
      const key = routeKey(route);
      if (seen.has(key)) throw new Error(`The route manifest lists ${key} twice.`);
      seen.add(key);
      const limit = isExpensiveRoute(route)
        ? ROUTE_THROTTLES.expensive
        : route.roles === 'public'
          ? ROUTE_THROTTLES.public
          : undefined;
      if (limit)
        routeSettings[key] = { ThrottlingRateLimit: limit.rateLimit, ThrottlingBurstLimit: limit.burstLimit };
      const added = this.httpApi.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: integrationFor(route.group),
        authorizer: route.roles === 'public' ? new HttpNoneAuthorizer() : props.authorizer,
      });
      routes.push(...added);
      if (route.roles === 'public')
        for (const r of added)
          Validations.of(r).acknowledge({
            id: 'AwsSolutions-APIG4',
            reason: `${key} is public by design (health check, API document): it reveals no data and has its own low throttle.`,
          });
    }
    // HttpStage has no per-route throttle yet: set on its CloudFormation resource. A route
    // setting names a route key that must exist first, hence the dependency on the routes.
    const cfnStage = this.stage.node.defaultChild as CfnStage;
    cfnStage.routeSettings = routeSettings;
    for (const added of routes) cfnStage.node.addDependency(added);
  }
}
