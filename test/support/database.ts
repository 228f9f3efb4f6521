/** This test file's DynamoDB Local (test/support/setup-env.ts), even while a test points the handlers elsewhere. */
export function testDatabaseEndpoint(): string {
  return process.env.TEST_DYNAMODB_ENDPOINT as string;
}
