/**
 * Findings: reporting, reading, acting on and the history of unlicensed-business findings. Each
 * operation reads: schema (the manifest) → the findings application layer (functions/src/findings:
 * policy → core → store) → response. The rules of the loop are core's (findings/lifecycle), the
 * transactions the store's (findings-repo); see docs/decisions/0008-findings-idempotency.md for how
 * retried reports stay single.
 */
import { findingPhotoLink } from '../attachments/link';
import { findingSlot, reportSlot } from '../attachments/slot';
import { actOnFinding } from '../findings/act';
import { findingCaseFile } from '../findings/case-file';
import { findingFor, findingHistory, findingsFor, myFindings } from '../findings/lists';
import { reportFinding } from '../findings/report';
import { httpHandler, readerOf } from '../http/chain';
import { replyOf } from '../idempotency';
import { FINDINGS_ROUTES } from '../routes/findings';

export const handler = httpHandler('findings', FINDINGS_ROUTES, {
  reportFinding: async ({ caller, body, idempotencyKey }) =>
    replyOf(await reportFinding(caller, body, idempotencyKey), 201),

  getFinding: async ({ caller, params }) => ({ body: await findingFor(caller, params.id) }),

  actOnFinding: async ({ caller, params, body }) => replyOf(await actOnFinding(caller, params.id, body)),

  listFindings: async ({ caller, query }) => ({ body: await findingsFor(caller, query) }),

  listMyFindings: async ({ caller, query }) => ({ body: await myFindings(caller, query) }),

  getFindingHistory: async ({ caller, params, query }) => ({
    body: await findingHistory(caller, params.id, query),
  }),

  getFindingCaseFile: async ({ caller, params, query, event }) => {
    const { html, contentSecurityPolicy } = await findingCaseFile(
      caller,
      params.id,
      query.lang ?? readerOf(event).language,
    );
    return {
      raw: html,
      contentType: 'text/html; charset=utf-8',
      pageSecurityHeaders: {
        'Content-Security-Policy': contentSecurityPolicy,
        // The photos come from the bucket, which sends no CORP: loaded without credentials instead.
        'Cross-Origin-Embedder-Policy': 'credentialless',
      },
    };
  },

  createReportAttachment: async ({ caller, body, idempotencyKey }) =>
    replyOf(await reportSlot(caller, body, idempotencyKey), 201),

  createFindingAttachment: async ({ caller, params, body, idempotencyKey }) =>
    replyOf(await findingSlot(caller, params.id, body, idempotencyKey), 201),

  getFindingPhotoLink: async ({ caller, params }) => ({
    body: await findingPhotoLink(caller, params.id, params.attachmentId),
  }),
});
