/**
 * The stacks of one city and stage: the city stack, and when the city file enables the edge, the
 * small us-east-1 stack holding its CloudFront web ACL (WAF for CloudFront exists only there).
 * bin/app.ts and the tests build a city through here, so both make the same stacks.
 */
import type { CityConfig } from '@gridpatrol/core';
import type { App, Environment } from 'aws-cdk-lib';
import { EDGE_ACL_REGION, GridPatrolEdgeAclStack } from './edge';
import { GridPatrolStack, stackName } from './stack';

export const STAGE_CONTEXT_KEY = 'stage';
/** `npx cdk synth -c city=demo` without a stage is a developer's copy. */
export const DEFAULT_STAGE = 'dev';

export interface CityStacks {
  readonly stack: GridPatrolStack;
  readonly edgeAcl: GridPatrolEdgeAclStack | undefined;
}

export function addCityStacks(app: App, city: CityConfig, stage: string, env: Environment = {}): CityStacks {
  if (!/^[a-z][a-z0-9-]{0,15}$/.test(stage)) {
    throw new Error(
      `Stage '${stage}' is not a valid stage name: lower-case letters, digits and dashes, e.g. -c ${STAGE_CONTEXT_KEY}=prod.`,
    );
  }
  const name = stackName(city.name, stage);
  let edgeAcl: GridPatrolEdgeAclStack | undefined;
  if (city.deployment.edge.enabled) {
    // A reference from the city's region to us-east-1 needs both regions known at synth time.
    if (!env.account || !env.region) {
      throw new Error(
        `The city '${city.name}' enables deployment.edge, whose web ACL lives in ${EDGE_ACL_REGION}: ` +
          'synthesize with an account and region (a CLI profile, or CDK_DEFAULT_ACCOUNT and CDK_DEFAULT_REGION).',
      );
    }
    edgeAcl = new GridPatrolEdgeAclStack(app, `${name}-edge`, {
      env: { account: env.account, region: EDGE_ACL_REGION },
      crossRegionReferences: true,
      rateLimitPer5Minutes: city.deployment.edge.rateLimitPer5Minutes,
      description: `GridPatrol edge web ACL for '${city.name}' (${stage})`,
      terminationProtection: stage === 'prod',
    });
  }
  const stack = new GridPatrolStack(app, name, {
    city,
    stage,
    env,
    crossRegionReferences: edgeAcl !== undefined,
    edgeWebAclArn: edgeAcl?.webAcl.attrArn,
    description: `GridPatrol for the city '${city.name}' (${stage})`,
  });
  if (edgeAcl) stack.addStackDependency(edgeAcl);
  return { stack, edgeAcl };
}
