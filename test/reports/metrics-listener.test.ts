/**
 * The METRICS_PORT listener, served from a thread of its own: the same answers as the main port,
 * clear refusals for anything else, 503 when the process does not answer in time (a blocked or
 * hung main thread is not "live"), a taken port refused at start, the port freed on close, and no
 * request target a client can send gets a 5xx.
 */
import net from 'node:net';
import fc from 'fast-check';
import { createLogger } from '../../src/platform';
import { createReadinessCheck, startMetricsServer, type MetricsServer, type ReadinessReport } from '../../src/reports';
import { startApp } from '../support/app-process';
import { findFreePort } from '../support/free-port';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { parsePrometheusText } from './prometheus-text';

const TOKEN = 'listener-token-0123456789abcdef';

jest.setTimeout(60_000);

/** Sends one raw HTTP/1.1 request line and returns the status line the server answers with. */
function rawStatusLine(port: number, target: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(received.split('\r\n')[0] ?? ''));
    // Not end(): a client that half-closes before the answer gets its socket closed, not an answer.
    socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`, 'latin1');
  });
}

describe('the METRICS_PORT listener', () => {
  let db: TestDatabase;
  const started: MetricsServer[] = [];
  const logger = createLogger('silent');
  const start = async (options: { token?: string; isMetricsEnabled?: boolean; port?: number; readiness?: () => Promise<ReadinessReport>; answerTimeoutMs?: number } = {}) => {
    const server = await startMetricsServer({
      host: '127.0.0.1',
      port: options.port ?? 0,
      prisma: db.prisma,
      logger,
      token: options.token,
      isMetricsEnabled: options.isMetricsEnabled ?? true,
      readiness: options.readiness ?? createReadinessCheck({ prisma: db.prisma }),
      ...(options.answerTimeoutMs === undefined ? {} : { answerTimeoutMs: options.answerTimeoutMs }),
    });
    started.push(server);
    return { server, base: `http://127.0.0.1:${server.port}` };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await Promise.all(started.map((server) => server.close()));
    await db.drop();
  });

  it('answers /livez, /readyz and /metrics as the main port does, with no cache and HEAD without a body', async () => {
    const { base } = await start({ token: TOKEN });
    const livez = await fetch(`${base}/livez`);
    expect([livez.status, livez.headers.get('content-type'), livez.headers.get('cache-control')]).toEqual([200, 'application/json; charset=utf-8', 'no-store']);
    expect(await livez.json()).toEqual({ status: 'ok' });
    const readyz = await fetch(`${base}/readyz?verbose=1`);
    expect(readyz.status).toBe(200);
    expect(await readyz.json()).toEqual({ status: 'ready', failing: [], checks: { database: { ok: true }, migrations: { ok: true } } });
    const metrics = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const families = parsePrometheusText(await metrics.text());
    expect(families.get('tapbook_build_info')?.type).toBe('gauge');
    expect(families.has('tapbook_outbox_pending_messages')).toBe(true);
    const head = await fetch(`${base}/livez`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('refuses other routes, methods and a missing token with the reason and what to do', async () => {
    const { base } = await start({ token: TOKEN });
    for (const [method, route] of [['POST', '/metrics'], ['GET', '/admin'], ['DELETE', '/livez']] as const) {
      const res = await fetch(`${base}${route}`, { method });
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: { code: 'not_found', message: `No route for ${method} ${route}. This port serves GET /metrics, /livez and /readyz.` } });
    }
    const unauthorized = await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } });
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
    expect(((await unauthorized.json()) as { error: { message: string } }).error.message).toContain('Authorization: Bearer <METRICS_TOKEN>');
    const { base: metricsOff } = await start({ isMetricsEnabled: false });
    expect((await fetch(`${metricsOff}/metrics`)).status).toBe(404);
    expect((await fetch(`${metricsOff}/livez`)).status).toBe(200);
  });

  it('answers 503 when the process does not answer in time, and goes on serving', async () => {
    let hang = true;
    const readiness = createReadinessCheck({ prisma: db.prisma });
    const { base } = await start({ answerTimeoutMs: 300, readiness: () => (hang ? new Promise<ReadinessReport>(() => undefined) : readiness()) });
    const hung = await fetch(`${base}/readyz`);
    expect(hung.status).toBe(503);
    expect(await hung.json()).toEqual({ error: { code: 'process_unresponsive', message: 'The process did not answer within 300 ms: its event loop is blocked or overloaded.' } });
    expect((await fetch(`${base}/livez`)).status).toBe(200);
    hang = false;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });

  it('refuses to start on a port already taken, naming METRICS_PORT, and frees its port on close', async () => {
    const { server } = await start();
    await expect(start({ port: server.port })).rejects.toThrow(new RegExp(`^METRICS_PORT ${server.port} on 127\\.0\\.0\\.1: listen EADDRINUSE`));
    await expect(start({ port: server.port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await server.close();
    const again = await start({ port: server.port });
    expect((await fetch(`${again.base}/livez`)).status).toBe(200);
  });

  it('never answers a request target with a 5xx (fuzz)', async () => {
    const { server } = await start({ token: TOKEN });
    const target = fc.oneof(
      fc.string({ unit: 'binary-ascii', maxLength: 60 }),
      fc.string({ maxLength: 40 }).map((tail) => `/${tail}`),
      fc.constantFrom('/metrics', '/livez', '/readyz', '*', 'http://[', 'http://x/metrics', '//metrics', '/%', '/metrics?%zz', '/livez#x'),
    );
    await fc.assert(
      fc.asyncProperty(target, async (path) => {
        const status = await rawStatusLine(server.port, path);
        expect(status).toMatch(/^HTTP\/1\.1 (200|400|401|404) /);
      }),
      { numRuns: 300 },
    );
  });

  it('runs in a worker process as `npm start` starts it, and closes with the process', async () => {
    const metricsPort = await findFreePort();
    const app = await startApp({ DATABASE_URL: db.url, PROCESS_ROLE: 'worker', METRICS_PORT: String(metricsPort), METRICS_TOKEN: TOKEN, SEED_DEMO: 'false' });
    const base = `http://127.0.0.1:${metricsPort}`;
    try {
      expect(await (await fetch(`${base}/readyz`)).json()).toEqual({ status: 'ready', failing: [], checks: { database: { ok: true }, migrations: { ok: true }, jobRunner: { ok: true } } });
      const metrics = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toMatch(/^tapbook_build_info\{[^}]*role="worker"[^}]*\} 1$/m);
    } finally {
      expect(await app.stop()).toBe(0);
    }
    await expect(fetch(`${base}/livez`)).rejects.toThrow();
    expect(app.stderr()).toBe('');
  });
});
