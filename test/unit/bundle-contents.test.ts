/**
 * What bundles must not carry, read from esbuild's own account of bytes. A Lambda (issue 18, cold
 * start): zod's ~40 locales, ~200 KB of every bundle as long as any module reached through
 * `z.locales` or imported `{ z }`; built as the stack builds one handler group (all share core's
 * schemas). The field app (issue 12, ≤ 150 KB gzip): the API's two catalogues, ~90 KB, once the
 * app's credit-code check reached them through core's English wording.
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

/**
 * The field app's build, and the inputs of what a phone loads at start: the entry and every chunk it
 * imports statically (the map and the desk console's pages are chunks loaded when asked for).
 */
async function fieldAppInputs(): Promise<[string, { bytesInOutput: number }][]> {
  const result = await build({
    entryPoints: { app: path.resolve(import.meta.dirname, '../../packages/web/src/app/main.tsx') },
    bundle: true,
    splitting: true,
    format: 'esm',
    minify: true,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    outdir: 'web',
    write: false,
    metafile: true,
    loader: { '.png': 'dataurl', '.svg': 'dataurl' },
    logLevel: 'error',
  });
  const outputs = result.metafile.outputs;
  const entry = Object.keys(outputs).find((f) => path.basename(f).startsWith('app') && f.endsWith('.js'));
  const loaded = new Set<string>();
  const visit = (file: string) => {
    if (loaded.has(file)) return;
    loaded.add(file);
    for (const i of outputs[file]?.imports ?? []) if (i.kind === 'import-statement') visit(i.path);
  };
  visit(entry as string);
  return [...loaded].flatMap((file) => Object.entries(outputs[file]?.inputs ?? {}));
}

it('keeps the API’s message catalogue out of the field app: the app words things itself', async () => {
  const inApp = (await fieldAppInputs())
    .filter(([file, input]) => file.includes('packages/core/src/messages/') && input.bytesInOutput > 0)
    .map(([file]) => path.basename(file));
  // Only the words both catalogues share, which the app would otherwise copy: the credit-code
  // faults (messages/uscc.ts) and the Chinese names of roles and finding states (domain-words.ts).
  expect(inApp).toEqual(['domain-words.ts', 'uscc.ts']);
}, 30_000);

it('keeps the desk console’s pages and charts out of what the field pages load', async () => {
  const inField = (await fieldAppInputs())
    .filter(([file, input]) => file.includes('src/app/console/') && input.bytesInOutput > 0)
    .map(([file]) => file);
  // Only the page list, which the field shell reads to offer a desk role its way to the console.
  expect(inField).toEqual(['packages/web/src/app/console/pages.ts']);
}, 30_000);
