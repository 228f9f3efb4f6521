/**
 * What a Lambda’s init does not do (decision 0058): build a zod schema, or load the S3 SDK. Both
 * wait for the request that needs them; `npm run bench -- bundles` measures what that saves.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { types } from 'node:util';
import { readCityConfig } from '@gridpatrol/cities';
import * as core from '@gridpatrol/core';
import { builtSchema, lazySchema, withBuiltSchemas } from '@gridpatrol/core';
import { ROUTES, type RouteDef } from '@gridpatrol/functions';
import {
  LAMBDA_FUNCTIONS,
  lambdaEntry,
  lambdaEsbuildOptions,
  S3_FUNCTIONS,
  S3_SDK_FILE,
  s3SdkBuildCommand,
} from '@gridpatrol/functions/bundling';
import { build } from 'esbuild';
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

  it('bundles the S3 SDK into no function: those that reach S3 load its own file at their first S3 call', async () => {
    const carrying: Record<string, string[]> = {};
    const importing: string[] = [];
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
      const s3 = Object.keys(metafile.inputs).filter((file) =>
        /node_modules\/@aws-sdk\/(client-s3|s3-|lib-storage)/.test(file),
      );
      if (s3.length) carrying[fn] = s3.slice(0, 3);
      const imports = Object.values(metafile.inputs).flatMap((input) => input.imports);
      if (imports.some((i) => i.external && i.path === `./${S3_SDK_FILE}`)) importing.push(fn);
    }
    expect(carrying).toEqual({});
    expect(importing).toEqual([...S3_FUNCTIONS]);
  }, 60_000);

  it('serves s3Sdk() of a bundle from the SDK’s own file beside it, as in a Lambda zip', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gridpatrol-s3-sdk-'));
    try {
      await build({
        ...lambdaEsbuildOptions(readCityConfig('demo')),
        stdin: {
          contents: "export { s3Sdk } from './functions/src/s3-client';",
          resolveDir: ROOT,
          loader: 'ts',
        },
        outfile: path.join(dir, 'index.js'),
        sourcemap: false,
        logLevel: 'error',
      });
      const [esbuild, ...args] = s3SdkBuildCommand(ROOT, path.join(dir, S3_SDK_FILE));
      execFileSync(esbuild, args);
      const { s3Sdk } = createRequire(import.meta.url)(path.join(dir, 'index.js')) as {
        s3Sdk: () => Promise<typeof import('@gridpatrol/functions/s3-sdk')>;
      };
      const sdk = await s3Sdk();
      const client = new sdk.S3Client({
        region: 'cn-north-1',
        credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' },
      });
      const url = await sdk.getSignedUrl(
        client,
        new sdk.GetObjectCommand({ Bucket: 'b', Key: 'photos/A-1' }),
        {
          expiresIn: 300,
        },
      );
      expect(new URL(url).searchParams.get('X-Amz-Expires')).toBe('300');
      expect(new URL(url).searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
      const post = await sdk.createPresignedPost(client, { Bucket: 'b', Key: 'incoming/A-1', Expires: 60 });
      expect(post.fields.key).toBe('incoming/A-1');
      expect(typeof sdk.Upload).toBe('function');
      for (const command of ['CopyObjectCommand', 'DeleteObjectCommand', 'PutObjectCommand'] as const)
        expect(typeof sdk[command]).toBe('function');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
