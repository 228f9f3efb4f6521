/**
 * The console shows a control only to roles the API lets call it: its copy of the roles
 * (console/b/abilities.ts) must be the route manifest's, operation by operation.
 */
import { ROUTES } from '@gridpatrol/functions/routes';
import { expect, it } from 'vitest';
import { CONSOLE_OPERATIONS, may } from '../../packages/web/src/app/console/b/abilities';

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
