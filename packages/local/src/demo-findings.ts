/**
 * Six weeks of findings for the demo city that `npm start` serves (issue 16): reported by the grid
 * people of their cells, acted on by the officers of their zones through the same core steps and
 * store transactions as the API, at past times, then the revisits and overdue jobs run, so every
 * state is there (reported, verified, rejected, rectifying — some overdue —, transferred, resolved,
 * revisit_due, closed, and reopened cases back in rectification). Not in the tests' seed: their
 * counts start from an empty city.
 */
import {
  type Action,
  applyAction,
  type CityConfig,
  cellCentroids,
  createFinding,
  type Finding,
  type Person,
  resolvePoint,
  routingOf,
  scopeOf,
} from '@gridpatrol/core';
import { activeGridAndTopology } from '@gridpatrol/functions/grid-cache';
import { runJob } from '@gridpatrol/functions/jobs/run';
import { logger } from '@gridpatrol/functions/runtime';
import { applyActionTx, createFindingTx, getFinding, newFindingId } from '@gridpatrol/store';

const DAY = 24 * 3600_000;
const NAMES = [
  '张记小吃',
  '老王烧烤',
  '便民超市',
  '阿强理发',
  '小李网吧',
  '废品回收站',
  '早餐铺',
  '水果摊',
  '麻辣烫',
  '修鞋铺',
];
const TYPES = [
  'restaurant',
  'food_stall',
  'grocery',
  'barber',
  'internet_cafe',
  'scrap_collection',
  'restaurant',
  'food_stall',
  'restaurant',
  'other',
];
const USCC = '91330100716105852F';

/** Where each finding ends, in order; the list repeats over the chosen cells. */
const STORIES = [
  'reported',
  'verified',
  'rejected',
  'rectifying',
  'overdue',
  'transferred',
  'resolved',
  'revisit_due',
  'closed',
  'reopened',
] as const;
type Story = (typeof STORIES)[number];

/** The actions a story takes after the report, each `days` after it; deadlines are set from then. */
function stepsOf(story: Story, reportedAt: number): { action: Record<string, unknown>; at: number }[] {
  const at = (d: number) => reportedAt + d * DAY;
  const iso = (t: number) => new Date(t).toISOString();
  const verify = { action: { action: 'verify' }, at: at(1) };
  const order = (deadlineDays: number) => ({
    action: { action: 'order_rectification', deadline: iso(at(2 + deadlineDays)) },
    at: at(2),
  });
  const resolve = { action: { action: 'resolve', outcome: 'licensed', uscc: USCC }, at: at(5) };
  switch (story) {
    case 'reported':
      return [];
    case 'verified':
      return [verify];
    case 'rejected':
      return [{ action: { action: 'reject', reason: 'not_found' }, at: at(1) }];
    case 'rectifying':
      return [verify, order(30)];
    case 'overdue':
      return [verify, order(3)];
    case 'transferred':
      return [
        verify,
        {
          action: {
            action: 'transfer',
            department: 'health',
            receiptNo: '卫转-2026-018',
            deadline: iso(at(40)),
          },
          at: at(2),
        },
      ];
    default:
      // resolved, revisit_due, closed, reopened: resolved first (the revisit comes 30 days later).
      return [verify, order(10), resolve];
  }
}

/**
 * Writes the demo findings at times before `now`; returns how many of each story.
 *
 * @example await seedDemoFindings(config, people, new Date()) // { reported: 3, verified: 3, … }
 */
export async function seedDemoFindings(
  config: CityConfig,
  people: readonly Person[],
  now: Date,
  perStory = 3,
): Promise<Record<Story, number>> {
  // The jobs below log each case they move; the seed's are no news (the banner follows).
  const level = logger.getLevelName();
  logger.setLogLevel('WARN');
  try {
    return await writeDemoFindings(config, people, now, perStory);
  } finally {
    logger.setLogLevel(level);
  }
}

async function writeDemoFindings(
  config: CityConfig,
  people: readonly Person[],
  now: Date,
  perStory: number,
): Promise<Record<Story, number>> {
  const { grid, topology } = await activeGridAndTopology();
  const centres = [...cellCentroids(grid.index)].sort(([a], [b]) => a.localeCompare(b));
  const counts = Object.fromEntries(STORIES.map((s) => [s, 0])) as Record<Story, number>;
  const reporterOf = (cellId: string) =>
    people.find((p) => (p.role === 'grid_worker' || p.role === 'grid_leader') && p.cells.includes(cellId));
  const officerOf = (zoneId: string | null) =>
    people.find((p) => p.role === 'zone_officer' && zoneId !== null && p.zones.includes(zoneId));
  const total = STORIES.length * perStory;
  const step = Math.max(1, Math.floor(centres.length / total));
  const afterRevisit: { id: string; story: Story; officer: Person }[] = [];
  for (let i = 0; i < total; i++) {
    const [, centre] = centres[(i * step) % centres.length] as [string, [number, number]];
    const story = STORIES[i % STORIES.length] as Story;
    const routing = routingOf(
      resolvePoint(grid, { lon: centre[0], lat: centre[1] }, config.grid.snapToleranceM),
      topology.zoneOffice,
    );
    const reporter = routing.cellId === null ? undefined : reporterOf(routing.cellId);
    const officer = officerOf(routing.zoneId);
    if (!reporter || !officer) continue;
    // Those that reach their revisit were reported six weeks ago; the rest within the last four.
    const weeksBack = ['revisit_due', 'closed', 'reopened'].includes(story) ? 6 : 4;
    const reportedAt = now.getTime() - weeksBack * 7 * DAY + (i % 7) * DAY + 9 * 3600_000;
    const recent = story === 'reported' ? now.getTime() - ((i % 3) + 1) * DAY : reportedAt;
    const created = createFinding({
      id: newFindingId(),
      input: {
        lon: routing.lon,
        lat: routing.lat,
        accuracyM: 10,
        address: `示范路 ${100 + i} 号`,
        businessName: NAMES[i % NAMES.length] as string,
        businessType: TYPES[i % TYPES.length] as string,
        kind: i % 3 === 0 ? 'both' : 'unlicensed',
        photos: [],
      },
      routing,
      reporter: { id: reporter.id, role: reporter.role },
      scope: scopeOf(reporter, topology),
      now: new Date(recent),
      config,
    });
    await createFindingTx(created.finding, created.event);
    let finding: Finding = created.finding;
    const officerScope = scopeOf(officer, topology);
    for (const s of stepsOf(story, recent)) {
      const action = { ...s.action, expectedVersion: finding.version } as Action;
      const next = applyAction(
        finding,
        action,
        { id: officer.id, role: officer.role },
        officerScope,
        new Date(s.at),
        config,
      );
      await applyActionTx(finding, next.finding, next.event);
      finding = next.finding;
    }
    if (story === 'closed' || story === 'reopened') afterRevisit.push({ id: finding.id, story, officer });
    counts[story]++;
  }
  // The jobs of the weeks gone by: resolved cases reach their revisit, late ones turn overdue.
  await runJob('revisits', now, { config });
  for (const { id, story, officer } of afterRevisit) {
    const finding = await getFinding(id);
    if (finding?.status !== 'revisit_due') continue;
    const action = (
      story === 'closed'
        ? { action: 'confirm_revisit', expectedVersion: finding.version }
        : {
            action: 'reopen',
            expectedVersion: finding.version,
            deadline: new Date(now.getTime() + 14 * DAY).toISOString(),
          }
    ) as Action;
    const at = new Date(now.getTime() - 3600_000);
    const next = applyAction(
      finding,
      action,
      { id: officer.id, role: officer.role },
      scopeOf(officer, topology),
      at,
      config,
    );
    await applyActionTx(finding, next.finding, next.event);
  }
  await runJob('overdue', now, { config });
  return counts;
}
