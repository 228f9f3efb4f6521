import { canManagePerson, ForbiddenError, Person } from '@gridpatrol/core';
import { getPerson, putPerson } from '@gridpatrol/store';
import { httpHandler } from '../http/chain';

export const handler = httpHandler('people', {
  getMe: async ({ caller }) => ({ body: caller }),

  putPerson: async ({ caller, params, body }) => {
    const person = Person.parse({ ...body, id: params.id });
    const existing = await getPerson(params.id);
    if (!canManagePerson(caller, person, existing)) {
      throw new ForbiddenError(`A ${caller.role} may not manage '${params.id}' as a ${person.role}.`);
    }
    await putPerson(person);
    return { status: existing ? 200 : 201, body: person };
  },
});
