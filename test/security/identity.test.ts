/**
 * Identity (issue 21.7): which tokens the local server and the handlers accept, and how soon a
 * change of a person holds. The caller cache is switched on here as in Lambda (30 s; the other
 * test files run with 0), so what is tested is what runs in AWS.
 */
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.GRIDPATROL_CALLER_CACHE_MS = '30000';
});

import { addDays, planningWeekStart } from '@gridpatrol/core';
import { DEV_AUDIENCE, DEV_ISSUER, issueDevToken } from '@gridpatrol/local';
import { startTestApi, type TestApi } from '../support/local-api';
import { personBodyOf } from '../support/people';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi('demo');
});
afterAll(async () => {
  await api?.close();
});

const NOW = () => Math.floor(Date.now() / 1000);

/**
 * A dev token signed with the server's key, with exactly the times given (none when undefined) and
 * any further claims (as Cognito's pre-token trigger adds them).
 */
async function token(
  personId: string,
  times: { iat?: number; exp?: number },
  claims: Record<string, string> = {},
): Promise<string> {
  const jwt = new SignJWT({ ...claims, token_use: 'id' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(personId)
    .setIssuer(DEV_ISSUER)
    .setAudience(DEV_AUDIENCE);
  if (times.iat !== undefined) jwt.setIssuedAt(times.iat);
  if (times.exp !== undefined) jwt.setExpirationTime(times.exp);
  return jwt.sign(api.tokenKey);
}

const me = async (bearer: string) =>
  api.call('GET', '/me', { headers: { authorization: `Bearer ${bearer}` } });

describe('tokens', () => {
  it('accepts a dev token as issued, and one issued a few seconds ahead (clock skew)', async () => {
    expect((await api.call('GET', '/me', { as: 'worker-liu' })).status).toBe(200);
    expect((await me(await token('worker-liu', { iat: NOW() + 20, exp: NOW() + 3600 }))).status).toBe(200);
    expect((await me(await token('worker-liu', { iat: NOW(), exp: NOW() + 12 * 3600 }))).status).toBe(200);
  });

  it('refuses a token without exp, without iat, issued in the future, or living longer than 12 h', async () => {
    const cases = {
      'no exp': { iat: NOW() },
      'no iat': { exp: NOW() + 3600 },
      'iat an hour ahead': { iat: NOW() + 3600, exp: NOW() + 7200 },
      'valid for ten years': { iat: NOW(), exp: NOW() + 10 * 365 * 86_400 },
      '13 h': { iat: NOW() - 60, exp: NOW() + 13 * 3600 - 60 },
      expired: { iat: NOW() - 7200, exp: NOW() - 3600 },
    };
    for (const [name, times] of Object.entries(cases)) {
      const res = await me(await token('worker-liu', times));
      expect(res.status, name).toBe(401);
      expect(res.body.error.code, name).toBe('unauthenticated');
    }
  });
});

describe('MFA for the roles that need it (decision 0040)', () => {
  const fresh = () => ({ iat: NOW(), exp: NOW() + 3600 });
  const MARK = { mfa: 'totp' };

  it('refuses every route to a city admin whose token lacks the mark, reads and writes, writing nothing', async () => {
    const unmarked = `Bearer ${await token('admin', fresh())}`;
    const read = await api.call('GET', '/me', { headers: { authorization: unmarked } });
    expect(read.status).toBe(403);
    expect(read.body.error).toMatchObject({
      code: 'mfa_enrolment_required',
      message: expect.stringMatching(/authenticator app/),
      details: [{ path: 'token.mfa', message: expect.any(String) }],
    });
    const body = { name: 'MFA probe', role: 'grid_worker', office: 'office-east' };
    const write = await api.call('PUT', '/people/mfa-probe', { headers: { authorization: unmarked }, body });
    expect(write.status).toBe(403);
    expect(write.body.error.code).toBe('mfa_enrolment_required');
    expect((await api.call('GET', '/people/mfa-probe', { as: 'admin' })).status).toBe(404);
    // A mark of anything but the authenticator app is no mark.
    expect((await me(await token('sup-east', fresh(), { mfa: 'sms' }))).status).toBe(403);
  });

  it('lets the same person in with the mark, and a grid worker in without it', async () => {
    expect((await me(await token('admin', fresh(), MARK))).status).toBe(200);
    expect((await me(await token('sup-east', fresh(), MARK))).status).toBe(200);
    expect((await me(await token('worker-liu', fresh()))).status).toBe(200);
  });

  it('asks for it from the request after a person is made supervisor, whatever their Cognito groups', async () => {
    const person = { name: '晋升测试', office: 'office-east' };
    const hire = await api.call('PUT', '/people/mfa-promoted', {
      as: 'admin',
      body: { ...person, role: 'grid_worker' },
    });
    expect(hire.status, hire.text).toBe(201);
    const unmarked = `Bearer ${await token('mfa-promoted', fresh())}`;
    expect((await me(unmarked.slice(7))).status).toBe(200);
    const promote = await api.call('PUT', '/people/mfa-promoted', {
      as: 'admin',
      body: { ...person, role: 'supervisor' },
    });
    expect(promote.status, promote.text).toBe(200);
    // A write reads the record fresh: the very next one is refused, before its body is looked at.
    const write = await api.call('POST', '/findings', { headers: { authorization: unmarked }, body: {} });
    expect(write.status).toBe(403);
    expect(write.body.error.code).toBe('mfa_enrolment_required');
  });
});

describe('gridpatrol token', () => {
  it('refuses to mint a token the server would refuse', async () => {
    await expect(issueDevToken(api.tokenKey, 'worker-liu', '13h')).rejects.toThrow(/at most 12 h/);
    expect((await me(await issueDevToken(api.tokenKey, 'worker-liu', '12h'))).status).toBe(200);
  });
});

describe('the person behind the token', () => {
  it('lets a person created right after a refused call in at once (a miss is not cached)', async () => {
    const before = await api.call('GET', '/me', { as: 'worker-new' });
    expect(before.status).toBe(403);
    const put = await api.call('PUT', '/people/worker-new', {
      as: 'admin',
      body: { name: '新网格员', role: 'grid_worker', office: 'office-east' },
    });
    expect(put.status).toBe(201);
    const after = await api.call('GET', '/me', { as: 'worker-new' });
    expect(after.status).toBe(200);
    expect(after.body.id).toBe('worker-new');
  });

  it('refuses the very next write of a deactivated person, though their record was just cached', async () => {
    const li = await api.call('GET', '/me', { as: 'officer-li' });
    expect(li.status).toBe(200);
    const record = personBodyOf(li.body);
    const off = await api.call('PUT', '/people/officer-li', {
      as: 'admin',
      body: { ...record, active: false },
    });
    expect(off.status).toBe(200);
    const write = await api.call('POST', '/findings', { as: 'officer-li', body: {} });
    expect(write.status).toBe(403);
    expect(write.body.error).toMatchObject({
      code: 'account_deactivated',
      message: "The account 'officer-li' is deactivated.",
    });
    // The write refreshed the cache: reads are refused from now on too.
    expect((await api.call('GET', '/me', { as: 'officer-li' })).status).toBe(403);
    const on = await api.call('PUT', '/people/officer-li', {
      as: 'admin',
      body: { ...record, active: true },
    });
    expect(on.status).toBe(200);
  });
});

describe('existence of person ids, probed by a supervisor', () => {
  /** An answer with the probed id written as <id>, to compare two answers but for the id. */
  const shape = (res: { status: number; body: { error: { requestId?: string } } }, id: string) => {
    const { requestId: _requestId, ...error } = res.body.error;
    return { status: res.status, error: JSON.parse(JSON.stringify(error).replaceAll(id, '<id>')) };
  };

  it('answers PUT /people/{id} of another office exactly as an unknown id, and creates nothing', async () => {
    const body = { name: 'probe', role: 'grid_worker', office: 'office-east' };
    const west = await api.call('PUT', '/people/worker-he', { as: 'sup-east', body });
    const unknown = await api.call('PUT', '/people/nobody-probe', { as: 'sup-east', body });
    expect(west.status).toBe(404);
    expect(shape(west, 'worker-he')).toEqual(shape(unknown, 'nobody-probe'));
    expect((await api.call('GET', '/people/nobody-probe', { as: 'admin' })).status).toBe(404);
    expect((await api.call('GET', '/people/worker-he', { as: 'admin' })).body.office).toBe('office-west');
  });

  it("answers a reassignment to another office's officer exactly as to an unknown one", async () => {
    const week = addDays(planningWeekStart(new Date(), api.config.timeZone), 14);
    const plan = await api.call('POST', '/plans', { as: 'sup-east', body: { weekStart: week } });
    expect(plan.status).toBe(201);
    const task = plan.body.tasks[0];
    expect(task).toBeDefined();
    const reassign = (officerId: string) =>
      api.call('POST', `/plans/${plan.body.id}/tasks/${task.id}/reassign`, {
        as: 'sup-east',
        body: { expectedVersion: task.version, officerId },
      });
    const west = await reassign('officer-wang');
    const unknown = await reassign('nobody-probe');
    expect(west.status).toBe(422);
    expect(shape(west, 'officer-wang')).toEqual(shape(unknown, 'nobody-probe'));
    expect(west.body.error.details).toEqual([
      { path: 'body.officerId', message: "[unknown_person] there is no person 'officer-wang'" },
    ]);
  });
});
