/**
 * What a deactivation decides (issue 15.5, docs/decisions/0025): which tasks it flags, that a
 * repeated deactivation flags nothing twice, and when a reassignment or a reactivation clears the flag.
 */
import {
  assertDraftPeopleActive,
  clearReassignmentFlag,
  deactivationReport,
  flagForReassignment,
  futureTasksOf,
  type PatrolTask,
  reactivationReport,
  reactivationStep,
} from '@gridpatrol/core';
import { describe, expect, it } from 'vitest';
import { publishedTask } from '../support/tasks';

const NOW = new Date('2026-12-07T02:00:00Z');
const sup = { id: 'sup-east', role: 'supervisor' as const };

const task = (shiftStart: string, over: Partial<PatrolTask> = {}): PatrolTask => ({
  ...publishedTask({
    planId: 'P-abcdef01',
    cellId: `C-${shiftStart.slice(8, 13)}`,
    zoneId: 'Z1',
    officeId: 'office-east',
    officerId: 'li',
    partnerId: 'liu',
    date: shiftStart.slice(0, 10),
    shift: 'am',
    shiftStart,
    shiftEnd: new Date(Date.parse(shiftStart) + 4 * 3_600_000).toISOString(),
  }),
  ...over,
});

describe('deactivation', () => {
  const past = task('2026-12-06T01:00:00.000Z');
  const running = task('2026-12-07T01:00:00.000Z');
  const later = task('2026-12-09T01:00:00.000Z');
  const sooner = task('2026-12-08T01:00:00.000Z');
  const done = task('2026-12-10T01:00:00.000Z', { status: 'completed' });
  const others = task('2026-12-11T01:00:00.000Z', { officerId: 'zhao', partnerId: 'sun' });

  it('flags only the person’s assigned tasks whose shift has not started, soonest first', () => {
    const all = [past, running, later, sooner, done, others];
    expect(futureTasksOf('li', all, NOW).map((t) => t.id)).toEqual([sooner.id, later.id]);
    expect(futureTasksOf('liu', all, NOW).map((t) => t.id)).toEqual([sooner.id, later.id]);
    expect(futureTasksOf('sun', all, NOW).map((t) => t.id)).toEqual([others.id]);
  });

  it('flags a task once, as a step with its event, leaving it assigned', () => {
    const step = flagForReassignment(later, 'li', sup, NOW);
    expect(step?.after).toMatchObject({
      status: 'assigned',
      version: later.version + 1,
      needsReassignment: { reason: 'person_deactivated', personId: 'li', since: NOW.toISOString() },
    });
    expect(step?.event).toMatchObject({ action: 'flag', from: 'assigned', to: 'assigned', actor: sup });
    expect(flagForReassignment(step?.after as PatrolTask, 'li', sup, NOW)).toBeNull();
  });

  it('clears the flag once the person it names is off the task', () => {
    const flagged = flagForReassignment(later, 'li', sup, NOW)?.after as PatrolTask;
    expect(clearReassignmentFlag({ ...flagged, date: '2026-12-10' }).needsReassignment).toBeDefined();
    expect(clearReassignmentFlag({ ...flagged, officerId: 'zhao' })).not.toHaveProperty('needsReassignment');
    expect(clearReassignmentFlag(later)).toBe(later);
  });

  it('reports each flagged task with the person’s part in it', () => {
    const a = flagForReassignment(sooner, 'liu', sup, NOW)?.after as PatrolTask;
    const report = deactivationReport({ id: 'liu' }, [a], 1, { zones: [], openFindings: 0, movedTo: [] });
    expect(report.futureTasks).toEqual([
      {
        id: a.id,
        planId: a.planId,
        date: a.date,
        shift: a.shift,
        cellId: a.cellId,
        as: 'partner',
        needsReassignment: a.needsReassignment,
      },
    ]);
  });

  describe('reactivation', () => {
    const LATER = new Date('2026-12-07T03:00:00Z');
    const flagged = flagForReassignment(later, 'li', sup, NOW)?.after as PatrolTask;

    it('removes the flag naming the person as an unflag step when the other of the pair is active', () => {
      const step = reactivationStep(flagged, 'li', true, sup, LATER);
      expect(step?.after).not.toHaveProperty('needsReassignment');
      expect(step?.after).toMatchObject({ status: 'assigned', version: flagged.version + 1 });
      expect(step?.event).toMatchObject({
        action: 'unflag',
        from: 'assigned',
        to: 'assigned',
        version: flagged.version + 1,
        detail: { cleared: flagged.needsReassignment },
      });
      // Repeated: nothing left to clear.
      expect(reactivationStep(step?.after as PatrolTask, 'li', true, sup, LATER)).toBeNull();
    });

    it('moves the flag to the other of the pair when they are deactivated too', () => {
      const step = reactivationStep(flagged, 'li', false, sup, LATER);
      expect(step?.after.needsReassignment).toEqual({
        reason: 'person_deactivated',
        personId: 'liu',
        since: LATER.toISOString(),
      });
      expect(step?.event).toMatchObject({ action: 'flag', detail: { replaces: flagged.needsReassignment } });
      // Reactivating li again leaves liu's flag alone.
      expect(reactivationStep(step?.after as PatrolTask, 'li', true, sup, LATER)).toBeNull();
    });

    it('leaves a task never flagged, or flagged for the other partner', () => {
      expect(reactivationStep(later, 'li', true, sup, LATER)).toBeNull();
      const forLiu = flagForReassignment(later, 'liu', sup, NOW)?.after as PatrolTask;
      expect(reactivationStep(forLiu, 'li', true, sup, LATER)).toBeNull();
    });

    it('reports the cleared tasks apart from those still flagged for the partner', () => {
      const cleared = reactivationStep(flagged, 'li', true, sup, LATER)?.after as PatrolTask;
      const moved = reactivationStep(
        flagForReassignment(sooner, 'li', sup, NOW)?.after as PatrolTask,
        'li',
        false,
        sup,
        LATER,
      )?.after as PatrolTask;
      const report = reactivationReport({ id: 'li' }, [cleared, moved]);
      expect(report.cleared).toEqual([
        {
          id: later.id,
          planId: later.planId,
          date: later.date,
          shift: 'am',
          cellId: later.cellId,
          as: 'officer',
        },
      ]);
      expect(report.stillFlagged).toMatchObject([
        { id: sooner.id, as: 'officer', needsReassignment: { personId: 'liu' } },
      ]);
      expect(reactivationReport({ id: 'li' }, []).cleared).toEqual([]);
    });
  });

  it('refuses to publish draft tasks naming a deactivated person, each named', () => {
    const a = { ...later, status: 'draft' as const };
    const b = { ...sooner, status: 'draft' as const, officerId: 'zhao' };
    const people = [
      { id: 'li', active: false },
      { id: 'liu', active: true },
      { id: 'zhao', active: true },
    ];
    expect(() => assertDraftPeopleActive('P-abcdef01', [a, b], people)).toThrow(
      expect.objectContaining({
        code: 'unprocessable',
        details: [{ path: `tasks.${a.id}.officerId`, message: "[inactive] 'li' is deactivated" }],
      }),
    );
    // Active people, or a deactivated person on tasks no longer drafts: nothing to refuse.
    expect(() => assertDraftPeopleActive('P-abcdef01', [b, later], people)).not.toThrow();
  });
});
