/** What the outbox uses of SSM, named so that esbuild keeps only it (../../s3-sdk.ts says why). */
export { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
