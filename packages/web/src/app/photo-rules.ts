/**
 * What the field app checks of a photo before any upload, and the keys its slots are asked under:
 * apart from photos.ts (canvas, fetch) so that a unit test reads them without a browser.
 */

/** What the upload policy accepts (core's PhotoType and MAX_PHOTO_BYTES; a unit test keeps them equal). */
export const PHOTO_TYPES: readonly string[] = ['image/jpeg', 'image/png', 'image/heic', 'image/webp'];
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

/** A photo chosen for a step, as the form and the offline queue keep it (a Blob stores in IndexedDB). */
export interface PendingPhoto {
  readonly blob: Blob;
  readonly contentType: string;
  readonly name: string;
  /** A ~240 px JPEG data URL drawn on the device; empty when the browser cannot decode the type. */
  readonly thumb: string;
  /** The slot request's Idempotency-Key, made when the step's button was pressed. */
  key?: string;
  /** Set once uploaded: a resend names it without uploading again. */
  attachmentId?: string;
}

/** The type the policy will be told: the file's own, or a HEIC by its name (some phones leave it empty). */
export function photoType(file: { readonly type: string; readonly name: string }): string | undefined {
  if (PHOTO_TYPES.includes(file.type)) return file.type;
  if (!file.type && /\.hei[cf]$/i.test(file.name)) return 'image/heic';
  return undefined;
}

/** Gives each photo its slot request's Idempotency-Key: called when the step's button is pressed. */
export function keyPhotos(photos: readonly PendingPhoto[], newKey: () => string): PendingPhoto[] {
  return photos.map((p) => ({ ...p, key: p.key ?? newKey() }));
}
