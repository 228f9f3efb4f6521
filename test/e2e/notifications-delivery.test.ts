/**
 * The delivery worker through the local runtime (issue 17, docs/decisions/0052): a local HTTP
 * receiver stands in for the WeCom and DingTalk group robots (plain HTTPS POSTs in real life) and
 * checks DingTalk's documented signature; SMS goes to the recorded stub (no local SNS exists). A
 * receiver failing three times then succeeding gets each message once; a stream record delivered
 * again sends nothing; a send that keeps failing is dead-lettered and the finding stands; a digest
 * reader's notifications wait for the digest hour and go as one message.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deliverRecords, sendDeferred } from '@gridpatrol/functions/notifications/deliver';
import { setDeliveryPorts } from '@gridpatrol/functions/notifications/ports';
import { type LocalDeliveryPorts, localDeliveryPorts } from '@gridpatrol/local';
import { deliveryMarks, putNotificationSettings } from '@gridpatrol/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportBody } from '../support/findings';
import { startTestApi, type TestApi } from '../support/local-api';
import { pointInCell } from '../support/points';

const DINGTALK_SECRET = 'SEC-right-secret';

/** What the receiver saw: every POST, and the messages it accepted (2xx with errcode 0). */
interface Hit {
  path: string;
  dedupKey: string;
  body: {
    msgtype: string;
    text: { content: string; mentioned_mobile_list?: string[] };
    at?: { atMobiles: string[] };
  };
  accepted: boolean;
}
const hits: Hit[] = [];
/** The next POSTs to this path fail (HTTP 500) before it accepts again. */
const failuresLeft = new Map<string, number>();

/** DingTalk's documented check: sign = base64(HMAC-SHA256(secret, timestamp + "\n" + secret)), within an hour. */
function dingTalkSignatureHolds(url: URL): boolean {
  const timestamp = url.searchParams.get('timestamp') ?? '';
  const sign = url.searchParams.get('sign') ?? '';
  if (!/^\d{13}$/.test(timestamp) || Math.abs(Date.now() - Number(timestamp)) > 3_600_000) return false;
  const expected = createHmac('sha256', DINGTALK_SECRET).update(`${timestamp}\n${DINGTALK_SECRET}`).digest();
  const given = Buffer.from(sign, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function startReceiver(): Promise<Server> {
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => {
      raw += c;
    });
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://receiver');
      const answer = (status: number, body: object, accepted: boolean) => {
        hits.push({
          path: url.pathname,
          dedupKey: String(req.headers['x-gridpatrol-dedup-key'] ?? ''),
          body: JSON.parse(raw || '{}'),
          accepted,
        });
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      };
      const left = failuresLeft.get(url.pathname) ?? 0;
      if (left > 0) {
        failuresLeft.set(url.pathname, left - 1);
        return answer(500, { errcode: -1, errmsg: 'system busy' }, false);
      }
      if (url.pathname.startsWith('/dingtalk') && !dingTalkSignatureHolds(url))
        return answer(200, { errcode: 310000, errmsg: 'sign not match' }, false);
      answer(200, { errcode: 0, errmsg: 'ok' }, true);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

let api: TestApi;
let receiver: Server;
let ports: LocalDeliveryPorts;
let eastPoint: { lon: number; lat: number };
let westPoint: { lon: number; lat: number };
const get = async (path: string, as = 'admin') => (await api.call('GET', path, { as })).body;

async function pointOfOfficer(officer: string) {
  const me = await get(`/people/${officer}`);
  const zone = await get(`/zones/${me.zones[0]}`);
  for (const c of zone.properties.cells) {
    const p = await pointInCell(get, c.id, (r) => r.primaryZone === me.zones[0]);
    if (p) return p;
  }
  throw new Error(`no point in ${officer}'s zone`);
}

const report = async (point: { lon: number; lat: number }, name: string) => {
  const res = await api.call('POST', '/findings', { as: 'admin', body: reportBody(point, name) });
  expect(res.status, res.text).toBe(201);
  return res.body.id as string;
};

beforeAll(async () => {
  receiver = await startReceiver();
  api = await startTestApi('demo', {
    configure: (c) => ({
      ...c,
      notifications: { ...c.notifications, channels: ['wecom', 'dingtalk', 'sms'] },
    }),
  });
  const base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  ports = localDeliveryPorts({
    robots: {
      'office-east': {
        wecom: { url: `${base}/wecom-east?key=robot-key` },
        dingtalk: { url: `${base}/dingtalk-east?access_token=t-east`, secret: DINGTALK_SECRET },
      },
      // The west office's DingTalk robot was given the wrong secret: every send is refused.
      'office-west': { dingtalk: { url: `${base}/dingtalk-west?access_token=t-west`, secret: 'SEC-wrong' } },
    },
    retryBaseMs: 5,
    quiet: true,
  });
  setDeliveryPorts(ports);
  await putNotificationSettings('officer-li', { optOut: [], phone: '13800138000', digest: false });
  eastPoint = await pointOfOfficer('officer-li');
  westPoint = await pointOfOfficer('officer-wang');
}, 120_000);
afterAll(async () => {
  await api?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

describe('delivery', () => {
  let notificationId: string;

  it('a robot failing three times then succeeding gets the message once; SMS through the stub', async () => {
    failuresLeft.set('/wecom-east', 3);
    failuresLeft.set('/dingtalk-east', 3);
    hits.length = 0;
    const id = await report(eastPoint, '投递测试小吃店');
    await api.settle();
    const mine = (await get('/me/notifications', 'officer-li')).items.find(
      (n: { subject: { id: string } }) => n.subject.id === id,
    );
    notificationId = mine.id;
    const dedupKey = `officer-li/${notificationId}`;
    for (const path of ['/wecom-east', '/dingtalk-east']) {
      const tries = hits.filter((h) => h.path === path && h.dedupKey === dedupKey);
      expect(tries.map((h) => h.accepted)).toEqual([false, false, false, true]);
    }
    const wecom = hits.find((h) => h.path === '/wecom-east' && h.accepted);
    expect(wecom?.body).toEqual({
      msgtype: 'text',
      text: { content: expect.stringContaining('投递测试小吃店'), mentioned_mobile_list: ['13800138000'] },
    });
    const dingtalk = hits.find((h) => h.path === '/dingtalk-east' && h.accepted);
    expect(dingtalk?.body).toMatchObject({
      msgtype: 'text',
      at: { atMobiles: ['13800138000'], isAtAll: false },
    });
    expect(ports.recorded.filter((s) => s.dedupKey === dedupKey)).toEqual([
      { channel: 'sms', to: '13800138000', text: expect.stringContaining('投递测试小吃店'), dedupKey },
    ]);
    expect(await deliveryMarks({ recipientId: 'officer-li', id: notificationId })).toMatchObject({
      wecom: { status: 'sent', attempts: 4 },
      dingtalk: { status: 'sent', attempts: 4 },
      sms: { status: 'sent', attempts: 1 },
    });
  });

  it('a stream record delivered again sends nothing twice', async () => {
    const before = hits.length;
    const smsBefore = ports.recorded.length;
    const item = { entity: { S: 'notification' } };
    const n = (await get('/me/notifications', 'officer-li')).items.find(
      (x: { id: string }) => x.id === notificationId,
    );
    const record = {
      eventName: 'INSERT' as const,
      dynamodb: {
        NewImage: {
          ...item,
          id: { S: n.id },
          recipientId: { S: 'officer-li' },
          trigger: { S: n.trigger },
          subject: { M: { kind: { S: n.subject.kind }, id: { S: n.subject.id } } },
          officeId: { S: n.officeId },
          createdAt: { S: n.createdAt },
          data: { M: Object.fromEntries(Object.entries(n.data).map(([k, v]) => [k, { S: String(v) }])) },
        },
      },
    };
    expect(await deliverRecords([record], new Date())).toBe(1);
    expect(hits.length).toBe(before);
    expect(ports.recorded.length).toBe(smsBefore);
  });

  it('a send that keeps failing is dead-lettered, marked failed, and the finding stands', async () => {
    const id = await report(westPoint, '死信测试五金店');
    await api.settle();
    const wang = (await get('/me/notifications', 'officer-wang')).items.find(
      (n: { subject: { id: string } }) => n.subject.id === id,
    );
    const refused = hits.filter(
      (h) => h.path === '/dingtalk-west' && h.dedupKey === `officer-wang/${wang.id}`,
    );
    expect(refused.map((h) => h.accepted)).toEqual([false, false, false, false, false]);
    expect(ports.deadLetters).toEqual([
      expect.objectContaining({
        recipientId: 'officer-wang',
        notificationIds: [wang.id],
        channel: 'dingtalk',
        attempts: 5,
        lastError: expect.stringContaining('310000'),
      }),
    ]);
    // The west office has no WeCom robot: nothing to send there, nothing to retry.
    expect(await deliveryMarks({ recipientId: 'officer-wang', id: wang.id })).toMatchObject({
      dingtalk: { status: 'failed', attempts: 5 },
      wecom: { status: 'skipped', attempts: 1 },
    });
    const finding = await api.call('GET', `/findings/${id}`, { as: 'admin' });
    expect(finding.status).toBe(200);
    expect(finding.body).toMatchObject({ status: 'reported', version: 1 });
  });

  it('a digest reader’s notifications wait for the digest hour and go as one message', async () => {
    await putNotificationSettings('officer-li', { optOut: ['dingtalk', 'sms'], digest: true });
    const before = hits.length;
    await report(eastPoint, '摘要一号店');
    await report(eastPoint, '摘要二号店');
    await api.settle();
    expect(hits.length).toBe(before);
    // The digest goes at the city's digestAt (08:00 local): a day later everything due is sent.
    expect(await sendDeferred(new Date(Date.now() + 25 * 3_600_000))).toBe(2);
    const digest = hits.slice(before);
    expect(digest).toHaveLength(1);
    expect(digest[0]?.path).toBe('/wecom-east');
    expect(digest[0]?.body.text.content).toMatch(/2 条通知[\s\S]*摘要[一二]号店[\s\S]*摘要[一二]号店/);
    expect(await sendDeferred(new Date(Date.now() + 26 * 3_600_000))).toBe(0);
  });
});
