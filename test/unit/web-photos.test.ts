/**
 * Issue 14 in the field app: what it accepts on the device is what the upload policy accepts, and
 * a step refused for want of a photo is named in the person's words. The upload, the thumbnail and
 * the history run in the browser (test/web/field-app.test.ts).
 */
import { MAX_PHOTO_BYTES, PHOTO_TYPES as POLICY_TYPES } from '@gridpatrol/core';
import { format, type MessageKey } from '@gridpatrol/web/messages';
import type { Language } from '@gridpatrol/web/runtime-config';
import { describe, expect, it } from 'vitest';
import { ApiError, errorText, requiredPhotoText } from '../../packages/web/src/app/api-error';
import {
  MAX_PHOTO_BYTES as APP_MAX,
  keyPhotos,
  PHOTO_TYPES,
  photoType,
} from '../../packages/web/src/app/photo-rules';

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
});
