import { existsSync } from 'node:fs';
import path from 'node:path';
import { ROLES } from '@gridpatrol/core';
import * as functions from '@gridpatrol/functions';
import { HANDLER_GROUPS, ROUTES, routeKey } from '@gridpatrol/functions';
import { httpHandler } from '@gridpatrol/functions/http/chain';
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

  it('keeps each group’s routes in its own file, the manifest being all of them in order', () => {
    const files = HANDLER_GROUPS.map(
      (g) =>
        (functions as unknown as Record<string, readonly { group: string }[]>)[`${g.toUpperCase()}_ROUTES`],
    );
    HANDLER_GROUPS.forEach((g, i) => {
      expect(files[i]?.length, g).toBeGreaterThan(0);
      for (const r of files[i] ?? []) expect(r.group, g).toBe(g);
    });
    expect(new Set(files.flat())).toEqual(new Set(ROUTES));
    expect(files.flat()).toHaveLength(ROUTES.length);
  });

  it('refuses to build a group’s handler from another group’s routes', () => {
    expect(() => httpHandler('people', functions.SYSTEM_ROUTES as never, {} as never)).toThrow(
      /'people' was given others' routes: getHealth, getOpenApi/,
    );
  });

  it('declares a schema for every path parameter', () => {
    for (const r of ROUTES as readonly { path: string; request?: { params?: { shape: object } } }[]) {
      const names = [...r.path.matchAll(/\{(\w+)\+?\}/g)].map((m) => m[1]);
      expect(Object.keys(r.request?.params?.shape ?? {}).sort(), r.path).toEqual(names.sort());
    }
  });
});
