/**
 * People: the caller, lists and records of their area, and creating or replacing a person. Who may
 * see and change whom is core policy's; lists read only the caller's membership partitions.
 */
import {
  assignmentProblems,
  canManagePerson,
  canReadPerson,
  ForbiddenError,
  NotFoundError,
  Person,
  planPeopleList,
  UnprocessableError,
} from '@gridpatrol/core';
import { getPerson, listPeople, savePerson } from '@gridpatrol/store';
import { httpHandler } from '../http/chain';
import { deactivationConsequences } from '../people/deactivate';
import { cityConfig } from '../runtime';
import { activeScope } from '../scope';

export const handler = httpHandler('people', {
  getMe: async ({ caller }) => ({ body: caller }),

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
    if (!canManagePerson(scope, caller, person, existing)) {
      throw new ForbiddenError(`A ${caller.role} may not manage '${params.id}' as a ${person.role} here.`);
    }
    const offices = cityConfig().offices.map((o) => o.id);
    const problems = assignmentProblems(person, offices, topology);
    if (problems.length > 0) {
      throw new UnprocessableError(`Unknown office, zones or cells for '${params.id}'.`, problems);
    }
    const saved = await savePerson(person, existing);
    if (saved.active) return { status: existing ? 200 : 201, body: saved };
    // Deactivated (or saved inactive again): flag their future tasks, report what moves to whom.
    const deactivation = await deactivationConsequences(
      saved,
      { id: caller.id, role: caller.role },
      new Date(),
    );
    return { status: existing ? 200 : 201, body: { ...saved, deactivation } };
  },
});
