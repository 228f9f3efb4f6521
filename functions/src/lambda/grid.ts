/** Lambda entry of the HTTP handler group 'grid': its code loads at its first request (0057). */
import { deferredHandler } from './deferred';

export const handler = deferredHandler(() => import('../handlers/grid'));
