/** This test file's DynamoDB Local (test/support/setup-env.ts), even while a test points the handlers elsewhere. */
export function testDatabaseEndpoint(): string {
  return process.env.TEST_DYNAMODB_ENDPOINT as string;
}

/**
 * The stored records of these ids, read one by one in their order; an id with no record is left
 * out (the callers compare the count with the ids they wrote when that matters).
 *
 * @example const findings = await storedRecords(created, getFinding);
 */
export async function storedRecords<T>(
  ids: Iterable<string>,
  read: (id: string) => Promise<T | undefined>,
): Promise<T[]> {
  const out: T[] = [];
  for (const id of ids) {
    const record = await read(id);
    if (record) out.push(record);
  }
  return out;
}
