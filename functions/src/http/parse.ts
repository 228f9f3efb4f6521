/**
 * Turns an API Gateway (payload 2.0) event into the validated input of a route: path parameters,
 * query string and JSON body, each checked by the route's zod schema. Problems name where they are
 * ("body.lon", "query.cursor").
 */

import type { ErrorDetail } from '@gridpatrol/core';
import {
  BadRequestError,
  DomainError,
  detail,
  type Message,
  message,
  SERVER_OWNED_FIELDS,
  serverOwnedFieldsIn,
  UnprocessableError,
  zodIssuesToDetails,
} from '@gridpatrol/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type * as z from 'zod';
import type { RouteDef } from '../manifest-types';

export interface ParsedInput {
  params: unknown;
  query: unknown;
  body: unknown;
}

/** Details listed in one schema error at most. */
const MAX_DETAILS = 100;

function check(schema: z.ZodType | undefined, value: unknown, where: 'params' | 'query' | 'body'): unknown {
  if (!schema) return where === 'body' ? undefined : {};
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  // A body of 100,000 bad items must not be answered with 100,000 details: the first ones say enough.
  const all = zodIssuesToDetails(result.error.issues, where);
  const details = all.slice(0, MAX_DETAILS);
  const problems = all.slice(0, 5).map(problemText);
  const whereText = message(`request.where.${where}`);
  throw new BadRequestError(
    all.length > 5
      ? message('request.invalidMore', { where: whereText, problems, more: all.length - 5 })
      : message('request.invalid', { where: whereText, problems }),
    details,
  );
}

/** "path: problem", in the reader's language when the problem is worded from the catalogue. */
const problemText = (d: ErrorDetail): Message =>
  message('request.problem', { path: d.path, problem: d.text ?? d.message });

export function readJsonBody(event: APIGatewayProxyEventV2): unknown {
  if (event.body === undefined || event.body === null || event.body === '') {
    throw new BadRequestError(message('request.bodyRequired'), [detail('body', message('detail.missing'))]);
  }
  const type = event.headers?.['content-type'];
  if (type && !/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
    throw new DomainError('unsupported_media_type', message('request.mediaType', { type }), [
      detail('headers.content-type', message('detail.unsupportedType', { type })),
    ]);
  }
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    return JSON.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new BadRequestError(message('request.malformedJson', { reason }), [
      { path: 'body', message: reason },
    ]);
  }
}

/**
 * A body setting a server-owned field (ids, status, versions, timestamps, reporter) is a 422 naming
 * each one, checked before the schema: a client that thinks it set them must learn it did not.
 */
export function refuseServerOwned(route: RouteDef, body: unknown): void {
  const details = serverOwnedFieldsIn(body, route.serverOwned ?? SERVER_OWNED_FIELDS);
  if (details.length === 0) return;
  throw new UnprocessableError(
    message('request.serverOwned', { fields: details.map((d) => d.path.slice(5)).join(', ') }),
    details,
  );
}

/** A lone surrogate, U+FFFD or a control character: what a lossy or hostile decode leaves behind. */
const NOT_WELL_FORMED =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|[\u0000-\u001f\u007f\ufffd]/;

/**
 * API Gateway decodes path parameters and refuses malformed percent-encoding itself; the chain does
 * not rely on it. A value still carrying a broken escape (`%E0%A4%A`), or not well-formed text (a
 * lone surrogate, U+FFFD from a lossy decode, a control character), is a 400 naming the parameter.
 */
export function refuseMalformedPathParameters(pathParameters: Record<string, string | undefined>): void {
  const details = Object.entries(pathParameters).flatMap(([name, value]) => {
    if (value === undefined) return [];
    let decodable = true;
    try {
      decodeURIComponent(value);
    } catch {
      decodable = false;
    }
    const wellFormed = !NOT_WELL_FORMED.test(value);
    if (decodable && wellFormed) return [];
    return [
      detail(`params.${name}`, message(decodable ? 'detail.notWellFormed' : 'detail.malformedPercent')),
    ];
  });
  if (details.length > 0)
    throw new BadRequestError(
      message('request.malformedPath', { problems: details.map(problemText) }),
      details,
    );
}

export function parseInput(route: RouteDef, event: APIGatewayProxyEventV2): ParsedInput {
  const req = route.request;
  refuseMalformedPathParameters(event.pathParameters ?? {});
  const params = check(req?.params, event.pathParameters ?? {}, 'params');
  const query = check(req?.query, event.queryStringParameters ?? {}, 'query');
  if (!req?.body) return { params, query, body: undefined };
  // A route whose body is optional (e.g. an activation without force) takes none.
  const empty = event.body === undefined || event.body === null || event.body === '';
  if (empty && req.body.safeParse(undefined).success) return { params, query, body: undefined };
  const raw = readJsonBody(event);
  refuseServerOwned(route, raw);
  return { params, query, body: check(req.body, raw, 'body') };
}
