/**
 * The route manifest: every HTTP route once, one file per handler group. CDK builds the API from it
 * (infra/lib/api.ts), the local server serves from it (packages/local/src/server.ts), GET
 * /openapi.json is generated from it (functions/src/openapi.ts) and the authorisation matrix test
 * walks it. A Lambda function loads only its own group's file (http/chain.ts takes it from the
 * handler): the others' routes and schemas stay out of its bundle (decision 0060). Adding a route is
 * one entry in ./<group>.ts plus its operation in functions/src/handlers/<group>.ts.
 */
import type { RouteDef } from '../manifest-types';
import { EXPORTS_ROUTES } from './exports';
import { FINDINGS_ROUTES } from './findings';
import { GRID_ROUTES } from './grid';
import { PEOPLE_ROUTES } from './people';
import { PLANS_ROUTES } from './plans';
import { STATS_ROUTES } from './stats';
import { SYSTEM_ROUTES } from './system';
import { TASKS_ROUTES } from './tasks';

export {
  EXPORTS_ROUTES,
  FINDINGS_ROUTES,
  GRID_ROUTES,
  PEOPLE_ROUTES,
  PLANS_ROUTES,
  STATS_ROUTES,
  SYSTEM_ROUTES,
  TASKS_ROUTES,
};

export const ROUTES = [
  ...SYSTEM_ROUTES,
  ...PEOPLE_ROUTES,
  ...GRID_ROUTES,
  ...FINDINGS_ROUTES,
  ...PLANS_ROUTES,
  ...TASKS_ROUTES,
  ...STATS_ROUTES,
  ...EXPORTS_ROUTES,
] as const satisfies readonly RouteDef[];
