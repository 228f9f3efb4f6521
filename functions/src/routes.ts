/**
 * The route manifest: every HTTP route once. CDK builds the API from it (infra/lib/api.ts), the
 * local server serves from it (packages/local/src/server.ts), GET /openapi.json is generated from it
 * (functions/src/openapi.ts) and the authorisation matrix test walks it. Adding a route is one entry
 * here plus its operation in functions/src/handlers/<group>.ts.
 */
import {
  CellListQuery,
  GeoJsonCollectionOut,
  GeoJsonFeatureOut,
  GridIdParam,
  GridVersionOut,
  GridVersionParam,
  HealthResponse,
  ImportBody,
  ImportQuery,
  PageOut,
  PageQuery,
  PeopleQuery,
  PersonId,
  PersonInput,
  PersonRecord,
  ResolutionOut,
  ResolveQuery,
  ROLES,
} from '@gridpatrol/core';
import { z } from 'zod';
import type { RouteDef } from './manifest-types';

const EVERYONE = ROLES;
const MANAGERS = ['city_admin', 'supervisor'] as const;
/** Everyone with an area to read; a volunteer reads only what they reported (and themselves). */
const AREA_ROLES = ['city_admin', 'supervisor', 'zone_officer', 'grid_leader', 'grid_worker'] as const;
/** Zones are the bureau's: grid people's scope is their cells, not the zones those touch. */
const ZONE_ROLES = ['city_admin', 'supervisor', 'zone_officer'] as const;
/** Reads of the grid may name an older version; the active one otherwise. */
const VersionQuery = z.object({ version: GridVersionParam.shape.version.optional() });

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
    response: PersonRecord,
  },
  {
    method: 'GET',
    path: '/people',
    group: 'people',
    operationId: 'listPeople',
    summary:
      "People of the caller's area, by role then id. `zone` lists those serving the zone and the cells touching it; `cell` those serving the cell. Without a filter: the city (admin), the office (supervisor), or the caller's own zones and cells.",
    roles: AREA_ROLES,
    request: { query: PeopleQuery },
    response: PageOut(PersonRecord),
  },
  {
    method: 'GET',
    path: '/people/{id}',
    group: 'people',
    operationId: 'getPerson',
    summary: "A person of the caller's area (anyone may read themselves); 404 otherwise.",
    roles: EVERYONE,
    request: { params: z.object({ id: PersonId }) },
    response: PersonRecord,
  },
  {
    method: 'PUT',
    path: '/people/{id}',
    group: 'people',
    operationId: 'putPerson',
    summary:
      'Create or replace a person with their memberships. A supervisor may manage field people of their own office, in the zones and cells of their scope only. Server-owned fields (id, version, timestamps) are a 422.',
    roles: ['city_admin', 'supervisor'],
    request: { params: z.object({ id: PersonId }), body: PersonInput },
    response: PersonRecord,
  },
  {
    method: 'POST',
    path: '/grid/imports',
    group: 'grid',
    operationId: 'importGrid',
    summary:
      'Import cells and zones (GeoJSON FeatureCollections) as a new draft grid version. Every problem is reported with its feature, ring and position; repairable defects are repaired and listed unless strict=true.',
    roles: ['city_admin'],
    request: { query: ImportQuery, body: ImportBody },
    response: GridVersionOut,
    successStatus: 201,
  },
  {
    method: 'GET',
    path: '/grid/imports',
    group: 'grid',
    operationId: 'listGridVersions',
    summary: 'Grid versions, newest first.',
    roles: MANAGERS,
    request: { query: PageQuery },
    response: PageOut(GridVersionOut),
  },
  {
    method: 'GET',
    path: '/grid/imports/{version}',
    group: 'grid',
    operationId: 'getGridVersion',
    summary: 'One grid version with its import report (counts, warnings, overlay and coverage).',
    roles: MANAGERS,
    request: { params: GridVersionParam },
    response: GridVersionOut,
  },
  {
    method: 'POST',
    path: '/grid/imports/{version}/activate',
    group: 'grid',
    operationId: 'activateGridVersion',
    summary: 'Make a draft (or an older) version the active one that serves resolution.',
    roles: ['city_admin'],
    request: { params: GridVersionParam },
    response: GridVersionOut,
  },
  {
    method: 'GET',
    path: '/grid/resolve',
    group: 'grid',
    operationId: 'resolvePoint',
    summary: 'The cell and zones of a point (WGS-84, or GCJ-02/BD-09 with coordSys).',
    roles: EVERYONE,
    request: { query: ResolveQuery },
    response: ResolutionOut,
  },
  {
    method: 'GET',
    path: '/grid/coverage',
    group: 'grid',
    operationId: 'getCoverage',
    summary:
      'Gaps and overlaps of the active mapping: cells with no zone, straddling cells, overlapping zones.',
    roles: MANAGERS,
    request: { query: VersionQuery },
    response: z.looseObject({ gridVersion: z.number() }),
  },
  {
    method: 'GET',
    path: '/grid/cells.geojson',
    group: 'grid',
    operationId: 'exportCells',
    summary: 'A page of cells as a GeoJSON FeatureCollection; `cursor` gives the next page.',
    roles: AREA_ROLES,
    request: { query: PageQuery.extend(VersionQuery.shape) },
    response: GeoJsonCollectionOut,
    contentType: 'application/geo+json',
  },
  {
    method: 'GET',
    path: '/grid/zones.geojson',
    group: 'grid',
    operationId: 'exportZones',
    summary: 'A page of zones as a GeoJSON FeatureCollection; `cursor` gives the next page.',
    roles: ZONE_ROLES,
    request: { query: PageQuery.extend(VersionQuery.shape) },
    response: GeoJsonCollectionOut,
    contentType: 'application/geo+json',
  },
  {
    method: 'GET',
    path: '/cells',
    group: 'grid',
    operationId: 'listCells',
    summary: "Cells of the caller's area in the active grid, or of one zone of it with their shares.",
    roles: AREA_ROLES,
    request: { query: CellListQuery.extend(VersionQuery.shape) },
    response: PageOut(z.looseObject({ id: z.string() })),
  },
  {
    method: 'GET',
    path: '/cells/{id}',
    group: 'grid',
    operationId: 'getCell',
    summary: 'A cell as a GeoJSON Feature with its zone shares.',
    roles: AREA_ROLES,
    request: { params: GridIdParam, query: VersionQuery },
    response: GeoJsonFeatureOut,
  },
  {
    method: 'GET',
    path: '/zones',
    group: 'grid',
    operationId: 'listZones',
    summary: "Zones of the caller's area in the active grid.",
    roles: ZONE_ROLES,
    request: { query: PageQuery.extend(VersionQuery.shape) },
    response: PageOut(z.looseObject({ id: z.string() })),
  },
  {
    method: 'GET',
    path: '/zones/{id}',
    group: 'grid',
    operationId: 'getZone',
    summary: 'A zone as a GeoJSON Feature with its cells and their shares.',
    roles: ZONE_ROLES,
    request: { params: GridIdParam, query: VersionQuery },
    response: GeoJsonFeatureOut,
  },
] as const satisfies readonly RouteDef[];

export type OperationId = (typeof ROUTES)[number]['operationId'];
