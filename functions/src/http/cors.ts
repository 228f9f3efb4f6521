/**
 * What browsers may send across origins: the one list the chain (http-cors), the local server's
 * preflight answers and the CDK HTTP API's CORS configuration all use.
 */

/** Request headers browsers may send: the bearer token, JSON bodies and retry-safe writes. */
export const CORS_ALLOW_HEADERS = ['authorization', 'content-type', 'idempotency-key'] as const;
