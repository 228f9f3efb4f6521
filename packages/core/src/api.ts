import * as z from 'zod';
import { lazySchema } from './lazy-schema';

/** Every error response has this body, whatever the route. */
export const ErrorResponse = lazySchema(() =>
  z.object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.array(z.object({ path: z.string(), message: z.string() })),
      requestId: z.string().optional(),
    }),
  }),
);

/** What a load balancer needs: whether this answers with its database, and which build it is. */
export const HealthResponse = lazySchema(() =>
  z.object({
    ok: z.boolean(),
    version: z.string(),
  }),
);
