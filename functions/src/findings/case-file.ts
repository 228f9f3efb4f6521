/**
 * GET /findings/{id}/case-file (issue 14, docs/decisions/0055): the finding's case file (案卷) as one
 * printable HTML page, for whoever may read the finding (a foreign one is a 404 like a missing one).
 * Gathers the finding, its cell, every step and its photos with their flags and links; core writes
 * the page (caseFileHtml). The answer carries its own Content-Security-Policy: the one inline style by
 * its hash, images only from the origin the photo links point to; nothing else.
 */
import { createHash } from 'node:crypto';
import {
  AttachmentId,
  CASE_FILE_CSS,
  type CaseFilePhoto,
  caseFileHtml,
  type FindingEvent,
  type Language,
  localDateTime,
  message,
  type Person,
  render,
} from '@gridpatrol/core';
import { everyPage, getAttachments, listFindingEvents } from '@gridpatrol/store';
import { signedPhotoUrl } from '../attachments/link';
import { findingPhotos } from '../attachments/views';
import { now } from '../clock';
import { cityConfig } from '../runtime';
import { activeScope } from '../scope';
import { cellOf } from '../tasks/access';
import { readableFinding } from './view';

/** More steps than any real case has; a bound, so one request never reads without end. */
const MAX_STEPS = 1000;
const STYLE_HASH = `'sha256-${createHash('sha256').update(CASE_FILE_CSS).digest('base64')}'`;

/** What the page may load: its own style, the photos' origin; no script, no form, no frame. */
export function caseFilePolicy(photoOrigins: readonly string[]): string {
  return [
    "default-src 'none'",
    `style-src ${STYLE_HASH}`,
    `img-src ${photoOrigins.length ? photoOrigins.join(' ') : "'none'"}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const allSteps = (findingId: string): Promise<FindingEvent[]> =>
  everyPage((cursor) => listFindingEvents(findingId, cursor, 100), MAX_STEPS);

/** The page and its policy, in `language` (the query's `lang`, else Accept-Language, else the city's). */
export async function findingCaseFile(caller: Person, id: string, language: Language) {
  const { scope } = await activeScope(caller);
  const finding = await readableFinding(id, scope);
  const city = cityConfig();
  const [steps, views, records, cell] = await Promise.all([
    allSteps(id),
    findingPhotos(finding),
    getAttachments(finding.photos.filter((p) => AttachmentId.safeParse(p).success)),
    finding.cellId ? cellOf(finding.gridVersion, finding.cellId) : undefined,
  ]);
  const photos: CaseFilePhoto[] = await Promise.all(
    views.map(async (v) => {
      const record = records.get(v.id);
      const served = v.status !== 'rejected' && record !== undefined;
      return {
        id: v.id,
        status: v.status,
        step: v.referencedBy?.action ?? 'report',
        flags: v.flags ?? [],
        ...(v.rejectReason ? { rejectReason: v.rejectReason } : {}),
        ...(v.exif ? { exif: v.exif } : {}),
        ...(served ? { url: await signedPhotoUrl(record.objectKey) } : {}),
      };
    }),
  );
  const context = { language, timeZone: city.timeZone };
  const html = caseFileHtml(
    {
      finding,
      ...(cell && finding.cellId
        ? { cell: { id: finding.cellId, name: cell.name, geometry: cell.geometry } }
        : {}),
      steps,
      photos,
      cityName: city.displayName,
      generatedAt: now().toISOString(),
    },
    (key, params) => render(message(key, params), context),
    (iso) => localDateTime(iso, city.timeZone),
    language,
  );
  const origins = [...new Set(photos.flatMap((p) => (p.url ? [new URL(p.url).origin] : [])))];
  return { html, contentSecurityPolicy: caseFilePolicy(origins) };
}
