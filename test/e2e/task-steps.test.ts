/**
 * Publishing writes a few task steps per transaction with their counters merged (tasks-repo
 * `writeTaskSteps`): all or nothing, so a batch that finds one task changed meanwhile writes none
 * of them (the publisher then steps them one by one), and the merged ADDs equal a recount.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { type PatrolTask, pruneCounters, recountTasks, taskStep } from '@gridpatrol/core';
import {
  documentClient,
  getCounters,
  getPatrolTask,
  patrolTaskItem,
  tableName,
  writeTaskSteps,
} from '@gridpatrol/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/local-api';
import { publishedTask } from '../support/tasks';

let api: TestApi;
const actor = { id: 'sup-east', role: 'supervisor' } as const;

/** Draft tasks of one plan in three cells and two officers, written as a draft plan stores them. */
async function drafts(): Promise<PatrolTask[]> {
  const out: PatrolTask[] = [];
  for (const [i, cellId] of ['330106001001001', '330106001001002', '330106001001003'].entries()) {
    const t = {
      ...publishedTask({
        planId: 'P-steps0001',
        cellId,
        zoneId: 'Z-001',
        officeId: 'office-east',
        officerId: i === 2 ? 'officer-zhao' : 'officer-li',
        partnerId: 'worker-liu',
        date: '2026-12-01',
        shift: 'am',
        shiftStart: '2026-12-01T00:30:00.000Z',
        shiftEnd: '2026-12-01T04:00:00.000Z',
      }),
      status: 'draft' as const,
    };
    await documentClient().send(new PutCommand({ TableName: tableName(), Item: patrolTaskItem(t) }));
    out.push(t);
  }
  return out;
}

beforeAll(async () => {
  api = await startTestApi('demo');
}, 120_000);
afterAll(async () => {
  await api?.close();
});

describe('writeTaskSteps', () => {
  it('writes nothing when one task moved meanwhile, then all with counters equal to a recount', async () => {
    const tasks = await drafts();
    const publish = (t: PatrolTask) => {
      const step = taskStep(t, 'assigned', 'publish', actor, '2026-11-25T02:00:00.000Z');
      return { before: t, after: step.after, event: step.event };
    };
    const stale = tasks.map(publish);
    stale[1] = {
      ...(stale[1] as (typeof stale)[number]),
      before: { ...(tasks[1] as PatrolTask), version: 7 },
    };
    expect(await writeTaskSteps(stale)).toBe('stale');
    for (const t of tasks) expect((await getPatrolTask(t.id))?.status).toBe('draft');
    const expected = recountTasks(tasks.map((t) => publish(t).after));
    await api.settle();
    expect(pruneCounters(await getCounters(Object.keys(expected)))).toEqual({});

    expect(await writeTaskSteps(tasks.map(publish))).toBe('written');
    const after = await Promise.all(tasks.map((t) => getPatrolTask(t.id)));
    expect(after.map((t) => t?.status)).toEqual(['assigned', 'assigned', 'assigned']);
    await api.settle();
    expect(pruneCounters(await getCounters(Object.keys(expected)))).toEqual(expected);
    expect(expected['city#2026-12']).toEqual({ 'tasks_planned:2026-12-01': 3 });
    expect(expected['officer#officer-li#2026-12']).toEqual({ 'tasks_planned:2026-12-01': 2 });
  });
});
