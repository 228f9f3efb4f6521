/** The tasks group's routes (functions/src/handlers/tasks.ts serves them; ./index.ts lists every group's). */
import {
  AttachmentId,
  AttachmentOut,
  CheckInBody,
  CompleteBody,
  lazySchema,
  MyTasksOut,
  MyTasksQuery,
  PageOut,
  PageQuery,
  PhotoLinkOut,
  SlotBody,
  SlotOut,
  TaskEvent,
  TaskIdParam,
  TaskOut,
} from '@gridpatrol/core';
import * as z from 'zod';
import type { RouteDef } from '../manifest-types';
import { AREA_ROLES } from './shared';

export const TASKS_ROUTES = [
  // Tasks (issue 6)
  {
    method: 'GET',
    path: '/me/tasks',
    group: 'tasks',
    operationId: 'listMyTasks',
    summary:
      "The caller's published patrol tasks whose shift starts between `from` and `to` (local dates, inclusive; default the current planning week; at most 31 days): cell (name, geometry), partner, shift, status, reasons, the cell's open findings, and for an officer each shift's visiting order.",
    roles: ['zone_officer', 'grid_leader', 'grid_worker'],
    request: { query: MyTasksQuery },
    response: MyTasksOut,
  },
  {
    method: 'GET',
    path: '/tasks/{id}/history',
    group: 'tasks',
    operationId: 'getTaskHistory',
    summary:
      "A patrol task's events in order (plan, reassign, publish, check-ins, completion, miss, cancel: who, when, from and to). For the task's pair and for anyone whose area holds its cell; a draft only for managers. 404 otherwise.",
    roles: AREA_ROLES,
    request: { params: TaskIdParam, query: PageQuery },
    response: lazySchema(() => PageOut(TaskEvent).extend({ photos: z.array(AttachmentOut) })),
  },
  {
    method: 'POST',
    path: '/tasks/{id}/attachments',
    group: 'tasks',
    operationId: 'createTaskAttachment',
    summary:
      "An upload slot for a photo of a task's completion, for anyone who may read the task (404 otherwise): a pending attachment and a presigned S3 POST. Name its id in the completion's photos once uploaded. Field roles must send an Idempotency-Key.",
    roles: ['zone_officer', 'grid_leader', 'grid_worker'],
    request: { params: TaskIdParam, body: SlotBody },
    response: SlotOut,
    successStatus: 201,
    idempotent: true,
  },
  {
    method: 'GET',
    path: '/tasks/{id}/attachments/{attachmentId}',
    group: 'tasks',
    operationId: 'getTaskPhotoLink',
    summary:
      "A link valid 5 minutes to a photo of a task the caller may read; 404 for a foreign task, another task's photo or a rejected one.",
    roles: AREA_ROLES,
    request: { params: lazySchema(() => TaskIdParam.extend({ attachmentId: AttachmentId })) },
    response: PhotoLinkOut,
  },
  {
    method: 'POST',
    path: '/tasks/{id}/check-in',
    group: 'tasks',
    operationId: 'checkInTask',
    summary:
      "Check in on site, by one of the task's pair (404 for anyone else): accepted inside the cell or within patrols.checkInToleranceM of it (widened by the reported GPS accuracy, at most 100 m more) and within the shift ± patrols.graceMinutes; otherwise a 422 giving the distance. GCJ-02/BD-09 positions are converted. A second check-in by the same person answers the task unchanged. Field roles must send an Idempotency-Key.",
    roles: ['zone_officer', 'grid_leader', 'grid_worker'],
    request: { params: TaskIdParam, body: CheckInBody },
    response: TaskOut,
    idempotent: true,
  },
  {
    method: 'POST',
    path: '/tasks/{id}/complete',
    group: 'tasks',
    operationId: 'completeTask',
    summary:
      'Complete a task, by a partner who checked in, within the shift ± grace: safety, food and licence checks, a note and the findings of this patrol (each must exist and lie in the cell, 422 naming the bad one). It counts as a joint patrol only when both partners checked in; otherwise it is recorded solo with who was missing. A completed task is a 409. Field roles must send an Idempotency-Key.',
    roles: ['zone_officer', 'grid_leader', 'grid_worker'],
    request: { params: TaskIdParam, body: CompleteBody },
    response: TaskOut,
    idempotent: true,
  },
] as const satisfies readonly RouteDef[];
