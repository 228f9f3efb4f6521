/**
 * The OpenAPI 3.0 document, generated from the route manifest and the zod schemas, so it cannot
 * drift from what the handlers accept.
 */
import { ErrorResponse, withBuiltSchemas } from '@gridpatrol/core';
import * as z from 'zod';
import { type RouteDef, routeKey } from './manifest-types';
import { ROUTES } from './routes';
import { VERSION } from './version';

type JsonSchema = Record<string, unknown>;

const toSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema =>
  z.toJSONSchema(withBuiltSchemas(schema), {
    target: 'openapi-3.0',
    io,
    unrepresentable: 'any',
  }) as JsonSchema;

function parameters(route: RouteDef): JsonSchema[] {
  const out: JsonSchema[] = [];
  for (const where of ['params', 'query'] as const) {
    const schema = route.request?.[where];
    if (!schema) continue;
    const json = toSchema(schema, 'input');
    const props = (json.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((json.required ?? []) as string[]);
    for (const [name, propSchema] of Object.entries(props)) {
      out.push({
        name,
        in: where === 'params' ? 'path' : 'query',
        required: where === 'params' || required.has(name),
        schema: propSchema,
      });
    }
  }
  return out;
}

const ERROR_STATUSES: Record<string, string> = {
  '400': 'Malformed or invalid request; details name each problem.',
  '401': 'No valid bearer token.',
  '403': 'Not allowed for this caller.',
  '404': 'Not found, or outside the caller’s area.',
  '409': 'Conflict with the current state (stale version).',
  '422': 'Refused by a rule (e.g. an illegal action); details say which.',
};

/**
 * Made once per city and container: the manifest does not change while it runs, and the walk over
 * every schema is the dearest work of a public route. Callers only serialise it.
 */
const documents = new Map<string, JsonSchema>();

export function openApiDocument(cityName: string): JsonSchema {
  let document = documents.get(cityName);
  if (!document) {
    document = buildOpenApiDocument(cityName);
    documents.set(cityName, document);
  }
  return document;
}

function buildOpenApiDocument(cityName: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  const errorRef = { $ref: '#/components/schemas/Error' };
  for (const route of ROUTES as readonly RouteDef[]) {
    const isPublic = route.roles === 'public';
    const success = String(route.successStatus ?? 200);
    const responses: Record<string, JsonSchema> = {
      [success]: {
        description:
          success === '303' ? 'See Other: the file, at the short-lived URL in Location' : 'Success',
        content: {
          [route.contentType ?? 'application/json']: { schema: toSchema(route.response, 'output') },
        },
        ...(success === '303'
          ? {
              headers: {
                Location: {
                  description: 'The signed download URL',
                  schema: { type: 'string', format: 'uri' },
                },
              },
            }
          : {}),
      },
    };
    for (const [status, description] of Object.entries(ERROR_STATUSES)) {
      if (isPublic && (status === '401' || status === '403')) continue;
      responses[status] = { description, content: { 'application/json': { schema: errorRef } } };
    }
    const operation: JsonSchema = {
      operationId: route.operationId,
      summary: route.summary,
      tags: [route.group],
      'x-route-key': routeKey(route),
      'x-roles': isPublic ? [] : route.roles,
      parameters: parameters(route),
      responses,
      ...(isPublic ? { security: [] } : {}),
      ...(route.request?.body
        ? {
            requestBody: {
              // An optional body (an activation without force) is one whose schema takes none.
              required: !route.request.body.safeParse(undefined).success,
              content: { 'application/json': { schema: toSchema(route.request.body, 'input') } },
            },
          }
        : {}),
      ...(route.idempotent
        ? {
            'x-idempotency':
              'Field roles must send an Idempotency-Key header; a retry returns the first answer.',
          }
        : {}),
    };
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation };
  }
  return {
    openapi: '3.0.3',
    info: { title: `GridPatrol API (${cityName})`, version: VERSION },
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { Error: toSchema(ErrorResponse, 'output') },
    },
    security: [{ bearer: [] }],
  };
}
