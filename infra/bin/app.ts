/**
 * The CDK app: one GridPatrol stack for the city named by `-c city=NAME`.
 *
 *   npx cdk synth -c city=demo
 *
 * The deployment environment is looked up here and nowhere else: the account and region of the
 * CLI's profile when it has one, otherwise an environment-agnostic template.
 */
import { App } from 'aws-cdk-lib';
import { cityFromContext } from '../lib/city';
import { GridPatrolStack, stackName } from '../lib/stack';

const app = new App();
try {
  const city = cityFromContext(app.node);
  new GridPatrolStack(app, stackName(city.name), {
    city,
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
    description: `GridPatrol for the city '${city.name}'`,
  });
} catch (error) {
  // A clear line instead of a stack trace: the cause is the command line or a city file.
  console.error(`GridPatrol: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
