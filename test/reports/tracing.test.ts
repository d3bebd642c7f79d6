/**
 * Tracing with OTEL_EXPORTER_OTLP_ENDPOINT set: the real server (src/main.ts in a child process,
 * where OpenTelemetry can patch http, express and pg as they load) sends its spans to a loopback
 * OTLP/HTTP receiver. A webhook and the turn that answers it are one trace (request → its queries
 * → the job → its queries → the Graph API call), and a Flows request is one trace. Webhooks
 * stored together (one statement) still each hand their own trace to their sender's turn.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Client } from 'pg';
import { DEMO } from '../../prisma/seed';
import { encryptRequestLikeWhatsApp } from '../../src/flows';
import { signBody } from '../../src/whatsapp';
import { buildWebhook } from '../support/channel-harness';
import { startFakeGraph, type FakeGraph } from '../support/fake-graph';
import { findFreePort } from '../support/free-port';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { waitUntil } from '../support/wait-until';
import { PRIVATE_PEM, PUBLIC_PEM } from '../flows/flow-kit';

const ROOT = path.resolve(__dirname, '../..');
const SECRET = 'tracing-test-secret';
const CUSTOMER = '34622334455';

interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
}

/** A loopback OTLP/HTTP receiver (JSON encoding, as @opentelemetry/exporter-trace-otlp-http sends it). */
async function startOtlpReceiver(): Promise<{ url: string; spans: ReceivedSpan[]; close(): Promise<void> }> {
  const spans: ReceivedSpan[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<Record<string, any>> }> }> }; // eslint-disable-line @typescript-eslint/no-explicit-any
        for (const resource of body.resourceSpans) {
          for (const scope of resource.scopeSpans) {
            for (const span of scope.spans) {
              const attributes = Object.fromEntries((span.attributes ?? []).map((a: { key: string; value: Record<string, unknown> }) => [a.key, Object.values(a.value)[0]]));
              spans.push({ traceId: span.traceId, spanId: span.spanId, parentSpanId: span.parentSpanId || undefined, name: span.name, kind: span.kind, attributes });
            }
          }
        }
      }
      res.setHeader('content-type', 'application/json');
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('tracing with OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  let db: TestDatabase;
  let graph: FakeGraph;
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let child: ChildProcessWithoutNullStreams | undefined;
  let baseUrl = '';

  beforeAll(async () => {
    db = await createTestDatabase();
    graph = await startFakeGraph();
    receiver = await startOtlpReceiver();
    const port = await findFreePort();
    child = spawn(path.join(ROOT, 'node_modules/.bin/node'), ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        LOG_LEVEL: 'warn',
        DATABASE_URL: db.url,
        PORT: String(port),
        HOST: '127.0.0.1',
        WHATSAPP_APP_SECRET: SECRET,
        WHATSAPP_ACCESS_TOKEN: 'test-token',
        WHATSAPP_GRAPH_URL: graph.baseUrl,
        FLOWS_PRIVATE_KEY: PRIVATE_PEM,
        FLOWS_PRIVATE_KEY_PASSPHRASE: 'oracle-test',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        // The SDK's own setting: export every 100 ms instead of every 5 s.
        OTEL_BSP_SCHEDULE_DELAY: '100',
      },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    baseUrl = await new Promise<string>((resolve, reject) => {
      child!.stdout.on('data', (chunk: Buffer) => {
        const match = /listening on (http:\/\/\S+)/.exec(chunk.toString());
        if (match) resolve(match[1]!);
      });
      child!.once('exit', (code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
    });
    // Starting Node with the OpenTelemetry SDK, migrations check and seed takes a while on a busy machine.
  }, 180_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGINT');
      await exited;
    }
    await receiver.close();
    await graph.close();
    await db.drop();
  });

  const inTrace = (traceId: string) => receiver.spans.filter((span) => span.traceId === traceId);
  const pathOf = (span: ReceivedSpan) => String(span.attributes['url.path'] ?? span.attributes['http.target'] ?? '');
  const isQuery = (span: ReceivedSpan) => span.attributes['db.system'] === 'postgresql' || span.attributes['db.system.name'] === 'postgresql';

  it('sends one trace per webhook with its turn and Graph API call, and one per Flows request', async () => {
    const body = buildWebhook(CUSTOMER, { type: 'text', text: { body: 'hi' } });
    const webhook = await fetch(`${baseUrl}/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(SECRET, body) }, body });
    expect(webhook.status).toBe(200);
    await waitUntil(() => graph.messages().some((m) => m.to === CUSTOMER), 'the bot\'s reply at the Graph API', 30_000);

    const { body: flowBody } = encryptRequestLikeWhatsApp({ payload: { version: '3.0', action: 'ping' }, publicKey: PUBLIC_PEM });
    const flowRaw = JSON.stringify(flowBody);
    const flow = await fetch(`${baseUrl}/flows/endpoint`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(SECRET, flowRaw) }, body: flowRaw });
    expect(flow.status).toBe(200);

    // The webhook: a server span for POST /webhook, the root of a trace holding its queries.
    await waitUntil(() => receiver.spans.some((span) => span.kind === 2 && pathOf(span) === '/webhook'), 'the webhook\'s server span', 30_000);
    const webhookSpan = receiver.spans.find((span) => span.kind === 2 && pathOf(span) === '/webhook')!;
    expect(webhookSpan.parentSpanId).toBeUndefined();
    await waitUntil(() => inTrace(webhookSpan.traceId).some(isQuery), 'a query in the webhook\'s trace', 30_000);

    // The turn: a "job process_inbox" span in the webhook's trace, with queries and the Graph API post.
    await waitUntil(() => receiver.spans.some((span) => span.name === 'job process_inbox'), 'the turn\'s job span', 30_000);
    const graphPort = new URL(graph.baseUrl).port;
    const isGraphCall = (span: ReceivedSpan) => span.kind === 3 && String(span.attributes['server.port'] ?? span.attributes['net.peer.port'] ?? '') === graphPort;
    await waitUntil(
      () => receiver.spans.filter((span) => span.name === 'job process_inbox').some((job) => inTrace(job.traceId).some(isGraphCall) && inTrace(job.traceId).some(isQuery)),
      'a turn\'s trace holding its queries and its Graph API call',
      30_000,
    );
    const turn = receiver.spans.filter((span) => span.name === 'job process_inbox').find((job) => inTrace(job.traceId).some(isGraphCall))!;
    expect(turn.traceId).toBe(webhookSpan.traceId);
    expect(inTrace(webhookSpan.traceId).map((span) => span.spanId)).toContain(turn.parentSpanId);

    // The Flows request: its own trace.
    await waitUntil(() => receiver.spans.some((span) => span.kind === 2 && pathOf(span) === '/flows/endpoint'), 'the Flows request\'s server span', 30_000);
    const flowSpan = receiver.spans.find((span) => span.kind === 2 && pathOf(span) === '/flows/endpoint')!;
    expect(flowSpan.traceId).not.toBe(webhookSpan.traceId);
    expect(flowSpan.traceId).not.toBe(turn.traceId);

    // The exporter's own posts are not traced, and no span carries the customer's number.
    expect(receiver.spans.some((span) => pathOf(span) === '/v1/traces')).toBe(false);
    expect(JSON.stringify(receiver.spans)).not.toContain(CUSTOMER);
  }, 120_000);

  it('gives each of two traced webhooks stored together (different senders) its own turn in its own trace', async () => {
    const businessId = (await db.prisma.whatsAppNumber.findUniqueOrThrow({ where: { phoneNumberId: DEMO.phoneNumberId } })).businessId;
    const held = await db.prisma.customer.create({ data: { businessId, waId: '34622330001' } });
    // A webhook whose write waits for a row lock the test holds keeps the writer busy: what arrives meanwhile is stored together.
    const locker = new Client({ connectionString: db.url });
    await locker.connect();
    try {
      const lockerPid = (await locker.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      await locker.query('BEGIN');
      await locker.query('SELECT 1 FROM customers WHERE id = $1 FOR UPDATE', [held.id]);
      const post = (from: string, traceparent?: string) => {
        const body = buildWebhook(from, { type: 'text', text: { body: 'hi' } });
        const headers = { 'content-type': 'application/json', 'x-hub-signature-256': signBody(SECRET, body), ...(traceparent ? { traceparent } : {}) };
        return fetch(`${baseUrl}/webhook`, { method: 'POST', headers, body }).then((res) => res.status);
      };
      const first = post(held.waId);
      await waitUntil(async () => (await db.prisma.$queryRaw<unknown[]>`SELECT 1 FROM pg_stat_activity WHERE ${lockerPid}::int = ANY(pg_blocking_pids(pid))`).length > 0, 'the first webhook waiting for the lock');
      // Username senders: their records are made before their messages are queued, which tells the test they have arrived.
      const senders = ['US.70000000000000000001', 'US.70000000000000000002'];
      const traces = ['a1'.repeat(16), 'b2'.repeat(16)];
      const together = senders.map((sender, i) => post(sender, `00-${traces[i]}-${String(i + 1).repeat(16)}-01`));
      await waitUntil(async () => (await db.prisma.customer.count({ where: { waId: { in: senders } } })) === 2, 'both webhooks queued');
      await locker.query('ROLLBACK');
      expect(await Promise.all([first, ...together])).toEqual([200, 200, 200]);

      const stored = await db.prisma.$queryRaw<Array<{ xid: string }>>`
        SELECT DISTINCT m.xmin::text AS xid FROM inbox_messages m JOIN customers c ON c.id = m.customer_id WHERE c.wa_id = ANY(${senders})`;
      expect(stored).toHaveLength(1);
      for (const traceId of traces) {
        await waitUntil(() => inTrace(traceId).some((span) => span.name === 'job process_inbox'), `the turn in trace ${traceId}`, 30_000);
        expect(inTrace(traceId).filter((span) => span.name === 'job process_inbox')).toHaveLength(1);
        expect(inTrace(traceId).some((span) => span.kind === 2 && pathOf(span) === '/webhook')).toBe(true);
      }
    } finally {
      await locker.end();
    }
  }, 120_000);

  it('loads neither the OpenTelemetry SDK nor an instrumentation when the variable is unset', async () => {
    // @opentelemetry/api itself is loaded by prom-client whatever the setting (a few no-op objects).
    const script = "require('./src/tracing-preload'); require('./src/app'); require('./src/tasks'); console.log(Object.keys(require.cache).filter((file) => file.includes('/@opentelemetry/') && !file.includes('/@opentelemetry/api/')).length)";
    const env = { ...process.env, DATABASE_URL: db.url, OTEL_EXPORTER_OTLP_ENDPOINT: '' };
    const output = await new Promise<string>((resolve, reject) => {
      const probe = spawn(path.join(ROOT, 'node_modules/.bin/node'), ['--import', 'tsx', '-e', script], { cwd: ROOT, env });
      let stdout = '';
      probe.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      probe.once('exit', (code) => (code === 0 ? resolve(stdout.trim()) : reject(new Error(`probe exited with ${code}`))));
    });
    expect(output).toBe('0');
  }, 120_000);
});
