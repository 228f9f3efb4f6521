import { z } from 'zod';

/** Every error response has this body, whatever the route. */
export const ErrorResponse = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.object({ path: z.string(), message: z.string() })),
    requestId: z.string().optional(),
  }),
});

export const HealthResponse = z.object({
  ok: z.boolean(),
  city: z.string(),
  version: z.string(),
  table: z.string(),
});
