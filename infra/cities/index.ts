/**
 * The city files: `infra/cities/<name>.json`, one per city. `cdk deploy -c city=NAME` and
 * `npm start -- --city NAME` both read them through here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CityConfig, parseCityConfig } from '@gridpatrol/core';

const CITIES_DIR = path.dirname(fileURLToPath(import.meta.url));

export function availableCities(): string[] {
  return readdirSync(CITIES_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

/** Reads and validates one city's file; errors name the file and the bad field's path. */
export function readCityConfig(name: string): CityConfig {
  if (!/^[a-z0-9-]+$/.test(name) || !availableCities().includes(name)) {
    throw new Error(
      `Unknown city '${name}'. Available: ${availableCities().join(', ')} (files in infra/cities/).`,
    );
  }
  const file = path.join(CITIES_DIR, `${name}.json`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  const config = parseCityConfig(raw, `infra/cities/${name}.json`);
  if (config.name !== name)
    throw new Error(`infra/cities/${name}.json: name must be '${name}', found '${config.name}'`);
  return config;
}
