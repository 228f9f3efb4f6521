/**
 * The MFA gate of the pre-token-generation trigger (V2), decision 0040: a user whose groups hold a
 * role in MFA_REQUIRED_ROLES and who has no authenticator app enrolled gets tokens carrying
 * MFA_ENROLMENT_CLAIM, which the API refuses on every route. The sign-in itself is not failed: the
 * user needs the access token to enrol against Cognito. Everyone else's tokens are left as issued.
 */

import {
  AdminGetUserCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { MFA_ENROLMENT_CLAIM, mfaEnrolmentMissing, mfaRequiredFor } from '@gridpatrol/core';
import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';

/** What the gate needs of the Cognito client: one AdminGetUser call (a test passes a fake). */
export type MfaSettingsClient = Pick<CognitoIdentityProviderClient, 'send'>;

/**
 * Marks the event's tokens when the user must enrol in MFA first, and returns the event (a Cognito
 * trigger answers with the event it got). The event carries the user's groups but not their MFA
 * settings, so those are read with AdminGetUser, and only for a user who needs them.
 */
export async function gateMfaEnrolment(
  event: PreTokenGenerationV2TriggerEvent,
  cognito: MfaSettingsClient,
): Promise<PreTokenGenerationV2TriggerEvent> {
  const groups = event.request.groupConfiguration?.groupsToOverride ?? [];
  if (!mfaRequiredFor(groups)) return event;
  const user = await cognito.send(
    new AdminGetUserCommand({ UserPoolId: event.userPoolId, Username: event.userName }),
  );
  if (!mfaEnrolmentMissing(groups, user.UserMFASettingList)) return event;
  const claims = { [MFA_ENROLMENT_CLAIM]: 'true' };
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
