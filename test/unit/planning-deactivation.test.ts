/**
 * What a deactivation decides (issue 15.5, docs/decisions/0025): which tasks it flags, that a
 * repeated deactivation flags nothing twice, and when a reassignment clears the flag.
 */
import {
  clearReassignmentFlag,
  deactivationReport,
  flagForReassignment,
  futureTasksOf,
  type PatrolTask,
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
});
