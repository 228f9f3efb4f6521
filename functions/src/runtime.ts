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

/**
 * True only in a Lambda bundle (esbuild `define`, functions/bundling.ts), whose inlined config is
 * parseCityConfig's own output at build time. Parsing it again cost every cold start 10-20 ms
 * (0057). Everywhere else (the local server, tests) the variable is undeclared and the config is
 * parsed here.
 */
declare const GRIDPATROL_CITY_CONFIG_PARSED_AT_BUILD: boolean | undefined;

export function cityConfig(): CityConfig {
  if (config) return config;
  const raw = process.env.GRIDPATROL_CITY_CONFIG;
  if (!raw) throw new Error('GRIDPATROL_CITY_CONFIG is not set');
  const parsedAtBuild =
    typeof GRIDPATROL_CITY_CONFIG_PARSED_AT_BUILD !== 'undefined' && GRIDPATROL_CITY_CONFIG_PARSED_AT_BUILD;
  config = parsedAtBuild
    ? (JSON.parse(raw) as CityConfig)
    : parseCityConfig(JSON.parse(raw), 'GRIDPATROL_CITY_CONFIG');
  return config;
}

/** The ids of the city's offices, in the city file's order. */
export const officeIds = (): string[] => cityConfig().offices.map((o) => o.id);
