import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { NotVerifiableError } from '@gridpatrol/core/errors';
import type { Person } from '@gridpatrol/core/people';
import { planWeek } from '@gridpatrol/core/planning/planner';
import type { PlanRecord } from '@gridpatrol/core/planning/records';
import type { PlanCell, PlanInputArg } from '@gridpatrol/core/planning/schema';
import { type DrawSource, drawPlan, type StoredDraw, verifyDraw } from '@gridpatrol/core/planning/verify';
import { describe, expect, it } from 'vitest';

/**
 * Issue 22, a verifiable draw (双随机一公开, docs/decisions/0046): the same stored input and seed
 * give a byte-identical plan, and verifying a stored draw finds a changed input part, a changed seed
 * or a snapshot that no longer parses, naming what and where. The small office of the seed sweep,
 * with last week's pairings taken from its own draw of the week before.
 */
const office = JSON.parse(
  readFileSync(new URL('../fixtures/planner/small-office.json', import.meta.url), 'utf8'),
) as PlanInputArg & { cells: PlanCell[]; people: Person[] };

const sha256 = (t: string) => createHash('sha256').update(t, 'utf8').digest('hex');
const SEED = 20261214;

const lastWeek = planWeek({ ...office, weekStart: '2025-02-24' }, 7).tasks.map((t) => ({
  officerId: t.officerId,
  cellId: t.cellId,
  partnerId: t.partnerId,
}));
const source = () => ({ ...structuredClone(office), lastWeek: structuredClone(lastWeek) });

/** A draft as the store keeps it: header fields, and the snapshot through JSON (as DynamoDB returns it). */
function drafted(src: DrawSource = source(), seed = SEED) {
  const { plan, draw, lines, parts } = drawPlan(src, seed, sha256);
  const header = {
    id: 'P-verifytest01',
    seed,
    weekStart: src.weekStart,
    config: plan.config,
    draw,
    codeVersion: 'test',
    ...(src.exclusions ? { exclusions: { ...src.exclusions, droppedTasks: 0 } } : {}),
  } as Pick<PlanRecord, 'id' | 'seed' | 'weekStart' | 'config' | 'exclusions' | 'draw' | 'codeVersion'>;
  const stored: StoredDraw = JSON.parse(
    JSON.stringify({ cells: parts.cells, people: parts.people, lastWeek: parts.lastWeek, lines }),
  );
  return { plan, header, stored };
}

describe('drawPlan: the same stored input and seed, the same plan byte for byte', () => {
  it('gives byte-identical plans and hashes, whatever the order of cells, people and pairings', () => {
    const a = drawPlan(source(), SEED, sha256);
    const shuffled = source();
    const b = drawPlan(
      {
        ...shuffled,
        cells: [...shuffled.cells].reverse(),
        people: [...shuffled.people].reverse(),
        lastWeek: [...shuffled.lastWeek].reverse(),
      },
      SEED,
      sha256,
    );
    expect(JSON.stringify(b.plan)).toBe(JSON.stringify(a.plan));
    expect(b.draw).toEqual(a.draw);
    expect(b.lines).toEqual(a.lines);
    // It is the planner's own plan of that input, not another run.
    expect(JSON.stringify(a.plan)).toBe(JSON.stringify(planWeek(source(), SEED)));
    expect(a.lines).toHaveLength(a.plan.tasks.length);
    expect(a.lines[0]).toMatch(/^2025-03-03\|am\|C-\d\d\|o-\w\|g-\w+$/);
    expect(a.draw.input).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gives another draw for another seed or another input (the hashes are of what was drawn)', () => {
    const a = drawPlan(source(), SEED, sha256);
    const otherSeed = drawPlan(source(), SEED + 1, sha256);
    expect(otherSeed.draw.input).toBe(a.draw.input);
    expect(otherSeed.draw.output).not.toBe(a.draw.output);
    const src = source();
    (src.cells[0] as PlanCell).manualPriority = 5;
    const otherInput = drawPlan(src, SEED, sha256);
    expect(otherInput.draw.input).not.toBe(a.draw.input);
    expect(
      Object.entries(otherInput.draw.parts).filter(([k, v]) => v !== a.draw.parts[k as 'cells']),
    ).toEqual([['cells', otherInput.draw.parts.cells]]);
  });
});

describe('verifyDraw: re-run from the stored snapshot and seed', () => {
  it('answers identical for a stored draw left alone, with the seed and hashes compared', () => {
    const { header, stored, plan } = drafted();
    const v = verifyDraw(header, stored, sha256, 'now');
    expect(v).toMatchObject({
      planId: header.id,
      seed: SEED,
      identical: true,
      codeVersion: { drafted: 'test', running: 'now' },
      input: { identical: true, stored: header.draw?.input, recomputed: header.draw?.input, changed: [] },
      output: {
        identical: true,
        stored: header.draw?.output,
        recomputed: header.draw?.output,
        changed: [],
        tasks: { stored: plan.tasks.length, recomputed: plan.tasks.length },
        firstDifference: null,
      },
    });
  });

  it('answers identical for a snapshot stored with its fields in another order (as DynamoDB returns them)', () => {
    const { header, stored } = drafted();
    const reversed = (xs: readonly unknown[]) =>
      xs.map((x) => Object.fromEntries(Object.entries(x as object).reverse()));
    const v = verifyDraw(
      header,
      {
        ...stored,
        cells: reversed(stored.cells),
        people: reversed(stored.people),
        lastWeek: reversed(stored.lastWeek),
      },
      sha256,
    );
    expect([v.identical, v.input.changed]).toEqual([true, []]);
  });

  it('names the people when a person’s availability changed, and the first task that differs', () => {
    const { header, stored } = drafted();
    const people = stored.people as Person[];
    const busiest = people.find((p) => stored.lines.some((l) => l.split('|')[3] === p.id)) as Person;
    busiest.availability = { weekdays: [], datesOff: [] };
    const v = verifyDraw(header, stored, sha256);
    expect(v.identical).toBe(false);
    expect(v.input).toMatchObject({ identical: false, changed: ['people'] });
    expect(v.input.parts.people.recomputed).not.toBe(v.input.parts.people.stored);
    expect(v.input.parts.cells.recomputed).toBe(v.input.parts.cells.stored);
    expect(v.output.identical).toBe(false);
    const first = v.output.firstDifference;
    const index = stored.lines.findIndex((l) => l.split('|')[3] === busiest.id);
    // Tasks before it may have moved too; the first difference is no later than the officer's first task.
    expect(first?.index).toBeLessThanOrEqual(index);
    expect(first?.taskId).toBe(
      `${header.id}.${first?.stored?.date}.${first?.stored?.shift}.${first?.stored?.cellId}`,
    );
    expect(stored.lines[first?.index ?? -1]).toBe(
      [
        first?.stored?.date,
        first?.stored?.shift,
        first?.stored?.cellId,
        first?.stored?.officerId,
        first?.stored?.partnerId,
      ].join('|'),
    );
  });

  it('names the cells when a cell’s priority changed, and the config when a setting did', () => {
    let { header, stored } = drafted();
    (stored.cells[3] as PlanCell).manualPriority = 5;
    let v = verifyDraw(header, stored, sha256);
    expect([v.identical, v.input.changed]).toEqual([false, ['cells']]);
    ({ header, stored } = drafted());
    header = { ...header, config: { ...header.config, maxPatrolsPerCell: 1 } };
    v = verifyDraw(header, stored, sha256);
    expect([v.identical, v.input.changed]).toEqual([false, ['config']]);
    ({ header, stored } = drafted());
    v = verifyDraw(header, { ...stored, lastWeek: stored.lastWeek.slice(1) }, sha256);
    expect([v.identical, v.input.changed]).toEqual([false, ['lastWeek']]);
  });

  it('finds a seed changed on the record: input identical, output not, from the first task that differs', () => {
    const { header, stored } = drafted();
    const v = verifyDraw({ ...header, seed: SEED + 1 }, stored, sha256);
    expect(v).toMatchObject({ identical: false, seed: SEED + 1, input: { identical: true, changed: [] } });
    expect(v.output.identical).toBe(false);
    expect(v.output.changed).toContain('tasks');
    const other = drawPlan(source(), SEED + 1, sha256).lines;
    const index = stored.lines.findIndex((l, i) => l !== other[i]);
    expect(v.output.firstDifference).toMatchObject({ index });
    expect(v.output.firstDifference?.recomputed).toBeTruthy();
  });

  it('finds a stored draw line changed (the record of what was drawn)', () => {
    const { header, stored } = drafted();
    const lines = [...stored.lines];
    lines[2] = (lines[2] as string).replace(/\|g-\w+$/, '|g-nobody');
    const v = verifyDraw(header, { ...stored, lines }, sha256);
    expect(v.identical).toBe(false);
    expect(v.input.identical).toBe(true);
    expect(v.output.firstDifference).toMatchObject({ index: 2, stored: { partnerId: 'g-nobody' } });
  });

  it('answers a snapshot that no longer parses, naming where, without re-running or throwing', () => {
    const { header, stored } = drafted();
    (stored.people[1] as Record<string, unknown>).capacity = -3;
    const v = verifyDraw(header, stored, sha256);
    expect(v.identical).toBe(false);
    expect(v.input.changed).toEqual(['people']);
    expect(v.input.parts.people.recomputed).toBeNull();
    expect(v.input.problems[0]?.path).toBe('snapshot.people[1].capacity');
    expect(v.output).toMatchObject({ identical: false, recomputed: null, tasks: { recomputed: null } });
  });

  it('verifies a week under way with the slot starts it was drawn with', () => {
    const starts = Array.from({ length: 7 }, (_, d) => `2025-03-0${3 + d}T00:30:00.000Z`);
    const src: DrawSource = {
      ...source(),
      exclusions: { notBefore: '2025-03-05T00:00:00.000Z', completed: [] },
      slotStarts: starts,
    };
    const { header, stored, plan } = drafted(src);
    expect(plan.tasks.every((t) => t.date >= '2025-03-05')).toBe(true);
    expect(verifyDraw(header, stored, sha256).identical).toBe(true);
    const moved = {
      ...header,
      draw: { ...header.draw, slotStarts: starts.map((s) => s.replace('00:30', '23:30')) },
    };
    const v = verifyDraw(moved as typeof header, stored, sha256);
    expect([v.identical, v.input.changed]).toEqual([false, ['exclusions']]);
    // Slot starts cut short: not identical, where it is wrong, and no crash.
    const cut = { ...header, draw: { ...header.draw, slotStarts: starts.slice(0, 3) } };
    const short = verifyDraw(cut as typeof header, stored, sha256);
    expect([short.identical, short.input.changed, short.output.recomputed]).toEqual([
      false,
      ['exclusions'],
      null,
    ]);
    expect(short.output.problems[0]?.path).toBe('snapshot.exclusions.slotStarts');
  });

  it('refuses a plan drafted before draws were recorded: not_verifiable', () => {
    const { header, stored } = drafted();
    const { draw: _, ...old } = header;
    expect(() => verifyDraw(old, stored, sha256)).toThrow(NotVerifiableError);
    try {
      verifyDraw(old, stored, sha256);
    } catch (err) {
      expect((err as NotVerifiableError).code).toBe('not_verifiable');
      expect((err as NotVerifiableError).details[0]?.path).toBe('params.id');
    }
  });
});
