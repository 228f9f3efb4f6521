/**
 * The counter fold in AWS (docs/decisions/0028): the table's stream feeds one function, which folds
 * the changes of findings and patrol tasks into the counter items exactly once. The local runtime
 * polls the same stream on DynamoDB Local with the same batch size and calls the same handler
 * (packages/local/src/counter-stream.ts).
 */
import type { CityConfig } from '@gridpatrol/core';
import { COUNTED_ENTITIES } from '@gridpatrol/store/table';
import { Duration } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deadLetterQueue } from './dead-letters';
import { GridPatrolFunction } from './function';

export interface GridPatrolCountersProps {
  readonly city: CityConfig;
  /** The city's table; it must have a NEW_AND_OLD_IMAGES stream (GridPatrolData gives it one). */
  readonly table: ITableV2;
  readonly logRetention?: RetentionDays;
}

/**
 * How the stream reaches the fold. Records of one item are in one shard in order, and a shard is
 * read by one invocation at a time (parallelization 1), so an item's changes are folded in order.
 */
export const COUNTER_STREAM = {
  /** 100 records: one batch's counter ADDs, summed per area, fit in a few 100-item transactions. */
  batchSize: 100,
  /**
   * Up to 1 s of records gathered before an invocation: at a city's peak the city's items are then
   * written about once a second per shard instead of once per change; at rest it bounds the lag.
   */
  maxBatchingWindow: Duration.seconds(1),
  parallelizationFactor: 1,
  /**
   * A failing batch is retried 5 times, halved on each error (bisect), then its records' place is
   * sent to the queue: a poisoned record stops the shard for seconds, not for the stream's 24 h.
   */
  retryAttempts: 5,
} as const;

export class GridPatrolCounters extends Construct {
  readonly function: GridPatrolFunction;
  /** Where the places of records the fold gave up on go, for an operator to replay. */
  readonly failures: Queue;

  constructor(scope: Construct, id: string, props: GridPatrolCountersProps) {
    super(scope, id);
    this.function = new GridPatrolFunction(this, 'Function', {
      group: 'counters',
      city: props.city,
      logRetention: props.logRetention,
      // A batch is a few transactions; 30 s covers DynamoDB's retries with room to spare.
      timeout: Duration.seconds(30),
      // One invocation per stream shard at a time (parallelization 1); a city's table has a few.
      reservedConcurrentExecutions: 10,
    });
    // Reads its ledger and writes counters and ledger entries: nothing else of the table.
    this.function.bindTableItems({
      table: props.table,
      actions: ['dynamodb:BatchGetItem', 'dynamodb:UpdateItem'],
      keyPrefixes: ['COUNTER#', 'FOLDED#'],
    });

    // The stream keeps records 24 h; the queue keeps their places for 14 days.
    this.failures = deadLetterQueue(this, 'Failures');

    const entities = FilterRule.or(...COUNTED_ENTITIES);
    this.function.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        ...COUNTER_STREAM,
        bisectBatchOnError: true,
        onFailure: new SqsDlq(this.failures),
        // Only finding and task items move counters; the other half of the table's writes
        // (events, idempotency records, the counters themselves) never invoke the function.
        filters: [
          FilterCriteria.filter({ dynamodb: { NewImage: { entity: { S: entities } } } }),
          FilterCriteria.filter({
            eventName: FilterRule.isEqual('REMOVE'),
            dynamodb: { OldImage: { entity: { S: entities } } },
          }),
        ],
      }),
    );
  }
}
