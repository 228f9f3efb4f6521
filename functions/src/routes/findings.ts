/** The findings group's routes (functions/src/handlers/findings.ts serves them; ./index.ts lists every group's). */
import {
  ActionBody,
  AttachmentId,
  AttachmentOut,
  CaseFileQuery,
  FindingEventOut,
  FindingIdParam,
  FindingListQuery,
  FindingOut,
  lazySchema,
  MyFindingsQuery,
  PageOut,
  PageQuery,
  PhotoLinkOut,
  ReportBody,
  SlotBody,
  SlotOut,
} from '@gridpatrol/core';
import * as z from 'zod';
import type { RouteDef } from '../manifest-types';
import { AREA_ROLES, EVERYONE } from './shared';

export const FINDINGS_ROUTES = [
  {
    method: 'POST',
    path: '/findings',
    group: 'findings',
    operationId: 'reportFinding',
    summary:
      "Report an unlicensed business at a point (WGS-84, or GCJ-02/BD-09 with coordSys). The point is routed to its cell, zone and office; a report outside the caller's cells is a 403 naming the cell. Field roles must send an Idempotency-Key: a retry with the same key and body answers the first finding again and writes nothing; the same key with another body is a 422.",
    roles: EVERYONE,
    request: { body: ReportBody },
    response: FindingOut,
    successStatus: 201,
    idempotent: true,
  },
  {
    method: 'GET',
    path: '/findings/{id}',
    group: 'findings',
    operationId: 'getFinding',
    summary:
      "A finding of the caller's area (a volunteer: one they reported), with the actions the caller may take on it now; 404 otherwise.",
    roles: EVERYONE,
    request: { params: FindingIdParam },
    response: FindingOut,
  },
  {
    method: 'POST',
    path: '/findings/{id}/actions',
    group: 'findings',
    operationId: 'actOnFinding',
    summary:
      'Move a finding one step along its loop (verify, reject, order_rectification, transfer, resolve, extend_deadline, confirm_revisit, reopen). expectedVersion must be the version read (409 otherwise); an action the state does not allow is a 422 listing the allowed ones.',
    roles: ['city_admin', 'supervisor', 'zone_officer'],
    request: { params: FindingIdParam, body: ActionBody },
    response: FindingOut,
  },
  {
    method: 'GET',
    path: '/findings/{id}/history',
    group: 'findings',
    operationId: 'getFindingHistory',
    summary: 'Every step of a finding, oldest first: who did what and when, kept for good.',
    roles: EVERYONE,
    request: { params: FindingIdParam, query: PageQuery },
    response: lazySchema(() => PageOut(FindingEventOut).extend({ photos: z.array(AttachmentOut) })),
  },
  {
    method: 'GET',
    path: '/findings/{id}/case-file',
    group: 'findings',
    operationId: 'getFindingCaseFile',
    summary:
      "The finding's case file (案卷) as one printable HTML page (A4): the finding, a map extract of its cell and point (inline SVG), every step with who, when (city time), decisions and reasons, and each photo with its flags and EXIF time and place. For whoever may read the finding (404 otherwise). `lang` (zh-CN or en) over Accept-Language. Its CSP allows its inline style by hash and images from the photo links' origin only.",
    roles: EVERYONE,
    request: { params: FindingIdParam, query: CaseFileQuery },
    response: lazySchema(() => z.string()),
    contentType: 'text/html',
  },
  // Evidence photos (issue 14, docs/decisions/0051)
  {
    method: 'POST',
    path: '/me/attachments',
    group: 'findings',
    operationId: 'createReportAttachment',
    summary:
      "An upload slot for a photo of a report the caller is about to make: a pending attachment and a presigned S3 POST (JPEG, PNG, HEIC or WebP, at most 10 MB, key fixed by the server). Name its id in the report's photos once uploaded. Field roles must send an Idempotency-Key: a retry answers the same attachment with a fresh form.",
    roles: EVERYONE,
    request: { body: SlotBody },
    response: SlotOut,
    successStatus: 201,
    idempotent: true,
  },
  {
    method: 'POST',
    path: '/findings/{id}/attachments',
    group: 'findings',
    operationId: 'createFindingAttachment',
    summary:
      "An upload slot for a photo of an action on a finding the caller may read (404 otherwise): a pending attachment and a presigned S3 POST. Name its id in the action's photos once uploaded.",
    roles: ['city_admin', 'supervisor', 'zone_officer'],
    request: { params: FindingIdParam, body: SlotBody },
    response: SlotOut,
    successStatus: 201,
    idempotent: true,
  },
  {
    method: 'GET',
    path: '/findings/{id}/attachments/{attachmentId}',
    group: 'findings',
    operationId: 'getFindingPhotoLink',
    summary:
      "A link valid 5 minutes to a photo of a finding the caller may read; 404 for a foreign finding, another finding's photo or a rejected one.",
    roles: EVERYONE,
    request: { params: lazySchema(() => FindingIdParam.extend({ attachmentId: AttachmentId })) },
    response: PhotoLinkOut,
  },
  {
    method: 'GET',
    path: '/findings',
    group: 'findings',
    operationId: 'listFindings',
    summary:
      "Findings by responsible zone (`zone`) or by the cell their point lies in (`cell`): open ones first by state, then by report time. Without either, the caller's own zones (grid people: their cells; an admin must name one). `status` narrows to one state, `overdue=true|false` by the overdue flag, `from`/`to` by report time (ISO instants, or dates taken as whole days in the city's time zone). A zone or cell outside the caller's area is a 404.",
    roles: AREA_ROLES,
    request: { query: FindingListQuery },
    response: lazySchema(() => PageOut(FindingOut)),
  },
  {
    method: 'GET',
    path: '/me/findings',
    group: 'findings',
    operationId: 'listMyFindings',
    summary:
      "`view=reported` (default): what the caller reported, newest first (a volunteer follows their tips here). `view=todo`: what waits on the caller — an officer's open cases whose next step is theirs, a supervisor's overdue cases, the cases escalated to the city admins; empty for grid people and volunteers.",
    roles: EVERYONE,
    request: { query: MyFindingsQuery },
    response: lazySchema(() => PageOut(FindingOut)),
  },
] as const satisfies readonly RouteDef[];
