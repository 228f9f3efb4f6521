/**
 * A verifiable draw (双随机一公开: the random draw is public and anyone may re-run it; DOMAIN.md
 * "Integrity"; docs/decisions/0046). A plan keeps a snapshot of its planner input (per-cell input,
 * people, last week's pairings, settings, a week under way's exclusions), SHA-256 hashes of each part
 * and of the plan as the planner produced it, and the lines of its draw (who, where, when). Verifying
 * re-hashes the snapshot as stored now, re-runs the planner from it with the stored seed, and says
 * whether everything is identical, and if not which input part changed and the first task that differs.
 *
 * Pure: the caller passes the hash function (node:crypto's SHA-256 in the functions), reads the store.
 */

import * as z from 'zod';
import { BadRequestError, DomainError, detail, type ErrorDetail, NotVerifiableError } from '../errors';
import { canonicalJson } from '../findings/api';
import { lazySchema } from '../lazy-schema';
import { message } from '../messages';
import { Person } from '../people';
import { zodIssuesToDetails } from '../validation';
import { planWeek } from './planner';
import { applyExclusions } from './plans';
import {
  DRAW_INPUT_PARTS,
  DRAW_OUTPUT_PARTS,
  type DrawInputPart,
  type DrawOutputPart,
  PlanDraw,
  PlanExclusions,
  type PlanRecord,
  patrolTaskId,
} from './records';
import { PastPairing, type Plan, PlanCell, type PlanInput, PlannerConfig } from './schema';

/** A hash of a text as lowercase hex, e.g. SHA-256: `(t) => createHash('sha256').update(t).digest('hex')`. */
export type Hash = (text: string) => string;

/** What a draw is made from, as stored with its plan (values as read: each part is parsed here). */
export interface DrawSource {
  readonly weekStart: string;
  readonly config?: unknown;
  readonly cells: readonly unknown[];
  readonly people: readonly unknown[];
  readonly lastWeek: readonly unknown[];
  /** A week under way (PlanExclusions without its count of dropped tasks, an output). */
  readonly exclusions?: { readonly notBefore: string; readonly completed: readonly unknown[] } | undefined;
  /** Start instants of the week's slots, date-major then shift: needed with exclusions. */
  readonly slotStarts?: readonly string[] | undefined;
}

const ExclusionsPart = lazySchema(() =>
  z
    .object({
      notBefore: PlanExclusions.shape.notBefore,
      completed: PlanExclusions.shape.completed,
      slotStarts: z.array(z.iso.datetime({ offset: true })),
    })
    .nullable(),
);

const PART_SCHEMAS = {
  week: lazySchema(() => z.object({ weekStart: z.iso.date() })),
  config: PlannerConfig,
  cells: lazySchema(() => z.array(PlanCell)),
  people: lazySchema(() => z.array(Person)),
  lastWeek: lazySchema(() => z.array(PastPairing)),
  exclusions: ExclusionsPart,
} satisfies Record<DrawInputPart, z.ZodType>;

type Parts = { [P in DrawInputPart]: z.infer<(typeof PART_SCHEMAS)[P]> };

const byKey =
  <T>(key: (t: T) => string) =>
  (a: T, b: T) => {
    const ka = key(a);
    const kb = key(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  };
const pairingKey = (p: PastPairing) => `${p.cellId}\u0000${p.officerId}\u0000${p.partnerId ?? ''}`;
const completedKey = (c: PlanExclusions['completed'][number]) =>
  [c.cellId, c.date, c.shift, c.officerId, c.partnerId].join('\u0000');

/**
 * Each part of a draw's input parsed (defaults filled, unknown fields dropped) and put in one order
 * (cells and people by id, pairings by cell, officer, partner), as canonical JSON: the text hashed.
 * A part that does not parse has no text and says where it is wrong.
 */
function canonicalParts(src: DrawSource): {
  parts: Partial<Parts>;
  texts: Record<DrawInputPart, string | null>;
  problems: ErrorDetail[];
} {
  const raw: Record<DrawInputPart, unknown> = {
    week: { weekStart: src.weekStart },
    config: src.config,
    cells: src.cells,
    people: src.people,
    lastWeek: src.lastWeek,
    exclusions: src.exclusions
      ? {
          notBefore: src.exclusions.notBefore,
          completed: src.exclusions.completed,
          slotStarts: src.slotStarts,
        }
      : null,
  };
  const parts: Partial<Parts> = {};
  const texts = {} as Record<DrawInputPart, string | null>;
  const problems: ErrorDetail[] = [];
  for (const part of DRAW_INPUT_PARTS) {
    const parsed = PART_SCHEMAS[part].safeParse(raw[part]);
    if (!parsed.success) {
      texts[part] = null;
      problems.push(...zodIssuesToDetails(parsed.error.issues, `snapshot.${part}`));
      continue;
    }
    (parts as Record<string, unknown>)[part] = parsed.data;
  }
  parts.cells?.sort(byKey((c) => c.id));
  parts.people?.sort(byKey((p) => p.id));
  parts.lastWeek?.sort(byKey(pairingKey));
  parts.exclusions?.completed.sort(byKey(completedKey));
  // A parsed value's keys are in its schema's order, whatever order they were stored in, so plain
  // JSON is canonical here (and several times faster than sorting every object's keys).
  for (const part of DRAW_INPUT_PARTS) if (part in parts) texts[part] = JSON.stringify(parts[part]);
  return { parts, texts, problems };
}

/** The shift-start lookup of stored slot starts (date-major, then shift). */
function startsFrom(dates: readonly string[], shifts: readonly string[], starts: readonly string[]) {
  return (date: string, shift: string): string => {
    const i = dates.indexOf(date) * shifts.length + shifts.indexOf(shift);
    const start = starts[i];
    // A snapshot cut short is an answer of the verification, never a crash.
    if (start === undefined)
      throw new BadRequestError('The stored slot starts do not cover the week.', [
        { path: 'snapshot.exclusions.slotStarts', message: `no start for ${date} ${shift}` },
      ]);
    return start;
  };
}

/** The planner run of complete parts: planWeek, then a week under way's exclusions. */
function runDraw(p: Parts, seed: number): { plan: Plan; dropped: number } {
  const input: PlanInput = {
    weekStart: p.week.weekStart,
    config: p.config,
    cells: p.cells,
    people: p.people,
    lastWeek: p.lastWeek,
  };
  const planned = planWeek(input, seed);
  if (!p.exclusions) return { plan: planned, dropped: 0 };
  const startOf = startsFrom(planned.dates, planned.shifts, p.exclusions.slotStarts);
  return applyExclusions(planned, { ...p.exclusions, droppedTasks: 0 }, startOf);
}

/** A task of a draw: who patrols which cell when. Its stored form is `drawLine`. */
export const DrawTask = lazySchema(() =>
  z.object({
    date: z.string(),
    shift: z.string(),
    cellId: z.string(),
    officerId: z.string(),
    partnerId: z.string(),
  }),
);
export type DrawTask = z.infer<typeof DrawTask>;

/** A task of a draw as one line, `date|shift|cellId|officerId|partnerId` (ids hold no '|'). */
export const drawLine = (t: DrawTask): string =>
  [t.date, t.shift, t.cellId, t.officerId, t.partnerId].join('|');

function parseLine(line: string): DrawTask {
  const [date = '', shift = '', cellId = '', officerId = '', partnerId = ''] = line.split('|');
  return { date, shift, cellId, officerId, partnerId };
}

function outputHashes(plan: Plan, hash: Hash) {
  // The planner builds its plan in one order of keys: plain JSON is its byte-for-byte form.
  const texts: Record<DrawOutputPart, string> = {
    tasks: JSON.stringify(plan.tasks),
    cells: JSON.stringify(plan.cells),
    unmet: JSON.stringify(plan.unmet),
    metrics: JSON.stringify(plan.metrics),
  };
  const parts = Object.fromEntries(DRAW_OUTPUT_PARTS.map((p) => [p, hash(texts[p])])) as Record<
    DrawOutputPart,
    string
  >;
  return { output: hash(JSON.stringify(plan)), outputParts: parts };
}

/** The whole input's hash: of its parts' hashes, so that a part's hash alone says it changed. */
const wholeInput = (parts: Record<DrawInputPart, string>, hash: Hash) => hash(canonicalJson(parts));

/**
 * Draws a plan from its input, as a draft does, and says what to store to verify it later: the
 * canonical parts (store these, not the input as given), the draw's hashes and its lines. Throws
 * BadRequestError when the input does not parse.
 *
 * @example
 *   const { plan, draw, lines, parts } = drawPlan({ weekStart, config, cells, people, lastWeek }, seed, sha256)
 *   draw.input // '3f…' (64 hex digits); lines[0] // '2026-12-14|am|C-001|officer-li|worker-liu'
 */
export function drawPlan(
  src: DrawSource,
  seed: number,
  hash: Hash,
): { plan: Plan; dropped: number; draw: PlanDraw; lines: string[]; parts: Parts } {
  const { parts, texts, problems } = canonicalParts(src);
  if (problems.length > 0) throw new BadRequestError('The plan input is invalid.', problems);
  const complete = parts as Parts;
  const { plan, dropped } = runDraw(complete, seed);
  const partHashes = Object.fromEntries(DRAW_INPUT_PARTS.map((p) => [p, hash(texts[p] as string)])) as Record<
    DrawInputPart,
    string
  >;
  const draw: PlanDraw = {
    algorithm: 'sha256',
    input: wholeInput(partHashes, hash),
    parts: partHashes,
    ...outputHashes(plan, hash),
    tasks: plan.tasks.length,
    ...(complete.exclusions ? { slotStarts: complete.exclusions.slotStarts } : {}),
  };
  return { plan, dropped, draw, lines: plan.tasks.map(drawLine), parts: complete };
}

const Hashes = <P extends string>(parts: readonly P[]) =>
  z.object(
    Object.fromEntries(
      parts.map((p) => [p, z.object({ stored: z.string(), recomputed: z.string().nullable() })]),
    ) as {
      [K in P]: z.ZodObject<{ stored: z.ZodString; recomputed: z.ZodNullable<z.ZodString> }>;
    },
  );
const Problem = lazySchema(() => z.object({ path: z.string(), message: z.string() }));

/** GET /plans/{id}/verify: whether the stored plan's draw re-runs identically, and if not, where not. */
export const DrawVerification = lazySchema(() =>
  z.object({
    planId: z.string(),
    /** The seed the draw was re-run with (the plan's). */
    seed: z.number().int(),
    algorithm: z.literal('sha256'),
    /** Input and output identical: re-running the stored input with the seed gives this draw again. */
    identical: z.boolean(),
    /**
     * The release that drew the plan and the one that re-ran it: a later planner may place tasks
     * differently, so an output that differs under another release need not mean a changed draw.
     */
    codeVersion: z.object({ drafted: z.string().nullable(), running: z.string().nullable() }),
    input: z.object({
      identical: z.boolean(),
      stored: z.string(),
      recomputed: z.string().nullable(),
      /** Parts whose stored snapshot no longer hashes as when the plan was drawn. */
      changed: z.array(z.enum(DRAW_INPUT_PARTS)),
      parts: Hashes(DRAW_INPUT_PARTS),
      /** Where a part of the snapshot no longer parses (then it is not re-run). */
      problems: z.array(Problem),
    }),
    output: z.object({
      identical: z.boolean(),
      stored: z.string(),
      /** null when the planner could not be re-run (see `problems`). */
      recomputed: z.string().nullable(),
      changed: z.array(z.enum(DRAW_OUTPUT_PARTS)),
      parts: Hashes(DRAW_OUTPUT_PARTS),
      tasks: z.object({ stored: z.number().int(), recomputed: z.number().int().nullable() }),
      /** The first task (in the draw's order: date, shift, cell) that is not the same; null when none. */
      firstDifference: z
        .object({
          index: z.number().int(),
          /** The stored task's id (null when the re-run has more tasks than were stored). */
          taskId: z.string().nullable(),
          stored: DrawTask.nullable(),
          recomputed: DrawTask.nullable(),
        })
        .nullable(),
      problems: z.array(Problem),
    }),
  }),
);
export type DrawVerification = z.infer<typeof DrawVerification>;

/** The snapshot of a plan's input as stored with it, and the lines of its draw. */
export interface StoredDraw {
  readonly cells: readonly unknown[];
  readonly people: readonly unknown[];
  readonly lastWeek: readonly unknown[];
  readonly lines: readonly string[];
}

/**
 * A plan's draw record, or a NotVerifiableError (409 not_verifiable) for a plan drafted before plans
 * kept one: check it before reading the snapshot.
 */
export function verifiableDraw(plan: Pick<PlanRecord, 'id' | 'draw'>): PlanDraw {
  if (!plan.draw)
    throw new NotVerifiableError(message('plan.notVerifiable', { id: plan.id }), [
      detail('params.id', message('plan.noDrawRecord', { id: plan.id })),
    ]);
  return plan.draw;
}

const plain = (d: ErrorDetail) => ({ path: d.path, message: d.message });

/**
 * Re-runs a stored plan's draw and compares it with what was stored: each input part's hash (the
 * snapshot as it is now against the hashes written with the plan), then the planner's output from
 * that snapshot and the plan's seed against the stored output hash and draw lines. Never throws for
 * a snapshot that changed or no longer parses: that is the answer. A plan drafted before draws were
 * recorded is a NotVerifiableError (409).
 *
 * @example verifyDraw(plan, { cells, people, lastWeek, lines }, sha256).identical // true
 */
export function verifyDraw(
  plan: Pick<PlanRecord, 'id' | 'seed' | 'weekStart' | 'config' | 'exclusions' | 'draw' | 'codeVersion'>,
  stored: StoredDraw,
  hash: Hash,
  runningCodeVersion?: string,
): DrawVerification {
  const draw = verifiableDraw(plan);
  const { parts, texts, problems } = canonicalParts({
    weekStart: plan.weekStart,
    config: plan.config,
    cells: stored.cells,
    people: stored.people,
    lastWeek: stored.lastWeek,
    exclusions: plan.exclusions,
    slotStarts: draw.slotStarts,
  });
  const recomputedParts = Object.fromEntries(
    DRAW_INPUT_PARTS.map((p) => [p, texts[p] === null ? null : hash(texts[p] as string)]),
  ) as Record<DrawInputPart, string | null>;
  const inputChanged = DRAW_INPUT_PARTS.filter((p) => recomputedParts[p] !== draw.parts[p]);
  const complete = problems.length === 0;
  const recomputedInput = complete
    ? wholeInput(recomputedParts as Record<DrawInputPart, string>, hash)
    : null;

  const outputProblems: ErrorDetail[] = [];
  let rerun: Plan | undefined;
  if (complete)
    try {
      rerun = runDraw(parts as Parts, plan.seed).plan;
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      outputProblems.push(
        ...(err.details.length > 0 ? err.details : [{ path: 'snapshot', message: err.message }]),
      );
    }
  else outputProblems.push({ path: 'snapshot', message: inEnglishNotRerun });
  const hashes = rerun ? outputHashes(rerun, hash) : undefined;
  const outputChanged = DRAW_OUTPUT_PARTS.filter((p) => hashes?.outputParts[p] !== draw.outputParts[p]);
  const lines = rerun ? rerun.tasks.map(drawLine) : null;
  const firstDifference = lines ? firstDifferingTask(plan.id, stored.lines, lines) : null;
  const inputIdentical = inputChanged.length === 0 && recomputedInput === draw.input;
  const outputIdentical =
    hashes?.output === draw.output && firstDifference === null && stored.lines.length === draw.tasks;
  return {
    planId: plan.id,
    seed: plan.seed,
    algorithm: 'sha256',
    identical: inputIdentical && outputIdentical,
    codeVersion: { drafted: plan.codeVersion ?? null, running: runningCodeVersion ?? null },
    input: {
      identical: inputIdentical,
      stored: draw.input,
      recomputed: recomputedInput,
      changed: inputChanged,
      parts: pairUp(DRAW_INPUT_PARTS, draw.parts, recomputedParts),
      problems: problems.map(plain),
    },
    output: {
      identical: outputIdentical,
      stored: draw.output,
      recomputed: hashes?.output ?? null,
      changed: outputChanged,
      parts: pairUp(DRAW_OUTPUT_PARTS, draw.outputParts, hashes?.outputParts ?? {}),
      tasks: { stored: draw.tasks, recomputed: lines?.length ?? null },
      firstDifference,
      problems: outputProblems.map(plain),
    },
  };
}

const inEnglishNotRerun = 'the snapshot does not parse (see input.problems), so the planner was not re-run';

function pairUp<P extends string>(
  names: readonly P[],
  stored: Record<P, string>,
  recomputed: Partial<Record<P, string | null>>,
): Record<P, { stored: string; recomputed: string | null }> {
  return Object.fromEntries(
    names.map((p) => [p, { stored: stored[p], recomputed: recomputed[p] ?? null }]),
  ) as Record<P, { stored: string; recomputed: string | null }>;
}

/** The first place two draws' lines differ (a task changed, or one has more tasks), or null. */
function firstDifferingTask(
  planId: string,
  stored: readonly string[],
  recomputed: readonly string[],
): DrawVerification['output']['firstDifference'] {
  const n = Math.max(stored.length, recomputed.length);
  for (let i = 0; i < n; i++) {
    const s = stored[i];
    const r = recomputed[i];
    if (s === r) continue;
    const storedTask = s === undefined ? null : parseLine(s);
    return {
      index: i,
      taskId: storedTask ? patrolTaskId(planId, storedTask) : null,
      stored: storedTask,
      recomputed: r === undefined ? null : parseLine(r),
    };
  }
  return null;
}
