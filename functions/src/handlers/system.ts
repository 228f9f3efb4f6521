import { getCityRecord } from '@gridpatrol/store';
import { httpHandler } from '../http/chain';
import { openApiDocument } from '../openapi';
import { cityConfig, logger } from '../runtime';
import { VERSION } from '../version';

export const handler = httpHandler('system', {
  // Public: it names neither the city nor the table, only whether the database answers.
  getHealth: async () => {
    try {
      await getCityRecord();
      return { body: { ok: true, version: VERSION } };
    } catch (error) {
      logger.error('health: table does not answer', { error: error as Error });
      return { status: 503, body: { ok: false, version: VERSION }, headers: { 'retry-after': '5' } };
    }
  },
  getOpenApi: async () => ({ body: openApiDocument(cityConfig().name) as { openapi: string } }),
});
