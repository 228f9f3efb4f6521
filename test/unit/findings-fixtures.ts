/** Shared fixtures of the findings tests (not a test file itself). */
import { parseCityConfig } from '@gridpatrol/core/city-config';
import {
  type ActionResult,
  type Actor,
  allowedActions,
  applyAction,
  createFinding,
  dueForRevisit,
  type FindingRouting,
  markOverdue,
} from '@gridpatrol/core/findings/lifecycle';
import type {
  Action,
  ActionName,
  Finding,
  FindingStatus,
  ReportInput,
} from '@gridpatrol/core/findings/schema';
import type { GridTopology } from '@gridpatrol/core/grid/topology';
import type { Scope } from '@gridpatrol/core/policy';

export const config = parseCityConfig({
  name: 'demo-city',
  displayName: '示范市',
  timeZone: 'Asia/Shanghai',
  bbox: [119, 29, 121, 31],
  offices: [
    { id: 'east', name: '东区市场监管所' },
    { id: 'west', name: '西区市场监管所' },
  ],
  departments: [
    { id: 'health', name: '卫生健康局' },
    { id: 'urban', name: '城市管理局' },
  ],
  findingCategories: [
    { id: 'restaurant', name: '餐饮' },
    { id: 'grocery', name: '食杂店' },
  ],
  findings: { duplicateDistanceM: 30, revisitDelayDays: 30, escalateToAdminAfterDays: 7 },
});

export const DAY = 86_400_000;
export const T0 = new Date('2025-03-01T02:00:00.000Z');
export const at = (ms: number) => new Date(T0.getTime() + ms);

/** East office: zones Z1 (cells C1, C2) and Z2 (cells C2, C3). West office: zone W1 (cell C9). */
export const admin: Actor = { id: 'admin', role: 'city_admin' };
export const supEast: Actor = { id: 'sup-east', role: 'supervisor' };
export const supWest: Actor = { id: 'sup-west', role: 'supervisor' };
export const officerZ1: Actor = { id: 'li', role: 'zone_officer' };
export const officerZ2: Actor = { id: 'wang', role: 'zone_officer' };
export const leader: Actor = { id: 'chen', role: 'grid_leader' };
export const worker: Actor = { id: 'liu', role: 'grid_worker' };
export const volunteer: Actor = { id: 'zhao', role: 'volunteer' };

const area = (a: Actor, office: string, zones: string[], cells: string[]): Scope => ({
  kind: 'area',
  personId: a.id,
  role: a.role,
  office,
  zones: new Set(zones),
  cells: new Set(cells),
});
export const scopes = new Map<string, Scope>([
  ['admin', { kind: 'city', personId: 'admin', role: 'city_admin' }],
  ['sup-east', area(supEast, 'east', ['Z1', 'Z2'], ['C1', 'C2', 'C3'])],
  ['sup-west', area(supWest, 'west', ['W1'], ['C9'])],
  ['li', area(officerZ1, 'east', ['Z1'], ['C1', 'C2'])],
  ['wang', area(officerZ2, 'east', ['Z2'], ['C2', 'C3'])],
  ['chen', area(leader, 'east', [], ['C1'])],
  ['liu', area(worker, 'east', [], ['C1'])],
  ['zhao', { kind: 'reporter', personId: 'zhao', role: 'volunteer', cells: new Set(['C1']) }],
]);
export function scopeFor(a: Actor): Scope {
  const s = scopes.get(a.id);
  if (s === undefined) throw new Error(`no scope for ${a.id}`);
  return s;
}
export const ACTORS: readonly Actor[] = [
  admin,
  supEast,
  supWest,
  officerZ1,
  officerZ2,
  leader,
  worker,
  volunteer,
];

export const routingZ1: FindingRouting = {
  lon: 120.1,
  lat: 30.2,
  gridVersion: 3,
  cellId: 'C1',
  zoneId: 'Z1',
  zones: ['Z1'],
  officeId: 'east',
};

export const report: ReportInput = {
  lon: 120.1,
  lat: 30.2,
  address: '幸福路 12 号',
  businessName: '张三小吃店',
  businessType: 'restaurant',
  kind: 'unlicensed',
  photos: ['A-0123456789abcdef0123456789abcdef'],
};

export function newFinding(
  opts: {
    id?: string;
    routing?: FindingRouting;
    possibleDuplicateOf?: string;
    now?: Date;
    reporter?: Actor;
  } = {},
): Finding {
  return createFinding({
    id: opts.id ?? 'F-0001',
    input: report,
    routing: opts.routing ?? routingZ1,
    reporter: opts.reporter ?? worker,
    scope: scopeFor(opts.reporter ?? worker),
    now: opts.now ?? T0,
    config,
    possibleDuplicateOf: opts.possibleDuplicateOf,
  }).finding;
}

export const deadlineIn = (now: Date, days: number) => new Date(now.getTime() + days * DAY).toISOString();

/** A well-formed action of each kind, legal wherever the table allows that action. */
export function sampleAction(
  name: ActionName,
  f: Finding,
  now: Date,
  pick: { outcome?: 0 | 1 | 2; reason?: 0 | 1 | 2; department?: 0 | 1; days?: number } = {},
): Action {
  const expectedVersion = f.version;
  const deadline = deadlineIn(now, pick.days ?? 15);
  switch (name) {
    case 'verify':
    case 'separate':
    case 'confirm_revisit':
      return { action: name, expectedVersion };
    case 'reject': {
      const reason =
        (['not_found', 'duplicate', 'already_licensed'] as const)[pick.reason ?? 0] ?? 'not_found';
      return reason === 'duplicate'
        ? { action: 'reject', expectedVersion, reason, duplicateOf: 'F-OTHER' }
        : { action: 'reject', expectedVersion, reason };
    }
    case 'order_rectification':
      return { action: name, expectedVersion, deadline };
    case 'transfer':
      return {
        action: name,
        expectedVersion,
        department: pick.department === 1 ? 'urban' : 'health',
        receiptNo: 'WJ-2025-0042',
        deadline,
      };
    case 'resolve': {
      const outcome = (['licensed', 'ceased', 'moved_away'] as const)[pick.outcome ?? 1] ?? 'ceased';
      return outcome === 'licensed'
        ? { action: name, expectedVersion, outcome, uscc: '91110108551385082Q' }
        : { action: name, expectedVersion, outcome };
    }
    case 'extend_deadline':
      return { action: name, expectedVersion, deadline, note: '店主已提交材料，延期办理' };
    case 'reopen':
      return { action: name, expectedVersion, deadline };
  }
}

/**
 * A sample action of kind `name` (`pick` as sampleAction) taken by `actor` in their scope at `now`,
 * under the test city's config.
 */
export const actAs = (
  actor: Actor,
  f: Finding,
  name: ActionName,
  now: Date,
  pick: Parameters<typeof sampleAction>[3] = {},
): ActionResult => applyAction(f, sampleAction(name, f, now, pick), actor, scopeFor(actor), now, config);

/** The legal path to each state, acting as the city admin. */
const PATHS: Record<FindingStatus, readonly (ActionName | 'job:revisit')[]> = {
  reported: [],
  verified: ['verify'],
  rejected: ['reject'],
  rectifying: ['verify', 'order_rectification'],
  transferred: ['verify', 'transfer'],
  resolved: ['verify', 'order_rectification', 'resolve'],
  revisit_due: ['verify', 'order_rectification', 'resolve', 'job:revisit'],
  closed: ['verify', 'order_rectification', 'resolve', 'job:revisit', 'confirm_revisit'],
};

/** A finding brought to `status` by legal steps; its clock ends at the returned `now`. */
/** Routings of a random run: two zones of the east office, the west office, and no cell at all. */
export const ROUTINGS: readonly FindingRouting[] = [
  routingZ1,
  { ...routingZ1, cellId: 'C2', zoneId: 'Z2', zones: ['Z2', 'Z1'] },
  { ...routingZ1, cellId: 'C9', zoneId: 'W1', zones: ['W1'], officeId: 'west' },
  { ...routingZ1, cellId: null, zoneId: null, zones: [], officeId: null },
];

/** One step of a random run in the property tests: a time rule, or the `choice`-th allowed action. */
export type RunStep =
  | { kind: 'act'; choice: number; days: number; outcome: 0 | 1 | 2; reason: 0 | 1 | 2; department: 0 | 1 }
  | { kind: 'overdue' | 'revisit' };

/** Applies a run step to a finding as the city admin at `now`; null when nothing applies. */
export function runStep(before: Finding, step: RunStep, now: Date): ActionResult | null {
  if (step.kind !== 'act')
    return step.kind === 'overdue' ? markOverdue(before, now, config) : dueForRevisit(before, now, config);
  const allowed = allowedActions(before, admin, scopeFor(admin));
  const name = allowed[step.choice % Math.max(1, allowed.length)];
  if (name === undefined) return null;
  return actAs(admin, before, name, now, step);
}

export function findingIn(
  status: FindingStatus,
  opts: { possibleDuplicateOf?: string; routing?: FindingRouting } = {},
): { finding: Finding; now: Date } {
  let f = newFinding(opts);
  let now = T0;
  for (const step of PATHS[status]) {
    now = new Date(now.getTime() + DAY);
    if (step === 'job:revisit') {
      now = new Date(now.getTime() + config.findings.revisitDelayDays * DAY);
      const change = dueForRevisit(f, now, config);
      if (change === null) throw new Error('revisit did not fall due');
      f = change.finding;
    } else {
      f = actAs(admin, f, step, now).finding;
    }
  }
  return { finding: f, now };
}

/**
 * Grid version 3 of the area-scoped tests (statistics, exports): east zones Z1 and Z2 sharing C2
 * (C1 only in Z1, C3 only in Z2), and the west's W1 with C9.
 */
export const eastWestTopology: GridTopology = {
  version: 3,
  cellZones: new Map([
    ['C1', ['Z1']],
    ['C2', ['Z1', 'Z2']],
    ['C3', ['Z2']],
    ['C9', ['W1']],
  ]),
  zoneCells: new Map([
    ['Z1', ['C1', 'C2']],
    ['Z2', ['C2', 'C3']],
    ['W1', ['C9']],
  ]),
  zoneOffice: new Map([
    ['Z1', 'east'],
    ['Z2', 'east'],
    ['W1', 'west'],
  ]),
};
/** The offices of eastWestTopology, as the city lists them. */
export const EAST_WEST_OFFICES = ['west', 'east'];
