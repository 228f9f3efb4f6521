/**
 * Evidence photos (现场取证, issue 14; docs/decisions/0051): what a client asks for when it wants to
 * upload a photo, what the table keeps of it, and what the checker found in its bytes. A photo is
 * uploaded straight to the bucket under a key the server chose, then named by its attachment id in
 * a report, an action or a task's completion.
 */

import * as z from 'zod';
import { lazySchema } from '../lazy-schema';
import { message } from '../messages';
import { schemaText } from '../validation';

/** The image types a slot accepts, as the upload's Content-Type (the POST policy's condition). */
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/heic', 'image/webp'] as const;
export const PhotoType = lazySchema(() => z.enum(PHOTO_TYPES));
export type PhotoType = z.infer<typeof PhotoType>;

/** The largest photo accepted: the POST policy's content-length-range, checked again after upload. */
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

/** Photos one report, action or completion may name. */
export const MAX_PHOTOS_PER_STEP = 20;

/** `A-` and 32 hex digits: made by the server (from the Idempotency-Key when there is one). */
export const AttachmentId = lazySchema(() =>
  z.string().regex(/^A-[0-9a-f]{32}$/, schemaText(message('schema.attachmentId'))),
);

/** The photos a report, an action or a completion names: attachment ids, each once. */
export const PhotoIds = lazySchema(() =>
  z
    .array(AttachmentId)
    .max(MAX_PHOTOS_PER_STEP)
    .refine((ids) => new Set(ids).size === ids.length, schemaText(message('schema.photoIdsUnique'))),
);

/**
 * What a slot is issued for: a report the caller is about to make (`report`, owned by the caller),
 * an action on a finding, or a patrol task's completion. A photo is referenced only by what it was
 * issued for, so an id cannot be carried from one case to another.
 */
export const ATTACHMENT_OWNER_KINDS = ['report', 'finding', 'task'] as const;
export const AttachmentOwner = lazySchema(() =>
  z.object({ kind: z.enum(ATTACHMENT_OWNER_KINDS), id: z.string() }),
);
export type AttachmentOwner = z.infer<typeof AttachmentOwner>;

/**
 * pending: the slot is issued (the object may or may not be there yet); verified: the checker found
 * an image of the declared type within the limits; rejected: it did not, and it is never served.
 */
export const AttachmentStatus = lazySchema(() => z.enum(['pending', 'verified', 'rejected']));
export type AttachmentStatus = z.infer<typeof AttachmentStatus>;

export const REJECT_PHOTO_REASONS = [
  'empty',
  'too_large',
  'not_an_image',
  'type_mismatch',
  'no_dimensions',
] as const;
export const PhotoRejectReason = lazySchema(() => z.enum(REJECT_PHOTO_REASONS));
export type PhotoRejectReason = z.infer<typeof PhotoRejectReason>;

/**
 * Flags a photo may carry (never a refusal: phones strip EXIF, and the officer decides):
 * far_from_place (EXIF position beyond the city's distance from the finding's point or the task's
 * cell), far_from_time (EXIF time beyond the city's skew from the action), no_exif (neither).
 */
export const PHOTO_FLAGS = ['far_from_place', 'far_from_time', 'no_exif'] as const;
export const PhotoFlag = lazySchema(() => z.enum(PHOTO_FLAGS));
export type PhotoFlag = z.infer<typeof PhotoFlag>;

/**
 * What EXIF said: the wall-clock time the camera wrote (`YYYY-MM-DDTHH:mm:ss`, with its offset when
 * the camera wrote one), the GPS position (WGS-84, as phones write it), the device.
 */
export const PhotoExif = lazySchema(() =>
  z.object({
    takenAt: z.string().optional(),
    takenAtOffset: z.string().optional(),
    lon: z.number().min(-180).max(180).optional(),
    lat: z.number().min(-90).max(90).optional(),
    device: z.string().optional(),
  }),
);
export type PhotoExif = z.infer<typeof PhotoExif>;

const Instant = lazySchema(() => z.iso.datetime());

/** An attachment as stored (one item per photo, its own partition). */
export const Attachment = lazySchema(() =>
  z.object({
    id: AttachmentId,
    owner: AttachmentOwner,
    uploaderId: z.string(),
    /** The bucket key the POST policy fixed: `incoming/<id>`. */
    objectKey: z.string(),
    contentType: PhotoType,
    status: AttachmentStatus,
    createdAt: Instant,
    /** The hash of the slot request, so a retry under the same Idempotency-Key is recognised. */
    requestHash: z.string().optional(),
    /** What referenced it (the finding's or task's step), and when: the time its flags compare with. */
    referencedBy: z
      .object({ kind: z.enum(['finding', 'task']), id: z.string(), action: z.string() })
      .optional(),
    referencedAt: Instant.optional(),
    checkedAt: Instant.optional(),
    size: z.number().int().min(0).optional(),
    format: PhotoType.optional(),
    width: z.number().int().positive().optional(),
    height: z.number().int().positive().optional(),
    exif: PhotoExif.optional(),
    rejectReason: PhotoRejectReason.optional(),
  }),
);
export type Attachment = z.infer<typeof Attachment>;

/** The body of a slot request. */
export const SlotBody = lazySchema(() => z.strictObject({ contentType: PhotoType }));
export type SlotBody = z.infer<typeof SlotBody>;

export const AttachmentIdParams = lazySchema(() => z.object({ id: z.string(), attachmentId: AttachmentId }));

/** An attachment as answered: what is known of it, and its flags where it is referenced. */
export const AttachmentOut = lazySchema(() =>
  z.looseObject({
    id: AttachmentId,
    status: AttachmentStatus,
    flags: z.array(PhotoFlag).optional(),
  }),
);

/** A slot: the attachment, and the presigned POST the client sends the photo with. */
export const SlotOut = lazySchema(() =>
  z.object({
    attachment: AttachmentOut,
    upload: z.object({
      url: z.string(),
      fields: z.record(z.string(), z.string()),
      expiresAt: z.string(),
      maxBytes: z.number(),
    }),
  }),
);

/** A short-lived link to a photo the caller may read. */
export const PhotoLinkOut = lazySchema(() =>
  z.object({ url: z.string(), expiresAt: z.string(), attachment: AttachmentOut }),
);
