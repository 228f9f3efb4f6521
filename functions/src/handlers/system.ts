import { getCityRecord, withRequestBudget } from '@gridpatrol/store';
import { httpHandler } from '../http/chain';
import { openApiDocument } from '../openapi';
import { SYSTEM_ROUTES } from '../routes/system';
import { cityConfig, logger } from '../runtime';
import { VERSION } from '../version';

const HEALTH_RETRY_WINDOW_MS = 1_000;

export const handler = httpHandler('system', SYSTEM_ROUTES, {
  // Public: it names neither the city nor the table, only whether the database answers.
  getHealth: async () => {
    try {
      // A probe wants a quick answer, not the request's full retry budget: retries may start
      // only within its first second, so a database that is gone is a 503 in about a second.
      await withRequestBudget(Date.now() + HEALTH_RETRY_WINDOW_MS, getCityRecord);
      return { body: { ok: true, version: VERSION } };
    } catch (error) {
      logger.error('health: table does not answer', { error: error as Error });
      return { status: 503, body: { ok: false, version: VERSION }, headers: { 'retry-after': '5' } };
    }
  },
  getOpenApi: async () => ({ body: openApiDocument(cityConfig().name) as { openapi: string } }),
});
