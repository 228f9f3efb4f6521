/**
 * The `gridpatrol` command line: `start` runs the embedded default (DynamoDB Local, the city's
 * seed, the HTTP API on localhost, the scheduled jobs every minute); `token` prints a dev bearer token
 * for a person; `grid import` and `people import` load files of any size; `people cognito-command`
 * prints how to give a person a login; `jobs run` runs a scheduled job once, at any time;
 * `stats verify` recounts the counters and reports any that disagree; `plans verify` re-runs a plan's
 * draw from its stored snapshot and seed (0046); `findings backfill-index` gives
 * findings written before the city-wide index their keys (and the zone-less ones their `unzoned` counts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readCityConfig } from '@gridpatrol/cities';
import {
  buildGrid,
  type CityConfig,
  COORD_SYSTEMS,
  ConflictError,
  type CoordSys,
  formatVerification,
  type GridTopology,
  gridTopology,
  ImportRefusedError,
  type Language,
  localDate,
  message,
  NotVerifiableError,
  PlanId,
  type ResolutionSidecar,
  summariseProblems,
} from '@gridpatrol/core';
import { JOB_NAMES, jobNameOf } from '@gridpatrol/functions';
import { activateReviewed } from '@gridpatrol/functions/grid-import/activation';
import { runJob } from '@gridpatrol/functions/jobs/run';
import { deactivationConsequences, reactivationConsequences } from '@gridpatrol/functions/people/deactivate';
import { verifyPlan } from '@gridpatrol/functions/plans/verify';
import {
  backfillFindingIndex,
  getGridPointer,
  getPerson,
  getPlan,
  importPeople,
  loadSidecar,
  moveEvents,
  storeBuiltGrid,
  verifyCounters,
} from '@gridpatrol/store';
import { ensureWebBuilt } from '@gridpatrol/web/build';
import { SingleBar } from 'cli-progress';
import { Command, Option } from 'commander';
import { cliLanguage, type Speaker, speaker } from './cli-language';
import { clockOffset } from './clock-option';
import { devKey, issueDevToken } from './dev-auth';
import { formatEventMove } from './event-move';
import { formatGridDiff } from './grid-diff-print';
import { formatImportReport, writeImportReport } from './import-report';
import { formatIndexBackfill } from './index-backfill';
import { formatJobCounts, type JobTimer, startJobTimer } from './jobs-timer';
import { DATA_DIR } from './paths';
import { formatDeactivation, formatReactivation, readPeopleFile } from './people-import';
import { formatDrawVerification } from './plan-verify-print';
import { type LocalDatabase, openDatabase } from './runtime';
import { seedCity } from './seed';
import { startLocalServer } from './server';

/** People shown with their token in the banner: the people of DOMAIN.md, first in the seed. */
const BANNER_PEOPLE = 11;

const program = new Command('gridpatrol')
  .description('GridPatrol: joint patrols against unlicensed business.')
  .option('--lang <lang>', "zh-CN or en (default: LC_ALL or LANG, else the city's language)");

/** The command's words: --lang, else the locale, else the city's language (cli-language.ts). */
const speakerFor = (config: { language: Language; timeZone: string }): Speaker =>
  speaker(
    cliLanguage((program.opts() as { lang?: string }).lang, process.env, config.language),
    config.timeZone,
  );

/** The options of a command that works on a city's table, as onTable reads them. */
interface TableOptions {
  city: string;
  table?: string;
  endpoint?: string;
}

/**
 * A subcommand of `parent` that works on a city's table: --city, --table and --endpoint, which
 * onTable reads; `use` says in the help what the command does to the table.
 */
function tableCommand(parent: Command, name: string, use: string): Command {
  return parent
    .command(name)
    .option('--city <name>', 'city file in packages/cities/configs/', 'demo')
    .option('--table <name>', `table to ${use} (default: the local table of the city)`)
    .option(
      '--endpoint <url>',
      'DynamoDB endpoint (default: DYNAMODB_ENDPOINT, else the running `npm start`, else a DynamoDB Local of its own)',
    );
}

/**
 * Runs `work` on the table a command names (`--table`, `--endpoint`; else the city's local table,
 * the running `npm start`'s database when there is one), and closes it whatever happens.
 */
async function onTable<T>(
  config: CityConfig,
  opts: Omit<TableOptions, 'city'>,
  work: (db: LocalDatabase) => Promise<T>,
): Promise<T> {
  if (opts.endpoint) process.env.DYNAMODB_ENDPOINT = opts.endpoint;
  const db = await openDatabase(config, { persist: true, tableName: opts.table, reuseRunning: true });
  try {
    return await work(db);
  } finally {
    await db.stop();
  }
}

/** `--max`, when given, as the positive whole number it must be. */
function positiveMax(max: string | undefined): number | undefined {
  const n = max === undefined ? undefined : Number(max);
  if (n !== undefined && !(Number.isInteger(n) && n > 0))
    throw new Error(`--max '${max}' is not a positive whole number.`);
  return n;
}

program
  .command('start')
  .description('Serve the HTTP API on localhost over DynamoDB Local (data kept in .data/).')
  .option('--city <name>', 'city file in packages/cities/configs/', 'demo')
  .option('--port <port>', 'HTTP port (or PORT)', process.env.PORT ?? '3000')
  .option(
    '--clock <instant>',
    "run the server's clock from this instant, e.g. 2026-12-07T09:00+08:00 (try check-ins at any hour)",
  )
  .addOption(
    new Option(
      '--demo <size>',
      "the demo city's seed: full (the whole force, six weeks of findings) or small",
    )
      .choices(['full', 'small'])
      .default(process.env.GRIDPATROL_DEMO ?? 'full'),
  )
  .action(async (opts: { city: string; port: string; clock?: string; demo: string }) => {
    const config = readCityConfig(opts.city);
    const s = speakerFor(config);
    const started = Date.now();
    const clock = opts.clock === undefined ? { offsetMs: 0 } : clockOffset(opts.clock, started);
    if ('problem' in clock) {
      console.error(clock.problem);
      process.exit(2);
    }
    // The web app is built only when a source is newer than the last build (about a second).
    const web = await ensureWebBuilt();
    const db = await openDatabase(config, { persist: true, moveEvents: true });
    let server: Awaited<ReturnType<typeof startLocalServer>> | undefined;
    let jobs: JobTimer | undefined;
    const shutdown = async (signal: string) => {
      console.log(`\n${s.say('cli.stopping', { signal })}`);
      await jobs?.stop();
      await server?.close();
      await db.stop();
      process.exit(0);
    };
    process.once('SIGINT', () => void shutdown('SIGINT'));
    process.once('SIGTERM', () => void shutdown('SIGTERM'));
    try {
      const { people } = await seedCity(config, { full: opts.demo === 'full' });
      const key = devKey(DATA_DIR);
      // Tokens first: once /health answers, the banner with every token is already printed.
      const tokens = await Promise.all(people.map((p) => issueDevToken(key, p.id)));
      server = await startLocalServer({
        config,
        tokenKey: key,
        port: Number(opts.port),
        clockOffsetMs: clock.offsetMs,
      });
      // The EventBridge schedules' stand-in: a run is printed only when it changed something.
      jobs = startJobTimer({
        onRun: (job, counts) => {
          if (counts.changed > 0 || counts.conflicts > 0) console.log(formatJobCounts(job, counts, s));
        },
        onError: (job, err) => console.error(s.say('cli.job.failed', { job, reason: s.error(err) })),
      });
      const url = server.url;
      const lines = [
        '',
        s.say('cli.banner.ready', {
          city: config.displayName,
          seconds: ((Date.now() - started) / 1000).toFixed(1),
        }),
        `  ${s.say('cli.banner.api', { url })}`,
        `  ${s.say('cli.banner.app', { url, built: web.built ? s.say('cli.banner.builtNow') : '' })}`,
        `  ${s.say('cli.banner.database', {
          endpoint: db.endpoint,
          table: db.tableName,
          local: db.owned ? s.say('cli.banner.databaseLocal') : '',
        })}`,
        `  ${s.say('cli.banner.s3', {
          endpoint: server.s3Endpoint,
          buckets: Object.values(server.s3.buckets).join(', '),
          dir: path.relative(process.cwd(), server.s3.dir) || server.s3.dir,
        })}`,
        `  ${s.say('cli.banner.jobs')}`,
        ...(clock.offsetMs === 0 ? [] : [`  ${s.say('cli.banner.clock', { clock: opts.clock ?? '' })}`]),
        '',
        s.say('cli.banner.people'),
      ];
      // The people of DOMAIN.md come first in the seed; the rest of the force would bury the banner,
      // so they go to a file with their tokens.
      people.slice(0, BANNER_PEOPLE).forEach((p, i) => {
        lines.push(`  ${p.role.padEnd(13)} ${p.id.padEnd(16)} ${p.name}`);
        lines.push(`    ${tokens[i]}`);
      });
      if (people.length > BANNER_PEOPLE) {
        const file = path.join(DATA_DIR, 'people.txt');
        writeFileSync(
          file,
          people
            .map((p, i) => `${p.role.padEnd(13)} ${p.id.padEnd(22)} ${p.name}\n  ${tokens[i]}\n`)
            .join(''),
        );
        const byRole = new Map<string, number>();
        for (const p of people.slice(BANNER_PEOPLE)) byRole.set(p.role, (byRole.get(p.role) ?? 0) + 1);
        const roles = [...byRole].map(([r, c]) => s.say('cli.roleCount', { count: c, role: r }));
        lines.push(
          `  ${s.say('cli.banner.more', { count: people.length - BANNER_PEOPLE, roles: roles.join(', ') })}`,
          `    ${s.say('cli.banner.moreFile', { file: path.relative(process.cwd(), file) || file })}`,
        );
      }
      lines.push('', s.say('cli.banner.try'), `  curl ${server.url}/health`);
      lines.push(
        `  curl -H "Authorization: Bearer $(npx gridpatrol token admin)" ${server.url}/me`,
        '',
        s.say('cli.banner.stop'),
      );
      console.log(lines.join('\n'));
    } catch (err) {
      await jobs?.stop();
      await server?.close();
      await db.stop();
      throw err;
    }
  });

program
  .command('token')
  .description('Print a dev bearer token for a person (the demo administrator is "admin").')
  .argument('<personId>')
  .option('--ttl <duration>', 'lifetime, e.g. 12h or 30m (at most 12h)', '12h')
  .action(async (personId: string, opts: { ttl: string }) => {
    console.log(await issueDevToken(devKey(DATA_DIR), personId, opts.ttl));
  });

function readJsonFile(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`);
  }
}

const grid = program.command('grid').description('The grid registry: cells and zones.');
tableCommand(grid, 'import', 'write to')
  .description('Import cells and zones from GeoJSON files of any size as a new draft grid version.')
  .requiredOption('--cells <file>', 'FeatureCollection of grid cells')
  .requiredOption('--zones <file>', 'FeatureCollection of responsibility zones')
  .option(
    '--activate',
    'make the new version active at once, after review: refused (exit 3, the draft kept) when it would strand people, open findings or tasks, or drop too much area',
    false,
  )
  .option('--force', 'with --activate: activate despite the review (needs --reason)', false)
  .option('--reason <text>', 'with --force: why, recorded on the version')
  .option('--strict', 'refuse repairable defects instead of repairing them', false)
  .option('--report <file>', 'write the whole report (every error and warning) to this file as JSON')
  .addOption(
    new Option('--coord-sys <sys>', 'coordinate system of the files').choices(COORD_SYSTEMS).default('wgs84'),
  )
  .action(
    async (
      opts: {
        cells: string;
        zones: string;
        activate: boolean;
        force: boolean;
        reason?: string;
        strict: boolean;
        coordSys: CoordSys;
        report?: string;
      } & TableOptions,
    ) => {
      const config = readCityConfig(opts.city);
      const s = speakerFor(config);
      if (opts.force && !opts.reason?.trim()) {
        console.error(s.say('cli.grid.forceReason'));
        process.exit(1);
      }
      const started = Date.now();
      const reportFile = opts.report === undefined ? {} : { reportFile: opts.report };
      let built: ReturnType<typeof buildGrid>;
      try {
        built = buildGrid(readJsonFile(opts.cells), readJsonFile(opts.zones), {
          config,
          strict: opts.strict,
          coordSys: opts.coordSys,
        });
      } catch (err) {
        if (err instanceof ImportRefusedError) {
          console.error(s.error(err));
          for (const l of formatImportReport(err.report, reportFile, s)) console.error(l);
          if (opts.report) writeImportReport(opts.report, { ok: false, message: err.message, ...err.report });
          process.exit(2);
        }
        throw err;
      }
      console.log(
        s.say('cli.grid.checked', {
          cells: built.cells.length,
          zones: built.zones.length,
          seconds: ((Date.now() - started) / 1000).toFixed(1),
        }),
      );
      const summary = summariseProblems(built.report.warnings);
      for (const l of formatImportReport(summary, reportFile, s)) console.log(l);
      if (opts.report) {
        const { counts, coverage } = built.report;
        writeImportReport(opts.report, { ok: true, ...summary, counts, coverage });
      }
      await onTable(config, opts, async (db) => {
        const bar = new SingleBar({
          format: `${s.say('cli.grid.writing')}  [{bar}] {percentage}% {value}/{total}`,
          hideCursor: true,
        });
        bar.start(1, 0);
        const meta = await storeBuiltGrid(built, 'cli', (written, total) => {
          bar.setTotal(total);
          bar.update(written);
        });
        bar.stop();
        const c = built.report.coverage;
        console.log(s.say('cli.grid.written', { version: meta.version, table: db.tableName }));
        console.log(
          s.say('cli.grid.coverage', {
            unzoned: c.unzonedCells.length,
            straddling: c.straddlingCells.length,
            overlaps: c.zoneOverlaps.length,
          }),
        );
        if (opts.activate) {
          const request = opts.force ? { force: true, reason: opts.reason } : undefined;
          try {
            const { override } = await activateReviewed(
              meta.version,
              'cli',
              request,
              config.grid.maxDroppedAreaShare,
              {
                onDiff: (diff) => console.log(formatGridDiff(diff).join('\n')),
              },
            );
            if (override) {
              const n = override.blockers.length;
              console.log(
                s.text({
                  ...message('cli.grid.forced', { count: n, reason: override.reason }),
                  original: `Forced past ${n} blocker${n === 1 ? '' : 's'}: ${override.reason}`,
                }),
              );
            }
            console.log(s.say('cli.grid.active', { version: meta.version }));
          } catch (err) {
            if (!(err instanceof ConflictError)) throw err;
            console.error(s.error(err));
            console.error(s.say('cli.grid.staysDraft', { version: meta.version }));
            process.exitCode = 3;
          }
        }
      });
    },
  );

async function activeTopology(): Promise<Pick<GridTopology, 'zoneCells' | 'cellZones'>> {
  const pointer = await getGridPointer();
  if (pointer.activeVersion === undefined || !pointer.artifact)
    return { zoneCells: new Map(), cellZones: new Map() };
  const sidecar = (await loadSidecar(pointer.activeVersion, pointer.artifact)) as ResolutionSidecar;
  return gridTopology(pointer.activeVersion, sidecar);
}

const people = program
  .command('people')
  .description('People: officers, grid leaders and workers, volunteers.');
tableCommand(people, 'import', 'write to')
  .description(
    'Create or replace people from a CSV or JSON file. Every row is checked first; one bad row and nothing is imported.',
  )
  .argument('<file>', 'a .csv file (columns in packages/local/src/people-import.ts, README) or a .json array')
  .action(async (file: string, opts: TableOptions) => {
    const config = readCityConfig(opts.city);
    const s = speakerFor(config);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new Error(`${file}: ${(err as Error).message}`);
    }
    const format = /\.json$/i.test(file) ? 'json' : 'csv';
    await onTable(config, opts, async (db) => {
      const offices = config.offices.map((o) => o.id);
      const today = localDate(new Date(), config.timeZone);
      const { people: rows, problems } = readPeopleFile(text, format, offices, await activeTopology(), today);
      if (problems.length > 0) {
        const n = problems.length;
        console.error(
          s.text({
            ...message('cli.people.problems', { file, count: n }),
            original: `${file}: ${n} problem${n === 1 ? '' : 's'}; nothing was imported.`,
          }),
        );
        for (const p of problems.slice(0, 100))
          console.error(
            `  ${p.where}${p.field ? ` ${p.field}` : ''}: ${p.text ? s.text(p.text) : p.message}`,
          );
        if (problems.length > 100) console.error(s.say('cli.people.more', { count: problems.length - 100 }));
        process.exitCode = 2;
        return;
      }
      await importPeople(rows);
      console.log(s.say('cli.people.imported', { count: rows.length, table: db.tableName }));
      // A deactivation has the same consequences as through the API (docs/decisions/0025).
      const now = new Date();
      for (const person of rows.filter((p) => !p.active)) {
        const report = await deactivationConsequences(person, { id: 'people-import', role: 'system' }, now);
        for (const line of formatDeactivation(report)) console.log(line);
      }
      // A reactivation removes the flags that named the person (0025); a repeat prints nothing.
      for (const person of rows.filter((p) => p.active)) {
        const report = await reactivationConsequences(person, { id: 'people-import', role: 'system' }, now);
        for (const line of formatReactivation(report)) console.log(line);
      }
    });
  });

tableCommand(people, 'cognito-command', 'read the person from')
  .description(
    "Print the AWS CLI commands that create a person's Cognito user and put it in their role's group.",
  )
  .argument('<personId>')
  .requiredOption('--user-pool-id <id>', 'the stack output UserPoolId')
  .option('--username <name>', 'sign-in name (default: the person id)')
  .action(async (personId: string, opts: { userPoolId: string; username?: string } & TableOptions) => {
    const config = readCityConfig(opts.city);
    await onTable(config, opts, async () => {
      const person = await getPerson(personId);
      if (!person) throw new Error(`No person '${personId}'.`);
      const user = opts.username ?? person.id;
      console.log(
        [
          `aws cognito-idp admin-create-user --user-pool-id ${opts.userPoolId} --username ${user} \\`,
          `  --user-attributes Name=custom:person_id,Value=${person.id}`,
          `aws cognito-idp admin-add-user-to-group --user-pool-id ${opts.userPoolId} --username ${user} --group-name ${person.role}`,
        ].join('\n'),
      );
    });
  });

const jobsCommand = program
  .command('jobs')
  .description('The scheduled jobs (EventBridge in AWS, a timer under `npm start`).');
tableCommand(jobsCommand, 'run', 'work on')
  .description(
    'Run one job once and print what it did: overdue (deadlines), revisits, missed-tasks or draft-plans (next week).',
  )
  .addOption(new Option('--now <iso>', 'the time to run at (default: now); moves the clock for tests'))
  .argument('<job>', JOB_NAMES.join(' | '))
  .action(async (job: string, opts: { now?: string } & TableOptions) => {
    const name = jobNameOf(job);
    if (name === undefined) throw new Error(`No job '${job}'; the jobs are ${JOB_NAMES.join(', ')}.`);
    const now = opts.now === undefined ? new Date() : new Date(opts.now);
    if (Number.isNaN(now.getTime())) throw new Error(`--now '${opts.now}' is not a date.`);
    const config = readCityConfig(opts.city);
    await onTable(config, opts, async () => {
      console.log(formatJobCounts(name, await runJob(name, now, { config }), speakerFor(config)));
    });
  });

const statsCommand = program.command('stats').description('The automatic statistics: counters per area.');
tableCommand(statsCommand, 'verify', 'work on')
  .description(
    'Recount every counter from the findings and patrol tasks (no Scan) and report each one that disagrees; exits 1 if any does.',
  )
  .option('--json', 'print the report as JSON')
  .action(async (opts: { json?: boolean } & TableOptions) => {
    const config = readCityConfig(opts.city);
    await onTable(config, opts, async (db) => {
      // Counters lag their findings by the fold (0028): drain the stream first, so that a change
      // not yet folded is never reported as a disagreement.
      await db.settleCounters();
      const report = await verifyCounters({
        offices: config.offices.map((o) => o.id),
        timeZone: config.timeZone,
      });
      console.log(
        opts.json ? JSON.stringify(report, null, 2) : formatVerification(report, speakerFor(config).say),
      );
      if (report.disagreements.length > 0) process.exitCode = 1;
    });
  });

const plansCommand = program.command('plans').description('Joint-patrol plans.');
tableCommand(plansCommand, 'verify', 'read')
  .description(
    "Re-run a plan's draw (双随机一公开) from the input snapshot stored with it and its seed, as GET /plans/{id}/verify does; prints whether it is identical and, if not, which input part changed and the first task that differs. Exits 1 when not identical, 2 when the plan cannot be verified.",
  )
  .argument('<planId>')
  .option('--json', 'print the verification as JSON')
  .action(async (planId: string, opts: { json?: boolean } & TableOptions) => {
    const config = readCityConfig(opts.city);
    const s = speakerFor(config);
    if (!PlanId.safeParse(planId).success) throw new Error(s.say('cli.plans.badId', { id: planId }));
    await onTable(config, opts, async (db) => {
      const plan = await getPlan(planId);
      if (!plan) throw new Error(s.say('cli.plans.notFound', { id: planId, table: db.tableName }));
      let verification: Awaited<ReturnType<typeof verifyPlan>>;
      try {
        verification = await verifyPlan(plan);
      } catch (err) {
        if (!(err instanceof NotVerifiableError)) throw err;
        console.error(s.error(err));
        process.exitCode = 2;
        return;
      }
      console.log(
        opts.json
          ? JSON.stringify(verification, null, 2)
          : formatDrawVerification(verification, s.say).join('\n'),
      );
      if (!verification.identical) process.exitCode = 1;
    });
  });

const findingsCommand = program.command('findings').description('Maintenance of the stored findings.');
tableCommand(findingsCommand, 'backfill-index', 'work on')
  .description(
    "Give every finding written before the city-wide index (gsi5) its keys, and count the zone-less ones in 'unzoned'; safe to run again (it changes nothing the second time).",
  )
  .option('--max <n>', 'stop after this many findings (run again to go on)')
  .option('--json', 'print the report as JSON')
  .action(async (opts: { max?: string; json?: boolean } & TableOptions) => {
    const maxUpdates = positiveMax(opts.max);
    const config = readCityConfig(opts.city);
    await onTable(config, opts, async () => {
      const report = await backfillFindingIndex({ timeZone: config.timeZone, maxUpdates });
      console.log(
        opts.json ? JSON.stringify(report, null, 2) : formatIndexBackfill(report, speakerFor(config).say),
      );
    });
  });

const eventsCommand = program
  .command('events')
  .description('Maintenance of the stored finding and task events.');
tableCommand(eventsCommand, 'move', 'work on')
  .description(
    'Move the finding and task events stored before they had partitions of their own (EVENT#…, docs/decisions/0040) and mark the table; safe to stop and run again. Run once after deploying this version.',
  )
  .option('--max <n>', 'stop after about this many events (run again to go on)')
  .option('--json', 'print the report as JSON')
  .action(async (opts: { max?: string; json?: boolean } & TableOptions) => {
    const maxMoves = positiveMax(opts.max);
    const config = readCityConfig(opts.city);
    await onTable(config, opts, async () => {
      const report = await moveEvents({ maxMoves });
      console.log(
        opts.json ? JSON.stringify(report, null, 2) : formatEventMove(report, speakerFor(config).say),
      );
    });
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  // A domain error (a refused import, a conflict) in the command's language, when it is known.
  let words = err instanceof Error ? err.message : String(err);
  try {
    const config = readCityConfig((program.opts() as { city?: string }).city ?? 'demo');
    words = speakerFor(config).error(err);
  } catch {
    // No city to take a language from: the words as they are.
  }
  console.error(words);
  process.exit(1);
});
