/**
 * The console shows a control only to roles the API lets call it: its copy of the roles
 * (console/b/abilities.ts) must be the route manifest's, operation by operation.
 */
import { personWriteAccess, ROLES } from '@gridpatrol/core';
import { ROUTES } from '@gridpatrol/functions';
import { CONSOLE_OPERATIONS, may, rolesGivenBy } from '@gridpatrol/web/app/console/b/abilities';
import { expect, it } from 'vitest';

it.each(Object.entries(CONSOLE_OPERATIONS))('%s: the roles of the route manifest', (operation, roles) => {
  const route = ROUTES.find((r) => r.operationId === operation);
  expect(route, `no route ${operation}`).toBeDefined();
  expect([...roles].sort()).toEqual([...((route?.roles ?? []) as readonly string[])].sort());
});

it('answers by role', () => {
  expect(may('city_admin', 'activateGridVersion')).toBe(true);
  expect(may('supervisor', 'activateGridVersion')).toBe(false);
  expect(may('grid_worker', 'listGridVersions')).toBe(false);
});

it('offers a supervisor the roles policy lets them give, a city admin every role', () => {
  expect(rolesGivenBy('city_admin').sort()).toEqual([...ROLES].sort());
  const supervisor = {
    id: 'sup',
    name: 's',
    role: 'supervisor' as const,
    office: 'o',
    zones: [],
    cells: [],
    capacity: 0,
    availability: { weekdays: [1], datesOff: [] },
    conflictCells: [],
    active: true,
  };
  const scope = {
    kind: 'area',
    role: 'supervisor',
    personId: 'sup',
    office: 'o',
    zones: new Set<string>(),
    cells: new Set<string>(),
  } as never;
  const given = ROLES.filter((role) => {
    const target = { ...supervisor, id: 'x', role };
    return personWriteAccess(scope, supervisor, target, target) === 'allowed';
  });
  expect(rolesGivenBy('supervisor').sort()).toEqual([...given].sort());
  expect(rolesGivenBy('grid_worker')).toEqual([]);
});
