import { z } from 'zod';
import type { ErrorDetail } from './errors';

/** Renders a zod issue path as "body.features[3].properties.id". */
export function formatPath(prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix;
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(root)' : out;
}

/**
 * One detail per problem. An unknown field is named by its own path ("body.availability.colour:
 * unknown field"), at whatever depth: request objects are strict throughout, so a misspelt nested
 * field is refused as loudly as a top-level one.
 */
export function zodIssuesToDetails(issues: readonly z.core.$ZodIssue[], prefix = ''): ErrorDetail[] {
  return issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({
          path: formatPath(prefix, [...issue.path, key]),
          message: 'unknown field; remove it',
        }))
      : [{ path: formatPath(prefix, issue.path), message: issue.message }],
  );
}

/** The smallest magnitude other than 0 that DynamoDB stores (its numbers span 1e-130 to 1e126). */
export const MIN_STORABLE_MAGNITUDE = 1e-130;

/**
 * A measured number from a client (a coordinate, a GPS accuracy) that the store can keep. No real
 * measurement is as close to 0 as 1e-130, but a subnormal such as 5e-324 passes every range check
 * and then fails the write: refused here, where the field can be named, instead of a 500 there.
 *
 * @example storableNumber(z.number().min(0)).safeParse(5e-324).success // false
 */
export const storableNumber = (schema: z.ZodNumber) =>
  schema.refine((v) => v === 0 || Math.abs(v) >= MIN_STORABLE_MAGNITUDE, {
    message: 'a number too close to 0 to store (below 1e-130 in magnitude); send 0 or round it',
  });
