/** cdk-nag over a CDK scope, as the infra tests assert it. */
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { expect } from 'vitest';

/**
 * Expects no unacknowledged error or warning of the AwsSolutions and Serverless packs in `scope`;
 * a failure names each rule and where it fired.
 *
 * @example expectNagClean(app)
 */
export function expectNagClean(scope: IConstruct): void {
  for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
    const findings = pack
      .validateScope(scope)
      .violations.map(
        (v) =>
          `${v.ruleName} at ${v.violatingResources.map((r) => r.locations.join(',') || r.templatePath).join('; ')}`,
      );
    expect(findings, pack.readPackName).toEqual([]);
  }
}
