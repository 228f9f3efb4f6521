/**
 * Plans: drafting a week's joint patrols, reading and listing plans, moving a task, publishing, and
 * a cell's manual priority. Each operation reads: schema (the manifest) → policy (which office the
 * caller may plan) → core/plans (rules) → store → response. See docs/decisions/0010-plan-storage.md.
 */
import {
  canReadCell,
  canReadPerson,
  dateWindowProblem,
  ForbiddenError,
  localDate,
  NotFoundError,
  type Person,
  PLAN_WEEK_WINDOW,
  type PlanRecord,
  UnprocessableError,
} from '@gridpatrol/core';
import { getPlan, listPlans, listPlanTasks, setCellPriority } from '@gridpatrol/store';
import { httpHandler } from '../http/chain';
import { assertOffice, draftPlan } from '../plans/draft';
import { publishPlan } from '../plans/publish';
import { reassignTask } from '../plans/reassign';
import { cityConfig } from '../runtime';
import { activeScope } from '../scope';

const actor = (caller: Person) => ({ id: caller.id, role: caller.role });

/**
 * The office a supervisor plans: their own. Naming another is a 403 (offices are no secret: the
 * city config lists them); a supervisor without an office plans nothing.
 */
function supervisorOffice(caller: Person, named: string | undefined, path: string): string {
  if (!caller.office)
    throw new ForbiddenError(`Supervisor '${caller.id}' has no office to plan.`, [
      { path, message: 'the caller has no office' },
    ]);
  if (named !== undefined && named !== caller.office)
    throw new ForbiddenError(`A supervisor plans only their own office ('${caller.office}').`, [
      { path, message: `not the caller's office '${caller.office}'` },
    ]);
  return caller.office;
}

/** A plan the caller may read: any for a city admin, their office's for a supervisor; 404 otherwise. */
async function readablePlan(caller: Person, id: string): Promise<PlanRecord> {
  const plan = await getPlan(id);
  if (!plan) throw new NotFoundError('plan', id);
  if (caller.role === 'city_admin') return plan;
  if (caller.role === 'supervisor' && caller.office !== undefined && plan.officeId === caller.office)
    return plan;
  throw new NotFoundError('plan', id);
}

async function withTasks(plan: PlanRecord, cursor?: string, limit?: number) {
  const page = await listPlanTasks(plan.id, cursor, limit ?? 200);
  return { ...plan, tasks: page.items, ...(page.cursor ? { cursor: page.cursor } : {}) };
}

export const handler = httpHandler('plans', {
  createPlan: async ({ caller, body }) => {
    const now = new Date();
    const today = localDate(now, cityConfig().timeZone);
    const farWeek = dateWindowProblem(body.weekStart, today, PLAN_WEEK_WINDOW, 'body.weekStart');
    if (farWeek) throw new UnprocessableError(`No plan for the week of ${body.weekStart}.`, [farWeek]);
    let officeId: string | null;
    if (caller.role === 'city_admin') {
      officeId = body.office ?? null;
      if (officeId !== null) assertOffice(officeId);
    } else {
      officeId = supervisorOffice(caller, body.office, 'body.office');
      assertOffice(officeId);
    }
    const { plan } = await draftPlan({
      weekStart: body.weekStart,
      officeId,
      supersede: body.supersede,
      actor: actor(caller),
      now,
    });
    return { status: 201, body: await withTasks(plan) };
  },

  listPlans: async ({ caller, query }) => {
    let offices: (string | null)[];
    if (caller.role === 'city_admin') {
      if (query.office !== undefined) assertOffice(query.office, 'query.office');
      offices =
        query.office !== undefined ? [query.office] : [...cityConfig().offices.map((o) => o.id), null];
    } else {
      if (query.office !== undefined && query.office !== caller.office)
        throw new NotFoundError('office', query.office);
      offices = [supervisorOffice(caller, undefined, 'query.office')];
    }
    return { body: await listPlans(offices, { week: query.week, cursor: query.cursor, limit: query.limit }) };
  },

  getPlan: async ({ caller, params, query }) => {
    const plan = await readablePlan(caller, params.id);
    return { body: await withTasks(plan, query.cursor, query.limit) };
  },

  reassignTask: async ({ caller, params, body }) => {
    const plan = await readablePlan(caller, params.id);
    const { scope } = await activeScope(caller);
    const canSee = (p: Person) => canReadPerson(scope, p);
    return { body: await reassignTask(plan, params.taskId, body, actor(caller), new Date(), canSee) };
  },

  publishPlan: async ({ caller, params }) => {
    const plan = await readablePlan(caller, params.id);
    return { body: await withTasks(await publishPlan(plan.id, actor(caller), new Date())) };
  },

  setCellPriority: async ({ caller, params, body }) => {
    const { scope, topology } = await activeScope(caller);
    if (!topology.cellZones.has(params.id) || !canReadCell(scope, params.id))
      throw new NotFoundError('cell', params.id);
    return { body: await setCellPriority(params.id, body.priority, caller.id, new Date().toISOString()) };
  },
});
