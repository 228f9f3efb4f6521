/**
 * The Lambda of the user pool's pre-token-generation trigger (V2): the MFA mark of decision 0040
 * (gate.ts). When Cognito cannot be asked, the tokens are issued without the mark: the safe side
 * (the roles that need MFA are refused by the API) without stopping field workers from signing in.
 */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { Context, PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { logger } from '../runtime';
import { markMfaEnrolment } from './gate';

// Made once per container, not per sign-in.
const cognito = new CognitoIdentityProviderClient({});

export async function handler(
  event: PreTokenGenerationV2TriggerEvent,
  context?: Context,
): Promise<PreTokenGenerationV2TriggerEvent> {
  if (context) logger.addContext(context);
  try {
    return await markMfaEnrolment(event, cognito);
  } catch (error) {
    logger.error('MFA settings unreadable; tokens issued without the MFA mark', { error });
    return event;
  }
}
