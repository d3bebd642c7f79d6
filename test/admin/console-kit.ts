/**
 * Browser tests of the staff console: the real app (with its job runner and a loopback fake Graph
 * API) listening on a free loopback port, the real test database, and one headless Chromium per
 * test file (from @sparticuz/chromium, driven by playwright-core).
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createStaffUser } from '../../src/admin';
import { setupDemo, type DemoHandles } from '../support/demo';
import { startChannel, type ChannelHarness } from '../support/channel-harness';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/** A running console with users of every role in the demo business and an admin of a second business. */
export interface ConsoleKit {
  db: TestDatabase;
  demo: DemoHandles;
  channel: ChannelHarness;
  baseUrl: string;
  browser: Browser;
  users: Record<'admin' | 'frontDesk' | 'readOnly' | 'otherAdmin', { email: string; password: string }>;
  otherBusinessId: string;
  /** A new browser context (own cookies) with a page at the given viewport width. */
  newPage(options?: { width?: number; height?: number }): Promise<{ context: BrowserContext; page: Page }>;
  /** Signs in on the page and waits for the calendar. */
  signIn(page: Page, user: { email: string; password: string }): Promise<void>;
  stop(): Promise<void>;
}

async function launchChromium(): Promise<Browser> {
  // ESM-only package: loaded through Node's require(esm) under Jest.
  const sparticuz = (require('@sparticuz/chromium') as { default: { executablePath(): Promise<string>; args: string[] } }).default;
  // --single-process (meant for serverless sandboxes) takes the whole browser down with the first closed context.
  const args = sparticuz.args.filter((arg) => arg !== '--single-process');
  return chromium.launch({ executablePath: await sparticuz.executablePath(), args, headless: true });
}

/** Starts everything; call in beforeAll and `kit.stop()` in afterAll. `env` adds settings (e.g. DATA_ENCRYPTION_KEY). */
export async function startConsoleKit(options: { env?: Record<string, string> } = {}): Promise<ConsoleKit> {
  const db = await createTestDatabase();
  const demo = await setupDemo(db.prisma);
  const channel = await startChannel(db, options.env ? { env: options.env } : {});
  const server = http.createServer(channel.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const other = await db.prisma.business.create({ data: { name: 'Other Clinic', timeZone: 'Europe/Lisbon' } });
  const make = async (email: string, role: 'admin' | 'front_desk' | 'read_only', businessId = demo.businessId) => ({
    email,
    password: (await createStaffUser(db.prisma, { businessId, email, role })).password,
  });
  const users = {
    admin: await make('admin@clinic.test', 'admin'),
    frontDesk: await make('desk@clinic.test', 'front_desk'),
    readOnly: await make('viewer@clinic.test', 'read_only'),
    otherAdmin: await make('admin@other.test', 'admin', other.id),
  };
  const browser = await launchChromium();
  return {
    db,
    demo,
    channel,
    baseUrl,
    browser,
    users,
    otherBusinessId: other.id,
    async newPage(options = {}) {
      const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: options.width ?? 1280, height: options.height ?? 900 } });
      // Fail a step in seconds, not at Jest's test timeout (which would close the browser under the next tests).
      context.setDefaultTimeout(10_000);
      return { context, page: await context.newPage() };
    },
    async signIn(page, user) {
      await page.goto('/admin/sign-in');
      await page.getByLabel('Email').fill(user.email);
      await page.getByLabel('Password').fill(user.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Calendar' }).waitFor();
    },
    async stop() {
      await browser.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await channel.stop();
      await db.drop();
    },
  };
}

/**
 * Runs axe-core in the page and returns the serious and critical violations. The script file is
 * evaluated through the DevTools protocol: the console's CSP (rightly) refuses an injected inline <script>.
 */
export async function findSeriousAxeViolations(page: Page): Promise<Array<{ id: string; impact: string; nodes: string[] }>> {
  await page.evaluate(fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
  return page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }> }> } }).axe;
    const result = await axe.run();
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')) }));
  });
}

/** The page's CSRF token (what a script of the page could read), for forging requests in tests. */
export async function readCsrfToken(page: Page): Promise<string> {
  const headers = await page.locator('body').getAttribute('hx-headers');
  return (JSON.parse(headers ?? '{}') as Record<string, string>)['X-CSRF-Token'] ?? '';
}
