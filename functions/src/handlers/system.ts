import { getCityRecord, tableName } from '@gridpatrol/store';
import { httpHandler } from '../http/chain';
import { openApiDocument } from '../openapi';
import { cityConfig, logger } from '../runtime';
import { VERSION } from '../version';

export const handler = httpHandler('system', {
  getHealth: async () => {
    const base = { city: cityConfig().name, version: VERSION, table: tableName() };
    try {
      await getCityRecord();
      return { body: { ok: true, ...base } };
    } catch (error) {
      logger.error('health: table does not answer', { error: error as Error });
      return { status: 503, body: { ok: false, ...base } };
    }
  },
  getOpenApi: async () => ({ body: openApiDocument(cityConfig().name) as { openapi: string } }),
});
