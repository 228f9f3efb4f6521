/**
 * Backups of the city's table beyond point-in-time recovery (which only reaches 35 days back and
 * dies with the table): an AWS Backup plan taking a daily backup kept 35 days and a monthly one kept
 * a year, in a vault kept on stack deletion, optionally copied to a vault in a second region.
 */
import { ArnFormat, Duration, RemovalPolicy, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import {
  BackupPlan,
  type BackupPlanCopyActionProps,
  BackupPlanRule,
  BackupResource,
  BackupVault,
} from 'aws-cdk-lib/aws-backup';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Schedule } from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';

export const BACKUP_RETENTION = { daily: Duration.days(35), monthly: Duration.days(365) } as const;

export interface GridPatrolBackupProps {
  readonly table: ITableV2;
  /** The vault's name, also the name of the copy vault expected in copyRegion. */
  readonly vaultName: string;
  /**
   * A second region whose vault named `vaultName` receives a copy of every backup. That vault is
   * not made here (a stack lives in one region): create it there first (docs/decisions/0041).
   */
  readonly copyRegion?: string;
  /** The city's time zone: backups start at 02:00 local time, the quietest hour. */
  readonly timeZone: string;
}

export class GridPatrolBackup extends Construct {
  readonly vault: BackupVault;
  readonly plan: BackupPlan;

  constructor(scope: Construct, id: string, props: GridPatrolBackupProps) {
    super(scope, id);
    this.vault = new BackupVault(this, 'Vault', {
      backupVaultName: props.vaultName,
      // The backups outlive the stack, like the table they copy.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const copyVault = props.copyRegion
      ? BackupVault.fromBackupVaultArn(
          this,
          'CopyVault',
          Stack.of(this).formatArn({
            service: 'backup',
            region: props.copyRegion,
            resource: 'backup-vault',
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            resourceName: props.vaultName,
          }),
        )
      : undefined;
    const copy = (deleteAfter: Duration): BackupPlanCopyActionProps[] | undefined =>
      copyVault ? [{ destinationBackupVault: copyVault, deleteAfter }] : undefined;

    const timeZone = TimeZone.of(props.timeZone);
    this.plan = new BackupPlan(this, 'Plan', { backupVault: this.vault });
    this.plan.addRule(
      new BackupPlanRule({
        ruleName: 'Daily',
        scheduleExpression: Schedule.cron({ hour: '2', minute: '0' }),
        scheduleExpressionTimezone: timeZone,
        deleteAfter: BACKUP_RETENTION.daily,
        copyActions: copy(BACKUP_RETENTION.daily),
      }),
    );
    this.plan.addRule(
      new BackupPlanRule({
        ruleName: 'Monthly',
        scheduleExpression: Schedule.cron({ day: '1', hour: '3', minute: '0' }),
        scheduleExpressionTimezone: timeZone,
        deleteAfter: BACKUP_RETENTION.monthly,
        copyActions: copy(BACKUP_RETENTION.monthly),
      }),
    );
    const selection = this.plan.addSelection('Table', {
      resources: [BackupResource.fromArn(props.table.tableArn)],
    });
    Validations.of(selection).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      reason:
        "AWS Backup's own service-role policy, maintained by AWS as the service's needs change; the selection limits it to this table.",
    });
  }
}
