/** Lambda entry of the notifications function: its code loads at its first invocation (0057). */
import { deferredHandler } from './deferred';

export const handler = deferredHandler(() => import('../notifications/handler'));
