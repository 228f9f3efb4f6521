/**
 * The CDK app: the GridPatrol stacks of the city named by `-c city=NAME`, for the stage named by
 * `-c stage=NAME` (default 'dev'; 'prod' is termination-protected).
 *
 *   npx cdk synth -c city=demo                 # GridPatrol-demo-dev
 *   npx cdk deploy -c city=demo -c stage=prod  # GridPatrol-demo-prod
 *
 * The deployment environment is looked up here and nowhere else: the account and region of the
 * CLI's profile when it has one, otherwise an environment-agnostic template.
 */
import { App } from 'aws-cdk-lib';
import { cityFromContext } from '../lib/city';
import { addCityStacks, DEFAULT_STAGE, STAGE_CONTEXT_KEY } from '../lib/city-stacks';

const app = new App();
try {
  const city = cityFromContext(app.node);
  const stage: unknown = app.node.tryGetContext(STAGE_CONTEXT_KEY) ?? DEFAULT_STAGE;
  addCityStacks(app, city, String(stage).trim(), {
    account: process.env.CDK_DEFAULT_ACCOUNT,
    region: process.env.CDK_DEFAULT_REGION,
  });
} catch (error) {
  // A clear line instead of a stack trace: the cause is the command line or a city file.
  console.error(`GridPatrol: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
