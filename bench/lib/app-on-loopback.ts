/**
 * The app in the benchmark's own process on a fresh embedded PostgreSQL holding the demo business
 * and whatever the benchmark adds, listening on 127.0.0.1: for benchmarks of pages and reports,
 * where the time of one request is what is measured.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { seedDemoBusinessIfEmpty } from '../../prisma/seed';
import { createApp } from '../../src/app';
import { applyMigrations, createLogger, createPrismaClient, disconnectPrisma, ensureDatabaseExists, loadConfig, systemClock, type PrismaClient } from '../../src/platform';
import { startEmbeddedDatabase } from '../../src/platform/embedded-database';
import { findFreePort } from '../../test/support/free-port';
import { pickPercentile } from './report';

/** A running app and its database. */
export interface AppOnLoopback {
  prisma: PrismaClient;
  businessId: string;
  /** http://127.0.0.1:<port> */
  base: string;
  /** Stops the app and the database and removes the database's files. */
  stop(): Promise<void>;
}

/** Starts the database (named `name`), seeds the demo business, runs `fill`, then starts the app. */
export async function startAppOnLoopback(name: string, fill: (prisma: PrismaClient, businessId: string) => Promise<void>): Promise<AppOnLoopback> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `tapbook-bench-${name}-`));
  fs.chmodSync(dataDir, 0o777);
  const db = await startEmbeddedDatabase({ dataDir: path.join(dataDir, 'data'), port: await findFreePort() });
  const url = db.urlFor(name);
  const prisma = createPrismaClient({ url, poolSize: 10 });
  const server = http.createServer();
  const stop = async () => {
    server.close();
    server.closeAllConnections();
    await disconnectPrisma(prisma);
    await db.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await ensureDatabaseExists(db.adminUrl, name);
    await applyMigrations(url);
    const businessId = (await seedDemoBusinessIfEmpty(prisma))!;
    const filledAt = Date.now();
    await fill(prisma, businessId);
    console.log(`filled in ${((Date.now() - filledAt) / 1000).toFixed(1)} s`);
    server.on('request', createApp({ config: loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent' }), prisma, logger: createLogger('silent'), clock: systemClock }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { prisma, businessId, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Times `runs` sequential calls of `request` after `warmups` untimed ones (milliseconds, sorted percentiles). */
export async function timeRequests(request: () => Promise<void>, options: { warmups: number; runs: number }): Promise<{ p50: number; p95: number; max: number }> {
  const times: number[] = [];
  for (let run = 0; run < options.warmups + options.runs; run += 1) {
    const started = process.hrtime.bigint();
    await request();
    if (run >= options.warmups) times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { p50: pickPercentile(times, 50), p95: pickPercentile(times, 95), max: times[times.length - 1]! };
}
