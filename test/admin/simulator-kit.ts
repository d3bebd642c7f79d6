/**
 * Browser tests of the WhatsApp simulator: the real app in sandbox mode (no access token, so
 * outbound messages are stored, not posted) with the booking Flow configured and the fixture
 * Flows key, a real job runner on the test database, listening on a free loopback port, and one
 * headless Chromium. The simulator reaches the app only over HTTP, as Meta would.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createApp } from '../../src/app';
import { ensureBootstrapAdminKey } from '../../src/api';
import { createBookingService } from '../../src/booking';
import { migrateJobQueue, startJobRunner, type JobRunner } from '../../src/jobs';
import { createFixedClock, createLogger, loadConfig, type AppConfig } from '../../src/platform';
import { createBookingListeners } from '../../src/reminders';
import { buildTaskList } from '../../src/tasks';
import { PRIVATE_PEM, TEST_FLOW_ID } from '../flows/flow-kit';
import { nextMondayMorning } from '../support/channel-harness';
import { setupDemo, type DemoHandles } from '../support/demo';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/** The API key the kit registers for the demo business (to check bookings through the REST API). */
export const SIMULATOR_API_KEY = 'tb_simulator_test_key_0123456789abcdef';

/** A running sandbox server with the simulator, and a browser. */
export interface SimulatorKit {
  db: TestDatabase;
  demo: DemoHandles;
  clock: ReturnType<typeof createFixedClock>;
  config: AppConfig;
  baseUrl: string;
  browser: Browser;
  /** Another server on the same database whose simulator renders a different Flow JSON file. */
  startServer(options: { flowJsonFile: string }): Promise<{ baseUrl: string; close(): Promise<void> }>;
  /** A new browser context with a phone-sized page. */
  newPage(): Promise<{ context: BrowserContext; page: Page }>;
  stop(): Promise<void>;
}

async function launchChromium(): Promise<Browser> {
  const sparticuz = (require('@sparticuz/chromium') as { default: { executablePath(): Promise<string>; args: string[] } }).default;
  const args = sparticuz.args.filter((arg) => arg !== '--single-process');
  return chromium.launch({ executablePath: await sparticuz.executablePath(), args, headless: true });
}

async function listen(handler: http.RequestListener): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Starts everything; call in beforeAll and `kit.stop()` in afterAll. */
export async function startSimulatorKit(): Promise<SimulatorKit> {
  const db = await createTestDatabase();
  const demo = await setupDemo(db.prisma);
  await ensureBootstrapAdminKey(db.prisma, { businessId: demo.businessId, rawKey: SIMULATOR_API_KEY });
  const clock = createFixedClock(nextMondayMorning());
  // Sandbox mode (no WHATSAPP_ACCESS_TOKEN) with an app secret: every webhook and Flows request is signed and checked.
  const config = loadConfig({
    DATABASE_URL: db.url,
    WHATSAPP_APP_SECRET: 'simulator-test-secret',
    FLOWS_PRIVATE_KEY: PRIVATE_PEM,
    FLOWS_PRIVATE_KEY_PASSPHRASE: 'oracle-test',
    BOOKING_FLOW_ID: TEST_FLOW_ID,
  });
  const logger = createLogger('silent');
  await migrateJobQueue(db.url);
  const bookings = createBookingService({ prisma: db.prisma, clock, listeners: createBookingListeners({ clock }) });
  const runner: JobRunner = await startJobRunner({
    connectionString: db.url,
    concurrency: 4,
    logger,
    pollIntervalMs: 100,
    tasks: buildTaskList({ prisma: db.prisma, logger, clock, config, bookings, graph: undefined }),
  });
  const servers: Array<{ close(): Promise<void> }> = [];
  const startServer = async (options: { flowJsonFile?: string } = {}) => {
    const app = createApp({ config, prisma: db.prisma, logger, clock, ...(options.flowJsonFile ? { simulatorFlowJsonFile: options.flowJsonFile } : {}) });
    const server = await listen(app);
    servers.push(server);
    return server;
  };
  const main = await startServer();
  const browser = await launchChromium();
  return {
    db,
    demo,
    clock,
    config,
    baseUrl: main.baseUrl,
    browser,
    startServer,
    async newPage() {
      const context = await browser.newContext({ baseURL: main.baseUrl, viewport: { width: 900, height: 860 } });
      // Fail a step in seconds, not at Jest's test timeout; generous because the machine is shared.
      context.setDefaultTimeout(20_000);
      return { context, page: await context.newPage() };
    },
    async stop() {
      await browser.close();
      for (const server of servers) await server.close();
      await runner.stop();
      await db.drop();
    },
  };
}
