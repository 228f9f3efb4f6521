/**
 * Walking the request schemas of the route manifest, for the attack tests (test/security): a
 * minimal body of each schema, the places where a string or a list can be made huge, and the
 * objects where an unknown key can be slipped in. Derived from the zod schemas themselves, so a
 * route or a field added later is attacked too without anyone listing it.
 */
import { ROLES, type Role } from '@gridpatrol/core';
import type { RouteDef } from '@gridpatrol/functions';
import type * as z from 'zod';

export type JsonPath = (string | number)[];

// zod 4 keeps each schema's definition in `_zod.def`; only the fields read here are typed.
interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  options?: z.ZodType[];
  entries?: Record<string, string>;
  values?: unknown[];
  catchall?: z.ZodType;
}
const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

const WRAPPERS = new Set(['optional', 'default', 'prefault', 'nullable', 'readonly', 'catch', 'nonoptional']);

/** The schema under optional/default/nullable/pipe wrappers. */
function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (;;) {
    const def = defOf(s);
    if (WRAPPERS.has(def.type) && def.innerType) s = def.innerType;
    else if (def.type === 'pipe' && def.in) s = def.in;
    else return s;
  }
}

const isOptional = (schema: z.ZodType): boolean => {
  const type = defOf(schema).type;
  return type === 'optional' || type === 'default' || type === 'prefault';
};

/** The variants of a body: one per member of a (discriminated) union, the schema itself otherwise. */
export function variantsOf(schema: z.ZodType): z.ZodType[] {
  const s = unwrap(schema);
  const def = defOf(s);
  return def.type === 'union' && def.options ? def.options.flatMap(variantsOf) : [s];
}

/**
 * A small value of the schema's shape: required fields only, empty lists, the first enum member.
 * Not necessarily valid (a pattern may refuse 'x'): the attacks only need each field where it goes.
 */
export function sampleOf(schema: z.ZodType): unknown {
  const s = unwrap(schema);
  const def = defOf(s);
  switch (def.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, field] of Object.entries(def.shape ?? {}))
        if (!isOptional(field)) out[key] = sampleOf(field);
      return out;
    }
    case 'array':
      return [];
    case 'string':
      return 'x';
    case 'number':
    case 'int':
      return 1;
    case 'boolean':
      return false;
    case 'enum':
      return Object.values(def.entries ?? {})[0];
    case 'literal':
      return def.values?.[0];
    case 'union':
      return sampleOf(def.options?.[0] as z.ZodType);
    default:
      return null;
  }
}

export interface Leaf {
  readonly path: JsonPath;
  readonly kind: 'string' | 'array';
  /** The field's own schema (with its wrappers). */
  readonly schema: z.ZodType;
  /** For arrays: a sample element, repeated to make the list huge. */
  readonly element?: unknown;
}

/** Every string and every list of a schema, with its path (a list's element as index 0). */
export function leavesOf(schema: z.ZodType, path: JsonPath = []): Leaf[] {
  const s = unwrap(schema);
  const def = defOf(s);
  switch (def.type) {
    case 'object':
      return Object.entries(def.shape ?? {}).flatMap(([key, field]) => leavesOf(field, [...path, key]));
    case 'array': {
      const element = def.element as z.ZodType;
      return [
        { path, kind: 'array', schema, element: sampleOf(element) },
        ...leavesOf(element, [...path, 0]),
      ];
    }
    case 'string':
      return [{ path, kind: 'string', schema }];
    default:
      return [];
  }
}

/**
 * Every field of a schema, required or optional, at any depth (a list's element as index 0): where
 * a fuzzer may put a wrong value.
 */
export function fieldsOf(schema: z.ZodType, path: JsonPath = []): JsonPath[] {
  const s = unwrap(schema);
  const def = defOf(s);
  switch (def.type) {
    case 'object':
      return Object.entries(def.shape ?? {}).flatMap(([key, field]) => [
        [...path, key],
        ...fieldsOf(field, [...path, key]),
      ]);
    case 'array':
      return [[...path, 0], ...fieldsOf(def.element as z.ZodType, [...path, 0])];
    default:
      return [];
  }
}

/** Every object of a schema (the root included) with its path, and whether it accepts unknown keys. */
export function objectsOf(schema: z.ZodType, path: JsonPath = []): { path: JsonPath; loose: boolean }[] {
  const s = unwrap(schema);
  const def = defOf(s);
  if (def.type === 'object') {
    const catchall = def.catchall ? defOf(def.catchall).type : undefined;
    const here = { path, loose: catchall !== 'never' };
    return [
      here,
      ...Object.entries(def.shape ?? {}).flatMap(([key, field]) => objectsOf(field, [...path, key])),
    ];
  }
  if (def.type === 'array') return objectsOf(def.element as z.ZodType, [...path, 0]);
  return [];
}

/** `value` with `at` set to `replacement` (creating objects and one-element lists on the way). */
export function withValue(value: unknown, at: JsonPath, replacement: unknown): unknown {
  if (at.length === 0) return replacement;
  const [head, ...rest] = at as [string | number, ...JsonPath];
  if (typeof head === 'number') {
    const list = Array.isArray(value) ? [...value] : [];
    list[head] = withValue(list[head], rest, replacement);
    return list;
  }
  const obj = value !== null && typeof value === 'object' ? { ...(value as object) } : {};
  (obj as Record<string, unknown>)[head] = withValue(
    (obj as Record<string, unknown>)[head],
    rest,
    replacement,
  );
  return obj;
}

/** A path as the API's error details write it: body.availability.datesOff[0]. */
export function detailPath(prefix: string, path: JsonPath): string {
  return path.reduce<string>((out, p) => (typeof p === 'number' ? `${out}[${p}]` : `${out}.${p}`), prefix);
}

/** The demo person acting as each role. */
export const DEMO_AS: Record<Role, string> = {
  city_admin: 'admin',
  supervisor: 'sup-east',
  zone_officer: 'officer-li',
  grid_leader: 'leader-chen',
  grid_worker: 'worker-liu',
  volunteer: 'volunteer-zhou',
};

/** Someone allowed to call the route (the most powerful role first). */
export const callerOf = (route: RouteDef): string =>
  DEMO_AS[ROLES.find((r) => route.roles !== 'public' && route.roles.includes(r)) ?? 'city_admin'];

const PARAM_CANDIDATES = ['x1', 'F-x1', 'P-abcdef', 'B-abcdef', '1', 'P-abcdef.2026-12-07.am.C1'];

/**
 * The route's path with each parameter filled by the first candidate its schema accepts, so that a
 * body reaches its own validation (params are checked first).
 */
export function concretePath(route: RouteDef): string {
  const params = route.request?.params;
  const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
  const chosen: Record<string, string> = {};
  for (const name of names) {
    const fits = PARAM_CANDIDATES.find((c) => {
      const parsed = params?.safeParse({ ...chosen, ...Object.fromEntries(names.map((n) => [n, c])) });
      return parsed?.success || !parsed?.error.issues.some((i) => i.path[0] === name);
    });
    chosen[name] = fits ?? 'x1';
  }
  return route.path.replace(/\{(\w+)\}/g, (_, n: string) => encodeURIComponent(chosen[n] ?? 'x1'));
}
