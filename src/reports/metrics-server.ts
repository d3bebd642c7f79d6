/**
 * The METRICS_PORT listener: /metrics, /livez and /readyz on a port of their own, bound to
 * 127.0.0.1 unless METRICS_HOST says otherwise. A worker-only process has no other listener,
 * so this is how its metrics and readiness are read.
 *
 * The listener runs in a worker thread (metrics-thread.mts) and hands each request to this thread,
 * which answers it: scrapes never run through the HTTP code the main port's traffic keeps hot.
 */
import { once } from 'node:events';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { PrismaClient } from '../platform/database';
import type { Logger } from '../platform/logger';
import { errorAnswer, livezAnswer, metricsAnswer, readyzAnswer, type OperatorAnswer } from './operator-answers';
import type { ReadinessReport } from './readiness';

/** A started metrics listener. */
export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

/** What the listener needs. */
export interface MetricsServerOptions {
  host: string;
  port: number;
  prisma: PrismaClient;
  logger: Logger;
  token: string | undefined;
  isMetricsEnabled: boolean;
  readiness: () => Promise<ReadinessReport>;
  /** How long the thread waits for this one before answering 503 (10 s: Prometheus's default scrape timeout). */
  answerTimeoutMs?: number;
}

/** A request as the listener's thread hands it over. */
interface RelayedRequest {
  type: 'request';
  id: number;
  method: string | undefined;
  url: string | undefined;
  authorization: string | undefined;
}

/** The thread's messages: listening (with its port), failed to listen, or a request to answer. */
type ThreadMessage = { type: 'listening'; port: number } | { type: 'failed'; message: string; code?: string } | RelayedRequest;

/** Starts the dedicated metrics listener; rejects as `listen` would (EADDRINUSE, EACCES…). */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const thread = new Worker(path.join(__dirname, 'metrics-thread.mts'), {
    workerData: { host: options.host, port: options.port, answerTimeoutMs: options.answerTimeoutMs ?? 10_000 },
  });
  const log = options.logger.child({ component: 'metrics-listener' });
  thread.on('message', (message: ThreadMessage) => {
    if (message.type !== 'request') return;
    void answer(options, message)
      .catch((error: Error) => {
        log.error({ err: error }, 'metrics listener: answering a request failed');
        return errorAnswer(500, 'internal_error', 'The server failed to answer; its log says why.');
      })
      .then((reply) => thread.postMessage({ type: 'answer', id: message.id, ...reply }));
  });
  const [first] = (await once(thread, 'message')) as [ThreadMessage];
  if (first.type !== 'listening') {
    await thread.terminate();
    if (first.type === 'request') throw new Error('metrics listener thread: a request arrived before it said it was listening');
    throw Object.assign(new Error(`METRICS_PORT ${options.port} on ${options.host}: ${first.message}`), { code: first.code });
  }
  thread.on('error', (error) => log.error({ err: error }, 'metrics listener thread failed; /metrics, /livez and /readyz on METRICS_PORT are gone'));
  return {
    port: first.port,
    close: async () => {
      await thread.terminate();
    },
  };
}

// The routes of the dedicated port; `url` as the client sent it (path and query).
async function answer(options: MetricsServerOptions, request: RelayedRequest): Promise<OperatorAnswer> {
  const pathname = URL.parse(request.url ?? '/', 'http://metrics.invalid')?.pathname;
  if (pathname === undefined) return errorAnswer(400, 'invalid_request', `The request target ${JSON.stringify(request.url)} is not a URL path; ask for /metrics, /livez or /readyz.`);
  const isRead = request.method === 'GET' || request.method === 'HEAD';
  if (isRead && pathname === '/livez') return livezAnswer();
  if (isRead && pathname === '/readyz') return readyzAnswer(options.readiness);
  if (isRead && pathname === '/metrics' && options.isMetricsEnabled) return metricsAnswer(options, request.authorization);
  return errorAnswer(404, 'not_found', `No route for ${request.method} ${pathname}. This port serves GET /metrics, /livez and /readyz.`);
}
