/**
 * The city files: `packages/cities/configs/<name>.json`, one per city, and their reader. The CDK app
 * (`cdk deploy -c city=NAME`, at synth time), the local runtime (`npm start -- --city NAME`), the
 * bench and the tests all read them through here, so none of them imports another's code for it;
 * what a file may hold is core's `parseCityConfig` (docs/decisions/0032-city-files-package.md).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CityConfig, parseCityConfig } from '@gridpatrol/core';

/** Where the city files are, as the repository names it in messages. */
export const CITIES_FOLDER = 'packages/cities/configs/';
const CITIES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../configs');

/** @example availableCities() // ['demo', 'riverside'] */
export function availableCities(): string[] {
  return readdirSync(CITIES_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

/**
 * Reads and validates one city's file; errors name the file and the bad field's path.
 *
 * @example readCityConfig('demo').timeZone // 'Asia/Shanghai'
 */
export function readCityConfig(name: string): CityConfig {
  if (!/^[a-z0-9-]+$/.test(name) || !availableCities().includes(name)) {
    throw new Error(
      `Unknown city '${name}'. Available: ${availableCities().join(', ')} (files in ${CITIES_FOLDER}).`,
    );
  }
  const file = path.join(CITIES_DIR, `${name}.json`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  const config = parseCityConfig(raw, `${CITIES_FOLDER}${name}.json`);
  if (config.name !== name)
    throw new Error(`${CITIES_FOLDER}${name}.json: name must be '${name}', found '${config.name}'`);
  return config;
}
