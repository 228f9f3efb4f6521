/**
 * The web build `npm start` runs: hashed script and style named in index.html, a service worker
 * that lists the whole shell, and a rebuild only when a source is newer than the last build.
 */
import { mkdtempSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureWebBuilt, webBuildIsCurrent } from '@gridpatrol/web/build';
import { afterAll, describe, expect, it } from 'vitest';

const root = mkdtempSync(path.join(tmpdir(), 'gridpatrol-web-build-'));
const out = path.join(root, 'dist');
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the web build', () => {
  it('builds the shell, and again only when a source is newer than the build', async () => {
    const first = await ensureWebBuilt({ outDir: out });
    expect(first.built).toBe(true);
    const js = first.files.find((f) => /^app-[A-Z0-9]+\.js$/.test(f));
    const css = first.files.find((f) => /^app-[A-Z0-9]+\.css$/.test(f));
    expect(js && css).toBeTruthy();
    const html = readFileSync(path.join(out, 'index.html'), 'utf8');
    expect(html).toContain(`src="/app/${js}"`);
    expect(html).toContain(`href="/app/${css}"`);
    // The boot script, and every chunk the module imports statically, asked for by the page itself.
    const boot = first.files.find((f) => /^boot-[A-Z0-9]+\.js$/.test(f));
    expect(html).toContain(`<script src="/app/${boot}" async>`);
    const imported = [
      ...readFileSync(path.join(out, js as string), 'utf8').matchAll(
        /(?:from|import)\s*"\.\/(chunk-[A-Z0-9]+\.js)"/g,
      ),
    ];
    expect(imported.length).toBeGreaterThan(0);
    for (const [, chunk] of imported)
      expect(html).toContain(`<link rel="modulepreload" href="/app/${chunk}" />`);
    const sw = readFileSync(path.join(out, 'sw.js'), 'utf8');
    for (const f of first.files.filter((f) => /\.(js|css)$/.test(f) && f !== 'sw.js'))
      expect(sw, f).toContain(`/app/${f}`);

    expect(webBuildIsCurrent(out)).toBe(true);
    expect((await ensureWebBuilt({ outDir: out })).built).toBe(false);
    // A build older than the sources (as after editing one) is made again.
    utimesSync(path.join(out, '.built'), new Date(0), new Date(0));
    expect(webBuildIsCurrent(out)).toBe(false);
    expect((await ensureWebBuilt({ outDir: out })).built).toBe(true);
  }, 60_000);
});
