/**
 * Model-based random runs (issue 19.4): fast-check commands over reports (with and without an
 * Idempotency-Key, replays, a key reused for another body), bursts of concurrent reports, finding
 * actions (those the model allows, and some it does not: refused with a 4xx, nothing changed; stale
 * versions; retries of a step already taken), the overdue and revisit jobs with the clock moved,
 * and a plan drafted, published and its tasks checked in and completed. The model says what must
 * exist; after every run: each finding and task has one event per version (1..n), replaying a
 * finding's events rebuilds it, every acknowledged write is there, and the counters equal a recount.
 * The same runs again with the fault proxy's conflicts, throttling and dropped answers on, the
 * clients retrying under the same key.
 *
 * Seeded: MODEL_SEED=<n> replays a run (fast-check prints the seed and the commands of a failure).
 */
import { randomUUID } from 'node:crypto';
import {
  ACTION_NAMES,
  addDays,
  canonicalJson,
  type Finding,
  type FindingEvent,
  planningWeekStart,
  replayFinding,
} from '@gridpatrol/core';
import { runJob } from '@gridpatrol/functions/jobs/run';
import type { FaultSettings } from '@gridpatrol/local';
import { getPatrolTask, verifyCounters } from '@gridpatrol/store';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomActionBody, reportBody, seeded } from '../support/findings';
import { type CallOptions, startTestApi, type TestApi, type TestResponse } from '../support/local-api';
import { type CellPoint, pointInCell } from '../support/points';

// biome-ignore lint/suspicious/noExplicitAny: API bodies are inspected loosely here
type Json = any;

const SEED = Number(process.env.MODEL_SEED ?? 190_402);
const DAY = 86_400_000;
const MIN = 60_000;

/** What the faulty runs inject: the real conflict rule, throttling and answers lost after commit. */
const FAULTS: FaultSettings = {
  conflicts: true,
  throttle: { rate: 0.1 },
  dropWriteResponses: 0.1,
  latency: { fixedMs: 2, jitterMs: 6 },
};
const NO_FAULTS: FaultSettings = { conflicts: false, throttle: null, dropWriteResponses: 0, latency: null };

let api: TestApi;
let setTasksClock: (fn?: () => Date) => void;
/** The handlers' clock during a task step (inside its slot); the wall clock otherwise. */
let tasksClock: Date | undefined;
/** Points whose responsible zone is officer-li's (east office). */
let points: CellPoint[];
/** officer-li's zone: every finding of these runs is routed to it. */
let zoneId: string;
/** Every finding acknowledged (201) over all runs: the zone must hold exactly these, none twice. */
const acknowledged = new Set<string>();
const cellPoints = new Map<string, CellPoint | undefined>();
let run = 0;
/** What the runs did, by command and outcome: printed, and checked to reach the interesting cases. */
const tally = new Map<string, number>();
const count = (what: string) => tally.set(what, (tally.get(what) ?? 0) + 1);

const adminGet = async (path: string): Promise<Json> => (await api.call('GET', path, { as: 'admin' })).body;

beforeAll(async () => {
  api = await startTestApi('demo', { faultProxy: { seed: SEED } });
  const tasks = await import('@gridpatrol/functions/handlers/tasks');
  setTasksClock = tasks.setTasksClock;
  // One clock moves every handler (functions/src/clock.ts): findings' deadlines too, so it is only
  // moved for the duration of a task step.
  setTasksClock(() => tasksClock ?? new Date());
  const li = (await api.call('GET', '/me', { as: 'officer-li' })).body;
  zoneId = li.zones[0];
  const zone = await adminGet(`/zones/${zoneId}`);
  points = [];
  for (const c of zone.properties.cells as { id: string }[]) {
    const p = await pointInCell(adminGet, c.id, (r) => r.primaryZone === li.zones[0]);
    if (p) points.push(p);
    if (points.length >= 3) break;
  }
  expect(points.length).toBeGreaterThan(0);
}, 180_000);

afterAll(async () => {
  setTasksClock?.();
  await api?.close();
});

// ---------------------------------------------------------------------------------------------
// A client that retries what a field app retries

/** Whether an answer says "try again": the database was unavailable, or a write lost a race. */
const transient = (res: TestResponse) =>
  res.status === 503 ||
  (res.status === 409 && /being (written|changed)|(retry|again)\.?$/.test(res.body?.error?.message ?? ''));

/**
 * A call retried on a transient answer with the same body and headers (so the same Idempotency-Key),
 * as the field app does; the last answer. Without faults the first answer is the last.
 */
async function call(method: string, path: string, opts: CallOptions = {}): Promise<TestResponse> {
  let res = await api.call(method, path, opts);
  for (let attempt = 1; attempt < 12 && transient(res); attempt++) {
    await new Promise((r) => setTimeout(r, 10 + Math.random() * 40 * attempt));
    res = await api.call(method, path, opts);
  }
  return res;
}

const readFinding = async (id: string): Promise<Finding> => {
  const res = await call('GET', `/findings/${id}`, { as: 'admin' });
  expect(res.status, res.text).toBe(200);
  const { allowedActions: _allowed, ...finding } = res.body;
  return finding as Finding;
};

async function allPages<T>(path: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  const sep = path.includes('?') ? '&' : '?';
  do {
    const res = await call('GET', `${path}${sep}limit=100${cursor ? `&cursor=${cursor}` : ''}`, {
      as: 'admin',
    });
    expect(res.status, res.text).toBe(200);
    items.push(...res.body.items);
    cursor = res.body.cursor;
  } while (cursor);
  return items;
}

// ---------------------------------------------------------------------------------------------
// The model

type Escalation = 'none' | 'supervisor' | 'admin';
interface FindingModel {
  readonly id: string;
  status: string;
  version: number;
  flagged: boolean;
  overdue: boolean;
  escalation: Escalation;
  deadline: string | undefined;
  revisitDueAt: string | undefined;
  readonly officeId: string | null;
  /** Who took the step to each version and with which body (a retry of it is answered again). */
  readonly steps: Map<number, { as: string; body: string }>;
}
interface ReportSent {
  readonly as: string;
  readonly key: string;
  readonly body: Record<string, unknown>;
  readonly id: string;
}
interface TaskModel {
  readonly id: string;
  readonly officerId: string;
  readonly partnerId: string;
  readonly cellId: string;
  readonly shiftStart: string;
  status: string;
  version: number;
  readonly checkedIn: Set<string>;
}
interface Model {
  readonly findings: FindingModel[];
  readonly reports: ReportSent[];
  plan: { id: string; status: 'draft' | 'published' } | undefined;
  readonly week: string;
  tasks: TaskModel[];
  /** Whether office callers send keys too (always with faults: a keyless retry is a new report). */
  readonly keysAlways: boolean;
}
interface Real {
  readonly api: TestApi;
}

/** The loop as the model knows it (DOMAIN.md): state → action → next state. */
const LOOP: Record<string, Record<string, string>> = {
  reported: { verify: 'verified', reject: 'rejected', separate: 'reported' },
  verified: { order_rectification: 'rectifying', transfer: 'transferred' },
  rectifying: { resolve: 'resolved', extend_deadline: 'rectifying' },
  transferred: { resolve: 'resolved', extend_deadline: 'transferred' },
  revisit_due: { confirm_revisit: 'closed', reopen: 'rectifying' },
};
/** Every action the API takes: one the LOOP above does not allow from a state must be refused. */
const ACTIONS = ACTION_NAMES;
/** May act on findings of officer-li's zone: the officer, the east supervisor, the admin; worker-liu may not. */
const ACTORS = ['officer-li', 'sup-east', 'admin', 'worker-liu'] as const;
const MANAGERS = new Set(['sup-east', 'admin']);
const RANK: Record<Escalation, number> = { none: 0, supervisor: 1, admin: 2 };
const CLEARS_OVERDUE = new Set(['resolve', 'extend_deadline', 'reopen']);

function expectFinding(got: Json, f: FindingModel, what: string): void {
  expect(
    { status: got.status, version: got.version, overdue: got.overdue, escalation: got.escalation },
    `${what}: finding ${f.id}`,
  ).toEqual({ status: f.status, version: f.version, overdue: f.overdue, escalation: f.escalation });
}

function adopt(m: Model, body: Json): FindingModel {
  const f: FindingModel = {
    id: body.id,
    status: 'reported',
    version: 1,
    flagged: body.possibleDuplicateOf !== undefined,
    overdue: false,
    escalation: 'none',
    deadline: undefined,
    revisitDueAt: undefined,
    officeId: body.officeId,
    steps: new Map(),
  };
  m.findings.push(f);
  acknowledged.add(f.id);
  return f;
}

// ---------------------------------------------------------------------------------------------
// Commands: findings

class Report implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly as: 'officer-li' | 'sup-east' | 'admin',
    readonly withKey: boolean,
    readonly at: number,
    readonly name: number,
  ) {}
  check = () => true;
  async run(m: Model): Promise<void> {
    const keyed = this.as === 'officer-li' || this.withKey || m.keysAlways;
    const key = `model-${randomUUID()}`;
    const point = points[this.at % points.length] as CellPoint;
    const body = reportBody(point, `模型店${run}号${this.name}`);
    const res = await call('POST', '/findings', {
      as: this.as,
      body,
      ...(keyed ? { headers: { 'idempotency-key': key } } : {}),
    });
    expect(res.status, res.text).toBe(201);
    count(keyed ? 'report with key' : 'report without key');
    adopt(m, res.body);
    if (keyed) m.reports.push({ as: this.as, key, body, id: res.body.id });
  }
  toString = () => `Report(${this.as}, key=${this.withKey}, at=${this.at})`;
}

/** Several reports at once, each retried by its client: the conflict rule's playground. */
class Burst implements fc.AsyncCommand<Model, Real> {
  constructor(readonly size: number) {}
  check = () => true;
  async run(m: Model): Promise<void> {
    const sent = Array.from({ length: this.size }, (_, i) => ({
      key: `burst-${randomUUID()}`,
      body: reportBody(points[i % points.length] as CellPoint, `并发店${run}-${m.findings.length}-${i}`),
    }));
    const answers = await Promise.all(
      sent.map((s) =>
        call('POST', '/findings', { as: 'officer-li', body: s.body, headers: { 'idempotency-key': s.key } }),
      ),
    );
    answers.forEach((res, i) => {
      expect(res.status, res.text).toBe(201);
      count('burst report');
      adopt(m, res.body);
      m.reports.push({
        as: 'officer-li',
        key: (sent[i] as (typeof sent)[number]).key,
        body: sent[i]?.body ?? {},
        id: res.body.id,
      });
    });
  }
  toString = () => `Burst(${this.size})`;
}

/** The same report again under its key: the first finding, nothing written. */
class ReplayReport implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly pick: number,
    readonly otherBody: boolean,
  ) {}
  check = (m: Readonly<Model>) => m.reports.length > 0;
  async run(m: Model): Promise<void> {
    const r = m.reports[this.pick % m.reports.length] as ReportSent;
    const f = m.findings.find((x) => x.id === r.id) as FindingModel;
    const body = this.otherBody ? { ...r.body, address: '另一个地址 9 号' } : r.body;
    const res = await call('POST', '/findings', { as: r.as, body, headers: { 'idempotency-key': r.key } });
    count(this.otherBody ? 'key reused for another body' : 'report replayed');
    if (this.otherBody) {
      expect(res.status, res.text).toBe(422);
      expect(res.body.error.details[0].path).toBe('headers.idempotency-key');
    } else {
      expect(res.status, res.text).toBe(201);
      expect(res.headers.get('idempotent-replayed')).toBe('true');
      expect(res.body.id).toBe(r.id);
    }
    expectFinding(await readFinding(r.id), f, this.toString());
  }
  toString = () => `ReplayReport(${this.pick}, otherBody=${this.otherBody})`;
}

/**
 * An action on a finding by one of ACTORS; the model decides whether it must pass. `stale` sends the
 * version before the current one: a 409, unless the same person took that very step with the same
 * body, which is then a retry answered again.
 */
class Act implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly pick: number,
    /** An action by name, or the n-th of those the model allows this actor now. */
    readonly choice: (typeof ACTIONS)[number] | number,
    readonly as: (typeof ACTORS)[number],
    readonly stale: boolean,
    readonly seed: number,
  ) {}
  check = (m: Readonly<Model>) => m.findings.length > 0;
  private action = '';
  async run(m: Model): Promise<void> {
    const f = m.findings[this.pick % m.findings.length] as FindingModel;
    const stale = this.stale && f.version > 1;
    const version = stale ? f.version - 1 : f.version;
    const allowed = Object.keys(LOOP[f.status] ?? {}).filter(
      (a) => (a !== 'separate' || f.flagged) && (a !== 'extend_deadline' || MANAGERS.has(this.as)),
    );
    this.action =
      typeof this.choice === 'number'
        ? (allowed[this.choice % Math.max(1, allowed.length)] ??
          (ACTIONS[this.choice % ACTIONS.length] as string))
        : this.choice;
    const body = randomActionBody(this.action, version, {
      at: Date.now(),
      maxDays: 20,
      transferDeadlineChance: 0.7,
      departments: api.config.departments,
      random: seeded(this.seed),
    });
    const res = await call('POST', `/findings/${f.id}/actions`, { as: this.as, body });
    const next = LOOP[f.status]?.[this.action];
    const legal =
      next !== undefined &&
      (this.action !== 'separate' || f.flagged) &&
      (this.action !== 'extend_deadline' || MANAGERS.has(this.as));
    const where = `${this.toString()} on ${f.status} v${f.version}`;
    count(`action → ${res.status}`);
    if (this.as === 'worker-liu' || (this.action === 'extend_deadline' && !MANAGERS.has(this.as))) {
      expect(res.status, `${where}: ${res.text}`).toBe(403);
    } else if (stale) {
      const step = f.steps.get(f.version);
      const retry = step?.as === this.as && step.body === canonicalJson(body);
      expect(res.status, `${where}: ${res.text}`).toBe(retry ? 200 : 409);
    } else if (!legal) {
      expect(res.status, `${where}: ${res.text}`).toBe(422);
    } else {
      expect(res.status, `${where}: ${res.text}`).toBe(200);
      f.status = next;
      f.version += 1;
      f.steps.set(f.version, { as: this.as, body: canonicalJson(body) });
      if (['verify', 'reject', 'separate'].includes(this.action)) f.flagged = false;
      if (CLEARS_OVERDUE.has(this.action)) {
        f.overdue = false;
        f.escalation = 'none';
      }
      if (res.body.deadline !== undefined) f.deadline = res.body.deadline;
      f.revisitDueAt = res.body.revisitDueAt;
      expectFinding(res.body, f, where);
      return;
    }
    expectFinding(await readFinding(f.id), f, `${where} (refused: nothing changed)`);
  }
  toString = () =>
    `Act(${this.pick}, ${this.action || this.choice}, as ${this.as}${this.stale ? ', stale' : ''}, seed ${this.seed})`;
}

/** A step already taken, sent again by its actor: answered as the first time, nothing written. */
class RetryStep implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly pick: number,
    readonly step: number,
  ) {}
  check = (m: Readonly<Model>) => m.findings.some((f) => f.steps.size > 0);
  async run(m: Model): Promise<void> {
    const stepped = m.findings.filter((f) => f.steps.size > 0);
    const f = stepped[this.pick % stepped.length] as FindingModel;
    const [version, step] = [...f.steps][this.step % f.steps.size] as [number, { as: string; body: string }];
    const res = await call('POST', `/findings/${f.id}/actions`, { as: step.as, body: JSON.parse(step.body) });
    count('action retried');
    expect(res.status, `retry of v${version}: ${res.text}`).toBe(200);
    expect(res.headers.get('idempotent-replayed')).toBe('true');
    expectFinding(await readFinding(f.id), f, this.toString());
  }
  toString = () => `RetryStep(${this.pick}, ${this.step})`;
}

/** The overdue or revisit job at a moved clock, run again until a run without conflicts (it is idempotent). */
class Job implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly job: 'overdue' | 'revisits',
    readonly days: number,
  ) {}
  check = () => true;
  async run(m: Model): Promise<void> {
    const now = new Date(Date.now() + this.days * DAY);
    for (let attempt = 0; ; attempt++) {
      const done = await runJob(this.job, now).then(
        (counts) => counts.conflicts === 0,
        () => false,
      );
      if (done) break;
      expect(attempt, `${this.toString()} never ran clean`).toBeLessThan(20);
    }
    const t = now.getTime();
    for (const f of m.findings) {
      if (this.job === 'overdue' && ['rectifying', 'transferred'].includes(f.status) && f.deadline) {
        const deadline = Date.parse(f.deadline);
        if (!(t > deadline)) continue;
        const target: Escalation =
          f.officeId === null || t > deadline + api.config.findings.escalateToAdminAfterDays * DAY
            ? 'admin'
            : 'supervisor';
        if (f.overdue && RANK[f.escalation] >= RANK[target]) continue;
        f.overdue = true;
        f.escalation = target;
        f.version += 1;
        count(`job ${target === 'admin' ? 'escalated to admin' : 'marked overdue'}`);
      }
      if (this.job === 'revisits' && f.status === 'resolved' && f.revisitDueAt) {
        if (t < Date.parse(f.revisitDueAt)) continue;
        f.status = 'revisit_due';
        f.version += 1;
        count('job made revisit due');
      }
    }
    for (const f of m.findings) expectFinding(await readFinding(f.id), f, this.toString());
  }
  toString = () => `Job(${this.job}, +${this.days} d)`;
}

// ---------------------------------------------------------------------------------------------
// Commands: a plan and its tasks

class DraftPlan implements fc.AsyncCommand<Model, Real> {
  check = (m: Readonly<Model>) => m.plan === undefined || m.plan.status === 'published';
  async run(m: Model): Promise<void> {
    const res = await call('POST', '/plans', { as: 'sup-east', body: { weekStart: m.week } });
    if (m.plan !== undefined) {
      // The week has a published plan: a second one only with supersede.
      expect(res.status, res.text).toBe(409);
      return;
    }
    expect(res.status, res.text).toBe(201);
    count('plan drafted');
    m.plan = { id: res.body.id, status: 'draft' };
  }
  toString = () => 'DraftPlan';
}

class PublishPlan implements fc.AsyncCommand<Model, Real> {
  check = (m: Readonly<Model>) => m.plan !== undefined;
  async run(m: Model): Promise<void> {
    const plan = m.plan as NonNullable<Model['plan']>;
    const res = await call('POST', `/plans/${plan.id}/publish`, { as: 'sup-east' });
    expect(res.status, res.text).toBe(200);
    if (plan.status === 'published') return;
    plan.status = 'published';
    count('plan published');
    const tasks: Json[] = [];
    let cursor: string | undefined;
    do {
      const page = await call('GET', `/plans/${plan.id}?limit=500${cursor ? `&cursor=${cursor}` : ''}`, {
        as: 'sup-east',
      });
      tasks.push(...page.body.tasks);
      cursor = page.body.cursor;
    } while (cursor);
    m.tasks = tasks.map((t) => ({
      id: t.id,
      officerId: t.officerId,
      partnerId: t.partnerId,
      cellId: t.cellId,
      shiftStart: t.shiftStart,
      status: t.status,
      version: t.version,
      checkedIn: new Set<string>(),
    }));
    for (const t of m.tasks) expect(t.status).toBe('assigned');
  }
  toString = () => 'PublishPlan';
}

async function pointOfCell(cellId: string): Promise<CellPoint | undefined> {
  if (!cellPoints.has(cellId)) cellPoints.set(cellId, await pointInCell(adminGet, cellId));
  return cellPoints.get(cellId);
}

/** A check-in (`complete` false) or a completion by the officer, the partner or someone else. */
class TaskStep implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly pick: number,
    readonly who: 'officer' | 'partner' | 'stranger',
    readonly complete: boolean,
  ) {}
  check = (m: Readonly<Model>) => m.tasks.length > 0;
  async run(m: Model): Promise<void> {
    // A completion goes half the time to a task someone checked in on, by them: runs reach it.
    const checked = m.tasks.filter((x) => x.checkedIn.size > 0 && x.status === 'assigned');
    const byCheckedIn = this.complete && this.who !== 'stranger' && this.pick % 2 === 0 && checked.length > 0;
    const t = (
      byCheckedIn ? checked[this.pick % checked.length] : m.tasks[this.pick % m.tasks.length]
    ) as TaskModel;
    const person = byCheckedIn
      ? ([...t.checkedIn][0] as string)
      : this.who === 'officer'
        ? t.officerId
        : this.who === 'partner'
          ? t.partnerId
          : 'worker-he';
    const at = await pointOfCell(t.cellId);
    if (!at) return void count('task: no point found in its cell');
    tasksClock = new Date(Date.parse(t.shiftStart) + 30 * MIN);
    const res = await (this.complete
      ? call('POST', `/tasks/${t.id}/complete`, {
          as: person,
          body: { checks: { safety: 'ok', food: 'issue', license: 'not_applicable' } },
          headers: { 'idempotency-key': randomUUID() },
        })
      : call('POST', `/tasks/${t.id}/check-in`, {
          as: person,
          body: { lon: at.lon, lat: at.lat },
          headers: { 'idempotency-key': randomUUID() },
        })
    ).finally(() => {
      tasksClock = undefined;
    });
    const where = `${this.toString()} on ${t.status} v${t.version}`;
    count(`task ${this.complete ? 'complete' : 'check-in'} → ${res.status}`);
    // Anyone but the pair is told the task does not exist.
    if (this.who === 'stranger') expect(res.status, `${where}: ${res.text}`).toBe(404);
    else if (t.status !== 'assigned') expect(res.status, `${where}: ${res.text}`).toBe(409);
    else if (this.complete && !t.checkedIn.has(person)) expect(res.status, `${where}: ${res.text}`).toBe(422);
    else {
      expect(res.status, `${where}: ${res.text}`).toBe(200);
      if (this.complete) {
        t.status = 'completed';
        t.version += 1;
      } else if (!t.checkedIn.has(person)) {
        t.checkedIn.add(person);
        t.version += 1;
      }
    }
    const stored = await getPatrolTask(t.id);
    expect({ status: stored?.status, version: stored?.version }, where).toEqual({
      status: t.status,
      version: t.version,
    });
  }
  toString = () => `TaskStep(${this.pick}, ${this.who}, ${this.complete ? 'complete' : 'check-in'})`;
}

const commands = [
  fc
    .tuple(
      fc.constantFrom('officer-li' as const, 'sup-east' as const, 'admin' as const),
      fc.boolean(),
      fc.nat(10),
      fc.nat(1_000),
    )
    .map(([as, key, at, name]) => new Report(as, key, at, name)),
  fc.integer({ min: 2, max: 6 }).map((n) => new Burst(n)),
  fc.tuple(fc.nat(50), fc.boolean()).map(([p, other]) => new ReplayReport(p, other)),
  // Mostly steps the model allows (by a fresh reader), some of any kind, by anyone, or stale.
  ...Array.from({ length: 4 }, () =>
    fc
      .tuple(
        fc.nat(50),
        fc.nat(8),
        fc.constantFrom('officer-li' as const, 'sup-east' as const, 'admin' as const),
        fc.nat(1_000_000),
      )
      .map(([p, n, as, seed]) => new Act(p, n, as, false, seed)),
  ),
  fc
    .tuple(
      fc.nat(50),
      fc.constantFrom(...ACTIONS),
      fc.constantFrom(...ACTORS),
      fc.boolean(),
      fc.nat(1_000_000),
    )
    .map(([p, a, as, stale, seed]) => new Act(p, a, as, stale, seed)),
  fc
    .tuple(fc.nat(50), fc.nat(8), fc.constantFrom(...ACTORS), fc.nat(1_000_000))
    .map(([p, n, as, seed]) => new Act(p, n, as, true, seed)),
  fc.tuple(fc.nat(50), fc.nat(10)).map(([p, s]) => new RetryStep(p, s)),
  ...Array.from({ length: 2 }, () =>
    fc
      .tuple(fc.constantFrom('overdue' as const, 'revisits' as const), fc.integer({ min: 1, max: 45 }))
      .map(([job, days]) => new Job(job, days)),
  ),
  fc.constant(new DraftPlan()),
  fc.constant(new PublishPlan()),
  // Tasks exist only once a plan is published: asked for more often so that runs reach them.
  ...Array.from({ length: 4 }, () =>
    fc
      .tuple(
        fc.nat(50),
        fc.constantFrom('officer' as const, 'partner' as const, 'stranger' as const),
        fc.boolean(),
      )
      .map(([p, who, complete]) => new TaskStep(p, who, complete)),
  ),
];

// ---------------------------------------------------------------------------------------------
// What must hold after a run

async function checkRun(m: Model): Promise<void> {
  // The checks read what is stored: the auditor, not the system under test, so no faults here.
  await api.proxy?.set(NO_FAULTS);
  for (const f of m.findings) {
    const stored = await readFinding(f.id);
    expectFinding(stored, f, 'after the run (acknowledged and present)');
    const events = await allPages<FindingEvent>(`/findings/${f.id}/history`);
    expect(
      events.map((e) => e.version),
      `finding ${f.id}: one event per version`,
    ).toEqual(Array.from({ length: stored.version }, (_, i) => i + 1));
    expect(replayFinding(events), `finding ${f.id}: replayed from its events`).toEqual(stored);
  }
  for (const t of m.tasks) {
    const stored = await getPatrolTask(t.id);
    const events = await allPages<{ version: number }>(`/tasks/${encodeURIComponent(t.id)}/history`);
    expect(
      events.map((e) => e.version),
      `task ${t.id}: one event per version`,
    ).toEqual(Array.from({ length: stored?.version ?? 0 }, (_, i) => i + 1));
  }
  // No acknowledged report missing, none written twice by a retry, nothing unacknowledged.
  const inZone = await allPages<{ id: string }>(`/findings?zone=${zoneId}`);
  expect(inZone.map((f) => f.id).sort(), 'the zone holds exactly the acknowledged findings').toEqual(
    [...acknowledged].sort(),
  );
  await api.settle();
  const report = await verifyCounters({
    offices: api.config.offices.map((o) => o.id),
    timeZone: api.config.timeZone,
  });
  expect(report.disagreements, 'counters against a recount').toEqual([]);
}

async function modelRuns(faults: FaultSettings, numRuns: number, seed: number, maxCommands: number) {
  await fc.assert(
    fc.asyncProperty(fc.commands(commands, { maxCommands, size: 'max' }), async (cmds) => {
      run += 1;
      const model: Model = {
        findings: [],
        reports: [],
        plan: undefined,
        // A week of its own per run: its plan is the week's only one.
        week: addDays(planningWeekStart(new Date(), api.config.timeZone), 7 * (2 + run)),
        tasks: [],
        keysAlways: faults !== NO_FAULTS,
      };
      await api.proxy?.set(faults);
      try {
        await fc.asyncModelRun(() => ({ model, real: { api } }), cmds);
      } finally {
        await api.proxy?.set(NO_FAULTS);
      }
      await checkRun(model);
    }),
    { numRuns, seed, endOnFailure: true },
  );
}

describe('model-based runs', () => {
  it(`keep the trail, the replay and the counters true (seed ${SEED})`, async () => {
    tally.clear();
    await modelRuns(NO_FAULTS, Number(process.env.MODEL_RUNS ?? 10), SEED, 80);
    console.info(`model runs: ${JSON.stringify(Object.fromEntries([...tally].sort()))}`);
    // The runs reached the cases that matter (at the default number of runs; MODEL_RUNS may be fewer).
    if (process.env.MODEL_RUNS === undefined)
      for (const what of [
        'action → 200',
        'action → 422',
        'action → 403',
        'action → 409',
        'action retried',
        'report replayed',
      ])
        expect(tally.get(what) ?? 0, what).toBeGreaterThan(0);
  }, 600_000);

  it(`keep them true with conflicts, throttling and lost answers (seed ${SEED + 1})`, async () => {
    tally.clear();
    api.proxy?.resetStats();
    await modelRuns(FAULTS, Number(process.env.MODEL_RUNS ?? 5), SEED + 1, 60);
    const stats = api.proxy?.stats();
    console.info(
      `model runs with faults: ${JSON.stringify(Object.fromEntries([...tally].sort()))}; proxy ${JSON.stringify(stats)}`,
    );
    // The faults did happen: otherwise this is the first test again.
    expect(stats?.throttled).toBeGreaterThan(0);
    expect(stats?.droppedResponses).toBeGreaterThan(0);
  }, 600_000);
});
