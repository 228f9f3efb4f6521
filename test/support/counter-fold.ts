/**
 * Counters follow the table's stream (docs/decisions/0028). A test that writes through the store
 * directly (no local server, so no poller of its own) drains the stream once before it reads them.
 */
import { readCityConfig } from '@gridpatrol/cities';
import { startCounterFold } from '@gridpatrol/local';
import { tableName } from '@gridpatrol/store';

/**
 * Folds every change of the current table (TABLE_NAME) written so far into its counters, with the
 * handler the counters Lambda runs. The handler reads the city's time zone from the environment,
 * as in Lambda; `city` fills it when nothing has set it yet.
 *
 * @example await createFindingTx(f, e); await drainCounterStream(); await getCounters(['city'])
 */
export async function drainCounterStream(city = 'demo'): Promise<void> {
  process.env.GRIDPATROL_CITY_CONFIG ??= JSON.stringify(readCityConfig(city));
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  if (!endpoint) throw new Error('DYNAMODB_ENDPOINT is not set');
  const fold = startCounterFold({ endpoint, tableName: tableName(), background: false });
  try {
    await fold.settle();
  } finally {
    await fold.stop();
  }
}
