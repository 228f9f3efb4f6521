/**
 * A step naming its photos (a report, an action, a task's completion): each must be the caller's
 * upload for this very report, finding or task, not rejected, not part of another step (core
 * `referenceProblems`), and in the bucket. Its bytes are copied out of `incoming/`, which the
 * lifecycle rule empties, to `photos/`, which nothing expires; the record is marked referenced in
 * the step's own transaction (docs/decisions/0051).
 */
import {
  type Attachment,
  type AttachmentOwner,
  assertReferences,
  detail,
  message,
  type Person,
  referenceProblems,
} from '@gridpatrol/core';
import { getAttachments, referenceAttachmentItems, type TransactItem } from '@gridpatrol/store';
import { attachmentsBucket, PHOTOS_PREFIX, photoKey, s3, s3Sdk } from './bucket';

/** Copies an upload to where it is kept; false when nothing was uploaded under its key. */
async function keep(a: Attachment): Promise<boolean> {
  if (a.objectKey.startsWith(PHOTOS_PREFIX)) return true;
  const bucket = attachmentsBucket();
  const { CopyObjectCommand } = await s3Sdk();
  try {
    await (await s3()).send(
      new CopyObjectCommand({
        Bucket: bucket,
        Key: photoKey(a.id),
        CopySource: `${bucket}/${a.objectKey}`,
        MetadataDirective: 'COPY',
      }),
    );
    return true;
  } catch (err) {
    const name = (err as Error).name;
    if (name === 'NoSuchKey' || name === 'NotFound') return false;
    throw err;
  }
}

/**
 * The transaction items that mark `ids` referenced by this step; throws the 422 naming each photo
 * that may not be (its path `body.photos[i]`). Nothing is written here but the copies.
 *
 * @example const extra = await photoReferences(caller, body.photos, { kind: 'report', id: caller.id }, { kind: 'finding', id, action: 'report' }, at)
 */
export async function photoReferences(
  caller: Person,
  ids: readonly string[],
  owner: AttachmentOwner,
  referent: NonNullable<Attachment['referencedBy']>,
  at: string,
): Promise<TransactItem[]> {
  if (ids.length === 0) return [];
  const found = await getAttachments(ids);
  assertReferences(referenceProblems(ids, found, { callerId: caller.id, owner, referent }));
  const kept = await Promise.all(ids.map((id) => keep(found.get(id) as Attachment)));
  assertReferences(
    ids.flatMap((id, i) =>
      kept[i]
        ? []
        : [detail(`body.photos[${i}]`, message('photo.notUploaded', { id }), { attachmentId: id })],
    ),
  );
  return referenceAttachmentItems(ids, referent, caller.id, at, (id) => photoKey(id));
}
