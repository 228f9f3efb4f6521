/**
 * The Lambda entries' deferred load (functions/src/lambda/deferred.ts, decision 0057): the code is
 * loaded at the first invocation, once however many arrive together, and again after a failed load.
 */
import { deferredHandler } from '@gridpatrol/functions/lambda/deferred';
import { expect, it } from 'vitest';

it('loads the code at the first invocation only, once for concurrent ones', async () => {
  let loads = 0;
  const handler = deferredHandler(async () => {
    loads += 1;
    return { handler: async (event: { n: number }, _context: object) => event.n * 2 };
  });
  expect(loads).toBe(0);
  expect(await Promise.all([handler({ n: 1 }, {}), handler({ n: 2 }, {})])).toEqual([2, 4]);
  expect(await handler({ n: 3 }, {})).toBe(6);
  expect(loads).toBe(1);
});

it('passes the failed load to the invocation and loads again at the next one', async () => {
  let loads = 0;
  const handler = deferredHandler(async () => {
    loads += 1;
    if (loads === 1) throw new Error('bundle broken');
    return { handler: async (_event: object, _context: object) => 'ok' };
  });
  await expect(handler({}, {})).rejects.toThrow('bundle broken');
  expect(await handler({}, {})).toBe('ok');
  expect(loads).toBe(2);
});
