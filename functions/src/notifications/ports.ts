/**
 * Where the delivery worker sends (docs/decisions/0052). In AWS (CDK sets the environment): group
 * robot addresses and secrets from SSM Parameter Store SecureStrings (`NOTIFY_PARAMETER_PREFIX`/
 * <office>/<channel>, JSON `{"url","secret"}`; never in the city file), SMS through SNS, e-mail
 * through SES, given-up sends to an SQS dead-letter queue (`NOTIFY_DLQ_URL`, alarmed). The local
 * runtime injects its own (`setDeliveryPorts`): robots from its configuration, and a recorded stub
 * for SMS and e-mail, for which no local implementation exists. Clients are made once per container.
 */
import { createHmac } from 'node:crypto';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { type Channel, dingTalkStringToSign, robotPayload } from '@gridpatrol/core';

/** A group robot's webhook: its URL (with its key or access token) and, for DingTalk, its secret. */
export interface RobotAddress {
  readonly url: string;
  readonly secret?: string;
}

/** A send that was given up after its attempts: what an operator needs to redo it. */
export interface DeadLetter {
  readonly recipientId: string;
  readonly notificationIds: readonly string[];
  readonly channel: Channel;
  readonly attempts: number;
  readonly lastError: string;
  readonly dedupKey: string;
}

/** One message to one person on one channel; `dedupKey` lets the receiver drop a repeat. */
export interface OutgoingMessage {
  readonly text: string;
  readonly dedupKey: string;
  readonly officeId: string | null;
  readonly phone?: string | undefined;
  readonly email?: string | undefined;
}

export interface DeliveryPorts {
  /** The office's group robot of a channel (the city's own for an object of no office), if any. */
  robot(officeId: string | null, channel: 'wecom' | 'dingtalk'): Promise<RobotAddress | undefined>;
  sms(phone: string, text: string, dedupKey: string): Promise<void>;
  email(address: string, subject: string, text: string, dedupKey: string): Promise<void>;
  deadLetter(entry: DeadLetter): Promise<void>;
  /** The first retry's wait; each next one doubles (core `retryDelayMs`). */
  readonly retryBaseMs: number;
  /** The clock a DingTalk signature is stamped with. */
  now(): number;
}

/** The header every webhook POST carries: the item's dedup key, for a receiver that dedups. */
export const DEDUP_HEADER = 'x-gridpatrol-dedup-key';

/**
 * DingTalk's documented signature: HMAC-SHA256 of "timestamp\nsecret" keyed with the secret,
 * base64; the URL gets `timestamp` and the URL-encoded `sign`.
 *
 * @example dingTalkSign(1700000000000, 'SEC…') // 'q2x…='
 */
export const dingTalkSign = (timestampMs: number, secret: string) =>
  createHmac('sha256', secret).update(dingTalkStringToSign(timestampMs, secret), 'utf8').digest('base64');

/**
 * POSTs a robot message and checks the answer: HTTP 2xx and, as both robots answer, `errcode` 0.
 * Anything else throws with what the robot said.
 */
export async function postToRobot(
  channel: 'wecom' | 'dingtalk',
  robot: RobotAddress,
  message: OutgoingMessage,
  nowMs: number,
): Promise<void> {
  const url = new URL(robot.url);
  if (channel === 'dingtalk' && robot.secret !== undefined) {
    url.searchParams.set('timestamp', String(nowMs));
    url.searchParams.set('sign', dingTalkSign(nowMs, robot.secret));
  }
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [DEDUP_HEADER]: message.dedupKey },
    body: JSON.stringify(robotPayload(channel, message.text, message.phone)),
    signal: AbortSignal.timeout(5_000),
  });
  const answer = (await res.json().catch(() => ({}))) as { errcode?: number; errmsg?: string };
  if (!res.ok) throw new Error(`${channel} robot answered HTTP ${res.status}`);
  if (answer.errcode !== undefined && answer.errcode !== 0)
    throw new Error(`${channel} robot refused: ${answer.errcode} ${answer.errmsg ?? ''}`.trim());
}

/** Robot addresses read from SSM, kept for a few minutes per container. */
const ROBOT_CACHE_MS = 5 * 60_000;

/** The AWS clients the ports send through; a test gives them a recording request handler. */
export interface AwsDeliveryClients {
  readonly ssm: SSMClient;
  readonly sns: SNSClient;
  readonly ses: SESv2Client;
  readonly sqs: SQSClient;
}

/**
 * The SDK of each service, loaded at its first send, not at init: a batch that only posts to group
 * robots never loads SES's, SNS's or SQS's (decision 0058). Each holds only what is sent here (0060).
 */
const sdk = {
  ssm: () => import('./sdk/ssm'),
  sns: () => import('./sdk/sns'),
  ses: () => import('./sdk/ses'),
  sqs: () => import('./sdk/sqs'),
};

/** The ports CDK's environment configures: SSM for robots, SNS, SES, and the SQS dead-letter queue. */
export function awsPorts(env: NodeJS.ProcessEnv, given: Partial<AwsDeliveryClients> = {}): DeliveryPorts {
  /** A client made once, at its first use (or the one given). */
  const once = <C>(client: C | undefined, make: () => Promise<C>): (() => Promise<C>) => {
    let made: Promise<C> | undefined = client === undefined ? undefined : Promise.resolve(client);
    return () => {
      made ??= make();
      return made;
    };
  };
  const ssm = once<SSMClient>(given.ssm, async () => new (await sdk.ssm()).SSMClient({}));
  const sns = once<SNSClient>(given.sns, async () => new (await sdk.sns()).SNSClient({}));
  const ses = once<SESv2Client>(given.ses, async () => new (await sdk.ses()).SESv2Client({}));
  const sqs = once<SQSClient>(given.sqs, async () => new (await sdk.sqs()).SQSClient({}));
  const robots = new Map<string, { at: number; robot: RobotAddress | undefined }>();
  return {
    async robot(officeId, channel) {
      const name = `${env.NOTIFY_PARAMETER_PREFIX}/${officeId ?? 'city'}/${channel}`;
      const hit = robots.get(name);
      if (hit && Date.now() - hit.at < ROBOT_CACHE_MS) return hit.robot;
      const { GetParameterCommand } = await sdk.ssm();
      const robot = await (await ssm())
        .send(new GetParameterCommand({ Name: name, WithDecryption: true }))
        .then((out) => JSON.parse(out.Parameter?.Value ?? 'null') as RobotAddress | null)
        .catch((err: Error) => {
          if (err.name === 'ParameterNotFound') return null;
          throw err;
        });
      robots.set(name, { at: Date.now(), robot: robot ?? undefined });
      return robot ?? undefined;
    },
    async sms(phone, text) {
      const number = phone.startsWith('+') ? phone : `+86${phone}`;
      const { PublishCommand } = await sdk.sns();
      await (await sns()).send(new PublishCommand({ PhoneNumber: number, Message: text }));
    },
    async email(address, subject, text) {
      const { SendEmailCommand } = await sdk.ses();
      await (await ses()).send(
        new SendEmailCommand({
          FromEmailAddress: env.NOTIFY_EMAIL_FROM,
          Destination: { ToAddresses: [address] },
          Content: { Simple: { Subject: { Data: subject }, Body: { Text: { Data: text } } } },
        }),
      );
    },
    async deadLetter(entry) {
      const { SendMessageCommand } = await sdk.sqs();
      await (await sqs()).send(
        new SendMessageCommand({ QueueUrl: env.NOTIFY_DLQ_URL, MessageBody: JSON.stringify(entry) }),
      );
    },
    retryBaseMs: 500,
    now: () => Date.now(),
  };
}

let injected: DeliveryPorts | undefined;
let fromEnv: DeliveryPorts | undefined;

/**
 * Makes `ports` the delivery ports of this process (the local runtime's stand-ins, a test's
 * receiver); no argument removes them again.
 */
export function setDeliveryPorts(ports?: DeliveryPorts): void {
  injected = ports;
}

/** The ports this process sends through: the injected ones, else AWS's when CDK configured them. */
export function deliveryPorts(env: NodeJS.ProcessEnv = process.env): DeliveryPorts {
  if (injected) return injected;
  if (env.NOTIFY_DLQ_URL === undefined || env.NOTIFY_PARAMETER_PREFIX === undefined)
    throw new Error(
      'No delivery ports: set NOTIFY_DLQ_URL and NOTIFY_PARAMETER_PREFIX, or run under the local server.',
    );
  fromEnv ??= awsPorts(env);
  return fromEnv;
}
