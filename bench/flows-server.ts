/**
 * The app under test of bench/flows.bench.ts, in a process of its own so the load generator does
 * not share its event loop. Reads its settings from the environment, listens on 127.0.0.1, reports
 * the port over IPC and serves until killed.
 */
import type { AddressInfo } from 'node:net';
import { createApp } from '../src/app';
import { createFixedClock, createLogger, createPrismaClient, loadConfig } from '../src/platform';

const config = loadConfig(process.env);
const prisma = createPrismaClient({ url: config.database.url!, poolSize: config.database.poolSize });
const app = createApp({ config, prisma, logger: createLogger('silent'), clock: createFixedClock(process.env.BENCH_NOW!) });
const server = app.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
// The bench asks for the CPU this process used, to report CPU per request (steadier than latency on a busy machine).
process.on('message', (message) => {
  if ((message as { type?: string }).type === 'cpu') process.send?.({ type: 'cpu', usage: process.cpuUsage() });
});
process.on('SIGTERM', () => server.close(() => void prisma.$disconnect().finally(() => process.exit(0))));
