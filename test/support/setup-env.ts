/**
 * Runs before each integration test file: the file gets a DynamoDB Local of its own, in memory,
 * stopped after its last test (or the one DYNAMODB_ENDPOINT names, when set).
 *
 * Why not one for the whole run: DynamoDB Local keeps every stream record of every table, dropped
 * tables' too, and each write gets slower as they pile up (measured: 300 puts took 7× as long once
 * 30,000 streamed items were in other tables, and 5× still after those tables were dropped; the
 * same items without a stream cost nothing). Every table here has a stream (counters, 0028), so a
 * shared emulator made the run's last files several times slower than its first. A start costs
 * about 4 s.
 */
import { afterAll } from 'vitest';

// Before anything of ours is imported: modules read these when they load.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
// Tests change people and expect the very next request to see it.
process.env.GRIDPATROL_CALLER_CACHE_MS ??= '0';

const { startDynamoDbLocal } = await import('@gridpatrol/local');
const external = process.env.DYNAMODB_ENDPOINT;
const db = external ? undefined : await startDynamoDbLocal();
process.env.DYNAMODB_ENDPOINT = external ?? db?.endpoint;
/** The file's database, whatever a test points the handlers at meanwhile (a fault proxy). */
process.env.TEST_DYNAMODB_ENDPOINT = process.env.DYNAMODB_ENDPOINT;
afterAll(async () => {
  await db?.stop();
});
