/**
 * The delivery worker's AWS ports (functions/src/notifications/ports.ts) through the real SDK clients:
 * SNS, SES, SQS and SSM have no local implementation, so each client is given a request handler
 * that records the signed HTTP request the SDK built and answers as the service documents. What is
 * checked is what AWS would receive (action, addresses, text, signature scope) and how the ports
 * read the answers (a missing robot parameter, a refused call).
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { awsPorts, deliveryPorts } from '@gridpatrol/functions/notifications/ports';
import { describe, expect, it } from 'vitest';

const REGION = 'ap-southeast-1';

interface Sent {
  readonly host: string;
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

interface Answer {
  readonly status?: number;
  readonly type: string;
  readonly body: string;
}

/** A request handler that keeps each request and answers with `answer(request)`. */
function recorder(answer: (sent: Sent) => Answer) {
  const sent: Sent[] = [];
  const requestHandler = {
    async handle(request: {
      hostname: string;
      method: string;
      path: string;
      headers: Record<string, string>;
      body?: unknown;
    }) {
      const record: Sent = {
        host: request.hostname,
        method: request.method,
        path: request.path,
        headers: request.headers,
        body:
          request.body instanceof Uint8Array
            ? Buffer.from(request.body).toString('utf8')
            : String(request.body ?? ''),
      };
      sent.push(record);
      const out = answer(record);
      return {
        response: {
          statusCode: out.status ?? 200,
          headers: { 'content-type': out.type },
          body: Readable.from([Buffer.from(out.body)]),
        },
      };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
  };
  const config = {
    region: REGION,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    requestHandler,
    maxAttempts: 1,
  };
  return { sent, config };
}

const json = (body: unknown, status = 200): Answer => ({
  status,
  type: 'application/x-amz-json-1.1',
  body: JSON.stringify(body),
});

const ENV = {
  NOTIFY_PARAMETER_PREFIX: '/gridpatrol/demo/notify',
  NOTIFY_DLQ_URL: `https://sqs.${REGION}.amazonaws.com/123456789012/gridpatrol-demo-notify-dlq`,
  NOTIFY_EMAIL_FROM: 'noreply@scjg.example.cn',
};

/** Ports whose four clients each record; `ssmAnswer` says what Parameter Store holds. */
function recordedPorts(ssmAnswer: (name: string) => Answer = () => json({}, 400)) {
  const sns = recorder(() => ({
    type: 'text/xml',
    body: '<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m-1</MessageId></PublishResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></PublishResponse>',
  }));
  const ses = recorder(() => ({ type: 'application/json', body: '{"MessageId":"e-1"}' }));
  const sqs = recorder((s) => {
    const { MessageBody } = JSON.parse(s.body) as { MessageBody: string };
    // The SDK checks the body's MD5 as SQS answers it.
    const md5 = createHash('md5').update(MessageBody).digest('hex');
    return {
      type: 'application/x-amz-json-1.0',
      body: JSON.stringify({ MessageId: 'q-1', MD5OfMessageBody: md5 }),
    };
  });
  const ssm = recorder((s) => ssmAnswer((JSON.parse(s.body) as { Name: string }).Name));
  const ports = awsPorts(ENV, {
    sns: new SNSClient(sns.config),
    ses: new SESv2Client(ses.config),
    sqs: new SQSClient(sqs.config),
    ssm: new SSMClient(ssm.config),
  });
  return { ports, sns: sns.sent, ses: ses.sent, sqs: sqs.sent, ssm: ssm.sent };
}

const signedFor = (sent: Sent, service: string) =>
  expect(sent.headers.authorization).toMatch(
    new RegExp(`^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/\\d{8}/${REGION}/${service}/aws4_request`),
  );

describe('SMS through SNS', () => {
  it('publishes to the number with +86 added to a mainland number, the text as given', async () => {
    const { ports, sns } = recordedPorts();
    await ports.sms('13800138000', '【网格巡查】线索 F-1 已逾期', 'F-1#overdue#sms');
    expect(sns).toHaveLength(1);
    const [sent] = sns as [Sent];
    expect(sent).toMatchObject({ host: `sns.${REGION}.amazonaws.com`, method: 'POST' });
    signedFor(sent, 'sns');
    const form = new URLSearchParams(sent.body);
    expect(form.get('Action')).toBe('Publish');
    expect(form.get('PhoneNumber')).toBe('+8613800138000');
    expect(form.get('Message')).toBe('【网格巡查】线索 F-1 已逾期');
  });

  it('keeps a number already in international form', async () => {
    const { ports, sns } = recordedPorts();
    await ports.sms('+85291234567', 'x', 'k');
    expect(new URLSearchParams(sns[0]?.body).get('PhoneNumber')).toBe('+85291234567');
  });
});

describe('e-mail through SES', () => {
  it('sends a simple message from the configured address to the person', async () => {
    const { ports, ses } = recordedPorts();
    await ports.email('li@scjg.example.cn', '线索逾期', '线索 F-1 已逾期。', 'F-1#overdue#email');
    const [sent] = ses as [Sent];
    expect(sent).toMatchObject({
      host: `email.${REGION}.amazonaws.com`,
      method: 'POST',
      path: '/v2/email/outbound-emails',
    });
    signedFor(sent, 'ses');
    expect(JSON.parse(sent.body)).toEqual({
      FromEmailAddress: 'noreply@scjg.example.cn',
      Destination: { ToAddresses: ['li@scjg.example.cn'] },
      Content: { Simple: { Subject: { Data: '线索逾期' }, Body: { Text: { Data: '线索 F-1 已逾期。' } } } },
    });
  });
});

describe('the dead-letter queue (SQS)', () => {
  it('sends the given-up entry as JSON to the configured queue', async () => {
    const { ports, sqs } = recordedPorts();
    const entry = {
      recipientId: 'officer-li',
      notificationIds: ['N-1', 'N-2'],
      channel: 'sms' as const,
      attempts: 5,
      lastError: 'SNS throttled',
      dedupKey: 'N-1#sms',
    };
    await ports.deadLetter(entry);
    const [sent] = sqs as [Sent];
    expect(sent.host).toBe(`sqs.${REGION}.amazonaws.com`);
    expect(sent.headers['x-amz-target']).toBe('AmazonSQS.SendMessage');
    const body = JSON.parse(sent.body) as { QueueUrl: string; MessageBody: string };
    expect(body.QueueUrl).toBe(ENV.NOTIFY_DLQ_URL);
    expect(JSON.parse(body.MessageBody)).toEqual(entry);
  });
});

describe('group robots from SSM Parameter Store', () => {
  const ROBOT = { url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k-east' };

  it('reads the office’s parameter decrypted, and keeps it for the next sends', async () => {
    const { ports, ssm } = recordedPorts((name) =>
      json({ Parameter: { Name: name, Type: 'SecureString', Value: JSON.stringify(ROBOT) } }),
    );
    expect(await ports.robot('office-east', 'wecom')).toEqual(ROBOT);
    expect(await ports.robot('office-east', 'wecom')).toEqual(ROBOT);
    expect(ssm).toHaveLength(1);
    expect(ssm[0]?.headers['x-amz-target']).toBe('AmazonSSM.GetParameter');
    expect(JSON.parse(ssm[0]?.body ?? '')).toEqual({
      Name: '/gridpatrol/demo/notify/office-east/wecom',
      WithDecryption: true,
    });
    // An object of no office uses the city's own robot.
    await ports.robot(null, 'dingtalk');
    expect(JSON.parse(ssm[1]?.body ?? '').Name).toBe('/gridpatrol/demo/notify/city/dingtalk');
  });

  it('takes a missing parameter as no robot (and does not ask again at once)', async () => {
    const { ports, ssm } = recordedPorts(() =>
      json({ __type: 'ParameterNotFound', message: 'Parameter not found' }, 400),
    );
    expect(await ports.robot('office-west', 'dingtalk')).toBeUndefined();
    expect(await ports.robot('office-west', 'dingtalk')).toBeUndefined();
    expect(ssm).toHaveLength(1);
  });

  it('lets any other refusal fail the send (it is retried, then dead-lettered)', async () => {
    const { ports } = recordedPorts(() =>
      json({ __type: 'AccessDeniedException', message: 'not authorized to perform ssm:GetParameter' }, 400),
    );
    await expect(ports.robot('office-east', 'wecom')).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
  });
});

describe('choosing the ports', () => {
  it('refuses to run without the environment CDK sets (outside the local server)', () => {
    expect(() => deliveryPorts({})).toThrow(/NOTIFY_DLQ_URL and NOTIFY_PARAMETER_PREFIX/);
  });
});
