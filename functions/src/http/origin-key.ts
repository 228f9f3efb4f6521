/**
 * Requests reach the API through the city's CloudFront distribution only (issue 18): CloudFront adds
 * a secret header to every request it forwards, and the chain refuses any request without it, so
 * the HTTP API's own execute-api address (which an HTTP API cannot switch off while CloudFront uses
 * it) answers nothing but 403. Locally there is no edge and no key: every request is let through.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** The environment variable holding the key (a CloudFormation dynamic reference, like the cursor key). */
export const ORIGIN_KEY_ENV = 'GRIDPATROL_ORIGIN_KEY';
/** The header CloudFront sets on every request to the API; a viewer's own header of this name is overwritten. */
export const ORIGIN_KEY_HEADER = 'x-gridpatrol-origin-key';

/**
 * Whether a request carries the origin key, compared in constant time (hashes of equal length).
 * With no key configured (locally), every request passes.
 *
 * @example cameThroughEdge({ 'x-gridpatrol-origin-key': 'k' }, 'k') // true
 * @example cameThroughEdge({}, 'k') // false
 * @example cameThroughEdge({}, undefined) // true
 */
export function cameThroughEdge(
  headers: Readonly<Record<string, string | undefined>> | undefined,
  key: string | undefined,
): boolean {
  if (key === undefined || key === '') return true;
  const sent = headers?.[ORIGIN_KEY_HEADER];
  if (sent === undefined) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(sent), digest(key));
}
