/**
 * Evidence photos on the device (issue 14, docs/decisions/0051 and 0055): taken or picked, shown
 * as a thumbnail drawn here on a canvas (for display only, never uploaded), and sent as the
 * original bytes (their EXIF is what the server checks time and place with) through an upload
 * slot's presigned POST; the step then names the attachment ids. Each photo carries the
 * Idempotency-Key of its slot request, made when the person pressed the button, so a retry gets the
 * same slot and never a second photo.
 */
import { type ApiClient, ApiError } from './api';
import { t } from './i18n';

import { MAX_PHOTO_BYTES, type PendingPhoto, photoType } from './photo-rules';

export * from './photo-rules';

/** The thumbnail's longer side, in pixels. */
export const THUMB_PX = 240;

interface Slot {
  readonly attachment: { readonly id: string };
  readonly upload: { readonly url: string; readonly fields: Record<string, string> };
}

/** A thumbnail as a JPEG data URL; '' where the browser cannot decode the picture (HEIC in most). */
export async function thumbnail(blob: Blob, px = THUMB_PX): Promise<string> {
  try {
    const bitmap = await createImageBitmap(blob);
    const scale = Math.min(1, px / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    return canvas.toDataURL('image/jpeg', 0.7);
  } catch {
    return '';
  }
}

/**
 * The files a person chose, as photos for a step, and the words for those refused on the device
 * (a type the policy refuses, more than 10 MB): the upload would be refused anyway, later.
 */
export async function choosePhotos(
  files: Iterable<File>,
): Promise<{ photos: PendingPhoto[]; refused: string[] }> {
  const photos: PendingPhoto[] = [];
  const refused: string[] = [];
  for (const file of files) {
    const contentType = photoType(file);
    if (!contentType) refused.push(t('photo.wrongType', { name: file.name }));
    else if (file.size > MAX_PHOTO_BYTES || file.size === 0)
      refused.push(t('photo.tooLarge', { name: file.name }));
    else photos.push({ blob: file, contentType, name: file.name, thumb: await thumbnail(file) });
  }
  return { photos, refused };
}

/**
 * Uploads one photo: its slot (under its own Idempotency-Key: a retry is the same attachment with a
 * fresh form), then the bytes straight to the bucket. Answers the attachment id. Unreachable bucket
 * or a 5xx: an `offline`/`unavailable` ApiError (sent again later); the bucket refusing the form: an
 * `unprocessable` one naming the photo.
 */
export async function uploadPhoto(api: ApiClient, slotPath: string, photo: PendingPhoto): Promise<string> {
  if (photo.attachmentId) return photo.attachmentId;
  const slot = await api.request<Slot>('POST', slotPath, {
    body: { contentType: photo.contentType },
    idempotencyKey: photo.key,
  });
  const form = new FormData();
  for (const [name, value] of Object.entries(slot.upload.fields)) form.append(name, value);
  form.append('file', photo.blob, photo.name);
  let res: Response;
  try {
    res = await fetch(slot.upload.url, { method: 'POST', body: form });
  } catch (err) {
    throw new ApiError('offline', 0, 'offline', (err as Error).message);
  }
  if (res.status >= 500) throw new ApiError('unavailable', res.status, 'upload_unavailable', res.statusText);
  if (!res.ok) {
    const text = t('photo.uploadRefused', { name: photo.name, status: res.status });
    throw new ApiError('unprocessable', res.status, 'photo_upload_refused', text, [
      { path: 'photos', message: text },
    ]);
  }
  return slot.attachment.id;
}

/** Uploads what is not uploaded yet, in order, recording each id as it lands; answers all the ids. */
export async function uploadPhotos(
  api: ApiClient,
  slotPath: string,
  photos: PendingPhoto[],
  onUploaded: () => Promise<unknown> = async () => undefined,
): Promise<string[]> {
  const ids: string[] = [];
  for (const photo of photos) {
    if (!photo.attachmentId) {
      photo.attachmentId = await uploadPhoto(api, slotPath, photo);
      await onUploaded();
    }
    ids.push(photo.attachmentId);
  }
  return ids;
}
