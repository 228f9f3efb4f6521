/**
 * What a Lambda entry (functions/src/lambda/<function>.ts) runs at init: the DynamoDB client, which
 * every request of every function needs; the function's own code (schemas, domain, middleware,
 * message catalogue) is loaded at its first invocation instead, through a dynamic import() that
 * esbuild's CJS bundle turns into a lazily run module wrapper. Why, and what it costs the first
 * request: docs/decisions/0057-cold-start.md. The local server and the tests import the handler
 * modules themselves.
 */
import { documentClient } from '@gridpatrol/store/client';

// biome-ignore lint/suspicious/noExplicitAny: any handler signature (HTTP, stream, S3, schedule).
type LambdaHandler = (event: any, context: any) => Promise<unknown>;

/**
 * The handler of an entry whose code `load` imports. Concurrent first invocations share one load;
 * a load that fails (a broken bundle) is tried again by the next invocation, which a failed init
 * would also have been.
 *
 * @example export const handler = deferredHandler(() => import('../handlers/people'));
 */
export function deferredHandler<H extends LambdaHandler>(load: () => Promise<{ handler: H }>): H {
  documentClient();
  let loading: Promise<H> | undefined;
  const deferred = async (event: unknown, context: unknown) => {
    loading ??= load().then(
      (module) => module.handler,
      (error: unknown) => {
        loading = undefined;
        throw error;
      },
    );
    return (await loading)(event, context);
  };
  return deferred as H;
}
