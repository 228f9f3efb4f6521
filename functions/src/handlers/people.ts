/**
 * People: the caller, lists and records of their area, and creating or replacing a person. Who may
 * see and change whom is core policy's; lists read only the caller's membership partitions.
 */
import {
  canReadPerson,
  type DeactivationReport,
  ForbiddenError,
  inEnglish,
  localDate,
  message,
  NotFoundError,
  PEOPLE_IMPORT_LIMITS,
  Person,
  personProblems,
  personWriteAccess,
  planPeopleList,
  type ReactivationReport,
  UnprocessableError,
} from '@gridpatrol/core';
import {
  getNotificationSettings,
  getPeople,
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
import {
  deactivationConsequences,
  deactivationPreview,
  reactivationConsequences,
} from '../people/deactivate';
import { importProblemDetails, type RowProblem, readPeopleFile } from '../people/import-file';
import { PEOPLE_ROUTES } from '../routes/people';
import { cityConfig, officeIds } from '../runtime';
import { activeScope } from '../scope';

/** The 403 of a person the caller sees but may not manage as this role. */
const mayNotManage = (caller: Person, person: Person) =>
  new ForbiddenError(
    message('people.mayNotManage', {
      role: { ...message(`role.${caller.role}`), original: caller.role },
      id: person.id,
      as: { ...message(`role.${person.role}`), original: person.role },
    }),
  );

export const handler = httpHandler('people', PEOPLE_ROUTES, {
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

  // What deactivating would leave, before a manager confirms: asked as the deactivation itself would be
  // (404 for a person the caller may not see or manage quietly, 403 for one they see but may not change).
  previewDeactivation: async ({ caller, params }) => {
    const { scope } = await activeScope(caller);
    const existing = await getPerson(params.id);
    const access = existing
      ? personWriteAccess(scope, caller, { ...existing, active: false }, existing)
      : 'hidden';
    if (!existing || access === 'hidden') throw new NotFoundError('person', params.id);
    if (access === 'forbidden') throw mayNotManage(caller, existing);
    return { body: await deactivationPreview(existing, now()) };
  },

  // The CLI's import over HTTP: every row checked (file, schema, city, grid, the caller's right to
  // manage each person) before anything is written; one problem and nobody is imported.
  importPeople: async ({ caller, body }) => {
    const { scope, topology } = await activeScope(caller);
    const today = localDate(now(), cityConfig().timeZone);
    const read = readPeopleFile(body.csv, 'csv', officeIds(), topology, today);
    const problems: RowProblem[] = [...read.problems];
    if (read.people.length > PEOPLE_IMPORT_LIMITS.rows) {
      const text = message('people.import.tooManyRows', {
        count: read.people.length,
        max: PEOPLE_IMPORT_LIMITS.rows,
      });
      problems.push({ where: 'file', field: '', message: inEnglish(text), text });
    }
    // Every row read is checked against the caller's rights too, so a refusal lists all at once.
    const tooMany = read.people.length > PEOPLE_IMPORT_LIMITS.rows;
    const existing = tooMany ? [] : await getPeople(read.people.map((p) => p.id));
    read.people.forEach((person, i) => {
      if (tooMany) return;
      if (personWriteAccess(scope, caller, person, existing[i]) === 'allowed') return;
      // Refused and unknown alike (a supervisor must not learn which ids other offices use: 0007).
      const text = message('people.import.notYours', {
        role: { ...message(`role.${caller.role}`), original: caller.role },
        id: person.id,
      });
      problems.push({ where: read.wheres[i] as string, field: 'id', message: inEnglish(text), text });
    });
    if (problems.length > 0)
      throw new UnprocessableError(
        message('people.import.refused', { count: problems.length }),
        importProblemDetails(problems),
      );
    const at = now();
    const out = {
      imported: read.people.length,
      created: [] as string[],
      updated: [] as string[],
      deactivations: [] as DeactivationReport[],
      reactivations: [] as ReactivationReport[],
    };
    for (const [i, person] of read.people.entries()) {
      const before = existing[i];
      const saved = await savePerson(person, before, at);
      (before ? out.updated : out.created).push(saved.id);
      if (!saved.active) out.deactivations.push(await deactivationConsequences(saved, actorOf(caller), at));
      else if (before && !before.active)
        out.reactivations.push(await reactivationConsequences(saved, actorOf(caller), at));
    }
    return { body: out };
  },

  putPerson: async ({ caller, params, body }) => {
    const person = Person.parse({ ...body, id: params.id });
    const { scope, topology } = await activeScope(caller);
    const existing = await getPerson(params.id);
    const access = personWriteAccess(scope, caller, person, existing);
    if (access === 'hidden') throw new NotFoundError('person', params.id);
    if (access === 'forbidden') throw mayNotManage(caller, person);
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
