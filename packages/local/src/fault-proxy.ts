/**
 * A fault-injecting front for DynamoDB Local: an HTTP proxy between the service's DynamoDB client and
 * the emulator that does, on demand, what the real service does and the emulator never does
 * (docs/decisions/0029-retry-budget-and-fault-proxy.md):
 *
 * - the transaction conflict rule: a TransactWriteItems that overlaps in time another in-flight
 *   TransactWriteItems on one of the same items is cancelled (`TransactionConflict` at the
 *   overlapping items); a PutItem/UpdateItem/DeleteItem on an item an in-flight transaction holds gets
 *   `TransactionConflictException`; a TransactGetItems on such an item is cancelled too;
 * - throttling at a rate, or of hot keys (a transaction is cancelled with a throttling reason at the
 *   throttled items, as the service does; any other call gets the exception);
 * - a write forwarded, committed, and its answer dropped (the client's socket is destroyed);
 * - added latency (fixed + jitter), which also widens the in-flight windows;
 * - a database gone: connections refused, or accepted and closed at once.
 *
 * Random decisions come from a seeded PRNG drawn a fixed number of times per request in arrival
 * order, so the same seed and the same request sequence give the same faults. Faults switch at run
 * time with `set`; `stats` counts what the proxy did.
 *
 * @example const proxy = await startFaultProxy({ target: db.endpoint, seed: 7, faults: { conflicts: true } });
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type net from 'node:net';
import { crc32 } from 'node:zlib';
import { TABLE } from '@gridpatrol/store';
import { mulberry32 } from './seeded-random';

export interface ThrottleFaults {
  /** Share of requests (0–1) throttled at random. */
  readonly rate?: number;
  /** Items (`pk`, and `sk` when only one item of the partition is hot) throttled on every touch. */
  readonly hotKeys?: readonly { readonly pk: string; readonly sk?: string }[];
  /**
   * What a throttled call gets: `ProvisionedThroughputExceededException` (a provisioned table) or
   * `ThrottlingException` (on-demand); in a cancelled transaction the reasons are
   * `ProvisionedThroughputExceeded` or `ThrottlingError`.
   * @default 'ProvisionedThroughputExceeded'
   */
  readonly kind?: 'ProvisionedThroughputExceeded' | 'Throttling';
  /** Operations (`PutItem`, `Query`, ...) the rate applies to. @default all item operations */
  readonly operations?: readonly string[];
}

export interface FaultSettings {
  /** The real service's transaction conflict rule. */
  readonly conflicts?: boolean;
  readonly throttle?: ThrottleFaults | null;
  /** Share of successful writes (0–1) whose answer is dropped after they committed. */
  readonly dropWriteResponses?: number;
  /** Added before a request is forwarded, while it already holds its items. */
  readonly latency?: { readonly fixedMs?: number; readonly jitterMs?: number } | null;
  /** The database is gone: `refuse` closes the port, `close` accepts and closes at once. */
  readonly down?: false | 'refuse' | 'close';
}

export interface FaultProxyOptions {
  /** DynamoDB Local's endpoint, e.g. http://127.0.0.1:8000 */
  readonly target: string;
  /** @default 1 */
  readonly seed?: number;
  readonly faults?: FaultSettings;
  /** @default a free port */
  readonly port?: number;
}

export interface FaultStats {
  /** Requests received (not counting refused connections). */
  requests: number;
  byOperation: Record<string, number>;
  /** Transactions cancelled because they overlapped an in-flight transaction on an item. */
  transactionConflicts: number;
  /** Single-item writes refused because an in-flight transaction held their item. */
  conflictExceptions: number;
  /** Calls throttled (as an exception or as a cancelled transaction). */
  throttled: number;
  /** Writes committed whose answer was dropped. */
  droppedResponses: number;
  /** Connections refused or closed while the database was down. */
  refusedConnections: number;
  /** Requests delayed by added latency. */
  delayed: number;
}

export interface FaultProxy {
  readonly url: string;
  readonly port: number;
  /** Changes some faults; the others keep their settings. */
  set(faults: FaultSettings): Promise<void>;
  /**
   * Holds items for `ms` as a transaction of another writer in flight would (it matters while the
   * conflict rule is on): what overlaps them meanwhile is cancelled or refused.
   */
  hold(
    items: readonly { readonly table: string; readonly pk: string; readonly sk: string }[],
    ms: number,
  ): void;
  /** The faults now in force. */
  settings(): FaultSettings;
  stats(): FaultStats;
  resetStats(): void;
  close(): Promise<void>;
}

const ITEM_OPERATIONS = [
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'Scan',
  'BatchGetItem',
  'BatchWriteItem',
  'TransactGetItems',
  'TransactWriteItems',
];
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);
const SINGLE_WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem']);

/** The service's messages, so that a log reads like one from AWS. */
const MESSAGES = {
  TransactionConflict: 'Transaction is ongoing for the item',
  ProvisionedThroughputExceeded:
    'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
  Throttling:
    'Throughput exceeds the current capacity of your table or index. DynamoDB is automatically scaling your table or index so please try again shortly.',
};

type AttributeMap = Record<string, Record<string, unknown>>;
interface ItemRef {
  readonly table: string;
  readonly pk: string;
  readonly sk: string;
  /** table, pk and sk in one string: what the conflict rule compares. */
  readonly id: string;
}

function keyValue(attr: Record<string, unknown> | undefined): string {
  if (!attr) return '';
  const [type, value] = Object.entries(attr)[0] ?? ['', ''];
  return `${type}:${String(value)}`;
}

function itemRef(table: unknown, item: AttributeMap | undefined): ItemRef | undefined {
  if (typeof table !== 'string' || !item) return undefined;
  const pk = keyValue(item[TABLE.partitionKey]);
  const sk = keyValue(item[TABLE.sortKey]);
  return { table, pk, sk, id: `${table}\u0000${pk}\u0000${sk}` };
}

type Entry = Record<string, { TableName?: unknown; Item?: AttributeMap; Key?: AttributeMap } | undefined>;

/** The items a request names, in the order of its entries (for transactions: one per entry). */
function itemsOf(operation: string, body: Record<string, unknown>): (ItemRef | undefined)[] {
  switch (operation) {
    case 'TransactWriteItems':
    case 'TransactGetItems': {
      const entries = Array.isArray(body.TransactItems) ? (body.TransactItems as Entry[]) : [];
      return entries.map((entry) => {
        const op = entry.Put ?? entry.Update ?? entry.Delete ?? entry.ConditionCheck ?? entry.Get;
        return itemRef(op?.TableName, op?.Item ?? op?.Key);
      });
    }
    case 'PutItem':
      return [itemRef(body.TableName, body.Item as AttributeMap)];
    case 'GetItem':
    case 'UpdateItem':
    case 'DeleteItem':
      return [itemRef(body.TableName, body.Key as AttributeMap)];
    default:
      return [];
  }
}

function errorBody(type: string, fields: Record<string, unknown>): string {
  return JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, ...fields });
}

function cancellation(codes: readonly string[]): string {
  return errorBody('TransactionCanceledException', {
    CancellationReasons: codes.map((code) =>
      code === 'None'
        ? { Code: 'None' }
        : {
            Code: code,
            Message:
              code === 'TransactionConflict'
                ? MESSAGES.TransactionConflict
                : code === 'ThrottlingError'
                  ? MESSAGES.Throttling
                  : MESSAGES.ProvisionedThroughputExceeded,
          },
    ),
    Message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
  });
}

function sendAws(res: http.ServerResponse, status: number, body: string): void {
  const bytes = Buffer.from(body);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': String(bytes.length),
    'x-amzn-requestid': randomUUID().replace(/-/g, '').toUpperCase(),
    'x-amz-crc32': String(crc32(bytes)),
  });
  res.end(bytes);
}

function emptyStats(): FaultStats {
  return {
    requests: 0,
    byOperation: {},
    transactionConflicts: 0,
    conflictExceptions: 0,
    throttled: 0,
    droppedResponses: 0,
    refusedConnections: 0,
    delayed: 0,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts the proxy on 127.0.0.1 and resolves once it listens.
 *
 * @example await proxy.set({ throttle: { rate: 0.2 } }); ... await proxy.set({ throttle: null });
 */
export async function startFaultProxy(opts: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(opts.target);
  const random = mulberry32(opts.seed ?? 1);
  let faults: FaultSettings = { ...opts.faults };
  let stats = emptyStats();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  /** Items held by in-flight transactions: the item's id → how many hold it (0 or 1 unless off). */
  const writeHeld = new Map<string, number>();
  const readHeld = new Map<string, number>();
  const sockets = new Set<net.Socket>();

  const hold = (map: Map<string, number>, ids: readonly string[]) => {
    for (const id of ids) map.set(id, (map.get(id) ?? 0) + 1);
    return () => {
      for (const id of ids) {
        const left = (map.get(id) ?? 1) - 1;
        if (left <= 0) map.delete(id);
        else map.set(id, left);
      }
    };
  };

  const isHot = (ref: ItemRef | undefined): boolean =>
    ref !== undefined &&
    (faults.throttle?.hotKeys ?? []).some(
      (h) => ref.pk === `S:${h.pk}` && (h.sk === undefined || ref.sk === `S:${h.sk}`),
    );

  const forward = (req: http.IncomingMessage, body: Buffer) =>
    new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      const upstream = http.request(
        {
          protocol: target.protocol,
          hostname: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: target.host, 'content-length': String(body.length) },
          agent,
        },
        (up) => {
          const chunks: Buffer[] = [];
          up.on('data', (c: Buffer) => chunks.push(c));
          up.on('end', () =>
            resolve({ status: up.statusCode ?? 502, headers: up.headers, body: Buffer.concat(chunks) }),
          );
          up.on('error', reject);
        },
      );
      upstream.on('error', reject);
      upstream.end(body);
    });

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    // The same draws for every request, whatever is switched on: decisions depend on the seed
    // and the request's place in the sequence only.
    const throttleDraw = random();
    const dropDraw = random();
    const jitterDraw = random();
    stats.requests++;
    stats.byOperation[operation] = (stats.byOperation[operation] ?? 0) + 1;

    let body: Record<string, unknown> = {};
    try {
      body = raw.length > 0 ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>) : {};
    } catch {
      // Not ours to judge: DynamoDB Local answers a malformed body itself.
    }
    const items = itemsOf(operation, body);
    const isTransactWrite = operation === 'TransactWriteItems';

    // Throttling: of hot items always, of any item operation at the set rate.
    const throttle = faults.throttle;
    if (throttle) {
      const hot = items.map(isHot);
      const byRate =
        (throttle.rate ?? 0) > 0 &&
        (throttle.operations ?? ITEM_OPERATIONS).includes(operation) &&
        throttleDraw < (throttle.rate ?? 0);
      if (byRate || hot.some(Boolean)) {
        stats.throttled++;
        const kind = throttle.kind ?? 'ProvisionedThroughputExceeded';
        if (operation.startsWith('Transact')) {
          // The service names the throttled items; a rate throttle names the first.
          const code = kind === 'Throttling' ? 'ThrottlingError' : 'ProvisionedThroughputExceeded';
          const any = hot.some(Boolean);
          return sendAws(
            res,
            400,
            cancellation(items.map((_, i) => ((any ? hot[i] : i === 0) ? code : 'None'))),
          );
        }
        return sendAws(
          res,
          400,
          kind === 'Throttling'
            ? errorBody('ThrottlingException', { message: MESSAGES.Throttling })
            : errorBody('ProvisionedThroughputExceededException', {
                message: MESSAGES.ProvisionedThroughputExceeded,
              }),
        );
      }
    }

    // The conflict rule, checked and applied on arrival: whoever holds an item first keeps it.
    let release = () => {};
    if (faults.conflicts) {
      const ids = items.map((r) => r?.id);
      // A write transaction conflicts with any transaction holding its items, a read one only with
      // a write; each then holds its items until it answers.
      const transaction = isTransactWrite
        ? { conflictsWith: [writeHeld, readHeld], holds: writeHeld }
        : operation === 'TransactGetItems'
          ? { conflictsWith: [writeHeld], holds: readHeld }
          : undefined;
      if (transaction) {
        const codes = ids.map((id) =>
          id !== undefined && transaction.conflictsWith.some((held) => held.has(id))
            ? 'TransactionConflict'
            : 'None',
        );
        if (codes.includes('TransactionConflict')) {
          stats.transactionConflicts++;
          return sendAws(res, 400, cancellation(codes));
        }
        release = hold(
          transaction.holds,
          ids.filter((id): id is string => id !== undefined),
        );
      } else if (SINGLE_WRITES.has(operation) && ids[0] !== undefined && writeHeld.has(ids[0])) {
        stats.conflictExceptions++;
        return sendAws(
          res,
          400,
          errorBody('TransactionConflictException', { message: MESSAGES.TransactionConflict }),
        );
      }
    }

    try {
      const latency = faults.latency;
      const delay = latency ? (latency.fixedMs ?? 0) + jitterDraw * (latency.jitterMs ?? 0) : 0;
      if (delay > 0) {
        stats.delayed++;
        await sleep(delay);
      }
      const answer = await forward(req, raw);
      const drop =
        WRITES.has(operation) && answer.status === 200 && dropDraw < (faults.dropWriteResponses ?? 0);
      if (drop) {
        // Committed upstream; the caller never hears of it.
        stats.droppedResponses++;
        req.socket.destroy();
        return;
      }
      const headers = { ...answer.headers };
      delete headers['transfer-encoding'];
      headers['content-length'] = String(answer.body.length);
      res.writeHead(answer.status, headers);
      res.end(answer.body);
    } finally {
      release();
    }
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => {
      // The emulator itself is unreachable: the caller sees its connection break, as it would.
      req.socket.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;
  server.on('connection', (socket) => {
    if (faults.down === 'close') {
      stats.refusedConnections++;
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  const stopListening = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      if (!server.listening) return resolve();
      server.close(() => resolve());
    });

  const port = await listen(opts.port ?? 0);
  if (faults.down === 'refuse') await stopListening();

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    async set(next) {
      const wasRefusing = faults.down === 'refuse';
      faults = { ...faults, ...next };
      const refusing = faults.down === 'refuse';
      if (refusing && !wasRefusing) await stopListening();
      if (!refusing && wasRefusing) await listen(port);
      if (faults.down === 'close') for (const s of sockets) s.destroy();
    },
    hold(items, ms) {
      const ids = items.map(
        (i) =>
          itemRef(i.table, { [TABLE.partitionKey]: { S: i.pk }, [TABLE.sortKey]: { S: i.sk } })?.id ?? '',
      );
      const release = hold(writeHeld, ids);
      setTimeout(release, ms).unref();
    },
    settings: () => ({ ...faults }),
    stats: () => ({ ...stats, byOperation: { ...stats.byOperation } }),
    resetStats() {
      stats = emptyStats();
    },
    async close() {
      await stopListening();
      agent.destroy();
    },
  };
}
