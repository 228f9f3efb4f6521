/**
 * Which city an app run deploys: `-c city=NAME` picks `packages/cities/configs/<NAME>.json`. Kept apart from
 * bin/app.ts so that the same errors can be tested without spawning the CDK CLI.
 */

import { availableCities, CITIES_FOLDER, readCityConfig } from '@gridpatrol/cities';
import type { CityConfig } from '@gridpatrol/core';
import type { Node } from 'constructs';

export const CITY_CONTEXT_KEY = 'city';

/** The city config named by the `city` context value; throws a message saying what to pass. */
export function cityFromContext(node: Node): CityConfig {
  const name: unknown = node.tryGetContext(CITY_CONTEXT_KEY);
  if (typeof name !== 'string' || name.trim() === '') {
    throw new Error(
      `No city given. Pass -c ${CITY_CONTEXT_KEY}=NAME, e.g. 'npx cdk synth -c ${CITY_CONTEXT_KEY}=demo'. ` +
        `Available cities: ${availableCities().join(', ')} (files in ${CITIES_FOLDER}).`,
    );
  }
  // readCityConfig names unknown cities with the list, and invalid fields with their path.
  return readCityConfig(name.trim());
}
