/** The system group's routes (functions/src/handlers/system.ts serves them; ./index.ts lists every group's). */
import { HealthResponse, lazySchema } from '@gridpatrol/core';
import * as z from 'zod';
import type { RouteDef } from '../manifest-types';

export const SYSTEM_ROUTES = [
  {
    method: 'GET',
    path: '/health',
    group: 'system',
    operationId: 'getHealth',
    summary:
      'Liveness and readiness for a load balancer: whether the database answers (503 if not) and the version.',
    roles: 'public',
    response: HealthResponse,
  },
  {
    method: 'GET',
    path: '/openapi.json',
    group: 'system',
    operationId: 'getOpenApi',
    summary: 'This API as an OpenAPI 3.0 document, generated from the route manifest.',
    roles: 'public',
    response: lazySchema(() => z.looseObject({ openapi: z.string() })),
  },
] as const satisfies readonly RouteDef[];
