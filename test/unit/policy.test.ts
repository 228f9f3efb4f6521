import {
  assertMayAct,
  canManagePlan,
  canReadCell,
  canReadFinding,
  canReadPerson,
  canReadUnzoned,
  canReadZone,
  canReportAt,
  ForbiddenError,
  gridTopology,
  MAX_PEOPLE_PARTITIONS,
  mayBePlannedOnPatrol,
  maySeeDraftTasks,
  NotFoundError,
  narrowCoverage,
  officeToPlan,
  Person,
  personWriteAccess,
  planFindingList,
  planPeopleList,
  plansListedFor,
  planTodoList,
  type ResolutionSidecar,
  ROLES,
  type Role,
  readableCells,
  readableZones,
  scopeOf,
  serverOwnedFieldsIn,
  zonesInheritedIfUnstaffed,
  zonesWithoutActiveOfficer,
} from '@gridpatrol/core';
import { CALLER_CACHE_MAX_MS, callerCacheMs } from '@gridpatrol/functions/http/identity';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

/**
 * Two offices. East: zones E1, E2; west: W1. Cells: a, b in E1 only; c straddles E1 and E2;
 * d in E2; w in W1; x straddles E2 and W1; u in no zone.
 */
const share = (zoneId: string) => ({ zoneId, share: 0.5, areaM2: 1 });
const sidecar: ResolutionSidecar = {
  cells: {
    a: { name: 'a', primaryZone: 'E1', zones: [share('E1')] },
    b: { name: 'b', primaryZone: 'E1', zones: [share('E1')] },
    c: { name: 'c', primaryZone: 'E1', zones: [share('E1'), share('E2')] },
    d: { name: 'd', primaryZone: 'E2', zones: [share('E2')] },
    w: { name: 'w', primaryZone: 'W1', zones: [share('W1')] },
    x: { name: 'x', primaryZone: 'E2', zones: [share('E2'), share('W1')] },
    u: { name: 'u', primaryZone: null, zones: [] },
  },
  zones: {
    E1: { office: 'east', name: 'E1' },
    E2: { office: 'east', name: 'E2' },
    W1: { office: 'west', name: 'W1' },
    EMPTY: { office: 'east', name: 'no cells' },
  },
};
const topo = gridTopology(7, sidecar);
const ALL_CELLS = Object.keys(sidecar.cells);
const ALL_ZONES = ['E1', 'E2', 'W1', 'EMPTY'];

const person = (p: Partial<Person> & { id: string; role: Role }): Person =>
  Person.parse({ name: p.id, ...p });
const admin = person({ id: 'admin', role: 'city_admin' });
const supEast = person({ id: 'sup-east', role: 'supervisor', office: 'east' });
const officer = person({ id: 'li', role: 'zone_officer', office: 'east', zones: ['E1'] });
const leader = person({ id: 'chen', role: 'grid_leader', office: 'east', cells: ['a', 'b'] });
const worker = person({ id: 'liu', role: 'grid_worker', office: 'east', cells: ['a'] });
const volunteer = person({ id: 'zhou', role: 'volunteer', office: 'east', cells: ['a'] });
const westWorker = person({ id: 'he', role: 'grid_worker', office: 'west', cells: ['w'] });

describe('gridTopology', () => {
  it('maps cells to zones, zones to sorted cells and offices, zones without cells included', () => {
    expect(topo.zoneCells.get('E1')).toEqual(['a', 'b', 'c']);
    expect(topo.zoneCells.get('EMPTY')).toEqual([]);
    expect(topo.cellZones.get('x')).toEqual(['E2', 'W1']);
    expect(topo.zoneOffice.get('W1')).toBe('west');
  });

  it('derives zones from cell shares for a sidecar written before zones were recorded', () => {
    const old = gridTopology(1, { cells: sidecar.cells });
    expect(old.zoneCells.get('E2')).toEqual(['c', 'd', 'x']);
    expect(old.zoneOffice.get('E2')).toBe('');
  });
});

describe('scopeOf', () => {
  it('gives the city admin everything', () => {
    const s = scopeOf(admin, topo);
    expect(s.kind).toBe('city');
    for (const c of ALL_CELLS) expect(canReadCell(s, c)).toBe(true);
    for (const z of ALL_ZONES) expect(canReadZone(s, z)).toBe(true);
    expect(readableCells(s)).toBe('all');
  });

  it('gives a supervisor the zones of their office and every cell touching them', () => {
    const s = scopeOf(supEast, topo);
    expect(readableZones(s)).toEqual(['E1', 'E2', 'EMPTY']);
    expect(readableCells(s)).toEqual(['a', 'b', 'c', 'd', 'x']);
  });

  it('gives an officer their zones and the cells touching them', () => {
    const s = scopeOf(officer, topo);
    expect(readableZones(s)).toEqual(['E1']);
    expect(readableCells(s)).toEqual(['a', 'b', 'c']);
    expect(canReadCell(s, 'd')).toBe(false);
  });

  it('gives grid people their cells and no zones', () => {
    const s = scopeOf(worker, topo);
    expect(readableCells(s)).toEqual(['a']);
    expect(readableZones(s)).toEqual([]);
    expect(canReadZone(s, 'E1')).toBe(false);
    expect(canReadCell(scopeOf(leader, topo), 'b')).toBe(true);
  });

  it('lets a volunteer report into their cells but read no grid object', () => {
    const s = scopeOf(volunteer, topo);
    expect(s.kind).toBe('reporter');
    expect(canReportAt(s, 'a')).toBe(true);
    expect(canReportAt(s, 'b')).toBe(false);
    expect(canReadCell(s, 'a')).toBe(false);
    expect(readableCells(s)).toEqual([]);
  });

  it('refuses an inactive person outright', () => {
    const off = { ...officer, active: false };
    expect(() => assertMayAct(off)).toThrow(ForbiddenError);
    expect(() => scopeOf(off, topo)).toThrow(/deactivated/);
  });

  it('gives a supervisor without an office nothing', () => {
    const s = scopeOf(person({ id: 's', role: 'supervisor' }), topo);
    expect(readableCells(s)).toEqual([]);
  });
});

describe('property: an area scope is exactly its zones and the cells touching them', () => {
  const roles = fc.constantFrom<Role>(...ROLES);
  const arbPerson = fc
    .record({
      role: roles,
      office: fc.option(fc.constantFrom('east', 'west'), { nil: undefined }),
      zones: fc.subarray(ALL_ZONES),
      cells: fc.subarray(ALL_CELLS),
    })
    .map((p) => person({ id: 'p', ...p }));

  it('never lets a non-admin read a cell that touches none of its zones and is not its own', () => {
    fc.assert(
      fc.property(arbPerson, fc.constantFrom(...ALL_CELLS), (p, cell) => {
        const s = scopeOf(p, topo);
        if (!canReadCell(s, cell) || p.role === 'city_admin') return;
        const zonesOfCell = topo.cellZones.get(cell) ?? [];
        const viaZone = zonesOfCell.some((z) => canReadZone(s, z));
        const own = (p.role === 'grid_leader' || p.role === 'grid_worker') && p.cells.includes(cell);
        expect(viaZone || own).toBe(true);
      }),
    );
  });

  it('lets every reader of a zone read every cell touching it', () => {
    fc.assert(
      fc.property(arbPerson, fc.constantFrom(...ALL_ZONES), (p, zone) => {
        const s = scopeOf(p, topo);
        if (!canReadZone(s, zone)) return;
        for (const c of topo.zoneCells.get(zone) ?? []) expect(canReadCell(s, c)).toBe(true);
      }),
    );
  });

  it('agrees between readableCells and canReadCell', () => {
    fc.assert(
      fc.property(arbPerson, (p) => {
        const s = scopeOf(p, topo);
        const list = readableCells(s);
        for (const c of ALL_CELLS) expect(canReadCell(s, c)).toBe(list === 'all' || list.includes(c));
      }),
    );
  });

  it('lists only people it may read: every partition of a plan holds readable people', () => {
    fc.assert(
      fc.property(arbPerson, arbPerson, (caller, target) => {
        if (caller.role === 'volunteer') return;
        const s = scopeOf(caller, topo);
        const plan = planPeopleList(s, topo, {});
        const listed = plan.some((part) =>
          part.kind === 'all'
            ? true
            : part.kind === 'office'
              ? target.office === part.id
              : part.kind === 'zone'
                ? target.zones.includes(part.id)
                : target.cells.includes(part.id),
        );
        if (listed) expect(canReadPerson(s, { ...target, id: 'target' })).toBe(true);
      }),
    );
  });
});

describe('canReadPerson', () => {
  it('lets everyone read themselves', () => {
    for (const p of [admin, supEast, officer, leader, worker, volunteer])
      expect(canReadPerson(scopeOf(p, topo), p)).toBe(true);
  });

  it('keeps the west out of the east and a volunteer to themselves', () => {
    expect(canReadPerson(scopeOf(supEast, topo), westWorker)).toBe(false);
    expect(canReadPerson(scopeOf(supEast, topo), worker)).toBe(true);
    expect(canReadPerson(scopeOf(officer, topo), worker)).toBe(true);
    expect(canReadPerson(scopeOf(worker, topo), leader)).toBe(true);
    expect(
      canReadPerson(scopeOf(worker, topo), person({ id: 'sun', role: 'grid_worker', cells: ['b'] })),
    ).toBe(false);
    expect(canReadPerson(scopeOf(volunteer, topo), worker)).toBe(false);
  });

  it('lets a supervisor read people of other offices serving their area', () => {
    const straddler = person({ id: 'x1', role: 'grid_worker', office: 'west', cells: ['x'] });
    expect(canReadPerson(scopeOf(supEast, topo), straddler)).toBe(true);
  });
});

describe('canReadFinding', () => {
  const finding = (cellId: string | null, zones: string[], reporterId: string) => ({
    cellId,
    zones,
    reporterId,
  });

  it('lets a volunteer read only what they reported, even in their own cell', () => {
    const s = scopeOf(volunteer, topo);
    expect(canReadFinding(s, finding('a', ['E1'], 'zhou'))).toBe(true);
    expect(canReadFinding(s, finding('a', ['E1'], 'liu'))).toBe(false);
  });

  it('lets area roles read findings of their cells or zones, and the admin all', () => {
    expect(canReadFinding(scopeOf(worker, topo), finding('a', ['E1'], 'zhou'))).toBe(true);
    expect(canReadFinding(scopeOf(worker, topo), finding('b', ['E1'], 'zhou'))).toBe(false);
    expect(canReadFinding(scopeOf(officer, topo), finding(null, ['E1'], 'zhou'))).toBe(true);
    expect(canReadFinding(scopeOf(officer, topo), finding('w', ['W1'], 'he'))).toBe(false);
    expect(canReadFinding(scopeOf(admin, topo), finding(null, [], 'anyone'))).toBe(true);
  });

  it('lets a reporter read their own finding after their area moved', () => {
    expect(canReadFinding(scopeOf(worker, topo), finding('w', ['W1'], 'liu'))).toBe(true);
  });
});

describe('personWriteAccess', () => {
  const sup = scopeOf(supEast, topo);

  it('lets the admin create and replace anyone', () => {
    expect(personWriteAccess(scopeOf(admin, topo), admin, supEast, undefined)).toBe('allowed');
    expect(personWriteAccess(scopeOf(admin, topo), admin, worker, westWorker)).toBe('allowed');
  });

  it('lets a supervisor replace field people of their office within their area only', () => {
    expect(personWriteAccess(sup, supEast, worker, worker)).toBe('allowed');
    expect(personWriteAccess(sup, supEast, { ...worker, cells: ['w'] }, worker)).toBe('forbidden');
    expect(personWriteAccess(sup, supEast, { ...worker, office: 'west' }, worker)).toBe('forbidden');
    expect(personWriteAccess(sup, supEast, { ...worker, role: 'supervisor' }, worker)).toBe('forbidden');
    expect(personWriteAccess(sup, supEast, { ...officer, zones: ['W1'] }, officer)).toBe('forbidden');
  });

  it('hides from a supervisor an id of another office exactly as an unknown one: they create nobody', () => {
    expect(personWriteAccess(sup, supEast, worker, undefined)).toBe('hidden');
    expect(personWriteAccess(sup, supEast, worker, westWorker)).toBe('hidden');
  });

  it('refuses field roles outright', () => {
    expect(personWriteAccess(scopeOf(officer, topo), officer, worker, undefined)).toBe('forbidden');
    expect(personWriteAccess(scopeOf(worker, topo), worker, worker, worker)).toBe('forbidden');
  });
});

describe('planPeopleList', () => {
  it('reads the whole city, the office, or the caller’s own zones and cells', () => {
    expect(planPeopleList(scopeOf(admin, topo), topo, {})).toEqual([{ kind: 'all' }]);
    expect(planPeopleList(sup(), topo, {})).toEqual([{ kind: 'office', id: 'east' }]);
    expect(planPeopleList(scopeOf(worker, topo), topo, {})).toEqual([{ kind: 'cell', id: 'a' }]);
    expect(planPeopleList(scopeOf(officer, topo), topo, {})).toEqual([
      { kind: 'zone', id: 'E1' },
      { kind: 'cell', id: 'a' },
      { kind: 'cell', id: 'b' },
      { kind: 'cell', id: 'c' },
    ]);
  });

  it('answers a zone or cell outside the scope as missing, and refuses both filters and volunteers', () => {
    expect(() => planPeopleList(scopeOf(worker, topo), topo, { cell: 'b' })).toThrow(NotFoundError);
    expect(() => planPeopleList(scopeOf(officer, topo), topo, { zone: 'W1' })).toThrow(NotFoundError);
    expect(() => planPeopleList(scopeOf(admin, topo), topo, { zone: 'E1', cell: 'a' })).toThrow(/not both/);
    expect(() => planPeopleList(scopeOf(volunteer, topo), topo, {})).toThrow(ForbiddenError);
  });

  it('refuses a list wider than the partition bound', () => {
    const cells: ResolutionSidecar['cells'] = {};
    for (let i = 0; i <= MAX_PEOPLE_PARTITIONS; i++)
      cells[`c${i}`] = { name: '', primaryZone: 'Z', zones: [share('Z')] };
    const big = gridTopology(1, { cells, zones: { Z: { office: 'east', name: 'Z' } } });
    const s = scopeOf(person({ id: 'o', role: 'zone_officer', zones: ['Z'] }), big);
    expect(() => planPeopleList(s, big, {})).toThrow(/narrow it/);
  });

  function sup() {
    return scopeOf(supEast, topo);
  }
});

describe('narrowCoverage', () => {
  it('keeps only the scope’s cells and zones', () => {
    const coverage = {
      sliverShare: 0.01,
      straddleShare: 0.9,
      cellCount: 7,
      zoneCount: 4,
      unzonedCells: [{ cellId: 'u', areaM2: 1, zonedShare: 0 }],
      straddlingCells: [
        { cellId: 'c', primaryZone: 'E1', primaryShare: 0.5, zones: ['E1', 'E2'], unzonedShare: 0 },
        { cellId: 'w', primaryZone: 'W1', primaryShare: 0.5, zones: ['W1'], unzonedShare: 0.5 },
      ],
      zoneOverlaps: [
        { zoneA: 'E1', zoneB: 'W1', areaM2: 3 },
        { zoneA: 'W1', zoneB: 'W2', areaM2: 3 },
      ],
      zonesOutsideCells: [{ zoneId: 'W1', areaM2: 1, outsideCellsM2: 1, outsideShare: 1 }],
    };
    const n = narrowCoverage(scopeOf(officer, topo), coverage);
    expect(n.unzonedCells).toEqual([]);
    expect(n.straddlingCells.map((c) => c.cellId)).toEqual(['c']);
    expect(n.zoneOverlaps).toEqual([{ zoneA: 'E1', zoneB: 'W1', areaM2: 3 }]);
    expect(n.zonesOutsideCells).toEqual([]);
    expect(narrowCoverage(scopeOf(admin, topo), coverage)).toBe(coverage);
  });
});

describe('server-owned fields', () => {
  it('names each server-owned field a body sets, and nothing else', () => {
    expect(
      serverOwnedFieldsIn({ name: 'x', id: 'y', version: 2, status: 'verified', reporterId: 'z' }),
    ).toEqual([
      { path: 'body.id', message: expect.any(String) },
      { path: 'body.status', message: expect.any(String) },
      { path: 'body.version', message: expect.any(String) },
      { path: 'body.reporterId', message: expect.any(String) },
    ]);
    expect(serverOwnedFieldsIn({ name: 'x', shoe: 1 })).toEqual([]);
    expect(serverOwnedFieldsIn([{ id: 1 }])).toEqual([]);
    expect(serverOwnedFieldsIn(null)).toEqual([]);
  });
});

describe('caller cache', () => {
  it('keeps a person record at most a minute, so a deactivation takes effect within one', () => {
    expect(CALLER_CACHE_MAX_MS).toBeLessThanOrEqual(60_000);
    expect(callerCacheMs(undefined)).toBe(30_000);
    expect(callerCacheMs('0')).toBe(0);
    expect(callerCacheMs('3600000')).toBe(60_000);
    expect(callerCacheMs('nonsense')).toBe(30_000);
    expect(callerCacheMs('-5')).toBe(0);
  });
});

describe('findings owned by the city level and by a supervisor (issue 15.4, 15.5)', () => {
  const officerE2 = person({ id: 'wu', role: 'zone_officer', office: 'east', zones: ['E2'] });

  it('lists the whole city for an admin without zone= or cell=, a supervisor their office’s zones', () => {
    expect(planFindingList(scopeOf(admin, topo), {})).toEqual({ by: 'city', ids: [] });
    expect(planFindingList(scopeOf(supEast, topo), {})).toEqual({ by: 'zone', ids: ['E1', 'E2', 'EMPTY'] });
    expect(planFindingList(scopeOf(admin, topo), { zone: 'W1' })).toEqual({ by: 'zone', ids: ['W1'] });
  });

  it('gives what lies in no zone to the city admins only', () => {
    expect(canReadUnzoned(scopeOf(admin, topo))).toBe(true);
    for (const p of [supEast, officer, leader, worker, volunteer])
      expect(canReadUnzoned(scopeOf(p, topo)), p.id).toBe(false);
  });

  it('puts the findings of no zone in the admin’s to-do beside the escalated ones', () => {
    const todo = planTodoList(scopeOf(admin, topo));
    expect(todo.kind).toBe('city');
    if (todo.kind === 'city') {
      expect(todo.unzonedStatuses).toEqual([
        'reported',
        'verified',
        'rectifying',
        'transferred',
        'revisit_due',
      ]);
    }
  });

  it('finds the zones no active officer serves', () => {
    const zones = ['E1', 'E2', 'EMPTY'];
    expect([...zonesWithoutActiveOfficer(zones, [officer, officerE2])]).toEqual(['EMPTY']);
    expect([...zonesWithoutActiveOfficer(zones, [{ ...officer, active: false }, officerE2])]).toEqual([
      'E1',
      'EMPTY',
    ]);
    // Only zone officers count: a supervisor or grid person serving the zone does not take its cases.
    expect([...zonesWithoutActiveOfficer(['E1'], [{ ...leader, zones: ['E1'] }])]).toEqual(['E1']);
  });

  it('moves the cases of an officer-less zone to the supervisor’s to-do, overdue ones of the others', () => {
    const sup = scopeOf(supEast, topo);
    expect(planTodoList(sup)).toEqual({
      kind: 'list',
      plan: { by: 'zone', ids: ['E1', 'E2', 'EMPTY'] },
      overdue: true,
    });
    expect(planTodoList(sup, new Set(['E1', 'W1']))).toEqual({
      kind: 'list',
      plan: { by: 'zone', ids: ['E1', 'E2', 'EMPTY'] },
      statuses: ['reported', 'verified', 'rectifying', 'transferred', 'revisit_due'],
      overdue: true,
      wholeZones: ['E1'],
    });
    // An officer’s own to-do does not change with other zones’ staffing.
    expect(planTodoList(scopeOf(officer, topo), new Set(['E1']))).toMatchObject({ plan: { ids: ['E1'] } });
  });
});

describe('zonesInheritedIfUnstaffed (issue 20.2)', () => {
  it('checks the staffing of a supervisor’s zones only: nobody else inherits a zone’s cases', () => {
    expect(zonesInheritedIfUnstaffed(scopeOf(supEast, topo))).toEqual(['E1', 'E2', 'EMPTY']);
    for (const p of [admin, officer, leader, worker, volunteer])
      expect(zonesInheritedIfUnstaffed(scopeOf(p, topo)), p.role).toEqual([]);
    const supNoOffice = person({ id: 'sup-none', role: 'supervisor' });
    expect(zonesInheritedIfUnstaffed(scopeOf(supNoOffice, topo))).toEqual([]);
  });
});

describe('patrol plans: who plans, which plans and offices (issue 20.2)', () => {
  const supWest = person({ id: 'sup-west', role: 'supervisor', office: 'west' });
  const supNoOffice = person({ id: 'sup-none', role: 'supervisor' });
  const eastPlan = { officeId: 'east' };
  const cityPlan = { officeId: null };
  const forbidden = (fn: () => unknown, path: string) => {
    let err: unknown;
    try {
      fn();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ForbiddenError);
    expect((err as ForbiddenError).details?.[0]?.path).toBe(path);
  };

  it('puts zone officers and grid leaders and workers on patrols, never managers or volunteers', () => {
    const planned = ROLES.filter(mayBePlannedOnPatrol);
    expect(planned).toEqual(['zone_officer', 'grid_leader', 'grid_worker']);
  });

  it('shows draft tasks to the planners only, not to the pair a draft names', () => {
    expect(ROLES.filter((role) => maySeeDraftTasks({ role }))).toEqual(['city_admin', 'supervisor']);
  });

  it('lets a city admin manage every plan, a supervisor only their own office’s', () => {
    expect(canManagePlan(admin, eastPlan)).toBe(true);
    expect(canManagePlan(admin, cityPlan)).toBe(true);
    expect(canManagePlan(supEast, eastPlan)).toBe(true);
    expect(canManagePlan(supWest, eastPlan)).toBe(false);
    expect(canManagePlan(supEast, cityPlan)).toBe(false);
    expect(canManagePlan(supNoOffice, cityPlan)).toBe(false);
    // The plan routes admit managers only, but the decision does not rest on that: an officer of the
    // office manages none of its plans.
    expect(canManagePlan(officer, eastPlan)).toBe(false);
  });

  it('plans the office a city admin names, or the city; a supervisor only their own', () => {
    expect(officeToPlan(admin, 'west', 'body.office')).toBe('west');
    expect(officeToPlan(admin, undefined, 'body.office')).toBeNull();
    expect(officeToPlan(supEast, undefined, 'body.office')).toBe('east');
    expect(officeToPlan(supEast, 'east', 'body.office')).toBe('east');
    forbidden(() => officeToPlan(supEast, 'west', 'body.office'), 'body.office');
    forbidden(() => officeToPlan(supNoOffice, undefined, 'body.office'), 'body.office');
  });

  it('lists every plan for a city admin, a supervisor’s own office, and hides another office', () => {
    expect(plansListedFor(admin, undefined, 'query.office')).toBe('all');
    expect(plansListedFor(admin, 'west', 'query.office')).toBe('west');
    expect(plansListedFor(supEast, undefined, 'query.office')).toBe('east');
    expect(plansListedFor(supEast, 'east', 'query.office')).toBe('east');
    expect(() => plansListedFor(supEast, 'west', 'query.office')).toThrow(NotFoundError);
    // Without an office a supervisor lists nothing: any office named is hidden, none named a 403.
    expect(() => plansListedFor(supNoOffice, 'east', 'query.office')).toThrow(NotFoundError);
    forbidden(() => plansListedFor(supNoOffice, undefined, 'query.office'), 'query.office');
  });
});
