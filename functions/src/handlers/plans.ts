/**
 * Plans: drafting a week's joint patrols, reading and listing plans, moving a task, publishing, and
 * a cell's manual priority. Each operation reads: schema (the manifest) → policy (which office the
 * caller may plan) → core/plans (rules) → store → response. See docs/decisions/0010-plan-storage.md.
 */
import {
  assertMayChooseSeed,
  canManagePlan,
  canReadCell,
  canReadPerson,
  dateWindowProblem,
  explainTask,
  localDate,
  message,
  NotFoundError,
  officeToPlan,
  type Person,
  PLAN_WEEK_WINDOW,
  type PlanRecord,
  planCellViews,
  plansListedFor,
  type RenderContext,
  render,
  UnprocessableError,
} from '@gridpatrol/core';
import { getPlan, listPlanCells, listPlans, listPlanTasks, setCellPriority } from '@gridpatrol/store';
import { actorOf } from '../caller';
import { now as clockNow } from '../clock';
import { httpHandler, readerOf } from '../http/chain';
import { assertOffice, draftOnce } from '../plans/draft';
import { publishPlan } from '../plans/publish';
import { reassignTask } from '../plans/reassign';
import { verifyPlan } from '../plans/verify';
import { PLANS_ROUTES } from '../routes/plans';
import { cityConfig } from '../runtime';
import { activeScope } from '../scope';

/** A plan the caller may manage (policy `canManagePlan`); 404 otherwise, exactly as a missing one. */
async function readablePlan(caller: Person, id: string): Promise<PlanRecord> {
  const plan = await getPlan(id);
  if (!plan || !canManagePlan(caller, plan)) throw new NotFoundError('plan', id);
  return plan;
}

/** A page of the plan's tasks, each explained in the reader's language beside its reason codes. */
async function withTasks(plan: PlanRecord, reader: RenderContext, cursor?: string, limit?: number) {
  const page = await listPlanTasks(plan.id, cursor, limit ?? 200);
  const tasks = page.items.map((t) => ({ ...t, explanation: render(explainTask(t, plan), reader) }));
  return { ...plan, tasks, ...(page.cursor ? { cursor: page.cursor } : {}) };
}

export const handler = httpHandler('plans', PLANS_ROUTES, {
  createPlan: async ({ caller, body, event }) => {
    const now = clockNow();
    const today = localDate(now, cityConfig().timeZone);
    const farWeek = dateWindowProblem(body.weekStart, today, PLAN_WEEK_WINDOW, 'body.weekStart');
    if (farWeek)
      throw new UnprocessableError(message('plan.noPlanForWeek', { week: body.weekStart }), [farWeek]);
    const officeId = officeToPlan(caller, body.office, 'body.office');
    if (officeId !== null) assertOffice(officeId);
    if (body.seed !== undefined) assertMayChooseSeed(caller, 'body.seed');
    // One draft per office and week (0035): an existing draft is answered, 200 instead of 201.
    const { plan, created } = await draftOnce({
      weekStart: body.weekStart,
      officeId,
      supersede: body.supersede,
      seed: body.seed,
      actor: actorOf(caller),
      now,
    });
    return { status: created ? 201 : 200, body: await withTasks(plan, readerOf(event)) };
  },

  listPlans: async ({ caller, query }) => {
    const listed = plansListedFor(caller, query.office, 'query.office');
    if (query.office !== undefined) assertOffice(query.office, 'query.office');
    const offices = listed === 'all' ? [...cityConfig().offices.map((o) => o.id), null] : [listed];
    return { body: await listPlans(offices, { week: query.week, cursor: query.cursor, limit: query.limit }) };
  },

  getPlan: async ({ caller, params, query, event }) => {
    const plan = await readablePlan(caller, params.id);
    return { body: await withTasks(plan, readerOf(event), query.cursor, query.limit) };
  },

  listPlanCells: async ({ caller, params, query }) => {
    const plan = await readablePlan(caller, params.id);
    const page = await listPlanCells(plan.id, query.cursor, query.limit ?? 200);
    return {
      body: { items: planCellViews(page.items, plan), ...(page.cursor ? { cursor: page.cursor } : {}) },
    };
  },

  verifyPlan: async ({ caller, params }) => {
    const plan = await readablePlan(caller, params.id);
    return { body: await verifyPlan(plan) };
  },

  reassignTask: async ({ caller, params, body }) => {
    const plan = await readablePlan(caller, params.id);
    const { scope } = await activeScope(caller);
    const canSee = (p: Person) => canReadPerson(scope, p);
    return { body: await reassignTask(plan, params.taskId, body, actorOf(caller), clockNow(), canSee) };
  },

  publishPlan: async ({ caller, params, event }) => {
    const plan = await readablePlan(caller, params.id);
    return {
      body: await withTasks(await publishPlan(plan.id, actorOf(caller), clockNow()), readerOf(event)),
    };
  },

  setCellPriority: async ({ caller, params, body }) => {
    const { scope, topology } = await activeScope(caller);
    if (!topology.cellZones.has(params.id) || !canReadCell(scope, params.id))
      throw new NotFoundError('cell', params.id);
    return { body: await setCellPriority(params.id, body.priority, caller.id, clockNow().toISOString()) };
  },
});
