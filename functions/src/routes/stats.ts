/** The stats group's routes (functions/src/handlers/stats.ts serves them; ./index.ts lists every group's). */
import {
  BaselineCreateBody,
  BaselineDetailOut,
  BaselineGetQuery,
  BaselineIdParam,
  BaselineListQuery,
  BaselineOut,
  CellStatsOut,
  CellStatsQuery,
  lazySchema,
  PageOut,
  StatsAssessmentOut,
  StatsAssessmentQuery,
  StatsSeriesOut,
  StatsSeriesQuery,
  StatsSummaryOut,
  StatsSummaryQuery,
} from '@gridpatrol/core';
import * as z from 'zod';
import type { RouteDef } from '../manifest-types';
import { AREA_ROLES, MANAGERS } from './shared';

export const STATS_ROUTES = [
  // Statistics (issue 7)
  {
    method: 'POST',
    path: '/baselines',
    group: 'stats',
    operationId: 'createBaseline',
    summary:
      "Freeze a baseline census: per cell and zone of the active grid, per office and for the city, the number of unlicensed businesses known now (every finding ever reported, less the rejected ones and the open ones still flagged as possible duplicates), from the counters. `asOf` (an ISO instant with offset, or a date: the start of that day in the city's time zone; not in the future) is the reference the bureau declares; the numbers are those known at `countedAt`. The new baseline becomes current. Answers the city's numbers by office.",
    roles: ['city_admin'],
    request: { body: BaselineCreateBody },
    response: BaselineDetailOut,
    successStatus: 201,
  },
  {
    method: 'GET',
    path: '/baselines',
    group: 'stats',
    operationId: 'listBaselines',
    summary:
      'Baseline headers (label, asOf, countedAt, grid version), newest first, the current one marked. Numbers are read per area with GET /baselines/{id}.',
    roles: MANAGERS,
    request: { query: BaselineListQuery },
    response: lazySchema(() => PageOut(BaselineOut)),
  },
  {
    method: 'GET',
    path: '/baselines/{id}',
    group: 'stats',
    operationId: 'getBaseline',
    summary:
      "A baseline's numbers for one area (`scope`: city, office:ID, zone:ID or cell:ID) and the areas one level below it (city → offices → zones → cells). Default: the city for a city admin, the own office for a supervisor; a supervisor reads only their office, its zones and the cells touching them (404 otherwise).",
    roles: MANAGERS,
    request: { params: BaselineIdParam, query: BaselineGetQuery },
    response: BaselineDetailOut,
  },
  {
    method: 'POST',
    path: '/baselines/{id}/current',
    group: 'stats',
    operationId: 'setCurrentBaseline',
    summary:
      'Make an earlier baseline current again (the newest one made is current until then); a baseline made later becomes current in its turn.',
    roles: ['city_admin'],
    request: { params: BaselineIdParam },
    response: BaselineOut,
  },
  {
    method: 'GET',
    path: '/stats/summary',
    group: 'stats',
    operationId: 'getStatsSummary',
    summary:
      "An area's statistics (`scope`: city, office:ID, zone:ID or cell:ID; default the city for a city admin, the own office for a supervisor; others name an area of theirs). Now: open findings by state, overdue and escalated. Over the dates `from`–`to` (the city's calendar, both included; default the 30 days to today; at most 731 days): reported, verified, rejected, resolved by outcome, closed after revisit, gone overdue, transfers by department, median and 90th-percentile days from report to close (of the findings closed in the dates), patrol tasks planned, completed, joint (both partners present), solo and missed, and the joint rate. The reduction against the current baseline census: census − findings still unresolved (less open possible duplicates), as a count and a percentage. From counter items alone, never from the findings.",
    roles: AREA_ROLES,
    request: { query: StatsSummaryQuery },
    response: StatsSummaryOut,
  },
  {
    method: 'GET',
    path: '/stats/assessment',
    group: 'stats',
    operationId: 'getStatsAssessment',
    summary:
      "An office's assessment over the dates `from`–`to` (`scope=office:ID`; a supervisor's own office by default): per zone officer (over the zones they are responsible for) and per cell touching the office's zones, the results first (findings verified, resolved, closed after revisit, gone overdue, overdue now, reduction against the current baseline) and the patrol activity second (planned, completed, joint rate, missed). Rows are ordered by results, never by activity.",
    roles: MANAGERS,
    request: { query: StatsAssessmentQuery },
    response: StatsAssessmentOut,
  },
  {
    method: 'GET',
    path: '/stats/cells',
    group: 'stats',
    operationId: 'getCellStats',
    summary:
      "Every cell of an area with what a map colours it by: open and overdue findings, the current baseline's census, what remains and the reduction against it, the last joint patrol and the days since (in the city's calendar), and the manual priority. `scope` as the exports (default the caller's own: the city for an admin, the office for a supervisor, the cells touching an officer's zones, a grid worker's cells; an area outside the caller's is a 404); up to 500 cells a page by id, follow `cursor`. From counter, baseline and cell planning items alone, never from the findings.",
    roles: AREA_ROLES,
    request: { query: CellStatsQuery },
    response: lazySchema(() => PageOut(CellStatsOut).extend({ scope: z.string() })),
  },
  {
    method: 'GET',
    path: '/stats/series',
    group: 'stats',
    operationId: 'getStatsSeries',
    summary:
      'A measure of an area per day or per week (Monday to Sunday, clipped to the dates) over `from`–`to`: reported, verified, rejected, resolved, closed, went_overdue, transferred, tasks_planned, tasks_completed, tasks_joint, tasks_solo or tasks_missed. Scoped as the summary; from the day-bucket counters alone.',
    roles: AREA_ROLES,
    request: { query: StatsSeriesQuery },
    response: StatsSeriesOut,
  },
] as const satisfies readonly RouteDef[];
