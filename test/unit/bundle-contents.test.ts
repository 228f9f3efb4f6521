/**
 * What a Lambda bundle must not carry (issue 18, cold start): zod's ~40 locales, ~200 KB of every
 * bundle as long as any module reached through `z.locales` or imported `{ z }`. Built as the stack
 * builds it, one handler group (all share core's schemas), reading esbuild's own account of bytes.
 */
import path from 'node:path';
import { readCityConfig } from '@gridpatrol/cities';
import { lambdaEsbuildOptions } from '@gridpatrol/functions/bundling';
import { build } from 'esbuild';
import { expect, it } from 'vitest';

it('holds zod’s English locale only', async () => {
  const result = await build({
    ...lambdaEsbuildOptions(readCityConfig('demo')),
    entryPoints: [path.resolve(import.meta.dirname, '../../functions/src/handlers/findings.ts')],
    outfile: 'findings.cjs',
    write: false,
    sourcemap: false,
    metafile: true,
    logLevel: 'error',
  });
  const [output] = Object.values(result.metafile.outputs);
  const locales = Object.entries(output?.inputs ?? {})
    .filter(([file, input]) => file.includes('zod/v4/locales/') && input.bytesInOutput > 0)
    .map(([file]) => path.basename(file));
  expect(locales).toEqual(['en.js']);
}, 30_000);
