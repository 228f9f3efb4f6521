/**
 * A Lambda bundle takes its inlined city config as parsed at build time (functions/bundling.ts,
 * decision 0057): it does not parse it again at cold start, and that changes nothing, because the
 * build's parse output parses to itself.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { availableCities, readCityConfig } from '@gridpatrol/cities';
import { type CityConfig, parseCityConfig } from '@gridpatrol/core';
import { cityConfigDefine, lambdaEsbuildOptions } from '@gridpatrol/functions/bundling';
import { build } from 'esbuild';
import { expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

it('reads the inlined config without parsing it again', async () => {
  // A value the runtime parse would refuse shows whether the bundle parses: it must come through.
  const config = { ...readCityConfig('demo'), timeZone: 'Not/AZone' } as CityConfig;
  const dir = mkdtempSync(path.join(tmpdir(), 'gridpatrol-city-config-'));
  try {
    const outfile = path.join(dir, 'runtime.cjs');
    await build({
      ...lambdaEsbuildOptions(config),
      stdin: {
        contents: "export { cityConfig } from './functions/src/runtime';",
        resolveDir: ROOT,
        loader: 'ts',
      },
      outfile,
      sourcemap: false,
      logLevel: 'error',
    });
    const bundled = createRequire(import.meta.url)(outfile) as { cityConfig: () => CityConfig };
    expect(bundled.cityConfig().timeZone).toBe('Not/AZone');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 30_000);

it.each(availableCities())('inlines for %s exactly what parsing it at cold start would give', (city) => {
  const inlined = cityConfigDefine(readCityConfig(city))['process.env.GRIDPATROL_CITY_CONFIG'] ?? '';
  const json = JSON.parse(JSON.parse(inlined) as string) as unknown;
  // Parsing refills the `deployment` section the build leaves out with its defaults, which are not
  // the city's anyway: only infra/ reads it (cityConfigDefine).
  const { deployment: _defaults, ...parsed } = parseCityConfig(json);
  expect(parsed).toEqual(json);
});
