/**
 * Who may call the API: a Cognito user pool per city (stateful), its app client, one group per role,
 * and the JWT authorizer the HTTP API puts in front of every non-public route. The authorizer only
 * proves the token; what the caller may do comes from their person record (functions/src/http/identity.ts).
 */
import { type CityConfig, ROLES, type Role } from '@gridpatrol/core';
import { Duration, Lazy, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import {
  AccountRecovery,
  CfnUserPoolGroup,
  ClientAttributes,
  FeaturePlan,
  LambdaVersion,
  Mfa,
  OAuthScope,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
  type UserPoolClient,
  UserPoolClientIdentityProvider,
  type UserPoolDomain,
  UserPoolOperation,
} from 'aws-cdk-lib/aws-cognito';
import { Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { GridPatrolFunction } from './function';

/** The custom attribute linking a Cognito user to a person record; `custom:person_id` in the ID token. */
export const PERSON_ID_ATTRIBUTE = 'person_id';

export interface GridPatrolAuthProps {
  /** The validated city config, bundled into the pre-token-generation trigger like every function's. */
  readonly city: CityConfig;
  /** Retention of the trigger's log group. @default GridPatrolFunction's (a year) */
  readonly logRetention?: RetentionDays;
  /**
   * What happens to the user pool when the stack goes. Kept: accounts outlive a redeployment.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /** The roles that get a Cognito group. @default ROLES */
  readonly roles?: readonly Role[];
  /**
   * Cognito threat protection (the city file's deployment.threatProtection). Anything but 'off'
   * puts the pool on the Plus feature plan, which is billed per active user.
   * @default 'off'
   */
  readonly threatProtection?: 'off' | 'audit' | 'enforce';
  /**
   * The hosted sign-in UI's domain prefix (`<prefix>.auth.<region>.amazoncognito.com`): unique
   * within the region across all of AWS; lower-case letters, digits and dashes.
   */
  readonly domainPrefix: string;
}

/**
 * Stated, not left to Cognito's defaults: 12 characters of four kinds. Officers sign in on shared
 * phones in the street; a long password matters more than frequent changes (no expiry).
 */
export const PASSWORD_POLICY = {
  minLength: 12,
  requireLowercase: true,
  requireUppercase: true,
  requireDigits: true,
  requireSymbols: true,
  // An admin-set first password must be changed within three days.
  tempPasswordValidity: Duration.days(3),
} as const;

/** Roles that must sign in with a second factor: a policy fact, kept in core (0040). */
export { MFA_REQUIRED_ROLES } from '@gridpatrol/core';

/**
 * Concurrency reserved for (and capping) the pre-token trigger. Only admins and supervisors cost an
 * AdminGetUser call (tens of ms); everyone else's sign-in returns at once, so 5 in flight carry the
 * start of a shift, and a flood of sign-ins cannot take the API functions' concurrency.
 */
export const PRE_TOKEN_RESERVED_CONCURRENCY = 5;

const THREAT_PROTECTION_MODE = {
  off: StandardThreatProtectionMode.NO_ENFORCEMENT,
  audit: StandardThreatProtectionMode.AUDIT_ONLY,
  enforce: StandardThreatProtectionMode.FULL_FUNCTION,
} as const;

export class GridPatrolAuth extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  /** The hosted UI (authorization-code flow with PKCE) the field app signs in through. */
  readonly hostedUi: UserPoolDomain;
  /** The app URLs the hosted UI may return to after sign-in and sign-out (allowSignInFrom). */
  private readonly appUrls: string[] = [];
  readonly groups: Readonly<Record<string, CfnUserPoolGroup>>;
  /** `https://cognito-idp.<region>.amazonaws.com/<poolId>`: the `iss` of the pool's tokens. */
  readonly issuer: string;
  readonly authorizer: HttpJwtAuthorizer;
  /** The pre-token-generation trigger (V2): marks the tokens of MFA_REQUIRED_ROLES without MFA (0040). */
  readonly preTokenTrigger: GridPatrolFunction;

  constructor(scope: Construct, id: string, props: GridPatrolAuthProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const threatProtection = props.threatProtection ?? 'off';

    this.userPool = new UserPool(this, 'UserPool', {
      // Accounts are created by a city admin (a person record first, then its login), never by sign-up.
      selfSignUpEnabled: false,
      signInAliases: { username: true },
      signInCaseSensitive: false,
      customAttributes: {
        [PERSON_ID_ATTRIBUTE]: new StringAttribute({ mutable: true, minLen: 1, maxLen: 64 }),
      },
      // Field staff often have no e-mail on file; an admin resets passwords.
      accountRecovery: AccountRecovery.NONE,
      passwordPolicy: PASSWORD_POLICY,
      // Pool-wide MFA is optional, by authenticator app only (SMS needs an SMS role and a sender
      // registered per country); it is required per role, see MFA_REQUIRED_ROLES and 0040.
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      featurePlan: threatProtection === 'off' ? FeaturePlan.ESSENTIALS : FeaturePlan.PLUS,
      standardThreatProtectionMode: THREAT_PROTECTION_MODE[threatProtection],
      deletionProtection: removalPolicy === RemovalPolicy.RETAIN,
      removalPolicy,
    });

    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'Cognito MFA is pool-wide; it is optional here and required for the roles in MFA_REQUIRED_ROLES by the pre-token-generation trigger (docs/decisions/0040), so volunteers without an authenticator app can still sign in.',
    });

    // V2 of the trigger (Essentials plan or above) can add claims to the access token too.
    this.preTokenTrigger = new GridPatrolFunction(this, 'PreTokenTrigger', {
      group: 'pre-token',
      city: props.city,
      logRetention: props.logRetention,
      // Cognito waits 5 s for a trigger, then fails the sign-in; one AdminGetUser takes milliseconds.
      timeout: Duration.seconds(5),
      reservedConcurrentExecutions: PRE_TOKEN_RESERVED_CONCURRENCY,
    });
    this.userPool.addTrigger(
      UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG,
      this.preTokenTrigger,
      LambdaVersion.V2_0,
    );
    // Only AdminGetUser, only on this pool. A policy of its own, not the role's default policy: the
    // function waits for its default policy, the pool for the function (its trigger), and this
    // statement names the pool, so in the default policy it would close a dependency cycle (which
    // synth refuses: "Circular Dependencies ... (CloudFormation Validate)").
    const readMfaSettings = new Policy(this, 'PreTokenTriggerReadsMfaSettings', {
      statements: [
        new PolicyStatement({
          actions: ['cognito-idp:AdminGetUser'],
          resources: [this.userPool.userPoolArn],
        }),
      ],
    });
    this.preTokenTrigger.role?.attachInlinePolicy(readMfaSettings);
    const plusPlanReason =
      "Threat protection needs Cognito's Plus plan, billed per active user: a city turns it on in its file (deployment.threatProtection).";
    if (threatProtection !== 'enforce')
      Validations.of(this.userPool).acknowledge({ id: 'AwsSolutions-COG3', reason: plusPlanReason });
    if (threatProtection === 'off')
      Validations.of(this.userPool).acknowledge({ id: 'AwsSolutions-COG8', reason: plusPlanReason });

    this.hostedUi = this.userPool.addDomain('HostedUi', {
      cognitoDomain: { domainPrefix: props.domainPrefix },
    });
    // The app's URL comes from the distribution, which is made after the API and its authorizer
    // (which needs this client): read when the template is written, see allowSignInFrom.
    const appUrls = Lazy.list({ produce: () => this.appUrls }, { omitEmpty: false });
    this.client = this.userPool.addClient('Client', {
      // A browser / phone app cannot keep a secret: PKCE stands in for it.
      generateSecret: false,
      // SRP only: no flow sends the password itself, and nothing here signs in as an admin would
      // with ADMIN_USER_PASSWORD_AUTH (the local runtime has its own dev tokens).
      authFlows: { userSrp: true },
      // The field app: the hosted UI with the authorization-code grant only (the implicit grant
      // would put tokens in the URL), returning only to the app's own URL.
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.PROFILE],
        callbackUrls: appUrls,
        logoutUrls: appUrls,
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      // Stated, not left to Cognito's defaults: the handlers refuse a token living longer than
      // 12 h (functions/src/http/identity.ts MAX_TOKEN_LIFETIME_S); an hour keeps a lost phone's
      // token short, and the app refreshes silently.
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
      // Users may change harmless profile fields only: person_id decides who the caller is, so a
      // user must never be able to set it on their own account with their access token.
      writeAttributes: new ClientAttributes().withStandardAttributes({ locale: true, timezone: true }),
    });

    const roles = props.roles ?? ROLES;
    const groups: Record<string, CfnUserPoolGroup> = {};
    for (const role of roles) {
      groups[role] = new CfnUserPoolGroup(this, `Group-${role}`, {
        userPoolId: this.userPool.userPoolId,
        groupName: role,
        description: `GridPatrol role ${role}; the person record stays the source of truth.`,
      });
    }
    this.groups = groups;

    // urlSuffix is amazonaws.com, or amazonaws.com.cn in the China regions a city may deploy to.
    const { region, urlSuffix } = Stack.of(this);
    this.issuer = `https://cognito-idp.${region}.${urlSuffix}/${this.userPool.userPoolId}`;
    this.authorizer = new HttpJwtAuthorizer('CognitoJwt', this.issuer, {
      jwtAudience: [this.client.userPoolClientId],
      identitySource: ['$request.header.Authorization'],
    });
  }

  /** Lets the hosted UI return to this app URL after sign-in and sign-out (the field app's /app/). */
  allowSignInFrom(appUrl: string): void {
    this.appUrls.push(appUrl);
  }
}
