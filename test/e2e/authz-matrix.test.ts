/**
 * The authorisation matrix: every route of the manifest × every role (plus an anonymous and a
 * deactivated caller) × a request inside the caller's scope and one outside it → the expected
 * status, through the real local server over the demo seed. A route added to the manifest without
 * an entry here fails the first test.
 *
 * "In scope" targets the caller's own cell, zone or a person of their area; "out of scope" the west
 * office's zone, a cell touching only it and its grid worker (none of which any east person may see).
 * Lists have no target to miss: their out-of-scope check asserts that the answer leaves the west out.
 */
import { randomUUID } from 'node:crypto';
import { ROLES, type Role } from '@gridpatrol/core';
import { ROUTES } from '@gridpatrol/functions';
import { demoGridFiles, syntheticCity } from '@gridpatrol/local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi, type TestResponse } from '../support/local-api';
import { DEMO_AS } from '../support/schema-walk';
import { writePublishedTask } from '../support/tasks';

type Caller = Role | 'anonymous' | 'inactive';
const CALLERS: readonly Caller[] = [...ROLES, 'anonymous', 'inactive'];

/** The demo person acting as each role, nobody, and a deactivated person. */
const AS: Record<Caller, string | undefined> = { ...DEMO_AS, anonymous: undefined, inactive: 'officer-gone' };

interface Ctx {
  /** officer-li's zone (east office) and a cell touching it. */
  z1: string;
  cZ1: string;
  /** The first cell of leader-chen, worker-liu and volunteer-zhou. */
  cellA: string;
  /** The west officer's zone, a cell touching only it, and its grid worker. */
  westZone: string;
  westCell: string;
  westPerson: string;
  eastZones: string[];
  point: { lon: number; lat: number };
  /** Points strictly inside cellA, cZ1, westCell, and a cell whose responsible zone is z1. */
  at: { cellA: Point; cZ1: Point; west: Point; z1: Point };
  /** A finding each role may read (a volunteer: their own), and one in the west. */
  readable: Record<Role, string>;
  westFinding: string;
  /** A fresh finding of zone z1 for each acting role to verify, and a west one for the admin. */
  actOn: Record<'city_admin' | 'supervisor' | 'zone_officer', string>;
  westActOn: string;
  /** Plans (issue 6): the week drafted, an east and a west draft, and a task of each to move. */
  plans: {
    week: string;
    east: string;
    west: string;
    /** An east task per acting role (each moves its own, so versions do not clash), and a west one. */
    task: Record<'city_admin' | 'supervisor', { planId: string; id: string }>;
    westTask: { planId: string; id: string };
  };
  /**
   * Published tasks (issue 6) whose shift is on now: per field role one to check in to and one
   * already checked in to complete, with the point to check in at; and a west task for none of them.
   */
  tasks: {
    checkIn: Record<FieldRole, { id: string; at: Point }>;
    complete: Record<FieldRole, string>;
    west: string;
  };
  /** A baseline census (issue 7) of the seeded findings. */
  baseline: string;
}

type FieldRole = 'zone_officer' | 'grid_leader' | 'grid_worker';
const isFieldRole = (r: Caller): r is FieldRole =>
  r === 'zone_officer' || r === 'grid_leader' || r === 'grid_worker';

type Point = { lon: number; lat: number };

interface Req {
  method: string;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
}

interface Entry {
  inScope: (ctx: Ctx, caller: Caller) => Req;
  outOfScope: (ctx: Ctx, caller: Caller) => Req;
  /** [in scope, out of scope] for each role; anonymous and inactive callers follow from `public`. */
  expect: Record<Role, readonly [number, number]>;
  public?: boolean;
  /** For lists: what an out-of-scope answer must not contain. */
  checkOut?: (res: TestResponse, ctx: Ctx, caller: Caller) => void;
}

const get = (path: string): Req => ({ method: 'GET', path });
const all = (s: readonly [number, number]): Record<Role, readonly [number, number]> =>
  Object.fromEntries(ROLES.map((r) => [r, s])) as Record<Role, readonly [number, number]>;
const F = [403, 403] as const;
/** A well-formed attachment id of no photo. */
const NO_PHOTO = `A-${'0'.repeat(32)}`;
/** Everyone with an area reads inside it; only a city admin outside. */
const AREA_READ = {
  city_admin: [200, 200],
  supervisor: [200, 404],
  zone_officer: [200, 404],
  grid_leader: [200, 404],
  grid_worker: [200, 404],
} as const;
/** Managers of an office: a city admin anywhere, a supervisor in their own office only. */
const OFFICE_MANAGERS = { ...all(F), city_admin: [200, 200], supervisor: [200, 404] } as const;
/** What names no area (or is filtered to the caller's): both managers read it whole. */
const MANAGERS_CITY_WIDE = { ...all(F), city_admin: [200, 200], supervisor: [200, 200] } as const;

/** Routes with no target to miss: the same request in and out of scope. */
const both = (req: Req) => ({ inScope: () => req, outOfScope: () => req });
/** The same request on the caller's own target (in scope) and on the west's (out of scope). */
const ownAndWest = <T>(own: (c: Ctx, r: Caller) => T, west: (c: Ctx) => T, req: (target: T) => Req) => ({
  inScope: (c: Ctx, r: Caller) => req(own(c, r)),
  outOfScope: (c: Ctx) => req(west(c)),
});

/** The cell, zone or person of each role's own area. */
const ownCell = (c: Ctx, r: Caller) => (r === 'supervisor' || r === 'zone_officer' ? c.cZ1 : c.cellA);
const ownPerson = (r: Caller) => (r === 'volunteer' ? 'volunteer-zhou' : 'probe-east');
const ids = (res: TestResponse): string[] =>
  (res.body?.items ?? res.body?.features?.map((f: { properties: { id: string } }) => f.properties) ?? []).map(
    (i: { id: string }) => i.id,
  );
const leavesOut = (id: (c: Ctx) => string) => (res: TestResponse, c: Ctx, r: Caller) => {
  if (r !== 'city_admin' && res.status === 200) expect(ids(res)).not.toContain(id(c));
};

const personBody = (office: string, cells: string[]) => ({
  name: 'probe',
  role: 'grid_worker',
  office,
  cells,
});

let importBody: unknown;

const reportBody = (p: Point, name: string) => ({
  lon: p.lon,
  lat: p.lat,
  address: '示范路 2 号',
  businessName: name,
  businessType: 'grocery',
  kind: 'unlicensed',
});
/** Reports carry a fresh Idempotency-Key: field roles must send one. */
const reportAt = (p: Point, name: string): Req => ({
  method: 'POST',
  path: '/findings',
  body: reportBody(p, name),
  headers: { 'idempotency-key': randomUUID() },
});
const ownPoint = (c: Ctx, r: Caller) => (r === 'supervisor' || r === 'zone_officer' ? c.at.cZ1 : c.at.cellA);
const readableBy = (c: Ctx, r: Caller) => (r in c.readable ? c.readable[r as Role] : c.readable.city_admin);
const verify = (id: string): Req => ({
  method: 'POST',
  path: `/findings/${id}/actions`,
  body: { action: 'verify', expectedVersion: 1 },
});
const westFinding = (c: Ctx) => c.westFinding;
const eastPlan = (c: Ctx) => c.plans.east;
const westPlan = (c: Ctx) => c.plans.west;
/** Scopes of statistics and exports: the caller's own cell, the west zone or cell. */
const ownCellScope = (c: Ctx, r: Caller) => `cell:${ownCell(c, r)}`;
const westZoneScope = (c: Ctx) => `zone:${c.westZone}`;
const westCellScope = (c: Ctx) => `cell:${c.westCell}`;
const actTarget = (c: Ctx, r: Caller) =>
  r === 'city_admin' || r === 'supervisor' || r === 'zone_officer' ? c.actOn[r] : c.actOn.city_admin;

const MATRIX: Record<string, Entry> = {
  getHealth: {
    public: true,
    ...both(get('/health')),
    expect: all([200, 200]),
  },
  getOpenApi: {
    public: true,
    ...both(get('/openapi.json')),
    expect: all([200, 200]),
  },
  getMe: { ...both(get('/me')), expect: all([200, 200]) },
  // Notifications (issue 17): only the caller's own partition is read or marked; another's item
  // (the west officer's, of the west finding) is as missing as none at all.
  listMyNotifications: {
    ...both(get('/me/notifications')),
    expect: all([200, 200]),
    checkOut: (res, c) => {
      if (res.status !== 200) return;
      const about = (res.body.items as { subject: { id: string } }[]).map((n) => n.subject.id);
      expect(about).not.toContain(c.westFinding);
    },
  },
  markMyNotificationRead: {
    inScope: () => ({ method: 'POST', path: '/me/notifications/finding.F-none.v1.finding_routed/read' }),
    outOfScope: (c) => ({
      method: 'POST',
      path: `/me/notifications/finding.${c.westFinding}.v1.finding_routed/read`,
    }),
    expect: all([404, 404]),
  },
  getMyNotificationSettings: {
    ...both(get('/me/notification-settings')),
    expect: all([200, 200]),
  },
  putMyNotificationSettings: {
    ...both({ method: 'PUT', path: '/me/notification-settings', body: { digest: false } }),
    expect: all([200, 200]),
  },
  markAllMyNotificationsRead: {
    ...both({ method: 'POST', path: '/me/notifications/read-all' }),
    expect: all([200, 200]),
  },
  listPeople: {
    inScope: (c, r) => get(`/people?cell=${ownCell(c, r)}`),
    outOfScope: (c) => get(`/people?cell=${c.westCell}`),
    expect: { ...AREA_READ, volunteer: F },
  },
  getPerson: {
    inScope: (_c, r) => get(`/people/${ownPerson(r)}`),
    outOfScope: (c) => get(`/people/${c.westPerson}`),
    expect: { ...AREA_READ, volunteer: [200, 404] },
  },
  // A city admin creates people; a supervisor replaces those of their office (as they are) and gets
  // 404 for a person of another office, exactly as for an unknown id (decision 0007).
  putPerson: {
    inScope: (c, r) =>
      r === 'supervisor'
        ? {
            method: 'PUT',
            path: '/people/probe-east',
            body: personBody('office-east', [...new Set([c.cellA, c.cZ1])]),
          }
        : { method: 'PUT', path: `/people/probe-in-${r}`, body: personBody('office-east', [c.cZ1]) },
    outOfScope: (c, r) => ({
      method: 'PUT',
      path: r === 'supervisor' ? `/people/${c.westPerson}` : `/people/probe-out-${r}`,
      body: personBody('office-west', [c.westCell]),
    }),
    expect: { ...all(F), city_admin: [201, 201], supervisor: [200, 404] },
  },
  // The CSV import checks each row as PUT /people/{id} would: a supervisor's row for someone outside
  // their office refuses the file (422, nothing written), a city admin's is imported.
  importPeople: {
    inScope: (c, r) => ({
      method: 'POST',
      path: '/people/imports',
      body: {
        csv:
          r === 'supervisor'
            ? `id,name,role,office,cells\nprobe-east,probe,grid_worker,office-east,${[...new Set([c.cellA, c.cZ1])].join(';')}\n`
            : `id,name,role,office,cells\nprobe-imp-${r},probe,grid_worker,office-east,${c.cZ1}\n`,
      },
    }),
    outOfScope: (c) => ({
      method: 'POST',
      path: '/people/imports',
      // A new id in another office: a supervisor may create nobody, and the admin's row changes no one
      // the other entries use.
      body: {
        csv: `id,name,role,office,cells\nprobe-imp-west,probe,grid_worker,office-west,${c.westCell}\n`,
      },
    }),
    expect: { ...all(F), city_admin: [200, 200], supervisor: [200, 422] },
  },
  // Asked as the deactivation itself would be: a supervisor for the field people of their office, 404
  // for a person of another office.
  previewDeactivation: {
    inScope: () => get('/people/probe-east/deactivation'),
    outOfScope: (c) => get(`/people/${c.westPerson}/deactivation`),
    expect: OFFICE_MANAGERS,
  },
  importGrid: {
    inScope: () => ({ method: 'POST', path: '/grid/imports', body: importBody }),
    // Nothing is out of a city admin's scope: the second request is an empty import, accepted (202)
    // like any well-formed body and failed by its job (imports are asynchronous, 0021).
    outOfScope: () => ({
      method: 'POST',
      path: '/grid/imports',
      body: {
        cells: { type: 'FeatureCollection', features: [] },
        zones: { type: 'FeatureCollection', features: [] },
      },
    }),
    expect: { ...all(F), city_admin: [202, 202] },
  },
  listGridVersions: {
    // Version metadata (numbers, dates, counts) names no area; managers see it whole.
    inScope: () => get('/grid/imports'),
    outOfScope: () => get('/grid/imports?limit=1'),
    expect: MANAGERS_CITY_WIDE,
  },
  getGridVersion: {
    inScope: () => get('/grid/imports/1'),
    outOfScope: () => get('/grid/imports/999'),
    expect: { ...all(F), city_admin: [200, 404], supervisor: [200, 404] },
    checkOut: undefined,
  },
  activateGridVersion: {
    inScope: () => ({ method: 'POST', path: '/grid/imports/1/activate' }),
    outOfScope: () => ({ method: 'POST', path: '/grid/imports/999/activate' }),
    expect: { ...all(F), city_admin: [200, 404] },
  },
  diffGridVersion: {
    // Names people, findings and tasks city-wide: the city admin's, like activation.
    inScope: () => get('/grid/imports/1/diff'),
    outOfScope: () => get('/grid/imports/999/diff'),
    expect: { ...all(F), city_admin: [200, 404] },
  },
  resolvePoint: {
    // Open to every role: a field app resolves its point before it reports.
    inScope: (c) => get(`/grid/resolve?lon=${c.point.lon}&lat=${c.point.lat}`),
    outOfScope: () => get('/grid/resolve?lon=100&lat=10'),
    expect: all([200, 200]),
  },
  getCoverage: {
    ...both(get('/grid/coverage')),
    expect: MANAGERS_CITY_WIDE,
    checkOut: (res, c, r) => {
      if (r !== 'supervisor') return;
      for (const z of res.body.zonesOutsideCells) expect(c.eastZones).toContain(z.zoneId);
      for (const o of res.body.zoneOverlaps)
        expect(c.eastZones.includes(o.zoneA) || c.eastZones.includes(o.zoneB)).toBe(true);
      expect(res.body.unzonedCells).toEqual([]);
    },
  },
  exportCells: {
    ...both(get('/grid/cells.geojson?limit=500')),
    expect: { ...all([200, 200]), volunteer: F },
    checkOut: leavesOut((c) => c.westCell),
  },
  exportZones: {
    ...both(get('/grid/zones.geojson?limit=500')),
    expect: { ...all(F), city_admin: [200, 200], supervisor: [200, 200], zone_officer: [200, 200] },
    checkOut: leavesOut((c) => c.westZone),
  },
  listCells: {
    inScope: () => get('/cells?limit=500'),
    outOfScope: (c) => get(`/cells?zone=${c.westZone}`),
    expect: { ...AREA_READ, volunteer: F },
  },
  getCell: {
    inScope: (c, r) => get(`/cells/${ownCell(c, r)}`),
    outOfScope: (c) => get(`/cells/${c.westCell}`),
    expect: { ...AREA_READ, volunteer: F },
  },
  listZones: {
    ...both(get('/zones?limit=500')),
    expect: { ...all(F), city_admin: [200, 200], supervisor: [200, 200], zone_officer: [200, 200] },
    checkOut: leavesOut((c) => c.westZone),
  },
  getZone: {
    inScope: (c) => get(`/zones/${c.z1}`),
    outOfScope: (c) => get(`/zones/${c.westZone}`),
    expect: { ...all(F), city_admin: [200, 200], supervisor: [200, 404], zone_officer: [200, 404] },
  },
  reportFinding: {
    // Everyone reports into their own area; a point in a west cell is refused (403 naming the cell).
    inScope: (c, r) => reportAt(ownPoint(c, r), `matrix in ${r}`),
    outOfScope: (c, r) => reportAt(c.at.west, `matrix out ${r}`),
    expect: { ...all([201, 403]), city_admin: [201, 201] },
  },
  getFinding: {
    ...ownAndWest(readableBy, westFinding, (id) => get(`/findings/${id}`)),
    expect: { ...all([200, 404]), city_admin: [200, 200] },
  },
  actOnFinding: {
    // Deciding is the zone's officers', their supervisor's and the admins'; field roles never act.
    inScope: (c, r) => verify(actTarget(c, r)),
    outOfScope: (c) => verify(c.westActOn),
    expect: { ...all(F), city_admin: [200, 200], supervisor: [200, 404], zone_officer: [200, 404] },
  },
  listFindings: {
    // By responsible zone: an admin names one, others list their own zones (grid people their
    // cells) by default; a zone or cell outside the caller's area is missing to them.
    inScope: (c, r) => get(r === 'city_admin' ? `/findings?zone=${c.z1}` : '/findings'),
    outOfScope: (c, r) =>
      get(
        r === 'grid_leader' || r === 'grid_worker'
          ? `/findings?cell=${c.westCell}`
          : `/findings?zone=${c.westZone}`,
      ),
    expect: {
      ...all([200, 404]),
      city_admin: [200, 200],
      volunteer: F,
    },
  },
  listMyFindings: {
    inScope: () => get('/me/findings'),
    outOfScope: () => get('/me/findings?limit=500'),
    expect: all([200, 200]),
    checkOut: leavesOut((c) => c.westFinding),
  },
  getFindingHistory: {
    ...ownAndWest(readableBy, westFinding, (id) => get(`/findings/${id}/history`)),
    expect: { ...all([200, 404]), city_admin: [200, 200] },
  },
  // The case file (issue 14, 0055): read like the finding.
  getFindingCaseFile: {
    ...ownAndWest(readableBy, westFinding, (id) => get(`/findings/${id}/case-file`)),
    expect: { ...all([200, 404]), city_admin: [200, 200] },
  },
  // Evidence photos (issue 14): a slot for one's own coming report is everyone's; a slot on a
  // finding is for those who act on it, scoped like reading it. Links are scoped like the finding
  // (here an id of no photo: the scope answers first); which photo is whose is attachments.test.ts.
  createReportAttachment: {
    inScope: () => taskStep('/me/attachments', { contentType: 'image/jpeg' }),
    outOfScope: () => taskStep('/me/attachments', { contentType: 'image/png' }),
    expect: all([201, 201]),
  },
  createFindingAttachment: {
    inScope: (c, r) => taskStep(`/findings/${readableBy(c, r)}/attachments`, { contentType: 'image/jpeg' }),
    outOfScope: (c) => taskStep(`/findings/${c.westFinding}/attachments`, { contentType: 'image/jpeg' }),
    expect: { ...all(F), city_admin: [201, 201], supervisor: [201, 404], zone_officer: [201, 404] },
  },
  getFindingPhotoLink: {
    ...ownAndWest(readableBy, westFinding, (id) => get(`/findings/${id}/attachments/${NO_PHOTO}`)),
    expect: all([404, 404]),
  },
  // Plans (issue 6): managers only; a supervisor plans and reads their own office (another: 403 to
  // draft, since offices are no secret, 404 to read), a city admin any office.
  createPlan: {
    inScope: (c, r) => ({
      method: 'POST',
      path: '/plans',
      body: { weekStart: c.plans.week, ...(r === 'city_admin' ? { office: 'office-east' } : {}) },
    }),
    outOfScope: (c) => ({
      method: 'POST',
      path: '/plans',
      body: { weekStart: c.plans.week, office: 'office-west' },
    }),
    // The week's east and west drafts exist (made in the setup): a draft request answers them, 200
    // (one draft per office and week, decision 0035).
    expect: { ...all(F), city_admin: [200, 200], supervisor: [200, 403] },
  },
  listPlans: {
    inScope: () => get('/plans'),
    outOfScope: () => get('/plans?office=office-west'),
    expect: OFFICE_MANAGERS,
  },
  getPlan: {
    ...ownAndWest(eastPlan, westPlan, (id) => get(`/plans/${id}`)),
    expect: OFFICE_MANAGERS,
  },
  listPlanCells: {
    ...ownAndWest(eastPlan, westPlan, (id) => get(`/plans/${id}/cells`)),
    expect: OFFICE_MANAGERS,
  },
  verifyPlan: {
    // Whoever may read the plan may re-run its draw (issue 22, 0046).
    ...ownAndWest(eastPlan, westPlan, (id) => get(`/plans/${id}/verify`)),
    expect: OFFICE_MANAGERS,
  },
  reassignTask: {
    // Moving a task to the slot it is in keeps every rule: 200 with version 2.
    inScope: (c, r) => {
      const t = r === 'supervisor' ? c.plans.task.supervisor : c.plans.task.city_admin;
      return { method: 'POST', path: `/plans/${t.planId}/tasks/${t.id}/reassign`, body: reassignSame(t.id) };
    },
    outOfScope: (c) => {
      const t = c.plans.westTask;
      return { method: 'POST', path: `/plans/${t.planId}/tasks/${t.id}/reassign`, body: reassignSame(t.id) };
    },
    expect: OFFICE_MANAGERS,
  },
  publishPlan: {
    // Publishing twice answers the published plan.
    ...ownAndWest(eastPlan, westPlan, (id) => ({ method: 'POST', path: `/plans/${id}/publish` })),
    expect: OFFICE_MANAGERS,
  },
  setCellPriority: {
    inScope: (c) => ({ method: 'PUT', path: `/cells/${c.cZ1}/priority`, body: { priority: 2 } }),
    outOfScope: (c) => ({ method: 'PUT', path: `/cells/${c.westCell}/priority`, body: { priority: 2 } }),
    expect: OFFICE_MANAGERS,
  },
  // Tasks (issue 6): the pair's own routes; anyone else is refused by role (403) or, as a field
  // role outside the pair, told the task does not exist (404).
  listMyTasks: {
    ...both(get('/me/tasks')),
    expect: { ...all(F), zone_officer: [200, 200], grid_leader: [200, 200], grid_worker: [200, 200] },
    checkOut: (res, c) => {
      if (res.status !== 200) return;
      const ids = (res.body.items as { id: string }[]).map((t) => t.id);
      expect(ids.length).toBeGreaterThan(0);
      expect(ids).not.toContain(c.tasks.west);
    },
  },
  getTaskHistory: {
    // The pair reads its own task's history; managers the tasks of their area (admin: all).
    inScope: (c, r) => get(`/tasks/${c.tasks.checkIn[isFieldRole(r) ? r : 'zone_officer'].id}/history`),
    outOfScope: (c) => get(`/tasks/${c.tasks.west}/history`),
    expect: { ...all([200, 404]), city_admin: [200, 200], volunteer: F },
  },
  checkInTask: {
    inScope: (c, r) => {
      const t = c.tasks.checkIn[isFieldRole(r) ? r : 'grid_worker'];
      return taskStep(`/tasks/${t.id}/check-in`, { lon: t.at.lon, lat: t.at.lat, accuracyM: 5 });
    },
    outOfScope: (c) => taskStep(`/tasks/${c.tasks.west}/check-in`, { ...c.at.west, accuracyM: 5 }),
    expect: { ...all(F), zone_officer: [200, 404], grid_leader: [200, 404], grid_worker: [200, 404] },
  },
  completeTask: {
    inScope: (c, r) =>
      taskStep(`/tasks/${c.tasks.complete[isFieldRole(r) ? r : 'grid_worker']}/complete`, CHECKS),
    outOfScope: (c) => taskStep(`/tasks/${c.tasks.west}/complete`, CHECKS),
    expect: { ...all(F), zone_officer: [200, 404], grid_leader: [200, 404], grid_worker: [200, 404] },
  },
  createTaskAttachment: {
    inScope: (c, r) =>
      taskStep(`/tasks/${c.tasks.checkIn[isFieldRole(r) ? r : 'grid_worker'].id}/attachments`, {
        contentType: 'image/jpeg',
      }),
    outOfScope: (c) => taskStep(`/tasks/${c.tasks.west}/attachments`, { contentType: 'image/jpeg' }),
    expect: { ...all(F), zone_officer: [201, 404], grid_leader: [201, 404], grid_worker: [201, 404] },
  },
  getTaskPhotoLink: {
    inScope: (c, r) =>
      get(`/tasks/${c.tasks.checkIn[isFieldRole(r) ? r : 'zone_officer'].id}/attachments/${NO_PHOTO}`),
    outOfScope: (c) => get(`/tasks/${c.tasks.west}/attachments/${NO_PHOTO}`),
    expect: { ...all([404, 404]), volunteer: F },
  },
  // Statistics (issue 7): baselines are made and made current by city admins (a future asOf is
  // refused); managers list their headers; a supervisor reads the numbers of their office's areas.
  createBaseline: {
    inScope: () => ({
      method: 'POST',
      path: '/baselines',
      body: { label: 'matrix', asOf: `${new Date().getUTCFullYear() - 1}-01-01` },
    }),
    outOfScope: () => ({ method: 'POST', path: '/baselines', body: { label: 'matrix', asOf: '2999-01-01' } }),
    expect: { ...all(F), city_admin: [201, 422] },
  },
  listBaselines: {
    inScope: () => get('/baselines'),
    outOfScope: () => get('/baselines?limit=1'),
    expect: MANAGERS_CITY_WIDE,
  },
  getBaseline: {
    inScope: (c) => get(`/baselines/${c.baseline}?scope=zone:${c.z1}`),
    outOfScope: (c) => get(`/baselines/${c.baseline}?scope=zone:${c.westZone}`),
    expect: OFFICE_MANAGERS,
  },
  setCurrentBaseline: {
    inScope: (c) => ({ method: 'POST', path: `/baselines/${c.baseline}/current` }),
    outOfScope: () => ({ method: 'POST', path: '/baselines/B-nosuchbaseline/current' }),
    expect: { ...all(F), city_admin: [200, 404] },
  },
  // Statistics over dates: everyone with an area reads its numbers (a cell of their own), not
  // another office's zone; assessments are for managers, of their office.
  getStatsSummary: {
    ...ownAndWest(ownCellScope, westZoneScope, (s) => get(`/stats/summary?scope=${s}`)),
    expect: { ...all(F), ...AREA_READ },
  },
  getStatsSeries: {
    ...ownAndWest(ownCellScope, westZoneScope, (s) => get(`/stats/series?metric=reported&scope=${s}`)),
    expect: { ...all(F), ...AREA_READ },
  },
  getCellStats: {
    ...ownAndWest(ownCellScope, westZoneScope, (s) => get(`/stats/cells?scope=${s}`)),
    expect: { ...all(F), ...AREA_READ },
  },
  getStatsAssessment: {
    inScope: () => get('/stats/assessment?scope=office:office-east'),
    outOfScope: () => get('/stats/assessment?scope=office:office-west'),
    expect: OFFICE_MANAGERS,
  },
  // Exports (issue 7): the areas GET /findings and GET /cells read, tasks for managers and officers;
  // an area outside the caller's is a 404. The 303 is followed to the file, hence 200.
  exportFindingsCsv: {
    ...ownAndWest(ownCellScope, westZoneScope, (s) => get(`/exports/findings.csv?scope=${s}`)),
    expect: { ...all([200, 404]), city_admin: [200, 200], volunteer: F },
  },
  exportFindingsGeojson: {
    ...ownAndWest(ownCellScope, westCellScope, (s) => get(`/exports/findings.geojson?scope=${s}`)),
    expect: { ...all([200, 404]), city_admin: [200, 200], volunteer: F },
  },
  exportCellsGeojson: {
    ...ownAndWest(ownCellScope, westCellScope, (s) => get(`/exports/cells.geojson?scope=${s}`)),
    expect: { ...all([200, 404]), city_admin: [200, 200], volunteer: F },
  },
  exportTasksCsv: {
    ...ownAndWest(ownCellScope, westZoneScope, (s) => get(`/exports/tasks.csv?scope=${s}`)),
    expect: { ...all(F), city_admin: [200, 200], supervisor: [200, 404], zone_officer: [200, 404] },
  },
};

const CHECKS = { checks: { safety: 'ok', food: 'not_applicable', license: 'issue' }, findingIds: [] };
const taskStep = (path: string, body: unknown): Req => ({
  method: 'POST',
  path,
  body,
  headers: { 'idempotency-key': randomUUID() },
});

/** A task's move to its own slot, at version 1 (each matrix caller moves a task of its own). */
const reassignSame = (taskId: string) => {
  const [, date, shift] = taskId.split('.');
  return { expectedVersion: 1, date, shift };
};

/** A point strictly inside a cell (optionally one whose responsible zone is `zone`), via the API. */
async function interiorPoint(cellIds: readonly string[], zone?: string): Promise<Point> {
  for (const cellId of cellIds) {
    const cell = await api.call('GET', `/cells/${cellId}`, { as: 'admin' });
    const nums = (JSON.stringify(cell.body.geometry.coordinates).match(/-?\d+(\.\d+)?(e-?\d+)?/g) ?? []).map(
      Number,
    );
    const lons = nums.filter((_, i) => i % 2 === 0);
    const lats = nums.filter((_, i) => i % 2 === 1);
    const [w, e, s, n] = [Math.min(...lons), Math.max(...lons), Math.min(...lats), Math.max(...lats)];
    for (let i = 1; i < 8; i++)
      for (let j = 1; j < 8; j++) {
        const p = { lon: w + ((e - w) * i) / 8, lat: s + ((n - s) * j) / 8 };
        const r = await api.call('GET', `/grid/resolve?lon=${p.lon}&lat=${p.lat}`, { as: 'admin' });
        if (r.body.status !== 'inside' || r.body.cell?.id !== cellId) continue;
        if (zone !== undefined && r.body.primaryZone !== zone) break;
        return p;
      }
  }
  throw new Error(`no interior point in ${cellIds.join(', ')}${zone ? ` with zone ${zone}` : ''}`);
}

let api: TestApi;
let ctx: Ctx;

beforeAll(async () => {
  api = await startTestApi('demo');
  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await api.call(method, path, { as: 'admin', body });
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.text.slice(0, 300)}`);
    return res.body;
  };
  const li = await admin('GET', '/people/officer-li');
  const wang = await admin('GET', '/people/officer-wang');
  const he = await admin('GET', '/people/worker-he');
  const liu = await admin('GET', '/people/worker-liu');
  const z1zone = await admin('GET', `/zones/${li.zones[0]}`);
  const zones = await admin('GET', '/zones?limit=500');
  const files = demoGridFiles(api.config);
  const ring = files.cells.features[0]?.geometry.coordinates[0];
  const vertex = (Array.isArray(ring?.[0]?.[0]) ? ring?.[0]?.[0] : ring?.[0]) as number[];
  const base = {
    z1: li.zones[0],
    cZ1: z1zone.properties.cells[0].id,
    cellA: liu.cells[0],
    westZone: wang.zones[0],
    westCell: he.cells[0],
    westPerson: 'worker-he',
    eastZones: zones.items
      .filter((z: { office: string }) => z.office === 'office-east')
      .map((z: { id: string }) => z.id),
    point: { lon: Number(vertex[0]), lat: Number(vertex[1]) },
  };
  await admin('PUT', '/people/probe-east', personBody('office-east', [...new Set([base.cellA, base.cZ1])]));
  await admin('PUT', '/people/officer-gone', {
    name: 'gone',
    role: 'zone_officer',
    office: 'office-east',
    zones: [base.z1],
  });
  await admin('PUT', '/people/officer-gone', {
    name: 'gone',
    role: 'zone_officer',
    office: 'office-east',
    zones: [base.z1],
    active: false,
  });
  const z1Cells = [...z1zone.properties.cells]
    .sort((a: { share: number }, b: { share: number }) => b.share - a.share)
    .map((c: { id: string }) => c.id);
  const at = {
    cellA: await interiorPoint([base.cellA]),
    cZ1: await interiorPoint([base.cZ1]),
    west: await interiorPoint([base.westCell]),
    z1: await interiorPoint(z1Cells, base.z1),
  };
  const reported = async (as: string, p: Point, name: string): Promise<string> => {
    const res = await api.call('POST', '/findings', {
      as,
      body: reportBody(p, name),
      headers: { 'idempotency-key': randomUUID() },
    });
    if (res.status !== 201) throw new Error(`report as ${as}: ${res.status} ${res.text.slice(0, 300)}`);
    return res.body.id;
  };
  const inCellA = await reported('admin', at.cellA, 'matrix cell A');
  const inCZ1 = await reported('admin', at.cZ1, 'matrix cell Z1');
  const readable = {
    city_admin: inCellA,
    supervisor: inCZ1,
    zone_officer: inCZ1,
    grid_leader: inCellA,
    grid_worker: inCellA,
    volunteer: await reported('volunteer-zhou', at.cellA, 'matrix volunteer'),
  };
  const westFinding = await reported('admin', at.west, 'matrix west');
  const actOn = {
    city_admin: await reported('admin', at.z1, 'matrix act admin'),
    supervisor: await reported('admin', at.z1, 'matrix act supervisor'),
    zone_officer: await reported('admin', at.z1, 'matrix act officer'),
  };
  const westActOn = await reported('admin', at.west, 'matrix act west');
  // Plans (issue 6): a week five weeks ahead, an east and a west draft.
  const monday = new Date();
  monday.setUTCDate(monday.getUTCDate() + 35 - ((monday.getUTCDay() + 6) % 7));
  const week = monday.toISOString().slice(0, 10);
  const east = await admin('POST', '/plans', { weekStart: week, office: 'office-east' });
  const west = await admin('POST', '/plans', { weekStart: week, office: 'office-west' });
  if (east.tasks.length < 2 || west.tasks.length < 1) throw new Error('the demo plans have too few tasks');
  const plans = {
    week,
    east: east.id,
    west: west.id,
    task: { city_admin: east.tasks[0], supervisor: east.tasks[1] },
    westTask: west.tasks[0],
  };
  // Tasks (issue 6): published straight into the store with a shift on now, as publication writes them.
  const today = new Date().toISOString().slice(0, 10);
  const onNow = {
    shiftStart: new Date(Date.now() - 3_600_000).toISOString(),
    shiftEnd: new Date(Date.now() + 3 * 3_600_000).toISOString(),
  };
  const task = async (
    shift: string,
    cellId: string,
    officerId: string,
    partnerId: string,
    zoneId = base.z1,
  ) =>
    (
      await writePublishedTask({
        planId: 'P-matrix01',
        cellId,
        zoneId,
        officeId: 'office-east',
        officerId,
        partnerId,
        date: today,
        shift,
        ...onNow,
      })
    ).id;
  const checkInTasks = {
    zone_officer: { id: await task('s1', base.cZ1, 'officer-li', 'worker-liu'), at: at.cZ1 },
    grid_leader: { id: await task('s2', base.cellA, 'officer-zhao', 'leader-chen'), at: at.cellA },
    grid_worker: { id: await task('s3', base.cellA, 'officer-zhao', 'worker-liu'), at: at.cellA },
  };
  const completeTasks = {
    zone_officer: await task('s4', base.cZ1, 'officer-li', 'worker-liu'),
    grid_leader: await task('s5', base.cellA, 'officer-zhao', 'leader-chen'),
    grid_worker: await task('s6', base.cellA, 'officer-zhao', 'worker-liu'),
  };
  for (const role of ['zone_officer', 'grid_leader', 'grid_worker'] as const) {
    const where = role === 'zone_officer' ? at.cZ1 : at.cellA;
    const res = await api.call('POST', `/tasks/${completeTasks[role]}/check-in`, {
      as: AS[role],
      body: { ...where, accuracyM: 5 },
      headers: { 'idempotency-key': randomUUID() },
    });
    if (res.status !== 200) throw new Error(`check-in as ${role}: ${res.status} ${res.text.slice(0, 300)}`);
  }
  const westTask = await task('s7', base.westCell, 'officer-wang', 'worker-he', base.westZone);
  const tasks = { checkIn: checkInTasks, complete: completeTasks, west: westTask };
  const baseline = (
    await admin('POST', '/baselines', { label: 'matrix', asOf: `${new Date().getUTCFullYear() - 1}-01-01` })
  ).id;
  ctx = { ...base, at, readable, westFinding, actOn, westActOn, plans, tasks, baseline };
  const small = syntheticCity({ cells: 12, seed: 3, offices: ['office-east'] });
  importBody = {
    cells: { type: 'FeatureCollection', features: small.cells },
    zones: { type: 'FeatureCollection', features: small.zones },
  };
}, 120_000);
afterAll(async () => {
  await api?.close();
});

describe('authorisation matrix', () => {
  it('has an entry for every route of the manifest, and none for a route that does not exist', () => {
    expect(Object.keys(MATRIX).sort()).toEqual(ROUTES.map((r) => r.operationId).sort());
  });

  it('the demo fixtures really are in and out of scope', () => {
    expect(ctx.westCell).toBeTruthy();
    expect(ctx.westZone).toBeTruthy();
    expect(ctx.eastZones).toContain(ctx.z1);
    expect(ctx.eastZones).not.toContain(ctx.westZone);
  });

  const cases = ROUTES.flatMap((route) =>
    CALLERS.flatMap((caller) => (['in', 'out'] as const).map((where) => ({ route, caller, where }))),
  );

  it.each(cases)(
    '$route.method $route.path as $caller, $where of scope',
    async ({ route, caller, where }) => {
      const entry = MATRIX[route.operationId];
      if (!entry) throw new Error(`no matrix entry for ${route.operationId}`);
      const req = where === 'in' ? entry.inScope(ctx, caller) : entry.outOfScope(ctx, caller);
      expect(req.method).toBe(route.method);
      let expected: number;
      if (caller === 'anonymous') expected = entry.public ? entry.expect.city_admin[0] : 401;
      else if (caller === 'inactive') expected = entry.public ? entry.expect.city_admin[0] : 403;
      else expected = entry.expect[caller][where === 'in' ? 0 : 1];
      const path =
        caller === 'anonymous' || caller === 'inactive'
          ? req.path.replace('probe-in-', 'probe-x-')
          : req.path;
      const res = await api.call(req.method, path, { as: AS[caller], body: req.body, headers: req.headers });
      expect(res.status, `${req.method} ${path}: ${res.text.slice(0, 300)}`).toBe(expected);
      if (where === 'out' && entry.checkOut) entry.checkOut(res, ctx, caller);
    },
  );
});
