/**
 * What a Lambda's init does not do (decisions 0058, 0060): build a zod schema or a message
 * catalogue, or load the S3 SDK. They wait for the request that needs them; `npm run bench -- bundles` measures what that saves.
 */
import path from 'node:path';
import { types } from 'node:util';
import { readCityConfig } from '@gridpatrol/cities';
import * as core from '@gridpatrol/core';
import { builtSchema, lazySchema, withBuiltSchemas } from '@gridpatrol/core';
import { ROUTES, type RouteDef } from '@gridpatrol/functions';
import { LAMBDA_FUNCTIONS, lambdaEntry, lambdaEsbuildOptions } from '@gridpatrol/functions/bundling';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('lazySchema', () => {
  const eager = () => z.object({ name: z.string().min(2), kind: z.enum(['a', 'b']).optional() }).strict();

  it('builds the schema at its first use, once', () => {
    let builds = 0;
    const schema = lazySchema(() => {
      builds += 1;
      return eager();
    });
    const outer = z.object({ inner: schema, list: z.array(schema) });
    expect(builds).toBe(0);
    outer.parse({ inner: { name: 'ab' }, list: [{ name: 'cd', kind: 'a' }] });
    schema.parse({ name: 'ef' });
    expect(builds).toBe(1);
  });

  it('accepts, refuses and describes as the schema itself does', () => {
    const lazy = z.object({
      inner: lazySchema(eager),
      more: lazySchema(() => lazySchema(eager).extend({ n: z.number() })),
    });
    const plain = z.object({ inner: eager(), more: eager().extend({ n: z.number() }) });
    for (const input of [
      { inner: { name: 'ab' }, more: { name: 'cd', n: 1 } },
      { inner: { name: 'a', extra: 1 }, more: { name: 'cd', kind: 'c' } },
      { inner: null },
    ]) {
      expect(lazy.safeParse(input)).toEqual(plain.safeParse(input));
    }
    const standIn = lazySchema(eager);
    expect(standIn).toBeInstanceOf(z.ZodObject);
    expect(Object.keys(standIn.shape)).toEqual(['name', 'kind']);
    expect(standIn.optional().safeParse(undefined).success).toBe(true);
    expect(z.toJSONSchema(withBuiltSchemas(lazy), { target: 'openapi-3.0' })).toEqual(
      z.toJSONSchema(plain, { target: 'openapi-3.0' }),
    );
    expect(builtSchema(standIn)).not.toBe(standIn);
    expect(types.isProxy(builtSchema(standIn))).toBe(false);
  });
});

describe('loading the code', () => {
  it('builds none of core’s schemas', () => {
    const built = Object.entries(core)
      .filter(
        ([, value]) =>
          !types.isProxy(value) && typeof value === 'object' && value !== null && '_zod' in value,
      )
      .map(([name]) => name);
    expect(built).toEqual([]);
  });

  it('builds no schema of the route manifest', () => {
    const built = ROUTES.flatMap((r) =>
      Object.entries({ ...(r as RouteDef).request, response: r.response })
        .filter(([, schema]) => schema && !types.isProxy(schema))
        .map(([where]) => `${r.operationId}.${where}`),
    );
    expect(built).toEqual([]);
  });

  it('builds a message catalogue at its first read, once', () => {
    // Getters on CATALOGUES: loading core builds neither language (0060).
    for (const language of core.LANGUAGES)
      expect(typeof Object.getOwnPropertyDescriptor(core.CATALOGUES, language)?.get, language).toBe(
        'function',
      );
    expect(core.CATALOGUES['zh-CN']).toBe(core.CATALOGUES['zh-CN']);
    expect(core.CATALOGUES.en['error.not_found']).toBe('Not found.');
  });

  it('loads the S3 SDK in no Lambda function before a request needs it', async () => {
    const atInit: Record<string, string[]> = {};
    for (const fn of LAMBDA_FUNCTIONS) {
      const { metafile } = await build({
        ...lambdaEsbuildOptions(readCityConfig('demo')),
        entryPoints: [lambdaEntry(fn, ROOT)],
        write: false,
        metafile: true,
        minify: false,
        sourcemap: false,
        logLevel: 'error',
      });
      const s3 = [...loadedAtInit(metafile, lambdaEntry(fn, ROOT))].filter((file) =>
        /node_modules\/@aws-sdk\/(client-s3|s3-|lib-storage)/.test(file),
      );
      if (s3.length) atInit[fn] = s3.slice(0, 3);
    }
    expect(atInit).toEqual({});
  }, 60_000);
});

/** The bundle's modules reachable from its entry by static imports and requires: what init runs. */
function loadedAtInit(metafile: Metafile, entry: string): Set<string> {
  const start = path.relative(process.cwd(), entry);
  const seen = new Set<string>();
  const next = [start];
  while (next.length) {
    const file = next.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const imp of metafile.inputs[file]?.imports ?? []) {
      if (imp.kind !== 'dynamic-import' && !imp.external) next.push(imp.path);
    }
  }
  if (!metafile.inputs[start]) throw new Error(`${start} is not in the bundle`);
  return seen;
}
