/**
 * The stateful data of one city: the single DynamoDB table, built from the one table definition in
 * packages/store (TABLE), so the deployed table and DynamoDB Local cannot drift apart.
 */

import { TABLE, type TableDefinition } from '@gridpatrol/store/table';
import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  Billing,
  type GlobalSecondaryIndexPropsV2,
  ProjectionType,
  StreamViewType,
  TableV2,
} from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

export interface GridPatrolDataProps {
  /**
   * The key schema, indexes and TTL attribute.
   * @default TABLE from packages/store, the definition the local runtime also uses
   */
  readonly definition?: TableDefinition;
}

/** Every key attribute is a string: the store builds keys as "TYPE#id" strings (keys.ts). */
const key = (name: string) => ({ name, type: AttributeType.STRING });

export class GridPatrolData extends Construct {
  readonly table: TableV2;

  constructor(scope: Construct, id: string, props: GridPatrolDataProps = {}) {
    super(scope, id);
    const def = props.definition ?? TABLE;
    const globalSecondaryIndexes: GlobalSecondaryIndexPropsV2[] = def.globalSecondaryIndexes.map((gsi) => ({
      indexName: gsi.indexName,
      partitionKey: key(gsi.partitionKey),
      sortKey: key(gsi.sortKey),
      // ALL: the list endpoints read whole items from the index; no second GetItem per row.
      projectionType: ProjectionType.ALL,
    }));

    // No tableName: CloudFormation generates one, so two cities (or a replacement) never collide.
    this.table = new TableV2(this, 'Table', {
      partitionKey: key(def.partitionKey),
      sortKey: key(def.sortKey),
      globalSecondaryIndexes,
      timeToLiveAttribute: def.timeToLiveAttribute,
      // The counter fold reads both images of every change (infra/lib/counters.ts, decision 0028).
      dynamoStream: StreamViewType[def.streamViewType],
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // A city's findings and patrol history are records of public administration: a stack
      // deletion or a replacement must never take them with it.
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
