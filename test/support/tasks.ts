/**
 * Published patrol tasks written straight into the store, as publication writes them (the task
 * record under keys.patrolTask with status `assigned`, its first event, one membership item per
 * partner under keys.taskMembership; its counters follow from the stream), so that the tasks routes and the missed-task job can be tested
 * without drafting and publishing a plan. The shapes follow packages/store/src/plans-repo.ts.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import {
  type PatrolTask,
  PatrolTask as PatrolTaskSchema,
  patrolTaskId,
  type TaskEvent,
} from '@gridpatrol/core';
import {
  documentClient,
  patrolTaskItem,
  tableName,
  taskEventItem,
  taskMembershipItem,
} from '@gridpatrol/store';

export interface PublishedTaskInput {
  readonly planId: string;
  readonly cellId: string;
  readonly zoneId: string;
  readonly officeId: string | null;
  readonly officerId: string;
  readonly partnerId: string;
  /** The shift's local date and name, and its UTC instants. */
  readonly date: string;
  readonly shift: string;
  readonly shiftStart: string;
  readonly shiftEnd: string;
}

const points = (count: number, points: number) => ({ count, points });

/** A task as publication leaves it: assigned, version 1, no check-ins. */
export function publishedTask(input: PublishedTaskInput): PatrolTask {
  return PatrolTaskSchema.parse({
    id: patrolTaskId(input.planId, input),
    planId: input.planId,
    officeId: input.officeId,
    weekStart: input.date,
    date: input.date,
    shift: input.shift,
    cellId: input.cellId,
    zoneId: input.zoneId,
    officerId: input.officerId,
    partnerId: input.partnerId,
    value: 2.5,
    reasons: {
      risk: {
        score: 1.5,
        components: {
          open: points(1, 1),
          overdue: points(0, 0),
          recent: points(1, 0.5),
          reopened: points(0, 0),
          staleness: points(0, 0),
          manualPriority: points(0, 0),
        },
      },
      pair: ['primary_zone', 'rotated'],
    },
    shiftStart: input.shiftStart,
    shiftEnd: input.shiftEnd,
    status: 'assigned',
    version: 1,
    checkIns: [],
    updatedAt: new Date(Date.parse(input.shiftStart) - 86_400_000).toISOString(),
  });
}

/**
 * Writes a published task, its publish event and the pair's membership items (the stream moves its counters).
 *
 * @example const task = await writePublishedTask({ planId: 'P-test01', cellId, ... });
 */
export async function writePublishedTask(input: PublishedTaskInput): Promise<PatrolTask> {
  const task = publishedTask(input);
  const event: TaskEvent = {
    taskId: task.id,
    version: 1,
    at: task.updatedAt,
    actor: { id: 'sup-east', role: 'supervisor' },
    action: 'publish',
    from: 'draft',
    to: 'assigned',
  };
  const table = tableName();
  const put = (Item: Record<string, unknown>) =>
    documentClient().send(new PutCommand({ TableName: table, Item }));
  await put(patrolTaskItem(task));
  await put(taskEventItem(event));
  for (const [personId, as] of [
    [task.officerId, 'officer'],
    [task.partnerId, 'partner'],
  ] as const)
    await put(taskMembershipItem(task, personId, as));
  // Its counters follow from the stream, as for a task the planner publishes (0028).
  return task;
}
