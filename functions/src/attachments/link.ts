/**
 * Photo links (docs/decisions/0051): a presigned GET of a few minutes, only to a caller who may read
 * the finding or task the photo belongs to (else 404, exactly like a missing one), and never for a
 * rejected photo (404 too: its bytes are not evidence of anything).
 */
import { type Attachment, NotFoundError, type Person } from '@gridpatrol/core';
import { getAttachment } from '@gridpatrol/store';
import { now } from '../clock';
import { readableFinding } from '../findings/view';
import { activeScope } from '../scope';
import { readableTask } from '../tasks/access';
import { attachmentsBucket, s3, s3Sdk } from './bucket';
import { attachmentView } from './views';

/** How long a link works: enough to load the picture, too short to pass around. */
export const LINK_SECONDS = 5 * 60;

/** Whose photo this is: the finding or task it belongs to, or (a report's, not yet sent) its uploader. */
function belongsTo(a: Attachment, kind: 'finding' | 'task', id: string): boolean {
  if (a.referencedBy) return a.referencedBy.kind === kind && a.referencedBy.id === id;
  return a.owner.kind === kind && a.owner.id === id;
}

/** A presigned GET of a photo's kept bytes, valid LINK_SECONDS; the caller has checked who asks. */
export async function signedPhotoUrl(objectKey: string): Promise<string> {
  const [{ GetObjectCommand }, { getSignedUrl }, client] = await Promise.all([
    s3Sdk(),
    import('@aws-sdk/s3-request-presigner'),
    s3(),
  ]);
  return getSignedUrl(client, new GetObjectCommand({ Bucket: attachmentsBucket(), Key: objectKey }), {
    expiresIn: LINK_SECONDS,
  });
}

async function linkOf(a: Attachment) {
  if (a.status === 'rejected') throw new NotFoundError('attachment', a.id);
  const expiresAt = new Date(now().getTime() + LINK_SECONDS * 1000).toISOString();
  const url = await signedPhotoUrl(a.objectKey);
  return { url, expiresAt, attachment: attachmentView(a) };
}

/** GET /findings/{id}/attachments/{attachmentId}. */
export async function findingPhotoLink(caller: Person, findingId: string, attachmentId: string) {
  const { scope } = await activeScope(caller);
  await readableFinding(findingId, scope);
  const a = await getAttachment(attachmentId);
  if (!a || !belongsTo(a, 'finding', findingId)) throw new NotFoundError('attachment', attachmentId);
  return linkOf(a);
}

/** GET /tasks/{id}/attachments/{attachmentId}. */
export async function taskPhotoLink(caller: Person, taskId: string, attachmentId: string) {
  await readableTask(taskId, caller);
  const a = await getAttachment(attachmentId);
  if (!a || !belongsTo(a, 'task', taskId)) throw new NotFoundError('attachment', attachmentId);
  return linkOf(a);
}
