/**
 * Who may read /metrics: on the main port only a scraper with METRICS_TOKEN (no token configured →
 * the route does not exist); on METRICS_PORT a listener bound to 127.0.0.1 by default. Also the
 * configuration errors an operator sees, and the Graph error codes kept to a fixed set.
 */
import crypto from 'node:crypto';
import request from 'supertest';
import { createApp } from '../../src/app';
import { createLogger, loadConfig, systemClock, NetworkError, WhatsAppApiError } from '../../src/platform';
import { graphApiRequests } from '../../src/platform/metrics';
import { createReadinessCheck, isMetricsTokenValid, startMetricsServer } from '../../src/reports';
import { withGraphMetrics } from '../../src/whatsapp/graph-metrics';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { parsePrometheusText } from './prometheus-text';

const TOKEN = 'scrape-token-0123456789abcdef';

describe('access to /metrics', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db.drop());
  const logger = createLogger('silent');
  const appWith = (env: Record<string, string>) => createApp({ config: loadConfig({ DATABASE_URL: db.url, ...env }), prisma: db.prisma, logger, clock: systemClock });

  it('answers 404 on the main port when no METRICS_TOKEN is configured', async () => {
    const res = await request(appWith({})).get('/metrics');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });

  it('answers 401 with a Bearer challenge without the token, with a wrong one or another scheme', async () => {
    const app = appWith({ METRICS_TOKEN: TOKEN });
    for (const header of [undefined, `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, 'Bearer ', `Basic ${TOKEN}`, TOKEN]) {
      const call = request(app).get('/metrics');
      const res = await (header === undefined ? call : call.set('authorization', header));
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="metrics"');
      expect(res.body.error.message).toContain('Authorization: Bearer <METRICS_TOKEN>');
    }
  });

  it('serves the metrics with the right bearer token', async () => {
    const res = await request(appWith({ METRICS_TOKEN: TOKEN })).get('/metrics').set('authorization', `Bearer ${TOKEN}`);
    expect(res.status).toBe(200);
    expect(parsePrometheusText(res.text).get('tapbook_build_info')?.type).toBe('gauge');
  });

  it('compares tokens in constant time, on digests of equal length whatever the length sent', () => {
    const compare = jest.spyOn(crypto, 'timingSafeEqual');
    try {
      expect(isMetricsTokenValid('Bearer x', TOKEN)).toBe(false);
      expect(isMetricsTokenValid(`Bearer ${TOKEN}${'y'.repeat(500)}`, TOKEN)).toBe(false);
      expect(isMetricsTokenValid(`bearer ${TOKEN}`, TOKEN)).toBe(true);
      expect(compare).toHaveBeenCalledTimes(3);
      for (const [given, expected] of compare.mock.calls) expect([(given as Buffer).length, (expected as Buffer).length]).toEqual([32, 32]);
    } finally {
      compare.mockRestore();
    }
  });

  it('does not serve /metrics at all with METRICS_ENABLED=false', async () => {
    const res = await request(appWith({ METRICS_TOKEN: TOKEN, METRICS_ENABLED: 'false' })).get('/metrics').set('authorization', `Bearer ${TOKEN}`);
    expect(res.status).toBe(404);
  });

  it('serves /metrics, /livez and /readyz on METRICS_PORT, bound to 127.0.0.1, asking for the token only when one is configured', async () => {
    const config = loadConfig({ DATABASE_URL: db.url, METRICS_PORT: '9464' });
    expect(config.metrics).toEqual({ isEnabled: true, token: undefined, port: 9464, host: '127.0.0.1' });
    const open = await startMetricsServer({ host: config.metrics.host, port: 0, prisma: db.prisma, logger, token: undefined, isMetricsEnabled: true, readiness: createReadinessCheck({ prisma: db.prisma }) });
    const guarded = await startMetricsServer({ host: '127.0.0.1', port: 0, prisma: db.prisma, logger, token: TOKEN, isMetricsEnabled: true, readiness: createReadinessCheck({ prisma: db.prisma }) });
    try {
      const base = `http://127.0.0.1:${open.port}`;
      const metrics = await fetch(`${base}/metrics`);
      expect(metrics.status).toBe(200);
      expect(parsePrometheusText(await metrics.text()).has('tapbook_job_queue_depth')).toBe(true);
      expect((await fetch(`${base}/livez`)).status).toBe(200);
      expect(await (await fetch(`${base}/readyz`)).json()).toMatchObject({ status: 'ready' });
      expect((await fetch(`${base}/admin`)).status).toBe(404);
      expect((await fetch(`http://127.0.0.1:${guarded.port}/metrics`)).status).toBe(401);
      expect((await fetch(`http://127.0.0.1:${guarded.port}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    } finally {
      await open.close();
      await guarded.close();
    }
  });

  it('refuses bad metrics settings with a message naming the variable and the fix', () => {
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN: must be 16–512 printable characters/);
    expect(() => loadConfig({ METRICS_TOKEN: 'has a space in it, sixteen+' })).toThrow(/METRICS_TOKEN/);
    expect(() => loadConfig({ METRICS_PORT: 'ninety' })).toThrow(/METRICS_PORT: must be a port number/);
    expect(() => loadConfig({ METRICS_PORT: '3000', PORT: '3000' })).toThrow(/METRICS_PORT \(3000\) must differ from PORT/);
    expect(() => loadConfig({ METRICS_ENABLED: 'yes' })).toThrow(/METRICS_ENABLED: must be "true" or "false"/);
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT: must be an http\(s\) URL/);
  });
});

describe('Graph API call metrics', () => {
  const count = async (labels: Record<string, string>) => (await graphApiRequests.get()).values.filter((v) => Object.entries(labels).every(([k, x]) => (v.labels as Record<string, unknown>)[k] === x)).reduce((sum, v) => sum + v.value, 0);

  it('labels Meta error codes from a fixed set, any other code as "other", and network failures apart', async () => {
    const failing = (error: Error) => withGraphMetrics({ sendMessage: async () => { throw error; }, markRead: async () => { throw error; } });
    const before = { reEngagement: await count({ code: '131047' }), other: await count({ code: 'other' }), network: await count({ outcome: 'network_error' }) };
    await expect(failing(new WhatsAppApiError('outside window', 400, 131047, 'POST', {})).sendMessage('1', { messaging_product: 'whatsapp' } as never)).rejects.toThrow('outside window');
    await expect(failing(new WhatsAppApiError('odd', 400, 4242424, 'POST', {})).markRead('1', 'wamid.x')).rejects.toThrow('odd');
    await expect(failing(new NetworkError('down', undefined)).sendMessage('1', { messaging_product: 'whatsapp' } as never)).rejects.toThrow('down');
    expect(await count({ code: '131047' })).toBe(before.reEngagement + 1);
    expect(await count({ code: 'other' })).toBe(before.other + 1);
    expect(await count({ outcome: 'network_error' })).toBe(before.network + 1);
    expect(await count({ code: '4242424' })).toBe(0);
  });
});
