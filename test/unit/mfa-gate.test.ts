/**
 * MFA for city_admin and supervisor (decision 0040): the pure decision in core, for each role with
 * and without an authenticator app, and the pre-token-generation trigger's gate with Cognito faked
 * (AWS is the one thing not run here).
 */
import {
  AdminGetUserCommand,
  type AdminGetUserCommandOutput,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  MFA_ENROLMENT_CLAIM,
  MFA_REQUIRED_ROLES,
  mfaEnrolmentMissing,
  mfaRequiredFor,
  ROLES,
} from '@gridpatrol/core';
import { gateMfaEnrolment, type MfaSettingsClient } from '@gridpatrol/functions/pre-token/gate';
import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';

const TOTP = ['SOFTWARE_TOKEN_MFA'];

describe('which roles need MFA', () => {
  it('is city_admin and supervisor, no other role', () => {
    expect(MFA_REQUIRED_ROLES).toEqual(['city_admin', 'supervisor']);
    for (const role of ROLES)
      expect(mfaRequiredFor([role]), role).toBe(role === 'city_admin' || role === 'supervisor');
  });

  it('counts a required role among several groups, and ignores groups that are no role', () => {
    expect(mfaRequiredFor(['volunteer', 'supervisor'])).toBe(true);
    expect(mfaRequiredFor(['City_Admin', 'admins'])).toBe(false);
    expect(mfaRequiredFor([])).toBe(false);
  });
});

describe('mfaEnrolmentMissing', () => {
  it.each(ROLES)('%s: marked only when the role needs MFA and no authenticator app is enrolled', (role) => {
    const needs = role === 'city_admin' || role === 'supervisor';
    expect(mfaEnrolmentMissing([role], undefined)).toBe(needs);
    expect(mfaEnrolmentMissing([role], [])).toBe(needs);
    expect(mfaEnrolmentMissing([role], TOTP)).toBe(false);
  });

  it('does not take SMS for the authenticator app the pool requires', () => {
    expect(mfaEnrolmentMissing(['supervisor'], ['SMS_MFA'])).toBe(true);
    expect(mfaEnrolmentMissing(['supervisor'], ['SMS_MFA', ...TOTP])).toBe(false);
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

const MARK = { [MFA_ENROLMENT_CLAIM]: 'true' };

describe('gateMfaEnrolment (the trigger)', () => {
  it('marks both tokens of a supervisor without an authenticator app, after asking Cognito for that user', async () => {
    const cognito = fakeCognito(undefined);
    const out = await gateMfaEnrolment(tokenEvent(['supervisor']), cognito.client);
    expect(cognito.calls).toEqual([{ UserPoolId: 'cn-north-1_Pool123', Username: 'wang.wei' }]);
    expect(out.response.claimsAndScopeOverrideDetails.idTokenGeneration?.claimsToAddOrOverride).toEqual(MARK);
    expect(out.response.claimsAndScopeOverrideDetails.accessTokenGeneration?.claimsToAddOrOverride).toEqual(
      MARK,
    );
  });

  it('leaves the tokens of a city_admin with TOTP enrolled as issued', async () => {
    const cognito = fakeCognito(TOTP);
    const out = await gateMfaEnrolment(tokenEvent(['city_admin']), cognito.client);
    expect(cognito.calls).toHaveLength(1);
    expect(out.response.claimsAndScopeOverrideDetails).toEqual({});
  });

  it('does not call Cognito for roles with optional MFA, nor for a user in no group', async () => {
    for (const groups of [['volunteer'], ['grid_worker', 'zone_officer'], [], undefined]) {
      const cognito = fakeCognito(undefined);
      const out = await gateMfaEnrolment(tokenEvent(groups), cognito.client);
      expect(cognito.calls, String(groups)).toEqual([]);
      expect(out.response.claimsAndScopeOverrideDetails).toEqual({});
    }
  });

  it('keeps claims another part of the response already set', async () => {
    const event = tokenEvent(['supervisor']);
    event.response.claimsAndScopeOverrideDetails = {
      idTokenGeneration: { claimsToAddOrOverride: { office: 'O-1' } },
    };
    const out = await gateMfaEnrolment(event, fakeCognito([]).client);
    expect(out.response.claimsAndScopeOverrideDetails.idTokenGeneration?.claimsToAddOrOverride).toEqual({
      office: 'O-1',
      ...MARK,
    });
  });

  it('fails the sign-in when Cognito cannot be asked: no token without the check', async () => {
    const failing: MfaSettingsClient = {
      send: (async () => {
        throw new Error('AccessDeniedException');
      }) as MfaSettingsClient['send'],
    };
    await expect(gateMfaEnrolment(tokenEvent(['city_admin']), failing)).rejects.toThrow('AccessDenied');
  });
});
