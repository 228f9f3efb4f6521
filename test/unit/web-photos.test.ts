/**
 * Issue 14 in the field app: what it accepts on the device is what the upload policy accepts, and
 * a step refused for want of a photo is named in the person's words. The upload, the thumbnail and
 * the history run in the browser (test/web/field-app.test.ts).
 */
import { MAX_PHOTO_BYTES, PHOTO_TYPES as POLICY_TYPES } from '@gridpatrol/core';
import { ApiError, errorText, photoDetailText, requiredPhotoText } from '@gridpatrol/web/app/api-error';
import {
  MAX_PHOTO_BYTES as APP_MAX,
  keyPhotos,
  PHOTO_TYPES,
  photoType,
} from '@gridpatrol/web/app/photo-rules';
import { format, type MessageKey } from '@gridpatrol/web/messages';
import type { Language } from '@gridpatrol/web/runtime-config';
import { describe, expect, it } from 'vitest';

const t = (language: Language) => (key: MessageKey, params?: Record<string, string | number>) =>
  format(language, key, params);
/** A 422 as the API answers a step without a required photo (core assertRequiredPhotos). */
const required = (action: string) =>
  new ApiError('unprocessable', 422, 'unprocessable', 'photo required', [
    { path: 'body.photos', message: 'at least one photo', action, setting: 'photos.requiredFor' },
  ]);

describe('photos in the field app', () => {
  it('accepts on the device exactly the types and size the upload policy accepts', () => {
    expect([...PHOTO_TYPES].sort()).toEqual([...POLICY_TYPES].sort());
    expect(APP_MAX).toBe(MAX_PHOTO_BYTES);
    expect(photoType({ type: 'image/jpeg', name: 'a.jpg' })).toBe('image/jpeg');
    // Some phones give a HEIC no type: known by its name.
    expect(photoType({ type: '', name: 'IMG_0001.HEIC' })).toBe('image/heic');
    expect(photoType({ type: 'image/gif', name: 'a.gif' })).toBeUndefined();
    expect(photoType({ type: 'text/plain', name: 'a.jpg' })).toBeUndefined();
  });

  it('names the step that needs a photo, in Chinese and in English, wherever the error is shown', () => {
    expect(requiredPhotoText(required('verify'), t('zh-CN'))).toBe(
      '「核实属实」至少需要一张现场照片（城市设置 photos.requiredFor），请拍照后再提交',
    );
    expect(errorText(required('report'), t('zh-CN'))).toContain('「上报」至少需要一张现场照片');
    expect(errorText(required('complete'), t('zh-CN'))).toContain('「完成巡查」至少需要一张现场照片');
    expect(errorText(required('confirm_revisit'), t('en'))).toBe(
      '“Confirm revisit” needs at least one photo on site (city setting photos.requiredFor); take one and send again',
    );
    // Any other 422 keeps the API's words.
    const other = new ApiError('unprocessable', 422, 'unprocessable', 'bad', [
      { path: 'body.note', message: 'x' },
    ]);
    expect(requiredPhotoText(other, t('zh-CN'))).toBeUndefined();
  });

  it('keys each photo once: a second press keeps the first keys, so a retry is the same slot', () => {
    const photo = { blob: new Blob(['x']), contentType: 'image/jpeg', name: 'a.jpg', thumb: '' };
    let n = 0;
    const first = keyPhotos([photo, { ...photo, name: 'b.jpg' }], () => `k${++n}`);
    expect(first.map((p) => p.key)).toEqual(['k1', 'k2']);
    expect(keyPhotos(first, () => `k${++n}`).map((p) => p.key)).toEqual(['k1', 'k2']);
  });
  it('says why the checker refused a photo the step named, by its number, from the detail’s rejectReason', () => {
    // As the API answers a step naming a rejected photo (core attachments/rules.ts).
    const err = new ApiError('unprocessable', 422, 'unprocessable', 'Photos refused (1): see details.', [
      {
        path: 'body.photos[1]',
        message: "photo 'A-1' was rejected (not_an_image)",
        attachmentId: 'A-1',
        rejectReason: 'not_an_image',
      },
    ]);
    expect(photoDetailText(err.details[0] as never, t('zh-CN'))).toBe(
      '第 2 张照片未通过文件检查：不是图片，请重新拍摄',
    );
    expect(errorText(err, t('en'))).toContain(
      'Photo 2 was refused by the check of its bytes: not a picture; take it again',
    );
    // Another photo refusal keeps the API's words after the photo's number; other details are not photos'.
    expect(photoDetailText({ path: 'body.photos[0]', message: 'not uploaded yet' }, t('zh-CN'))).toBe(
      '第 1 张照片: not uploaded yet',
    );
    expect(photoDetailText({ path: 'body.note', message: 'x' }, t('zh-CN'))).toBeUndefined();
  });
});
