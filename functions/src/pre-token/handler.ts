/**
 * The Lambda of the user pool's pre-token-generation trigger (V2): the MFA gate of decision 0040
 * (gate.ts). An error here fails the sign-in, which is the safe side: no token without the check.
 */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { Context, PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { logger } from '../runtime';
import { gateMfaEnrolment } from './gate';

// Made once per container, not per sign-in.
const cognito = new CognitoIdentityProviderClient({});

export async function handler(
  event: PreTokenGenerationV2TriggerEvent,
  context?: Context,
): Promise<PreTokenGenerationV2TriggerEvent> {
  if (context) logger.addContext(context);
  return gateMfaEnrolment(event, cognito);
}
