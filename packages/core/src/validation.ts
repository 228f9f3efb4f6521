import type { z } from 'zod';
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
