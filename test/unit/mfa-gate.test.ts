/**
 * MFA for city_admin and supervisor (decision 0040): the pure decisions in core, for each role with
 * and without the mark, and the pre-token-generation trigger's mark with Cognito faked (AWS is the
 * one thing not run here).
 */
import {
  AdminGetUserCommand,
  type AdminGetUserCommandOutput,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  assertMfaSatisfied,
  MFA_CLAIM,
  MFA_REQUIRED_ROLES,
  MfaEnrolmentRequiredError,
  mfaEnrolled,
  ROLES,
} from '@gridpatrol/core';
import { type MfaSettingsClient, markMfaEnrolment } from '@gridpatrol/functions/pre-token/gate';
import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';

// The handler's own Cognito client, pointed at a closed port: "Cognito cannot be asked", at once.
vi.hoisted(() => {
  Object.assign(process.env, {
    AWS_REGION: 'cn-north-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: 'http://127.0.0.1:9',
    AWS_MAX_ATTEMPTS: '1',
  });
});

import { handler } from '@gridpatrol/functions/pre-token/handler';

const TOTP = ['SOFTWARE_TOKEN_MFA'];

describe('which roles need MFA', () => {
  it('is city_admin and supervisor, no other role', () => {
    expect(MFA_REQUIRED_ROLES).toEqual(['city_admin', 'supervisor']);
  });

  it.each(ROLES)('%s: refused without the mark only when the role needs MFA; never with it', (role) => {
    const needs = role === 'city_admin' || role === 'supervisor';
    if (needs) expect(() => assertMfaSatisfied({ role }, false)).toThrow(MfaEnrolmentRequiredError);
    else expect(() => assertMfaSatisfied({ role }, false)).not.toThrow();
    expect(() => assertMfaSatisfied({ role }, true)).not.toThrow();
  });
});

describe('mfaEnrolled', () => {
  it('takes the authenticator app, not SMS, not nothing', () => {
    expect(mfaEnrolled(TOTP)).toBe(true);
    expect(mfaEnrolled(['SMS_MFA', ...TOTP])).toBe(true);
    expect(mfaEnrolled(['SMS_MFA'])).toBe(false);
    expect(mfaEnrolled([])).toBe(false);
    expect(mfaEnrolled(undefined)).toBe(false);
  });
});

/** A pre-token-generation V2 event as Cognito sends it at sign-in. */
function tokenEvent(groups: string[] | undefined): PreTokenGenerationV2TriggerEvent {
  return {
    version: '2',
    region: 'cn-north-1',
    userPoolId: 'cn-north-1_Pool123',
    triggerSource: 'TokenGeneration_Authentication',
    userName: 'wang.wei',
    callerContext: { awsSdkVersion: 'aws-sdk-js-3', clientId: 'client-1' },
    request: {
      userAttributes: { sub: 'u-1', 'custom:person_id': 'P-7' },
      groupConfiguration: { groupsToOverride: groups },
    },
    response: { claimsAndScopeOverrideDetails: {} },
  };
}

/** Cognito faked: answers AdminGetUser with the given MFA settings and records what was asked. */
function fakeCognito(mfaSettings: string[] | undefined) {
  const calls: AdminGetUserCommand['input'][] = [];
  const client: MfaSettingsClient = {
    send: (async (command: unknown) => {
      if (!(command instanceof AdminGetUserCommand)) throw new Error('only AdminGetUser is expected');
      calls.push(command.input);
      return {
        Username: command.input.Username,
        UserMFASettingList: mfaSettings,
        $metadata: {},
      } satisfies AdminGetUserCommandOutput;
    }) as MfaSettingsClient['send'],
  };
  return { client, calls };
}

const MARK = { [MFA_CLAIM]: 'totp' };

describe('markMfaEnrolment (the trigger)', () => {
  it('marks both tokens of a user with an authenticator app, after asking Cognito for that user', async () => {
    const cognito = fakeCognito(TOTP);
    const out = await markMfaEnrolment(tokenEvent(['city_admin']), cognito.client);
    expect(cognito.calls).toEqual([{ UserPoolId: 'cn-north-1_Pool123', Username: 'wang.wei' }]);
    expect(out.response.claimsAndScopeOverrideDetails.idTokenGeneration?.claimsToAddOrOverride).toEqual(MARK);
    expect(out.response.claimsAndScopeOverrideDetails.accessTokenGeneration?.claimsToAddOrOverride).toEqual(
      MARK,
    );
  });

  it('leaves the tokens of a user without one (or with SMS only) unmarked, whatever their groups', async () => {
    for (const [groups, settings] of [
      [['supervisor'], undefined],
      [['city_admin'], ['SMS_MFA']],
      [[], []],
      [undefined, undefined],
    ] as const) {
      const cognito = fakeCognito(settings as string[] | undefined);
      const out = await markMfaEnrolment(tokenEvent(groups as string[] | undefined), cognito.client);
      expect(cognito.calls, String(groups)).toHaveLength(1);
      expect(out.response.claimsAndScopeOverrideDetails).toEqual({});
    }
  });

  it('keeps claims another part of the response already set', async () => {
    const event = tokenEvent(['supervisor']);
    event.response.claimsAndScopeOverrideDetails = {
      idTokenGeneration: { claimsToAddOrOverride: { office: 'O-1' } },
    };
    const out = await markMfaEnrolment(event, fakeCognito(TOTP).client);
    expect(out.response.claimsAndScopeOverrideDetails.idTokenGeneration?.claimsToAddOrOverride).toEqual({
      office: 'O-1',
      ...MARK,
    });
  });

  it('throws when Cognito cannot be asked, marking nothing (the handler then issues the tokens unmarked)', async () => {
    const failing: MfaSettingsClient = {
      send: (async () => {
        throw new Error('AccessDeniedException');
      }) as MfaSettingsClient['send'],
    };
    const event = tokenEvent(['city_admin']);
    await expect(markMfaEnrolment(event, failing)).rejects.toThrow('AccessDenied');
    expect(event.response.claimsAndScopeOverrideDetails).toEqual({});
  });
});

describe('the trigger Lambda', () => {
  it('issues the tokens unmarked when Cognito cannot be asked, so field roles still sign in', async () => {
    const out = await handler(tokenEvent(['grid_worker']));
    expect(out.response.claimsAndScopeOverrideDetails).toEqual({});
  });
});
