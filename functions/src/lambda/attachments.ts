/** Lambda entry of the attachments function: its code loads at its first invocation (0057). */
import { deferredHandler } from './deferred';

export const handler = deferredHandler(() => import('../attachments/handler'));
