/**
 * The delivery worker's ports under the local runtime (docs/decisions/0052). Group robots are real
 * HTTP POSTs to the addresses given (`GRIDPATROL_NOTIFY_ROBOTS`, JSON `{"<office>|city":
 * {"wecom":{"url"},"dingtalk":{"url","secret"}}}`, or a test's receiver). SMS (SNS) and e-mail (SES)
 * have no local implementation: a recorded stub keeps what would have been sent. Dead letters (the
 * SQS queue in AWS) are kept the same way and said on the console.
 */
import type { DeadLetter, DeliveryPorts, RobotAddress } from '@gridpatrol/functions/notifications/ports';

export type RobotDirectory = Readonly<Record<string, Partial<Record<'wecom' | 'dingtalk', RobotAddress>>>>;

export interface RecordedSend {
  readonly channel: 'sms' | 'email';
  readonly to: string;
  readonly text: string;
  readonly dedupKey: string;
  readonly subject?: string;
}

export interface LocalDeliveryPorts extends DeliveryPorts {
  /** SMS and e-mail the stub was asked to send, in order. */
  readonly recorded: RecordedSend[];
  readonly deadLetters: DeadLetter[];
}

export interface LocalDeliveryOptions {
  /** @default GRIDPATROL_NOTIFY_ROBOTS, or none */
  readonly robots?: RobotDirectory;
  /** @default 200 */
  readonly retryBaseMs?: number;
  /** The SMS stub fails this many times before it records (a test of the retries). @default 0 */
  readonly smsFailures?: number;
  /** Say dead letters on the console. @default true */
  readonly quiet?: boolean;
}

/** @example setDeliveryPorts(localDeliveryPorts({ robots: { 'office-east': { wecom: { url } } } })) */
export function localDeliveryPorts(opts: LocalDeliveryOptions = {}): LocalDeliveryPorts {
  const robots: RobotDirectory =
    opts.robots ??
    (process.env.GRIDPATROL_NOTIFY_ROBOTS ? JSON.parse(process.env.GRIDPATROL_NOTIFY_ROBOTS) : {});
  const recorded: RecordedSend[] = [];
  const deadLetters: DeadLetter[] = [];
  let smsFailures = opts.smsFailures ?? 0;
  return {
    recorded,
    deadLetters,
    retryBaseMs: opts.retryBaseMs ?? 200,
    now: () => Date.now(),
    async robot(officeId, channel) {
      return robots[officeId ?? 'city']?.[channel];
    },
    async sms(phone, text, dedupKey) {
      if (smsFailures > 0) {
        smsFailures -= 1;
        throw new Error('SMS stub: failing as asked');
      }
      recorded.push({ channel: 'sms', to: phone, text, dedupKey });
    },
    async email(address, subject, text, dedupKey) {
      recorded.push({ channel: 'email', to: address, subject, text, dedupKey });
    },
    async deadLetter(entry) {
      deadLetters.push(entry);
      if (opts.quiet !== true)
        console.warn(
          `Notification dead-lettered (${entry.channel}, ${entry.recipientId}): ${entry.lastError}`,
        );
    },
  };
}
