/** What the outbox uses of SES, named so that esbuild keeps only it (../../s3-sdk.ts says why). */
export { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
