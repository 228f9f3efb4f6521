/**
 * The route manifest: every HTTP route once. CDK builds the API from it (infra/lib/api.ts), the
 * local server serves from it (packages/local/src/server.ts), GET /openapi.json is generated from it
 * (functions/src/openapi.ts) and the authorisation matrix test walks it. Adding a route is one entry
 * here plus its operation in functions/src/handlers/<group>.ts.
 */
import { HealthResponse, Person, PersonId, PersonInput, ROLES } from '@gridpatrol/core';
import { z } from 'zod';
import type { RouteDef } from './manifest-types';

const EVERYONE = ROLES;

export const ROUTES = [
  {
    method: 'GET',
    path: '/health',
    group: 'system',
    operationId: 'getHealth',
    summary: 'Liveness and readiness: the city, the version and whether the table answers.',
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
    response: z.looseObject({ openapi: z.string() }),
  },
  {
    method: 'GET',
    path: '/me',
    group: 'people',
    operationId: 'getMe',
    summary: "The caller's own person record.",
    roles: EVERYONE,
    response: Person,
  },
  {
    method: 'PUT',
    path: '/people/{id}',
    group: 'people',
    operationId: 'putPerson',
    summary: 'Create or replace a person. A supervisor may manage field people of their own office only.',
    roles: ['city_admin', 'supervisor'],
    request: { params: z.object({ id: PersonId }), body: PersonInput },
    response: Person,
  },
] as const satisfies readonly RouteDef[];

export type OperationId = (typeof ROUTES)[number]['operationId'];
