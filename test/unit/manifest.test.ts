import { existsSync } from 'node:fs';
import path from 'node:path';
import { ROLES } from '@gridpatrol/core';
import { HANDLER_GROUPS, ROUTES, routeKey } from '@gridpatrol/functions';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');

describe('route manifest', () => {
  it('has unique route keys and operation ids', () => {
    const keys = ROUTES.map(routeKey);
    expect(new Set(keys).size).toBe(keys.length);
    const ids = ROUTES.map((r) => r.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('names only known groups and roles, and every group has an entry file', () => {
    for (const r of ROUTES) {
      expect(HANDLER_GROUPS).toContain(r.group);
      if (r.roles !== 'public') for (const role of r.roles) expect(ROLES).toContain(role);
    }
    for (const g of HANDLER_GROUPS)
      expect(existsSync(path.join(root, `functions/src/handlers/${g}.ts`)), g).toBe(true);
  });

  it('declares a schema for every path parameter', () => {
    for (const r of ROUTES as readonly { path: string; request?: { params?: { shape: object } } }[]) {
      const names = [...r.path.matchAll(/\{(\w+)\+?\}/g)].map((m) => m[1]);
      expect(Object.keys(r.request?.params?.shape ?? {}).sort(), r.path).toEqual(names.sort());
    }
  });
});
