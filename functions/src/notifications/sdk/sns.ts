/** What the outbox uses of SNS, named so that esbuild keeps only it (../../s3-sdk.ts says why). */
export { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
