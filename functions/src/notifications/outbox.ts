/**
 * The outbox's reads (docs/decisions/0052): the people a core rule may pick from, read from the
 * membership partitions the rule names, and the items for a finding's or a task's step. The write
 * path passes the items to its own transaction; core decides who, the store writes.
 */
import {
  type AudienceNeeds,
  deactivationAudience,
  deactivationNotifications,
  type Finding,
  type FindingEvent,
  findingAudience,
  findingNotifications,
  type GridTopology,
  type Notification,
  type PatrolTask,
  type Person,
  type TaskEvent,
  taskAudience,
  taskNotifications,
} from '@gridpatrol/core';
import { allPeople, getPeople } from '@gridpatrol/store';
import { EMPTY_TOPOLOGY, gridTopology } from '../grid-cache';

let outboxOn = true;

/**
 * Turns the outbox off (nobody is read, so no item is written) or on again, for this process: only
 * for `npm run bench -- notifications`, which measures a report with and without it side by side.
 */
export function setOutbox(on: boolean): void {
  outboxOn = on;
}

/**
 * Every candidate a rule asked for: one Query per named partition (a zone's officers, an office's
 * supervisors, the city admins) and a GetItem per named person, all at once. Nothing when nothing is
 * asked, so a step nobody hears about reads nothing more.
 *
 * @example await readAudience({ zoneOfficersOf: 'Z-1' }) // the zone's officers
 */
export async function readAudience(needs: AudienceNeeds): Promise<Person[]> {
  if (!outboxOn) return [];
  const reads: Promise<Person[]>[] = [];
  if (needs.zoneOfficersOf !== undefined)
    reads.push(allPeople([{ kind: 'zone', id: needs.zoneOfficersOf }], 'zone_officer'));
  if (needs.supervisorsOf !== undefined)
    reads.push(allPeople([{ kind: 'office', id: needs.supervisorsOf }], 'supervisor'));
  if (needs.cityAdmins) reads.push(allPeople([{ kind: 'all' }], 'city_admin'));
  if (needs.people?.length)
    reads.push(getPeople(needs.people).then((people) => people.filter((p) => p !== undefined)));
  return (await Promise.all(reads)).flat();
}

const asksForNobody = (needs: AudienceNeeds) =>
  needs.zoneOfficersOf === undefined &&
  needs.supervisorsOf === undefined &&
  !needs.cityAdmins &&
  (needs.people ?? []).length === 0;

/** The topology the recipients' scopes are read over (an empty one before the first activation). */
const topologyNow = async (given?: GridTopology) => given ?? (await gridTopology()) ?? EMPTY_TOPOLOGY;

/**
 * The items a finding's step writes beside it.
 *
 * @example await applyActionTx(before, after, event, { notifications: await findingOutbox(after, event) })
 */
export async function findingOutbox(
  finding: Finding,
  event: FindingEvent,
  topology?: GridTopology,
): Promise<Notification[]> {
  const needs = findingAudience(finding, event);
  if (asksForNobody(needs)) return [];
  const [people, grid] = await Promise.all([readAudience(needs), topologyNow(topology)]);
  return findingNotifications(finding, event, people, grid);
}

/**
 * The items a task's step writes beside it.
 *
 * @example await writeTaskStep(before, after, event, await taskOutbox(before, after, event))
 */
export async function taskOutbox(
  before: PatrolTask,
  after: PatrolTask,
  event: TaskEvent,
): Promise<Notification[]> {
  const needs = taskAudience(before, after, event);
  if (asksForNobody(needs)) return [];
  const [people, grid] = await Promise.all([readAudience(needs), topologyNow()]);
  return taskNotifications(before, after, event, people, grid);
}

/**
 * The items a save that deactivates a person writes beside it: their supervisors hear of it. Only
 * the save that turns them inactive; `existing` is the record it replaces.
 *
 * @example await savePerson(person, existing, at, await deactivationOutbox(person, existing, 'admin', at, topology))
 */
export async function deactivationOutbox(
  person: Person,
  existing: (Person & { readonly version?: number | undefined }) | undefined,
  actorId: string,
  at: Date,
  topology: GridTopology,
): Promise<Notification[]> {
  if (person.active || existing === undefined || !existing.active) return [];
  const people = await readAudience(deactivationAudience(person));
  const version = (existing.version ?? 0) + 1;
  return deactivationNotifications(person, version, people, topology, actorId, at.toISOString());
}
