/**
 * The case file (案卷) of a finding (issue 14, docs/decisions/0055) through the real local server and
 * its s3rver: a report with two photos (one with EXIF in place, one without), an officer's
 * verification with a note, then GET /findings/{id}/case-file as HTML — header, map extract, the
 * timeline in the city's time, the photos with their flags and EXIF, its own CSP — in both
 * languages; a foreign caller gets 404. A screenshot of the printed page goes to .reports/web/.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, SCREENSHOTS } from '../support/browser';
import { reportBody } from '../support/findings';
import { startTestApi, type TestApi } from '../support/local-api';
import { jpegWithExif, plainPng, uploadWithForm } from '../support/photos';
import { pointInCell } from '../support/points';

let api: TestApi;
let finding: { id: string; businessName: string; photos: string[] };

/** A slot for a report, the upload and its check: the attachment id. */
async function uploaded(bytes: Buffer, contentType: string): Promise<string> {
  const res = await api.call('POST', '/me/attachments', {
    as: 'worker-liu',
    body: { contentType },
    headers: { 'idempotency-key': randomUUID() },
  });
  expect(res.status, res.text).toBe(201);
  expect(await uploadWithForm(res.body.upload, bytes)).toBe(204);
  return res.body.attachment.id as string;
}

beforeAll(async () => {
  api = await startTestApi('demo');
  const liu = (await api.call('GET', '/me', { as: 'worker-liu' })).body;
  const at = await pointInCell(async (p) => (await api.call('GET', p, { as: 'admin' })).body, liu.cells[0]);
  if (!at) throw new Error('no point inside worker-liu’s cell');
  const takenAt = new Date(Date.now() + 8 * 3_600_000)
    .toISOString()
    .slice(0, 19)
    .replace('T', ' ')
    .replace(/-/g, ':');
  const photos = [
    await uploaded(
      jpegWithExif({ takenAt, offset: '+08:00', lon: at.lon, lat: at.lat, make: 'Huawei', model: 'P60' }),
      'image/jpeg',
    ),
    await uploaded(plainPng(), 'image/png'),
  ];
  await api.settleUploads();
  const reported = await api.call('POST', '/findings', {
    as: 'worker-liu',
    body: { ...reportBody(at, `案卷小店 <b>${randomUUID().slice(0, 6)}</b>`), photos },
    headers: { 'idempotency-key': randomUUID() },
  });
  expect(reported.status, reported.text).toBe(201);
  finding = reported.body;
  const verified = await api.call('POST', `/findings/${finding.id}/actions`, {
    as: 'officer-li',
    body: { action: 'verify', expectedVersion: reported.body.version, note: '现场核实，无照经营' },
  });
  expect(verified.status, verified.text).toBe(200);
}, 120_000);
afterAll(async () => {
  await api?.close();
});

describe('the case file', () => {
  it('is one HTML page with the finding, the map, the timeline and the photos, in Chinese by default', async () => {
    const res = await api.call('GET', `/findings/${finding.id}/case-file`, {
      as: 'officer-li',
      headers: { 'accept-language': 'zh-CN' },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = res.text;
    expect(html).toContain(`<title>线索 ${finding.id} 案卷</title>`);
    // What people typed is escaped, never markup.
    expect(html).toContain(finding.businessName.replace('<b>', '&lt;b&gt;').replace('</b>', '&lt;/b&gt;'));
    expect(html).not.toContain('<b>');
    expect(html).toMatch(
      /<svg class="map"[^>]*>.*<path class="cell" d="M[\d.]+ [\d.]+L.*Z"\/>.*<circle class="point"/s,
    );
    // The timeline: who, what, when in the city's time (its offset), decisions and reasons.
    expect(html).toMatch(
      /<td>\d{4}-\d\d-\d\d \d\d:\d\d\+08:00<\/td><td>worker-liu<\/td><td>上报<\/td><td>待核实<\/td>/,
    );
    expect(html).toMatch(
      /<td>officer-li<\/td><td>核实属实<\/td><td>已核实<\/td><td>备注：现场核实，无照经营<\/td>/,
    );
    // Both photos, each with a presigned link to the bucket, its flags and its EXIF.
    const [withExif, withoutExif] = finding.photos;
    expect(html).toContain(`data-photo="${withExif}"`);
    expect(html).toContain(`data-photo="${withoutExif}"`);
    expect(html).toContain('设备：Huawei P60');
    expect(html).toContain('EXIF 拍摄位置：');
    expect(html).toContain('<div class="flag">无 EXIF 信息</div>');
    const links = [...html.matchAll(/<img src="([^"]+)"/g)].map((m) =>
      (m[1] as string).replace(/&amp;/g, '&'),
    );
    expect(links).toHaveLength(2);
    const image = await fetch(links[0] as string);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/jpeg');
  });

  it('allows its inline style by hash and images from the bucket only, not the chain’s default', async () => {
    const res = await api.call('GET', `/findings/${finding.id}/case-file`, { as: 'officer-li' });
    const csp = res.headers.get('content-security-policy') ?? '';
    const bucket = new URL(/<img src="([^"]+)"/.exec(res.text)?.[1] ?? 'http://none').origin;
    expect(csp.split('; ')).toEqual([
      "default-src 'none'",
      expect.stringMatching(/^style-src 'sha256-[A-Za-z0-9+/]+=*'$/),
      `img-src ${bucket}`,
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ]);
    // No script, nothing inline but the one style block.
    expect(res.text).not.toMatch(/<script|style="/);
  });

  it('speaks English by ?lang=en or Accept-Language', async () => {
    const byQuery = await api.call('GET', `/findings/${finding.id}/case-file?lang=en`, { as: 'officer-li' });
    expect(byQuery.text).toContain(`Case file of finding ${finding.id}`);
    expect(byQuery.text).toContain('<td>officer-li</td><td>verify</td><td>verified</td>');
    const byHeader = await api.call('GET', `/findings/${finding.id}/case-file`, {
      as: 'officer-li',
      headers: { 'accept-language': 'en' },
    });
    expect(byHeader.text).toContain('<div class="flag">no EXIF</div>');
  });

  it('is a 404 for a caller who may not read the finding, like a missing one', async () => {
    // officer-wang serves the west office: the east finding does not exist for him.
    const foreign = await api.call('GET', `/findings/${finding.id}/case-file`, { as: 'officer-wang' });
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe('not_found');
    const bad = await api.call('GET', `/findings/${finding.id}/case-file?lang=fr`, { as: 'officer-li' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('query.lang');
  });

  it('prints on A4 in a browser, photos loaded (screenshot under .reports/web/)', async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 794, height: 1123 } });
      const url = `${api.url}/findings/${finding.id}/case-file?lang=zh-CN`;
      const token = await api.token('officer-li');
      // The bearer token for the page only: the presigned photo links carry their own signature.
      await page.route(url, (route) =>
        route.continue({ headers: { ...route.request().headers(), authorization: `Bearer ${token}` } }),
      );
      const errors: string[] = [];
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      await page.goto(url);
      // (Functions, not strings: the page's CSP forbids eval, as it should.)
      type Img = { naturalWidth: number };
      type Styled = { getComputedStyle: (e: unknown) => { borderBottomStyle: string } };
      await expect
        .poll(() =>
          page.locator('img').evaluateAll((imgs) => imgs.map((i) => (i as unknown as Img).naturalWidth)),
        )
        .toEqual([16, 16]);
      const border = await page
        .locator('h2')
        .first()
        .evaluate((h) => (globalThis as unknown as Styled).getComputedStyle(h).borderBottomStyle);
      expect(border).toBe('solid');
      mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: path.join(SCREENSHOTS, '20-case-file.png'), fullPage: true });
      await page
        .pdf?.({ path: path.join(SCREENSHOTS, '20-case-file.pdf'), format: 'A4' })
        .catch(() => undefined);
      // No CSP violation: the style and the photos were allowed.
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
