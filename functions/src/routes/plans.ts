/** The plans group's routes (functions/src/handlers/plans.ts serves them; ./index.ts lists every group's). */
import {
  CellPlanningOut,
  CellPriorityBody,
  DrawVerification,
  GridIdParam,
  lazySchema,
  PageOut,
  PatrolTaskOut,
  PlanCellOut,
  PlanCellsQuery,
  PlanCreateBody,
  PlanGetQuery,
  PlanIdParam,
  PlanListQuery,
  PlanOut,
  PlanSummaryOut,
  PlanTaskParams,
  ReassignBody,
} from '@gridpatrol/core';
import type { RouteDef } from '../manifest-types';
import { MANAGERS } from './shared';

export const PLANS_ROUTES = [
  // Plans (issue 6)
  {
    method: 'POST',
    path: '/plans',
    group: 'plans',
    operationId: 'createPlan',
    summary:
      "Draft the joint-patrol plan of a week (weekStart: a Monday in the city's time zone) for an office (a supervisor: their own; a city admin: any, or the whole city without `office`). Each cell's demand comes from the base rate and its risk (open, overdue, recent and reopened findings, days since its last joint patrol, manual priority), all stored with the plan with its seed. One draft per office and week: when the week has a draft (the scheduled job's, or an earlier request's), that draft is the answer, 200 instead of 201; `supersede: true` drafts anew and marks the older draft superseded. A week with a published plan is a 409 naming it unless `supersede` is true; the draft then replaces it when published (completed patrols are kept and not planned again; past slots are left out).",
    roles: MANAGERS,
    request: { body: PlanCreateBody },
    response: PlanOut,
    successStatus: 201,
  },
  {
    method: 'GET',
    path: '/plans',
    group: 'plans',
    operationId: 'listPlans',
    summary:
      "Plan headers (status, metrics, unmet demand, seed) by week then creation. `office`: a supervisor's own by default (another office is a 404); a city admin's every office and the city-wide plans by default. `week` narrows to one week (a Monday).",
    roles: MANAGERS,
    request: { query: PlanListQuery },
    response: lazySchema(() => PageOut(PlanSummaryOut)),
  },
  {
    method: 'GET',
    path: '/plans/{id}',
    group: 'plans',
    operationId: 'getPlan',
    summary:
      'A plan: its header (metrics, unmet demand, seed, settings, what a week under way left out) and one page of its tasks by date, shift and cell, each with its reasons (risk components, pair reasons). Follow `cursor` for more tasks.',
    roles: MANAGERS,
    request: { params: PlanIdParam, query: PlanGetQuery },
    response: PlanOut,
  },
  {
    method: 'GET',
    path: '/plans/{id}/cells',
    group: 'plans',
    operationId: 'listPlanCells',
    summary:
      "What a plan asked of the planner, cell by cell (by cell id): the cell's input as the planner saw it (zones, finding counts, last joint patrol, manual priority), its risk with every component, the weight of one patrol, the patrols demanded, those a superseded plan had completed, those assigned, and the unmet rest with its reason (no_officer, no_partner, unavailable, capacity, or excluded: taken out again because the week was under way). Readable by whoever may read the plan (another office's plan: 404). Follow `cursor` for more cells.",
    roles: MANAGERS,
    request: { params: PlanIdParam, query: PlanCellsQuery },
    response: lazySchema(() => PageOut(PlanCellOut)),
  },
  {
    method: 'GET',
    path: '/plans/{id}/verify',
    group: 'plans',
    operationId: 'verifyPlan',
    summary:
      "Re-run a plan's draw (双随机一公开): the planner is run again on the input snapshot stored with the plan (per-cell input, people, last week's pairings, settings, what a week under way left out) with the plan's seed. Says whether it is identical; if not, which input part no longer hashes as when drawn (week, config, cells, people, lastWeek, exclusions) and the first task that differs, with the seed and SHA-256 hashes compared. Later reassignments and publication do not count: the draw is the plan as the planner produced it. Readable by whoever may read the plan (another office's plan: 404); a plan drafted before draws were recorded is a 409 not_verifiable.",
    roles: MANAGERS,
    request: { params: PlanIdParam },
    response: DrawVerification,
  },
  {
    method: 'POST',
    path: '/plans/{id}/tasks/{taskId}/reassign',
    group: 'plans',
    operationId: 'reassignTask',
    summary:
      "Move a draft or assigned task to another officer and/or partner and/or date and shift, checked against the planner's rules (pair eligible for the cell, availability, weekly capacity, maxTasksPerOfficerShift, nobody twice in a shift, one task per cell and shift, conflict avoidance): a broken rule is a 422 naming the rule and the person. expectedVersion must be the task's version (409 otherwise). `dryRun: true` runs the same checks and answers the task unchanged, writing nothing (the console checks a move before it is sent).",
    roles: MANAGERS,
    request: { params: PlanTaskParams, body: ReassignBody },
    response: PatrolTaskOut,
  },
  {
    method: 'POST',
    path: '/plans/{id}/publish',
    group: 'plans',
    operationId: 'publishPlan',
    summary:
      'Publish a draft: its tasks become assigned and visible to their pairs; a superseded plan is marked so and its not-yet-completed tasks cancelled. Resumable and idempotent: publishing again finishes an interrupted publication or answers the published plan. 409 when another plan of the week is published and this one does not supersede it.',
    roles: MANAGERS,
    request: { params: PlanIdParam },
    response: PlanOut,
  },
  {
    method: 'PUT',
    path: '/cells/{id}/priority',
    group: 'plans',
    operationId: 'setCellPriority',
    summary:
      "Set a cell's manual priority (0–5) for the next plans; a supervisor for cells touching their office's zones (404 otherwise).",
    roles: MANAGERS,
    request: { params: GridIdParam, body: CellPriorityBody },
    response: CellPlanningOut,
  },
] as const satisfies readonly RouteDef[];
