/**
 * The MFA mark of the pre-token-generation trigger (V2), decision 0040: a user with an authenticator
 * app enrolled gets tokens carrying MFA_CLAIM; the API refuses a token without it to anyone whose
 * person record holds a role in MFA_REQUIRED_ROLES. Whether the mark is needed is the API's decision,
 * made from the record: Cognito groups are not read, so they can never let a supervisor past it.
 */

import {
  AdminGetUserCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { MFA_CLAIM, MFA_CLAIM_VALUE, mfaEnrolled } from '@gridpatrol/core';
import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';

/** What the gate needs of the Cognito client: one AdminGetUser call (a test passes a fake). */
export type MfaSettingsClient = Pick<CognitoIdentityProviderClient, 'send'>;

/**
 * Marks the event's tokens when the user has an authenticator app enrolled, and returns the event (a
 * Cognito trigger answers with the event it got). The event carries the user's attributes but not
 * their MFA settings, so those are read with AdminGetUser, at every sign-in and refresh.
 */
export async function markMfaEnrolment(
  event: PreTokenGenerationV2TriggerEvent,
  cognito: MfaSettingsClient,
): Promise<PreTokenGenerationV2TriggerEvent> {
  const user = await cognito.send(
    new AdminGetUserCommand({ UserPoolId: event.userPoolId, Username: event.userName }),
  );
  if (!mfaEnrolled(user.UserMFASettingList)) return event;
  const claims = { [MFA_CLAIM]: MFA_CLAIM_VALUE };
  const details = event.response.claimsAndScopeOverrideDetails ?? {};
  event.response.claimsAndScopeOverrideDetails = {
    ...details,
    idTokenGeneration: {
      ...details.idTokenGeneration,
      claimsToAddOrOverride: { ...details.idTokenGeneration?.claimsToAddOrOverride, ...claims },
    },
    accessTokenGeneration: {
      ...details.accessTokenGeneration,
      claimsToAddOrOverride: { ...details.accessTokenGeneration?.claimsToAddOrOverride, ...claims },
    },
  };
  return event;
}
