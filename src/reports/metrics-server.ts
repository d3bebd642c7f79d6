/**
 * The METRICS_PORT listener: /metrics, /livez and /readyz on a port of their own, bound to
 * 127.0.0.1 unless METRICS_HOST says otherwise. A worker-only process has no other listener,
 * so this is how its metrics and readiness are read.
 */
import type { Server } from 'node:http';
import express from 'express';
import type { PrismaClient } from '../platform/database';
import { sendError } from '../platform/http-errors';
import { createOperatorRouter } from './operator-routes';
import type { ReadinessReport } from './readiness';

/** A started metrics listener. */
export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

/** Starts the dedicated metrics listener. */
export async function startMetricsServer(options: {
  host: string;
  port: number;
  prisma: PrismaClient;
  token: string | undefined;
  isMetricsEnabled: boolean;
  readiness: () => Promise<ReadinessReport>;
}): Promise<MetricsServer> {
  const app = express();
  app.disable('x-powered-by');
  app.use(
    createOperatorRouter({
      prisma: options.prisma,
      readiness: options.readiness,
      ...(options.isMetricsEnabled ? { metrics: { token: options.token, listener: 'dedicated' as const } } : {}),
    }),
  );
  app.use((req, res) => sendError(res, 404, 'not_found', `No route for ${req.method} ${req.path}. This port serves GET /metrics, /livez and /readyz.`));
  const server: Server = await new Promise((resolve, reject) => {
    const listening = app.listen(options.port, options.host, () => resolve(listening));
    listening.once('error', reject);
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : options.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
