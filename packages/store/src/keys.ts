/**
 * Every entity's keys come from one function here; nothing else builds a key by hand.
 * Key parts are joined with '#', so ids must not contain it (the core schemas forbid it).
 * Grid versions are zero-padded so that they sort as numbers.
 */
import { type Finding, TERMINAL_STATUSES } from '@gridpatrol/core';
import { EVENT_PARTITION_PREFIX } from './table';

const v = (version: number) => `GRID#${String(version).padStart(6, '0')}`;
const part = (n: number) => String(n).padStart(4, '0');

/** What a finding's keys depend on. */
export type FindingKeyInput = Pick<
  Finding,
  'id' | 'status' | 'zoneId' | 'cellId' | 'reporterId' | 'reportedAt' | 'deadline' | 'revisitDueAt'
> & {
  /** Only 'admin' matters (it moves the finding from the overdue job's index to the admins' list); absent reads as none. */
  readonly escalation?: Finding['escalation'];
  readonly overdueSince?: Finding['overdueSince'];
};

/** A finding's table key alone, for GetItem by id (its index keys depend on its state). */
const findingKey = (id: string) => ({ pk: `FINDING#${id}`, sk: 'FINDING' });

/** The start of a zone list's sort key for one state: open states sort before shut ones. */
export const findingStatePrefix = (status: Finding['status']) =>
  `${TERMINAL_STATUSES.includes(status) ? 'SHUT' : 'OPEN'}#${status}#`;

/** A reporter's findings (gsi2). */
export const findingReporterPartition = (reporterId: string) => `FINDINGS#REPORTER#${reporterId}`;

/** Findings whose point lies in a cell (gsi4). */
export const findingCellPartition = (cellId: string) => `FINDINGS#CELL#${cellId}`;

/**
 * Every finding of the city (gsi5), sorted as gsi1: a city admin's list without zone= or cell= is
 * one partition however many zones the city has. One partition takes every finding write of the
 * city, far below an index partition's write rate (findings come in by the minute, not by the ms).
 */
export const FINDINGS_CITY_PARTITION = 'FINDINGS#CITY';

/** Findings routed to no zone are the city admins' to assign: they share one partition. */
export const findingZonePartition = (zoneId: string | null) => `FINDINGS#ZONE#${zoneId ?? '-'}`;

/** The gsi3 partitions of the two scheduled jobs: running deadlines and coming revisits. */
export type FindingDueKind = 'deadline' | 'revisit';
export const FINDING_DUE_PARTITIONS: Readonly<Record<FindingDueKind, string>> = {
  deadline: 'FINDINGS#DUE#DEADLINE',
  revisit: 'FINDINGS#DUE#REVISIT',
};
/** Open cases escalated to the city admins (gsi3): their to-do list, by when they turned overdue. */
export const FINDINGS_ESCALATED_PARTITION = 'FINDINGS#ESCALATED#ADMIN';

/**
 * The job index entry: a running deadline (rectifying / transferred) or a coming revisit (resolved).
 * Other states carry none, so the jobs read only what may need them. A case already escalated to
 * the admins leaves the deadline partition (the overdue job has nothing left to do with it, and
 * every run would otherwise re-read every long-late case) for the admins' escalation list.
 */
function findingDue(f: FindingKeyInput): { gsi3pk?: string; gsi3sk?: string } {
  if (
    (f.status === 'rectifying' || f.status === 'transferred') &&
    f.deadline !== undefined &&
    f.escalation !== 'admin'
  )
    return { gsi3pk: FINDING_DUE_PARTITIONS.deadline, gsi3sk: `${f.deadline}#${f.id}` };
  if (f.status === 'resolved' && f.revisitDueAt !== undefined)
    return { gsi3pk: FINDING_DUE_PARTITIONS.revisit, gsi3sk: `${f.revisitDueAt}#${f.id}` };
  if ((f.status === 'rectifying' || f.status === 'transferred') && f.escalation === 'admin')
    return { gsi3pk: FINDINGS_ESCALATED_PARTITION, gsi3sk: `${f.overdueSince ?? f.deadline ?? ''}#${f.id}` };
  return {};
}

/** A person's notifications (gsi2). */
export const notificationsPartition = (personId: string) => `NOTES#PERSON#${personId}`;

/** The gsi3 partition of notifications held back (quiet hours, digest), by when they may go. */
export const NOTIFICATIONS_DEFERRED_PARTITION = 'NOTIFY#DEFERRED';

/** Plans of one office, or of the whole city (officeId null). */
export const planOfficePartition = (officeId: string | null) => `PLANS#OFFICE#${officeId ?? '-'}`;
/** The gsi3 partition of the missed-task job: assigned tasks by the end of their shift. */
export const TASKS_DUE_PARTITION = 'TASKS#DUE';
/** The gsi3 partition of the grid-imports sweep: versions writing, or failed and not cleaned up. */
export const GRID_UNSETTLED_PARTITION = 'GRID#IMPORTS#UNSETTLED';

const eventSort = (version: number) => `EVENT#${String(version).padStart(8, '0')}`;

/**
 * Where an event was stored before 0040's move: in its finding's or task's own partition. Read
 * only by `moveEvents` and by histories until the move is done.
 */
export const legacyEventPartition = (eventPk: string) => eventPk.slice(EVENT_PARTITION_PREFIX.length);

export const keys = {
  /** The city's own record: seed marker. */
  city: () => ({ pk: 'CITY', sk: 'META' }),
  /** A person; the index lists everyone, by role then id (the city admin's unfiltered list). */
  person: (id: string, role: string) => ({
    pk: `PERSON#${id}`,
    sk: 'PERSON',
    gsi1pk: 'PEOPLE#ALL',
    gsi1sk: `${role}#${id}`,
  }),
  /**
   * A copy of a person under each office, zone and cell they serve; the index lists the people of
   * one of them, by role then id, so a list scoped to an area is a Query on that area's partitions.
   */
  personMembership: (id: string, role: string, kind: 'office' | 'zone' | 'cell', areaId: string) => ({
    pk: `PERSON#${id}`,
    sk: `MEMBER#${kind.toUpperCase()}#${areaId}`,
    gsi1pk: `PEOPLE#${kind.toUpperCase()}#${areaId}`,
    gsi1sk: `${role}#${id}`,
  }),

  /** Which grid version is active, and the last version number handed out. */
  gridPointer: () => ({ pk: 'GRID', sk: 'POINTER' }),
  gridVersion: (version: number) => ({
    pk: v(version),
    sk: 'META',
    gsi1pk: 'GRID#VERSIONS',
    gsi1sk: v(version),
  }),
  /**
   * The grid-imports sweep's entry (gsi3), on a version's meta only while the sweep may have work on
   * it: 'writing' (it may stall) or 'failed' and not yet cleaned up. Removed when the version turns
   * draft or is cleaned, so the sweep reads these few instead of the whole versions list.
   */
  gridUnsettled: (version: number) => ({ gsi3pk: GRID_UNSETTLED_PARTITION, gsi3sk: v(version) }),
  /** The import report, split in parts (a report of a large, messy file outgrows one item). */
  gridReportPart: (version: number, n: number) => ({ pk: v(version), sk: `REPORT#${part(n)}` }),
  /**
   * The partitions an import job is about to write (every cell's and zone's), gzip'd in parts:
   * written before any of them, so that a failed or stalled import can be cleaned up without a scan.
   */
  gridOwnersPart: (version: number, n: number) => ({ pk: v(version), sk: `OWNERS#${part(n)}` }),
  /** Why an import failed: its errors (every one, however many), gzip'd in parts. */
  gridFailurePart: (version: number, n: number) => ({ pk: v(version), sk: `FAILURE#${part(n)}` }),
  /** An API import's Idempotency-Key, per caller: names the version the first request made. */
  gridImportKey: (callerId: string, key: string) => ({
    pk: `GRID#IMPORTKEY#${callerId}#${key}`,
    sk: 'IDEMPOTENCY',
  }),
  /** The packed point-resolution index, in chunks that one BatchGetItem fetches. */
  gridArtifactChunk: (version: number, n: number) => ({
    pk: `${v(version)}#ARTIFACT`,
    sk: `CHUNK#${part(n)}`,
  }),

  cell: (version: number, id: string) => ({
    pk: `${v(version)}#CELL#${id}`,
    sk: 'CELL',
    gsi1pk: `${v(version)}#CELLS`,
    gsi1sk: id,
  }),
  /** A cell's share in one zone; the index lists a zone's cells. */
  cellZone: (version: number, cellId: string, zoneId: string) => ({
    pk: `${v(version)}#CELL#${cellId}`,
    sk: `ZONE#${zoneId}`,
    gsi1pk: `${v(version)}#ZONE#${zoneId}#CELLS`,
    gsi1sk: cellId,
  }),
  zone: (version: number, id: string) => ({
    pk: `${v(version)}#ZONE#${id}`,
    sk: 'ZONE',
    gsi1pk: `${v(version)}#ZONES`,
    gsi1sk: id,
  }),
  /**
   * A finding. gsi1 lists a responsible zone's findings, open ones first by state then by report
   * time (`OPEN#<status>#…` / `SHUT#<status>#…`; OPEN sorts first), so "open findings of zone Z"
   * and "zone Z in state S" are each one begins_with Query. gsi2 lists a reporter's findings by
   * report time. gsi3 holds only findings a job must look at (a deadline running, a revisit
   * coming), by due instant. gsi4 lists the findings whose point lies in a cell, sorted as gsi1.
   * gsi5 lists the whole city's, sorted as gsi1.
   */
  finding: (f: FindingKeyInput) => ({
    ...findingKey(f.id),
    gsi1pk: findingZonePartition(f.zoneId),
    gsi1sk: `${findingStatePrefix(f.status)}${f.reportedAt}#${f.id}`,
    gsi5pk: FINDINGS_CITY_PARTITION,
    gsi5sk: `${findingStatePrefix(f.status)}${f.reportedAt}#${f.id}`,
    ...(f.cellId !== null
      ? {
          gsi4pk: findingCellPartition(f.cellId),
          gsi4sk: `${findingStatePrefix(f.status)}${f.reportedAt}#${f.id}`,
        }
      : {}),
    gsi2pk: findingReporterPartition(f.reporterId),
    gsi2sk: `${f.reportedAt}#${f.id}`,
    ...findingDue(f),
  }),
  /** A finding's table key alone, for GetItem by id. */
  findingById: findingKey,
  /**
   * One step of a finding's history, sorted by the version it produced. Events have a partition of
   * their own (`EVENT#…`) so that IAM can deny every update and delete of them (0040).
   */
  findingEvent: (findingId: string, version: number) => ({
    pk: `${EVENT_PARTITION_PREFIX}${findingKey(findingId).pk}`,
    sk: eventSort(version),
  }),
  /** The Idempotency-Key a finding was created under and the hash of the body that created it. */
  findingIdempotency: (findingId: string) => ({ pk: findingKey(findingId).pk, sk: 'IDEMPOTENCY' }),
  /** One item per counted area (`city`, `cell#C`, `zone#Z`, `office#O`), one number per metric. */
  counter: (area: string) => ({ pk: `COUNTER#${area}`, sk: 'COUNTER' }),
  /**
   * The counter fold's ledger of one counted item (`finding#F-1`, `task#T-1`): the last stream
   * sequence number whose increments are in the counters (docs/decisions/0028).
   */
  foldLedger: (source: string) => ({ pk: `FOLDED#${source}`, sk: 'FOLDED' }),
  /**
   * Where the local stream poller got to in one shard, so that the next process goes on from there
   * (in AWS the event source mapping keeps its own). Only a shortcut: the ledger decides what counts.
   */
  foldCheckpoint: (shardId: string) => ({ pk: `FOLDCHECKPOINT#${shardId}`, sk: 'FOLDCHECKPOINT' }),

  /**
   * A stored plan's header. gsi1 lists the plans of one office (or of the city, for city-wide
   * plans) by week, newest made last, so "the plans of week W for office O" is one begins_with Query.
   */
  plan: (p: { id: string; officeId: string | null; weekStart: string; createdAt: string }) => ({
    pk: `PLAN#${p.id}`,
    sk: 'PLAN',
    gsi1pk: planOfficePartition(p.officeId),
    gsi1sk: `${p.weekStart}#${p.createdAt}#${p.id}`,
  }),
  /**
   * A patrol task. gsi1 lists a plan's tasks by date, shift start and cell; gsi3 holds only
   * assigned tasks, by the end of their shift, for the missed-task job.
   */
  patrolTask: (t: {
    id: string;
    planId: string;
    date: string;
    shiftStart: string;
    shiftEnd: string;
    cellId: string;
    status: string;
  }) => ({
    pk: `TASK#${t.id}`,
    sk: 'TASK',
    gsi1pk: `PLAN#${t.planId}#TASKS`,
    gsi1sk: `${t.date}#${t.shiftStart}#${t.cellId}`,
    ...(t.status === 'assigned' ? { gsi3pk: TASKS_DUE_PARTITION, gsi3sk: `${t.shiftEnd}#${t.id}` } : {}),
  }),
  patrolTaskById: (id: string) => ({ pk: `TASK#${id}`, sk: 'TASK' }),
  /**
   * A copy of a published task's place in one partner's schedule (officer and grid partner each
   * get one); gsi2 lists a person's tasks by shift start, so GET /me/tasks?from=&to= is one range Query.
   */
  taskMembership: (taskId: string, personId: string, shiftStart: string) => ({
    pk: `TASK#${taskId}`,
    sk: `MEMBER#${personId}`,
    gsi2pk: `TASKS#PERSON#${personId}`,
    gsi2sk: `${shiftStart}#${taskId}`,
  }),
  /** One step of a task's history, sorted by the version it produced, beside the finding events. */
  taskEvent: (taskId: string, version: number) => ({
    pk: `${EVENT_PARTITION_PREFIX}TASK#${taskId}`,
    sk: eventSort(version),
  }),
  /**
   * Set once every event stored before 0040's move is under its new key (`moveEvents`); until then
   * histories are also read from where events used to be.
   */
  eventsMoved: { pk: 'MIGRATION#EVENT_KEYS', sk: 'MIGRATION' },
  /**
   * What a cell's planning keeps between plans: the supervisor's manual priority and the date of
   * the last joint patrol that counted (risk staleness).
   */
  cellPlanning: (cellId: string) => ({ pk: `CELLPLAN#${cellId}`, sk: 'CELLPLAN' }),
  /**
   * The Idempotency-Key one person used for a check-in or completion of a task, by the key's hash
   * (the task's partition: a retry reads it with the task, and it goes wherever the task goes).
   */
  taskIdempotency: (taskId: string, personId: string, keyHash: string) => ({
    pk: `TASK#${taskId}`,
    sk: `IDEMPOTENCY#${personId}#${keyHash}`,
  }),
  /**
   * A plan's per-cell record: the planner input of the cell (finding counts, last patrol, manual
   * priority, zones, centre) and its demand with every risk component, so the plan explains and
   * reproduces itself. In the plan's own partition.
   */
  planCell: (planId: string, cellId: string) => ({ pk: `PLAN#${planId}`, sk: `CELL#${cellId}` }),
  /** The people a plan was made from (planner input), in chunks under the 400 KB item limit. */
  planPeople: (planId: string, n: number) => ({ pk: `PLAN#${planId}`, sk: `PEOPLE#${part(n)}` }),
  /** Last week's pairings a plan rotated away from (planner input, for verifying its draw), in chunks. */
  planLastWeek: (planId: string, n: number) => ({ pk: `PLAN#${planId}`, sk: `LASTWEEK#${part(n)}` }),
  /** The lines of a plan's draw as the planner produced it (who, where, when), in chunks. */
  planDraw: (planId: string, n: number) => ({ pk: `PLAN#${planId}`, sk: `DRAW#${part(n)}` }),
  /** The scheduled draft job's claim on one week of one office: the plan id it drafts under. */
  planDraftClaim: (officeId: string | null, weekStart: string) => ({
    pk: `PLANCLAIM#${officeId ?? '-'}#${weekStart}`,
    sk: 'CLAIM',
  }),

  /**
   * One notification for one person (docs/decisions/0052), keyed by its dedup id in the person's own
   * partition: no two changes of the city share it, so it never makes transactions collide (0028).
   * gsi2 lists a person's notifications unread first (`U#` sorts after `R#`, read descending), newest
   * first within each.
   */
  notification: (n: { recipientId: string; id: string; createdAt: string; read: boolean }) => ({
    pk: `NOTIFY#${n.recipientId}`,
    sk: `NOTE#${n.id}`,
    gsi2pk: notificationsPartition(n.recipientId),
    gsi2sk: `${n.read ? 'R' : 'U'}#${n.createdAt}#${n.id}`,
  }),

  /** A person's own notification settings (channels off, phone, e-mail, digest). */
  notificationSettings: (personId: string) => ({ pk: `NOTIFY#${personId}`, sk: 'SETTINGS' }),

  /** Geometry of a cell or zone (gzip'd GeoJSON), in parts under the 400 KB item limit. */
  geometryPart: (ownerPk: string, n: number) => ({ pk: ownerPk, sk: `GEOM#${part(n)}` }),

  /**
   * A baseline census's header (issue 7). gsi1 lists every baseline by when it was counted, so
   * "newest first" is one descending Query.
   */
  baseline: (b: { id: string; countedAt: string }) => ({
    pk: `BASELINE#${b.id}`,
    sk: 'BASELINE',
    gsi1pk: 'BASELINES',
    gsi1sk: `${b.countedAt}#${b.id}`,
  }),
  baselineById: (id: string) => ({ pk: `BASELINE#${id}`, sk: 'BASELINE' }),
  /** An evidence photo's record (docs/decisions/0051): read by id, by the finding or task naming it. */
  attachment: (id: string) => ({ pk: `ATTACHMENT#${id}`, sk: 'ATTACHMENT' }),
  /** One chunk of a baseline's numbers per area, in the baseline's partition (under 400 KB each). */
  baselinePart: (id: string, n: number) => ({ pk: `BASELINE#${id}`, sk: `PART#${part(n)}` }),
  /** Which baseline is current: the newest made, unless a city admin made another one current since. */
  baselinePointer: () => ({ pk: 'BASELINE', sk: 'POINTER' }),
} as const;

/** The table key of an item (without its index attributes), for GetItem, UpdateItem and deletes. */
export const primaryKey = (k: { pk: string; sk: string }) => ({ pk: k.pk, sk: k.sk });
