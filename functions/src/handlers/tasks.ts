/**
 * Patrol tasks as their pairs do them: my tasks (with cell, partner, shift, reasons, open findings
 * and an officer's visiting order), check-in on site, completion. Each operation reads: schema (the
 * manifest) → the tasks application layer (functions/src/tasks: policy → core → store) → response.
 * Rules are core's (planning/tasks), transactions the store's (tasks-repo); see
 * docs/decisions/0011-patrol-execution.md for windows, tolerance, joint vs solo and idempotency.
 */
import { taskPhotoLink } from '../attachments/link';
import { taskSlot } from '../attachments/slot';
import { setClock } from '../clock';
import { httpHandler, readerOf } from '../http/chain';
import { replyOf } from '../idempotency';
import { TASKS_ROUTES } from '../routes/tasks';
import { myTasks, taskHistory } from '../tasks/my-tasks';
import { checkInTask, completeTask } from '../tasks/steps';

/** The handlers' clock, under the name the tasks tests know it by; no argument restores the real one. */
export const setTasksClock = setClock;

export const handler = httpHandler('tasks', TASKS_ROUTES, {
  listMyTasks: async ({ caller, query, event }) => ({ body: await myTasks(caller, query, readerOf(event)) }),

  getTaskHistory: async ({ caller, params, query }) => ({
    body: await taskHistory(caller, params.id, query),
  }),

  checkInTask: async ({ caller, params, body, idempotencyKey }) =>
    replyOf(await checkInTask(caller, params.id, body, idempotencyKey)),

  completeTask: async ({ caller, params, body, idempotencyKey }) =>
    replyOf(await completeTask(caller, params.id, body, idempotencyKey)),

  createTaskAttachment: async ({ caller, params, body, idempotencyKey }) =>
    replyOf(await taskSlot(caller, params.id, body, idempotencyKey), 201),

  getTaskPhotoLink: async ({ caller, params }) => ({
    body: await taskPhotoLink(caller, params.id, params.attachmentId),
  }),
});
