/**
 * Builds the web app into a static folder (esbuild): hashed `app-<hash>.js` / `.css` (cached for
 * good), `index.html` and `sw.js` (never cached, so a new build is seen at the next start), and the
 * service worker's list of the shell to keep offline. `ensureWebBuilt` rebuilds only when a source
 * is newer than the last build, so `npm start` costs nothing when nothing changed.
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const WEB_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SRC = path.join(WEB_ROOT, 'src');
/** The built app (git-ignored); the local server serves it at /app/, the stack will upload it. */
export const WEB_DIST = path.join(WEB_ROOT, 'dist');
const STAMP = '.built';

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const t = entry.isDirectory() ? newestSource(full) : statSync(full).mtimeMs;
    if (t > newest) newest = t;
  }
  return newest;
}

/** True when the folder holds a build at least as new as every source and this builder. */
export function webBuildIsCurrent(outDir = WEB_DIST): boolean {
  const stamp = path.join(outDir, STAMP);
  if (!existsSync(stamp)) return false;
  const builder = fileURLToPath(import.meta.url);
  return statSync(stamp).mtimeMs >= Math.max(newestSource(SRC), statSync(builder).mtimeMs);
}

export interface WebBuild {
  readonly outDir: string;
  readonly files: readonly string[];
  readonly built: boolean;
}

/** Builds when needed (or always, with `force`); several test workers may call it at once. */
export async function ensureWebBuilt(opts: { outDir?: string; force?: boolean } = {}): Promise<WebBuild> {
  const outDir = opts.outDir ?? WEB_DIST;
  if (!opts.force && webBuildIsCurrent(outDir))
    return { outDir, files: readdirSync(outDir).filter((f) => f !== STAMP), built: false };
  return buildWeb(outDir);
}

/**
 * The browsers the app and its boot script are built for. Android WebView and WeChat's XWeb are
 * Chromium 87+ today; iOS 15 is the oldest Safari esbuild can target (14 has a destructuring bug).
 */
const BROWSERS = ['chrome87', 'safari15', 'firefox78'];

export async function buildWeb(outDir = WEB_DIST): Promise<WebBuild> {
  // Built beside the target and swapped in, so a server reading the folder never sees half a build.
  const temp = `${outDir}.tmp-${process.pid}`;
  rmSync(temp, { recursive: true, force: true });
  mkdirSync(temp, { recursive: true });
  const result = await build({
    entryPoints: { app: path.join(SRC, 'app/main.tsx') },
    bundle: true,
    minify: true,
    format: 'esm',
    target: BROWSERS,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    entryNames: '[name]-[hash]',
    // The map library is its own chunk, loaded when a map is first shown.
    splitting: true,
    chunkNames: 'chunk-[hash]',
    outdir: temp,
    metafile: true,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'silent',
    loader: { '.png': 'dataurl', '.svg': 'dataurl' },
  });
  const outputs = Object.keys(result.metafile.outputs).map((f) => path.basename(f));
  const js = outputs.find((f) => f.startsWith('app-') && f.endsWith('.js'));
  const css = outputs.find((f) => f.startsWith('app-') && f.endsWith('.css'));
  if (!js || !css) throw new Error(`web build: expected a .js and a .css output, got ${outputs.join(', ')}`);
  // The boot script (app/boot.ts): a classic script, so it runs as soon as it arrives.
  const bootBuild = await build({
    entryPoints: { boot: path.join(SRC, 'app/boot-entry.ts') },
    bundle: true,
    minify: true,
    format: 'iife',
    target: BROWSERS,
    entryNames: '[name]-[hash]',
    outdir: temp,
    metafile: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const bootJs = Object.keys(bootBuild.metafile.outputs).map((f) => path.basename(f))[0];
  if (!bootJs) throw new Error('web build: the boot script was not written');
  outputs.push(bootJs);
  // Chunks the app's module imports statically (esbuild's shared helpers): announced in the page,
  // or each would be asked for only after the module arrived, one more round trip.
  const appOutput = Object.entries(result.metafile.outputs).find(([f]) => path.basename(f) === js)?.[1];
  const preloads = (appOutput?.imports ?? [])
    .filter((i) => i.kind === 'import-statement')
    .map((i) => `<link rel="modulepreload" href="/app/${path.basename(i.path)}" />`)
    .join('\n    ');
  const html = readFileSync(path.join(SRC, 'index.html'), 'utf8')
    .replace('%MODULE_PRELOADS%', preloads)
    .replace('%BOOT_JS%', `/app/${bootJs}`)
    .replace('%APP_JS%', `/app/${js}`)
    .replace('%APP_CSS%', `/app/${css}`);
  writeFileSync(path.join(temp, 'index.html'), html);
  // The service worker: its shell list and a version that changes with every build's content.
  const shell = ['/app/', '/app/config.json', ...outputs.map((f) => `/app/${f}`)];
  const version = createHash('sha256').update(shell.join()).update(html).digest('hex').slice(0, 12);
  const sw = await build({
    entryPoints: [path.join(SRC, 'app/sw.ts')],
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2019'],
    write: false,
    logLevel: 'silent',
    define: { __SHELL__: JSON.stringify(shell), __VERSION__: JSON.stringify(version) },
  });
  writeFileSync(path.join(temp, 'sw.js'), sw.outputFiles[0]?.text ?? '');
  writeFileSync(path.join(temp, STAMP), version);
  rmSync(outDir, { recursive: true, force: true });
  try {
    renameSync(temp, outDir);
  } catch (err) {
    // Another process swapped in its build first: that one is as good as ours.
    if (!existsSync(outDir)) throw err;
    rmSync(temp, { recursive: true, force: true });
  }
  return { outDir, files: readdirSync(outDir).filter((f) => f !== STAMP), built: true };
}
