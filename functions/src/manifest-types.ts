import type { Role } from '@gridpatrol/core';
import type * as z from 'zod';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * A handler group is one Lambda function (one esbuild bundle) serving several routes; its entry is
 * `functions/src/handlers/<group>.ts`. Grouping keeps cold starts and the function count low while
 * each bundle carries only what its routes import (e.g. only the grid group carries geometry code).
 */
export const HANDLER_GROUPS = [
  'system',
  'people',
  'grid',
  'findings',
  'plans',
  'tasks',
  'stats',
  'exports',
] as const;
export type HandlerGroup = (typeof HANDLER_GROUPS)[number];

export interface RouteRequest {
  readonly params?: z.ZodObject;
  readonly query?: z.ZodObject;
  readonly body?: z.ZodType;
}

export interface RouteDef {
  readonly method: HttpMethod;
  /** API Gateway path template, e.g. "/cells/{id}" (also the OpenAPI path). */
  readonly path: string;
  readonly group: HandlerGroup;
  /** Unique; names the operation in the group's module and in the OpenAPI document. */
  readonly operationId: string;
  readonly summary: string;
  /** 'public' routes need no token (health, the OpenAPI document); others list who may call them. */
  readonly roles: 'public' | readonly Role[];
  readonly request?: RouteRequest;
  readonly response: z.ZodType;
  /** Status of a successful answer; 200 unless said. */
  readonly successStatus?: number;
  /** Content type of a successful answer; JSON unless said (exports, GeoJSON downloads). */
  readonly contentType?: string;
  /**
   * Top-level body fields the server owns; a body naming one is a 422 before schema validation.
   * Default: core's SERVER_OWNED_FIELDS (ids, status, routing, version, timestamps, reporter).
   */
  readonly serverOwned?: readonly string[];
  /** Field clients must send an Idempotency-Key header (DESIGN.md: retried writes never duplicate). */
  readonly idempotent?: boolean;
}

export const routeKey = (r: Pick<RouteDef, 'method' | 'path'>): string => `${r.method} ${r.path}`;
