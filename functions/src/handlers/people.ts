/**
 * People: the caller, lists and records of their area, and creating or replacing a person. Who may
 * see and change whom is core policy's; lists read only the caller's membership partitions.
 */
import {
  canReadPerson,
  ForbiddenError,
  localDate,
  message,
  NotFoundError,
  Person,
  personProblems,
  personWriteAccess,
  planPeopleList,
  UnprocessableError,
} from '@gridpatrol/core';
import {
  getNotificationSettings,
  getPerson,
  listPeople,
  markAllNotificationsRead,
  putNotificationSettings,
  savePerson,
  unreadNotificationCount,
} from '@gridpatrol/store';
import { actorOf } from '../caller';
import { now } from '../clock';
import { httpHandler, readerOf } from '../http/chain';
import { myNotifications, readMyNotification } from '../notifications/inbox';
import { deactivationOutbox } from '../notifications/outbox';
import { deactivationConsequences, reactivationConsequences } from '../people/deactivate';
import { cityConfig, officeIds } from '../runtime';
import { activeScope } from '../scope';

export const handler = httpHandler('people', {
  getMe: async ({ caller }) => ({
    body: { ...caller, unreadNotifications: await unreadNotificationCount(caller.id) },
  }),

  listMyNotifications: async ({ caller, query, event }) => ({
    body: await myNotifications(caller, query, readerOf(event)),
  }),

  markMyNotificationRead: async ({ caller, params, event }) => ({
    body: await readMyNotification(caller, params.id, readerOf(event)),
  }),

  getMyNotificationSettings: async ({ caller }) => ({ body: await getNotificationSettings(caller.id) }),

  putMyNotificationSettings: async ({ caller, body }) => {
    await putNotificationSettings(caller.id, body);
    return { body };
  },

  markAllMyNotificationsRead: async ({ caller }) => ({
    body: await markAllNotificationsRead(caller.id, now()),
  }),

  listPeople: async ({ caller, query }) => {
    const { scope, topology } = await activeScope(caller);
    const partitions = planPeopleList(scope, topology, query);
    return { body: await listPeople(partitions, query) };
  },

  getPerson: async ({ caller, params }) => {
    const { scope } = await activeScope(caller);
    const person = await getPerson(params.id);
    if (!person || !canReadPerson(scope, person)) throw new NotFoundError('person', params.id);
    return { body: person };
  },

  putPerson: async ({ caller, params, body }) => {
    const person = Person.parse({ ...body, id: params.id });
    const { scope, topology } = await activeScope(caller);
    const existing = await getPerson(params.id);
    const access = personWriteAccess(scope, caller, person, existing);
    if (access === 'hidden') throw new NotFoundError('person', params.id);
    if (access === 'forbidden') {
      throw new ForbiddenError(
        message('people.mayNotManage', {
          role: { ...message(`role.${caller.role}`), original: caller.role },
          id: params.id,
          as: { ...message(`role.${person.role}`), original: person.role },
        }),
      );
    }
    const config = cityConfig();
    const offices = officeIds();
    const today = localDate(now(), config.timeZone);
    const problems = personProblems(person, { offices, topology, today });
    if (problems.length > 0) {
      const first = problems
        .slice(0, 3)
        .map((p) => message('request.problem', { path: p.path, problem: p.text ?? p.message }));
      const more = problems.length - first.length;
      throw new UnprocessableError(
        more > 0
          ? message('people.cannotStoreMore', { id: params.id, problems: first, more })
          : message('people.cannotStore', { id: params.id, problems: first }),
        problems,
      );
    }
    const at = now();
    const outbox = await deactivationOutbox(person, existing, caller.id, at, topology);
    const saved = await savePerson(person, existing, at, outbox);
    if (saved.active) {
      if (!existing) return { status: 201, body: saved };
      // Active again (or saved active again after an interrupted reactivation): remove their flags.
      const reactivation = await reactivationConsequences(saved, actorOf(caller), now());
      const touched = reactivation.cleared.length + reactivation.stillFlagged.length > 0;
      return { status: 200, body: !existing.active || touched ? { ...saved, reactivation } : saved };
    }
    // Deactivated (or saved inactive again): flag their future tasks, report what moves to whom.
    const deactivation = await deactivationConsequences(saved, actorOf(caller), now());
    return { status: existing ? 200 : 201, body: { ...saved, deactivation } };
  },
});
