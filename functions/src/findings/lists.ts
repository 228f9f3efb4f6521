/**
 * Reading findings: one finding, a list planned by the policy (an area, an office, the city), what
 * I reported or what waits on me, and a finding's history. Every list is a Query on a declared
 * index, bounded and paged; the policy decides which (core planFindingList, planTodoList).
 */
import {
  type Finding,
  type FindingListQuery,
  type Person,
  planFindingList,
  planTodoList,
  reportTimeRange,
  type Scope,
  zonesInheritedIfUnstaffed,
  zonesWithoutActiveOfficer,
} from '@gridpatrol/core';
import {
  allPeople,
  listCityTodo,
  listFindingEvents,
  listFindings,
  listFindingsByReporter,
  type Page,
} from '@gridpatrol/store';
import { findingPhotos } from '../attachments/views';
import { cityConfig } from '../runtime';
import { activeScope } from '../scope';
import { type FindingView, findingView, namedSteps, readableFinding } from './view';

/** A page's position in a list, as the route's query gives it. */
interface PageAt {
  cursor?: string | undefined;
  limit?: number | undefined;
}

/** GET /findings/{id}: a finding the caller may read (404 otherwise, exactly like a missing one). */
export async function findingFor(caller: Person, id: string): Promise<FindingView> {
  const { scope } = await activeScope(caller);
  return findingView(await readableFinding(id, scope), caller, scope);
}

/** GET /findings: the findings of the areas the query names that the caller may read. */
export async function findingsFor(caller: Person, query: FindingListQuery): Promise<Page<FindingView>> {
  const { scope } = await activeScope(caller);
  const plan = planFindingList(scope, query);
  const page = await listFindings(plan, { ...query, ...reportTimeRange(query, cityConfig().timeZone) });
  return { ...page, items: page.items.map((f) => findingView(f, caller, scope)) };
}

/**
 * The zones of a supervisor's scope that no active zone officer serves (one Query per zone of the
 * office, for its zone officers): their cases are the supervisor's to-do.
 */
async function orphanZones(scope: Scope): Promise<ReadonlySet<string>> {
  const zones = zonesInheritedIfUnstaffed(scope);
  if (zones.length === 0) return new Set();
  const partitions = zones.map((id) => ({ kind: 'zone' as const, id }));
  return zonesWithoutActiveOfficer(zones, await allPeople(partitions, 'zone_officer'));
}

/** GET /me/findings: what I reported, or what waits on me (policy planTodoList). */
export async function myFindings(
  caller: Person,
  query: PageAt & { view: 'reported' | 'todo' },
): Promise<Page<FindingView>> {
  const { scope } = await activeScope(caller);
  const page = await myFindingsPage(caller, scope, query);
  return { ...page, items: page.items.map((f) => findingView(f, caller, scope)) };
}

async function myFindingsPage(
  caller: Person,
  scope: Scope,
  query: PageAt & { view: 'reported' | 'todo' },
): Promise<Page<Finding>> {
  if (query.view === 'reported') return listFindingsByReporter(caller.id, query.cursor, query.limit);
  const todo = planTodoList(scope, await orphanZones(scope));
  if (todo.kind === 'city') return listCityTodo(todo.unzonedStatuses, query.cursor, query.limit);
  if (todo.kind === 'none') return { items: [] };
  return listFindings(todo.plan, {
    statuses: todo.statuses,
    overdue: todo.overdue,
    wholeZones: todo.wholeZones,
    cursor: query.cursor,
    limit: query.limit,
  });
}

/** GET /findings/{id}/history: the events of a finding the caller may read. */
export async function findingHistory(caller: Person, id: string, page: PageAt) {
  const { scope } = await activeScope(caller);
  const finding = await readableFinding(id, scope);
  // The history shows each photo with its flags (docs/decisions/0051) beside the page of steps.
  const [events, photos] = await Promise.all([
    listFindingEvents(id, page.cursor, page.limit),
    findingPhotos(finding),
  ]);
  return { ...events, items: await namedSteps(events.items, scope), photos };
}
