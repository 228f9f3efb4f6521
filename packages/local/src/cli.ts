/**
 * The `gridpatrol` command line: `start` runs the embedded default (DynamoDB Local, the city's
 * seed, the HTTP API on localhost); `token` prints a dev bearer token for a person.
 */
import { readCityConfig } from '@gridpatrol/infra/cities';
import { Command } from 'commander';
import { devKey, issueDevToken } from './dev-auth';
import { DATA_DIR } from './paths';
import { openDatabase } from './runtime';
import { seedCity } from './seed';
import { startLocalServer } from './server';

const program = new Command('gridpatrol').description(
  'GridPatrol: joint patrols against unlicensed business.',
);

program
  .command('start')
  .description('Serve the HTTP API on localhost over DynamoDB Local (data kept in .data/).')
  .option('--city <name>', 'city file in infra/cities/', 'demo')
  .option('--port <port>', 'HTTP port (or PORT)', process.env.PORT ?? '3000')
  .action(async (opts: { city: string; port: string }) => {
    const config = readCityConfig(opts.city);
    const started = Date.now();
    const db = await openDatabase(config, { persist: true });
    let server: Awaited<ReturnType<typeof startLocalServer>> | undefined;
    const shutdown = async (signal: string) => {
      console.log(`\n${signal}: stopping the API and DynamoDB Local...`);
      await server?.close();
      await db.stop();
      process.exit(0);
    };
    process.once('SIGINT', () => void shutdown('SIGINT'));
    process.once('SIGTERM', () => void shutdown('SIGTERM'));
    try {
      const { people } = await seedCity(config);
      const key = devKey(DATA_DIR);
      server = await startLocalServer({ config, tokenKey: key, port: Number(opts.port) });
      const lines = [
        '',
        `GridPatrol · ${config.displayName} · ready in ${((Date.now() - started) / 1000).toFixed(1)} s`,
        `  API       ${server.url}   (OpenAPI: ${server.url}/openapi.json)`,
        `  Database  ${db.endpoint} table ${db.tableName}${db.owned ? ' (DynamoDB Local, data in .data/)' : ''}`,
        '',
        'People and their bearer tokens (valid 12 h; `npx gridpatrol token ID` makes a new one):',
      ];
      for (const p of people) {
        lines.push(`  ${p.role.padEnd(13)} ${p.id.padEnd(16)} ${p.name}`);
        lines.push(`    ${await issueDevToken(key, p.id)}`);
      }
      lines.push('', 'Try:', `  curl ${server.url}/health`);
      lines.push(
        `  curl -H "Authorization: Bearer $(npx gridpatrol token admin)" ${server.url}/me`,
        '',
        'Ctrl-C stops.',
      );
      console.log(lines.join('\n'));
    } catch (err) {
      await server?.close();
      await db.stop();
      throw err;
    }
  });

program
  .command('token')
  .description('Print a dev bearer token for a person (the demo administrator is "admin").')
  .argument('<personId>')
  .option('--ttl <duration>', 'lifetime, e.g. 12h or 30m', '12h')
  .action(async (personId: string, opts: { ttl: string }) => {
    console.log(await issueDevToken(devKey(DATA_DIR), personId, opts.ttl));
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
