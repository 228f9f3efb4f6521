/**
 * Process-wide runtime state of a handler: the city config (and the office ids it lists) and the
 * logger, made once per container.
 * In Lambda the city config is inlined at bundle time (esbuild `define`, see infra/lib/function.ts);
 * the local server sets the same variable before it loads the handlers.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { type CityConfig, parseCityConfig } from '@gridpatrol/core';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'gridpatrol' });

let config: CityConfig | undefined;

export function cityConfig(): CityConfig {
  if (config) return config;
  const raw = process.env.GRIDPATROL_CITY_CONFIG;
  if (!raw) throw new Error('GRIDPATROL_CITY_CONFIG is not set');
  config = parseCityConfig(JSON.parse(raw), 'GRIDPATROL_CITY_CONFIG');
  return config;
}

/** The ids of the city's offices, in the city file's order. */
export const officeIds = (): string[] => cityConfig().offices.map((o) => o.id);
