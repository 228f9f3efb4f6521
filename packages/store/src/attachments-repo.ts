/**
 * Evidence photos' records (docs/decisions/0051): one item each, written when the upload slot is
 * issued (pending), judged by the checker after the bytes arrive (verified / rejected), and marked
 * referenced in the same transaction as the finding or task step that names it.
 */
import { createHash, randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { Attachment } from '@gridpatrol/core';
import { batchGet } from './batch';
import { documentClient, tableName } from './client';
import type { TransactItem } from './counters';
import { recordOf } from './item';
import { keys } from './keys';

/**
 * The attachment id a slot request under this Idempotency-Key gets: the same every retry, so a
 * retried request finds the first one's record instead of issuing a second slot.
 *
 * @example attachmentIdFor('worker-liu', 'finding:F-1', 'key-1') // 'A-…' (always the same)
 */
export function attachmentIdFor(callerId: string, ownerRef: string, idempotencyKey: string): string {
  const h = createHash('sha256').update(`${callerId}\u0000${ownerRef}\u0000${idempotencyKey}`).digest('hex');
  return `A-${h.slice(0, 32)}`;
}

/** A fresh attachment id, for a slot asked without a key. */
export const newAttachmentId = (): string => `A-${randomUUID().replaceAll('-', '')}`;

/** Writes a new attachment's record; 'exists' (nothing written) when its id is taken. */
export async function createAttachment(a: Attachment): Promise<'created' | 'exists'> {
  try {
    await documentClient().send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...keys.attachment(a.id), entity: 'attachment', ...a },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return 'created';
  } catch (err) {
    if ((err as Error).name === 'ConditionalCheckFailedException') return 'exists';
    throw err;
  }
}

/** An attachment's record, read strongly (a retry or the checker must see the slot just written). */
export async function getAttachment(id: string): Promise<Attachment | undefined> {
  const out = await documentClient().send(
    new GetCommand({ TableName: tableName(), Key: keys.attachment(id), ConsistentRead: true }),
  );
  return out.Item ? Attachment.parse(recordOf(out.Item)) : undefined;
}

/** The records of attachments by id (missing ones absent from the map). */
export async function getAttachments(ids: readonly string[]): Promise<Map<string, Attachment>> {
  const unique = [...new Set(ids)];
  const items = await batchGet(
    unique.map((id) => keys.attachment(id)),
    { consistent: true },
  );
  const out = new Map<string, Attachment>();
  for (const item of items)
    if (item) {
      const a = Attachment.parse(recordOf(item));
      out.set(a.id, a);
    }
  return out;
}

/** What the checker found; written over a pending (or re-delivered) record, never over a missing one. */
export async function recordAttachmentCheck(
  id: string,
  result: Pick<Attachment, 'status' | 'checkedAt'> &
    Partial<Pick<Attachment, 'size' | 'format' | 'width' | 'height' | 'exif' | 'rejectReason'>>,
): Promise<void> {
  const fields = Object.entries(result).filter(([, v]) => v !== undefined);
  await documentClient().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.attachment(id),
      UpdateExpression: `SET ${fields.map(([k]) => `#${k} = :${k}`).join(', ')}`,
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: Object.fromEntries(fields.map(([k]) => [`#${k}`, k])),
      ExpressionAttributeValues: Object.fromEntries(fields.map(([k, v]) => [`:${k}`, v])),
    }),
  );
}

/**
 * The updates marking photos referenced by one step, for that step's own transaction: each must be
 * the caller's and not rejected, and not referenced by another step (a twin request racing this
 * one fails its transaction rather than sharing a photo).
 */
export function referenceAttachmentItems(
  ids: readonly string[],
  referent: NonNullable<Attachment['referencedBy']>,
  uploaderId: string,
  at: string,
  /** Where each photo is kept from now on (copied out of the expiring prefix). */
  keptKey: (id: string) => string,
): TransactItem[] {
  return ids.map((id) => ({
    Update: {
      TableName: tableName(),
      Key: keys.attachment(id),
      UpdateExpression:
        'SET referencedBy = :ref, referencedAt = if_not_exists(referencedAt, :at), objectKey = :key',
      ConditionExpression:
        'uploaderId = :me AND #status <> :rejected AND (attribute_not_exists(referencedBy) OR (referencedBy.#kind = :kind AND referencedBy.id = :refId))',
      ExpressionAttributeNames: { '#status': 'status', '#kind': 'kind' },
      ExpressionAttributeValues: {
        ':ref': referent,
        ':key': keptKey(id),
        ':at': at,
        ':me': uploaderId,
        ':rejected': 'rejected',
        ':kind': referent.kind,
        ':refId': referent.id,
      },
    },
  }));
}
