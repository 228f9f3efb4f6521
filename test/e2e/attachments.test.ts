/**
 * Evidence photos through the real local server and its s3rver (issue 14, docs/decisions/0051): a
 * slot's presigned POST, the upload straight to the bucket, the checker run by s3rver's own
 * ObjectCreated:Post event (the local runtime wires s3rver's `event` to the checker's Lambda
 * handler, as the bucket notification does in AWS; `settleUploads` waits for it), the reference in
 * a report and an action, the flags in the history, links, and the refusals. s3rver does not enforce
 * the POST policy, so the 11 MB upload lands and is refused by the checker; the policy's own
 * condition is asserted in test/unit/attachments.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportBody } from '../support/findings';
import { startTestApi, type TestApi } from '../support/local-api';
import { jpegWithExif, plainPng, uploadWithForm } from '../support/photos';
import { pointInCell } from '../support/points';
import { writePublishedTask } from '../support/tasks';

let api: TestApi;
/** Findings whose photo was flagged far_from_place, and marked no_exif (for the export). */
const flagged: { far?: string; noExif?: string } = {};
let pointA: { lon: number; lat: number; cell: string; primaryZone: string | null };

/** EXIF's spelling of an instant as wall-clock time at +08:00. */
const exifNow = (offsetMs = 0) =>
  new Date(Date.now() + offsetMs + 8 * 3_600_000)
    .toISOString()
    .slice(0, 19)
    .replace('T', ' ')
    .replace(/-/g, ':');

const key = () => randomUUID();

async function slot(as: string, path: string, contentType = 'image/jpeg', idempotencyKey = key()) {
  return api.call('POST', path, {
    as,
    body: { contentType },
    headers: { 'idempotency-key': idempotencyKey },
  });
}

/** A slot for a report, the upload, and the check: the attachment id. */
async function uploaded(as: string, bytes: Buffer, contentType = 'image/jpeg', path = '/me/attachments') {
  const res = await slot(as, path, contentType);
  expect(res.status).toBe(201);
  expect(await uploadWithForm(res.body.upload, bytes)).toBe(204);
  await api.settleUploads();
  return res.body.attachment.id as string;
}

const report = (as: string, photos: string[], point: { lon: number; lat: number } = pointA) =>
  api.call('POST', '/findings', {
    as,
    body: { ...reportBody(point, `照片测试 ${randomUUID().slice(0, 6)}`), photos },
    headers: { 'idempotency-key': key() },
  });

const photosOf = async (findingId: string, as = 'admin') =>
  (await api.call('GET', `/findings/${findingId}/history`, { as })).body.photos as {
    id: string;
    status: string;
    flags?: string[];
    rejectReason?: string;
    exif?: Record<string, unknown>;
  }[];

beforeAll(async () => {
  // The city's practice here: verifying on site and completing a patrol need a photo (photos.requiredFor).
  api = await startTestApi('demo', {
    configure: (c) => ({ ...c, photos: { ...c.photos, requiredFor: ['verify', 'complete'] } }),
  });
  const liu = (await api.call('GET', '/me', { as: 'worker-liu' })).body;
  const p = await pointInCell(
    async (path) => (await api.call('GET', path, { as: 'admin' })).body,
    liu.cells[0],
  );
  if (!p) throw new Error('no point inside worker-liu’s cell');
  pointA = p;
}, 120_000);
afterAll(async () => {
  await api?.close();
});

describe('upload slots', () => {
  it('answer a pending attachment and a presigned POST whose key the server fixed; a retry is the same slot', async () => {
    const k = key();
    const first = await slot('worker-liu', '/me/attachments', 'image/jpeg', k);
    expect(first.status).toBe(201);
    const id = first.body.attachment.id;
    expect(first.body.attachment).toMatchObject({ id, status: 'pending', contentType: 'image/jpeg' });
    expect(first.body.upload.fields).toMatchObject({ key: `incoming/${id}`, 'Content-Type': 'image/jpeg' });
    expect(first.body.upload.fields.Policy).toBeTruthy();
    expect(first.body.upload.maxBytes).toBe(10 * 1024 * 1024);

    const again = await slot('worker-liu', '/me/attachments', 'image/jpeg', k);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.attachment.id).toBe(id);

    const other = await slot('worker-liu', '/me/attachments', 'image/png', k);
    expect(other.status).toBe(422);
    expect(other.body.error.details[0].path).toBe('headers.idempotency-key');
  });

  it('refuses a type that is not a photo, naming body.contentType', async () => {
    const res = await slot('worker-liu', '/me/attachments', 'application/pdf');
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain('body.contentType');
  });

  it('are a 404 for a finding the caller may not read', async () => {
    const mine = await report('worker-liu', []);
    expect(mine.status).toBe(201);
    // officer-wang serves the west office: the east finding does not exist for him.
    const res = await slot('officer-wang', `/findings/${mine.body.id}/attachments`);
    expect(res.status).toBe(404);
  });
});

describe('what arrives is checked, flagged and shown in the history', () => {
  it('a JPEG with EXIF GPS inside the cell and the time of the report: verified, no flag', async () => {
    const id = await uploaded(
      'worker-liu',
      jpegWithExif({
        takenAt: exifNow(),
        offset: '+08:00',
        lon: pointA.lon,
        lat: pointA.lat,
        make: 'Huawei',
        model: 'P60',
      }),
    );
    const res = await report('worker-liu', [id]);
    expect(res.status).toBe(201);
    expect(res.body.photos).toEqual([id]);
    const [photo] = await photosOf(res.body.id);
    expect(photo).toMatchObject({ id, status: 'verified', flags: [], width: 16, height: 16 });
    expect(photo?.exif).toMatchObject({ device: 'Huawei P60', takenAtOffset: '+08:00' });
  });

  it('a JPEG taken 2 km away: flagged far_from_place, not refused', async () => {
    const id = await uploaded(
      'worker-liu',
      jpegWithExif({ takenAt: exifNow(), offset: '+08:00', lon: pointA.lon, lat: pointA.lat + 0.018 }),
    );
    const res = await report('worker-liu', [id]);
    expect(res.status).toBe(201);
    expect((await photosOf(res.body.id))[0]).toMatchObject({
      id,
      status: 'verified',
      flags: ['far_from_place'],
    });
    flagged.far = res.body.id;
  });

  it('a PNG without EXIF: marked no_exif', async () => {
    const id = await uploaded('worker-liu', plainPng(), 'image/png');
    const res = await report('worker-liu', [id]);
    expect(res.status).toBe(201);
    expect((await photosOf(res.body.id))[0]).toMatchObject({ id, status: 'verified', flags: ['no_exif'] });
    flagged.noExif = res.body.id;
  });

  it('a text file named .jpg: rejected, its reference refused naming the path, never served', async () => {
    const id = await uploaded('worker-liu', Buffer.from('not a photo at all\n'.repeat(20)));
    const res = await report('worker-liu', [id]);
    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual([
      expect.objectContaining({ path: 'body.photos[0]', attachmentId: id, rejectReason: 'not_an_image' }),
    ]);
  });

  it('an 11 MB body that s3rver let through: refused by the checker (too_large)', async () => {
    const big = Buffer.concat([jpegWithExif({ takenAt: exifNow() }), Buffer.alloc(11 * 1024 * 1024)]);
    const id = await uploaded('worker-liu', big);
    const res = await report('worker-liu', [id]);
    expect(res.status).toBe(422);
    expect(res.body.error.details[0]).toMatchObject({ path: 'body.photos[0]', rejectReason: 'too_large' });
  }, 30_000);
});

describe('references', () => {
  it('refuse an id not uploaded yet, and one of another person, each by its path; nothing is written', async () => {
    const notYet = (await slot('worker-liu', '/me/attachments')).body.attachment.id;
    const others = await uploaded('worker-sun', jpegWithExif({ takenAt: exifNow() }));
    const res = await report('worker-liu', [notYet, others]);
    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual([
      expect.objectContaining({ path: 'body.photos[1]', attachmentId: others }),
    ]);
    const alone = await report('worker-liu', [notYet]);
    expect(alone.status).toBe(422);
    expect(alone.body.error.details).toEqual([
      expect.objectContaining({
        path: 'body.photos[0]',
        message: expect.stringMatching(/not been uploaded/),
      }),
    ]);
    expect((await api.call('GET', '/me/findings', { as: 'worker-liu' })).body.items.length).toBeGreaterThan(
      0,
    );
  });

  it('a report retried under its key answers the first finding and references its photo once', async () => {
    const id = await uploaded(
      'worker-liu',
      jpegWithExif({ takenAt: exifNow(), lon: pointA.lon, lat: pointA.lat }),
    );
    const k = key();
    const body = { ...reportBody(pointA, '重试小吃店'), photos: [id] };
    const first = await api.call('POST', '/findings', {
      as: 'worker-liu',
      body,
      headers: { 'idempotency-key': k },
    });
    const again = await api.call('POST', '/findings', {
      as: 'worker-liu',
      body,
      headers: { 'idempotency-key': k },
    });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    // The photo is this finding's: another report cannot take it.
    const thief = await report('worker-liu', [id]);
    expect(thief.status).toBe(422);
    expect(thief.body.error.details[0]).toMatchObject({ path: 'body.photos[0]', attachmentId: id });
  });
});

describe('a kept photo', () => {
  it('is judged by its kept bytes: uploading again with a replayed slot changes neither them nor the flags', async () => {
    const k = key();
    const first = await slot('worker-liu', '/me/attachments', 'image/jpeg', k);
    const id = first.body.attachment.id;
    const far = jpegWithExif({
      takenAt: exifNow(),
      offset: '+08:00',
      lon: pointA.lon,
      lat: pointA.lat + 0.018,
    });
    expect(await uploadWithForm(first.body.upload, far)).toBe(204);
    await api.settleUploads();
    const finding = (await report('worker-liu', [id])).body.id;
    expect((await photosOf(finding))[0]).toMatchObject({ id, flags: ['far_from_place'] });

    const again = await slot('worker-liu', '/me/attachments', 'image/jpeg', k);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.upload.fields.key).toBe(`incoming/${id}`);
    const near = jpegWithExif({ takenAt: exifNow(), offset: '+08:00', lon: pointA.lon, lat: pointA.lat });
    expect(await uploadWithForm(again.body.upload, near)).toBe(204);
    await api.settleUploads();
    expect((await photosOf(finding))[0]).toMatchObject({ id, status: 'verified', flags: ['far_from_place'] });
    const link = await api.call('GET', `/findings/${finding}/attachments/${id}`, { as: 'worker-liu' });
    expect(Buffer.from(await (await fetch(link.body.url)).arrayBuffer()).equals(far)).toBe(true);
  });
});

describe('links and required photos', () => {
  it('give a short-lived link to who may read the finding; a foreign caller gets 404', async () => {
    const bytes = jpegWithExif({ takenAt: exifNow(), lon: pointA.lon, lat: pointA.lat });
    const id = await uploaded('worker-liu', bytes);
    const finding = (await report('worker-liu', [id])).body.id;
    const link = await api.call('GET', `/findings/${finding}/attachments/${id}`, { as: 'worker-liu' });
    expect(link.status).toBe(200);
    const got = await fetch(link.body.url);
    expect(Buffer.from(await got.arrayBuffer()).equals(bytes)).toBe(true);
    expect(Date.parse(link.body.expiresAt) - Date.now()).toBeLessThanOrEqual(5 * 60_000);
    const foreign = await api.call('GET', `/findings/${finding}/attachments/${id}`, { as: 'officer-wang' });
    expect(foreign.status).toBe(404);
  });

  it('refuse a verify without a photo, naming the action and the setting in both languages; with one it passes', async () => {
    const finding = (await report('worker-liu', [])).body;
    const verify = (photos?: string[], lang = 'en') =>
      api.call('POST', `/findings/${finding.id}/actions`, {
        as: 'officer-li',
        body: { action: 'verify', expectedVersion: 1, ...(photos ? { photos } : {}) },
        headers: { 'accept-language': lang },
      });
    const en = await verify();
    expect(en.status).toBe(422);
    expect(en.body.error.message).toMatch(/'verify'.*photos\.requiredFor/);
    expect(en.body.error.details[0]).toMatchObject({
      path: 'body.photos',
      action: 'verify',
      setting: 'photos.requiredFor',
    });
    const zh = await verify(undefined, 'zh-CN');
    expect(zh.status).toBe(422);
    expect(zh.body.error.message).toMatch(/至少需要一张照片.*photos\.requiredFor/);

    const s = await slot('officer-li', `/findings/${finding.id}/attachments`);
    expect(s.status).toBe(201);
    expect(
      await uploadWithForm(
        s.body.upload,
        jpegWithExif({ takenAt: exifNow(), lon: pointA.lon, lat: pointA.lat }),
      ),
    ).toBe(204);
    await api.settleUploads();
    const ok = await verify([s.body.attachment.id]);
    expect(ok.status).toBe(200);
    expect(ok.body.photos).toEqual([s.body.attachment.id]);
    expect((await photosOf(finding.id))[0]).toMatchObject({ status: 'verified', flags: [] });
  });
});

describe('a task’s completion', () => {
  it('needs a photo uploaded for the task; the history flags it against the cell; a stranger’s link is 404', async () => {
    const task = await writePublishedTask({
      planId: 'P-photos01',
      cellId: pointA.cell,
      zoneId: pointA.primaryZone ?? 'Z-001',
      officeId: 'office-east',
      officerId: 'officer-zhao',
      partnerId: 'worker-liu',
      date: new Date().toISOString().slice(0, 10),
      shift: 's1',
      shiftStart: new Date(Date.now() - 3_600_000).toISOString(),
      shiftEnd: new Date(Date.now() + 3 * 3_600_000).toISOString(),
    });
    const step = (path: string, body: unknown) =>
      api.call('POST', `/tasks/${task.id}/${path}`, {
        as: 'worker-liu',
        body,
        headers: { 'idempotency-key': key() },
      });
    expect((await step('check-in', { lon: pointA.lon, lat: pointA.lat, accuracyM: 5 })).status).toBe(200);
    const checks = { checks: { safety: 'ok', food: 'not_applicable', license: 'issue' }, findingIds: [] };
    const bare = await step('complete', checks);
    expect(bare.status).toBe(422);
    expect(bare.body.error.details[0]).toMatchObject({ path: 'body.photos', action: 'complete' });

    // A photo issued for a report is not this task's.
    const forReport = await uploaded('worker-liu', jpegWithExif({ takenAt: exifNow() }));
    const wrong = await step('complete', { ...checks, photos: [forReport] });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.details[0]).toMatchObject({ path: 'body.photos[0]', attachmentId: forReport });

    const id = await uploaded(
      'worker-liu',
      jpegWithExif({ takenAt: exifNow(), offset: '+08:00', lon: pointA.lon, lat: pointA.lat }),
      'image/jpeg',
      `/tasks/${task.id}/attachments`,
    );
    const done = await step('complete', { ...checks, photos: [id] });
    expect(done.status).toBe(200);
    expect(done.body.completion.photos).toEqual([id]);
    const history = await api.call('GET', `/tasks/${task.id}/history`, { as: 'worker-liu' });
    expect(history.body.photos).toEqual([expect.objectContaining({ id, status: 'verified', flags: [] })]);
    expect((await api.call('GET', `/tasks/${task.id}/attachments/${id}`, { as: 'worker-liu' })).status).toBe(
      200,
    );
    expect((await api.call('GET', `/tasks/${task.id}/attachments/${id}`, { as: 'worker-he' })).status).toBe(
      404,
    );
  });
});

describe('findings.csv', () => {
  it('gains the photo count and the flags of the photos, in the data form and the clerk’s sheet', async () => {
    const csv = async (form: string) => {
      const res = await fetch(`${api.url}/exports/findings.csv?form=${form}&lang=en`, {
        headers: { authorization: `Bearer ${await api.token('admin')}` },
        redirect: 'manual',
      });
      expect(res.status).toBe(303);
      const { url } = (await res.json()) as { url: string };
      return (await (await fetch(url)).text()).split('\r\n');
    };
    const data = await csv('data');
    const header = (data[0] ?? '').replace('\uFEFF', '').split(',');
    const row = (id: string | undefined) => (data.find((l) => l.startsWith(`${id},`)) ?? '').split(',');
    const at = (name: string) => header.indexOf(name);
    expect(row(flagged.far)[at('photoCount')]).toBe('1');
    expect(row(flagged.far)[at('photoFlags')]).toBe('far_from_place');
    expect(row(flagged.noExif)[at('photoFlags')]).toBe('no_exif');
    const sheet = await csv('sheet');
    expect(sheet[0]).toContain('Photos,Photo flags');
    expect(sheet.find((l) => l.startsWith(`${flagged.far},`))).toContain('taken far from the place');
  });
});
