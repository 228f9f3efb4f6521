/**
 * Upload slots (docs/decisions/0051): an attachment record (pending) and the presigned POST its
 * photo is sent with, for a report the caller is about to make, a finding the caller may read, or
 * a task the caller may read. A foreign finding or task is a 404 exactly like a missing one. Under
 * an Idempotency-Key the attachment id is derived from the key, so a retry gets the same slot
 * (with a fresh form) and writes nothing; the key with another body is a 422.
 */
import {
  type Attachment,
  type AttachmentOwner,
  ConflictError,
  message,
  type Person,
  type SlotBody,
} from '@gridpatrol/core';
import {
  attachmentIdFor,
  createAttachment,
  getAttachment,
  newAttachmentId,
  requestHash,
} from '@gridpatrol/store';
import { now } from '../clock';
import { readableFinding } from '../findings/view';
import { reusedKey, type Written } from '../idempotency';
import { activeScope } from '../scope';
import { readableTask } from '../tasks/access';
import { attachmentsBucket, incomingKey, s3 } from './bucket';
import { uploadForm } from './policy';
import { attachmentView } from './views';

async function slotView(a: Attachment) {
  // Always the upload key: a replayed slot of a photo already kept under photos/ must not hand out a
  // form that writes over the kept bytes.
  const form = await uploadForm(
    await s3(),
    attachmentsBucket(),
    { ...a, objectKey: incomingKey(a.id) },
    now(),
  );
  return { attachment: attachmentView(a), upload: form };
}
export type SlotView = Awaited<ReturnType<typeof slotView>>;

async function issueSlot(
  caller: Person,
  owner: AttachmentOwner,
  body: SlotBody,
  idempotencyKey: string | undefined,
): Promise<Written<SlotView>> {
  const hash = requestHash(body);
  const id =
    idempotencyKey !== undefined
      ? attachmentIdFor(caller.id, `${owner.kind}:${owner.id}`, idempotencyKey)
      : newAttachmentId();
  const record: Attachment = {
    id,
    owner,
    uploaderId: caller.id,
    objectKey: incomingKey(id),
    contentType: body.contentType,
    status: 'pending',
    createdAt: now().toISOString(),
    requestHash: hash,
  };
  if ((await createAttachment(record)) === 'created')
    return { body: await slotView(record), replayed: false };
  const earlier = await getAttachment(id);
  if (!earlier?.requestHash || idempotencyKey === undefined)
    throw new ConflictError(message('photo.slotExists', { id }));
  // The key names one slot: the same body gets it again (with a fresh form, the first one's may
  // have expired), another body is refused.
  if (earlier.requestHash !== hash) throw reusedKey(message('idempotency.reusedRequest'))();
  return { body: await slotView(earlier), replayed: true };
}

/**
 * POST /me/attachments: a photo for a report the caller is about to make.
 *
 * @example const { body } = await reportSlot(caller, { contentType: 'image/jpeg' }, 'key-1')
 */
export const reportSlot = (caller: Person, body: SlotBody, idempotencyKey: string | undefined) =>
  issueSlot(caller, { kind: 'report', id: caller.id }, body, idempotencyKey);

/** POST /findings/{id}/attachments: a photo for an action on a finding the caller may read. */
export async function findingSlot(
  caller: Person,
  findingId: string,
  body: SlotBody,
  idempotencyKey: string | undefined,
): Promise<Written<SlotView>> {
  const { scope } = await activeScope(caller);
  await readableFinding(findingId, scope);
  return issueSlot(caller, { kind: 'finding', id: findingId }, body, idempotencyKey);
}

/** POST /tasks/{id}/attachments: a photo for the completion of a task the caller may read. */
export async function taskSlot(
  caller: Person,
  taskId: string,
  body: SlotBody,
  idempotencyKey: string | undefined,
): Promise<Written<SlotView>> {
  await readableTask(taskId, caller);
  return issueSlot(caller, { kind: 'task', id: taskId }, body, idempotencyKey);
}
