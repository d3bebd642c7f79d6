/**
 * Benchmark of the staff console's pages on a large business: 100,000 bookings, 10,000 customers and
 * 2,000 conversations (with their messages) in the demo business. The app runs in this process on
 * an embedded PostgreSQL; each page is requested sequentially over loopback by a signed-in admin,
 * and the time from request to the last byte is reported (p50, p95, max).
 *
 * Run with `npm run bench:console` (TZ=UTC tsx bench/console.bench.ts). Options: --runs=100
 */
import { createStaffUser } from '../src/admin';
import type { PrismaClient } from '../src/platform';
import { startAppOnLoopback, timeRequests } from './lib/app-on-loopback';
import { describeMachine, writeBenchReport } from './lib/report';

const args = new Map(process.argv.slice(2).map((arg) => arg.replace(/^--/, '').split('=') as [string, string]));
const RUNS = Number(args.get('runs') ?? 100);
const WARMUPS = 10;
const CUSTOMERS = 10_000;
const BOOKINGS = 100_000;
const CONVERSATIONS = 2_000;
const MESSAGES_PER_CONVERSATION = 20;
const WAITING = 50;

async function fill(prisma: PrismaClient, businessId: string): Promise<void> {
  await prisma.$executeRawUnsafe(`
    INSERT INTO customers (business_id, wa_id, phone_e164, name, locale, last_inbound_at, updated_at)
    SELECT '${businessId}', '3460' || lpad(n::text, 7, '0'), '+3460' || lpad(n::text, 7, '0'), 'Customer ' || n, 'es', now() - (n || ' minutes')::interval, now()
    FROM generate_series(1, ${CUSTOMERS}) AS n`);
  // Back-to-back 30-minute bookings per staff member around now (half in the past, half ahead), every customer in turn.
  await prisma.$executeRawUnsafe(`
    WITH staff AS (SELECT id, row_number() OVER (ORDER BY name) - 1 AS k FROM staff WHERE business_id = '${businessId}'),
         service AS (SELECT id, price FROM services WHERE business_id = '${businessId}' AND uid = 'consultation'),
         people AS (SELECT id, row_number() OVER (ORDER BY wa_id) - 1 AS k FROM customers WHERE business_id = '${businessId}'),
         slots AS (SELECT n, date_trunc('hour', now()) + ((n / 3 - ${Math.floor(BOOKINGS / 6)}) * interval '30 minutes') AS starts_at, n % 3 AS staff_k FROM generate_series(0, ${BOOKINGS - 1}) AS n)
    INSERT INTO bookings (uid, business_id, customer_id, staff_id, service_id, starts_at, ends_at, blocked_from, blocked_until, time_zone, status, source, price, currency, updated_at)
    SELECT 'bk_bench' || lpad(s.n::text, 8, '0'), '${businessId}', p.id, st.id, sv.id, s.starts_at, s.starts_at + interval '30 minutes', s.starts_at, s.starts_at + interval '30 minutes',
           'Europe/Madrid', (CASE WHEN s.n % 10 = 0 THEN 'cancelled' ELSE 'confirmed' END)::booking_status, 'whatsapp', sv.price, 'EUR', now()
    FROM slots s JOIN staff st ON st.k = s.staff_k CROSS JOIN service sv JOIN people p ON p.k = s.n % ${CUSTOMERS}`);
  await prisma.$executeRawUnsafe(`
    INSERT INTO conversations (business_id, customer_id, machine_version, snapshot, state_value, is_handoff, handoff_reason, handoff_at, last_activity_at, updated_at)
    SELECT business_id, id, 1, '{}', CASE WHEN k < ${WAITING} THEN 'handoff' ELSE 'idle' END, k < ${WAITING}, CASE WHEN k < ${WAITING} THEN 'requested' END,
           CASE WHEN k < ${WAITING} THEN now() END, now() - (k || ' minutes')::interval, now()
    FROM (SELECT id, business_id, row_number() OVER (ORDER BY wa_id) - 1 AS k FROM customers WHERE business_id = '${businessId}') c WHERE k < ${CONVERSATIONS}`);
  await prisma.$executeRawUnsafe(`
    INSERT INTO inbox_messages (business_id, customer_id, wa_message_id, type, message, sent_at, processed_at, outcome)
    SELECT c.business_id, c.customer_id, 'wamid.bench.' || c.customer_id || '.' || m, 'text', jsonb_build_object('type', 'text', 'text', 'Message ' || m), now() - ((${MESSAGES_PER_CONVERSATION} - m) || ' minutes')::interval, now(), 'processed'
    FROM conversations c CROSS JOIN generate_series(1, ${MESSAGES_PER_CONVERSATION}) AS m WHERE c.business_id = '${businessId}'`);
  await prisma.$executeRawUnsafe('ANALYZE');
}

async function main(): Promise<void> {
  const app = await startAppOnLoopback('bench_console', fill);
  const { prisma, businessId, base } = app;
  const rows: Array<{ page: string; p50: number; p95: number; max: number; bytes: number }> = [];
  try {
    const admin = await createStaffUser(prisma, { businessId, email: 'bench@clinic.example', role: 'admin' });
    const form = await fetch(`${base}/admin/sign-in`);
    const formToken = /name="_form" value="([^"]+)"/.exec(await form.text())![1]!;
    const signedIn = await fetch(`${base}/admin/sign-in`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: form.headers.get('set-cookie')!.split(';')[0]! },
      body: new URLSearchParams({ _form: formToken, email: 'bench@clinic.example', password: admin.password, next: '' }).toString(),
    });
    const cookie = signedIn.headers.getSetCookie().find((line) => line.startsWith('tapbook_session='))?.split(';')[0];
    if (!cookie) throw new Error(`sign-in failed (${signedIn.status})`);
    const conversation = await prisma.conversation.findFirstOrThrow({ where: { businessId, isHandoff: true }, select: { id: true } });
    const pages: Array<[string, string]> = [
      ['calendar, week view (3 staff, about 1,000 bookings shown)', '/admin/calendar?view=week'],
      ['calendar, day view', '/admin/calendar'],
      [`inbox list (${WAITING} waiting, ${CONVERSATIONS} conversations)`, '/admin/inbox'],
      [`a conversation (${MESSAGES_PER_CONVERSATION} messages)`, `/admin/inbox?c=${conversation.id}`],
      [`customer search (${CUSTOMERS.toLocaleString('en-US')} customers)`, '/admin/customers?q=Customer%20123'],
    ];
    for (const [label, pagePath] of pages) {
      let bytes = 0;
      const stats = await timeRequests(async () => {
        const response = await fetch(`${base}${pagePath}`, { headers: { cookie }, redirect: 'manual' });
        const body = await response.text();
        if (response.status !== 200) throw new Error(`${pagePath} answered ${response.status}`);
        bytes = body.length;
      }, { warmups: WARMUPS, runs: RUNS });
      rows.push({ page: label, ...stats, bytes });
      console.log(`${label}: p95 ${stats.p95.toFixed(1)} ms`);
    }
  } finally {
    await app.stop();
  }
  const lines = [
    '# Console benchmark',
    '',
    `The demo business with ${BOOKINGS.toLocaleString('en-US')} bookings (back-to-back 30-minute bookings of 3 staff members around now, 1 in 10 cancelled), ${CUSTOMERS.toLocaleString('en-US')} customers and ${CONVERSATIONS.toLocaleString('en-US')} conversations of ${MESSAGES_PER_CONVERSATION} messages each. ` +
      `The app runs in this process on an embedded PostgreSQL; each page is requested ${RUNS} times in a row (after ${WARMUPS} warm-ups) over loopback by a signed-in admin; time from request to the last byte of the HTML.`,
    '',
    '| page | p50 | p95 | max | HTML size |',
    '|---|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.page} | ${r.p50.toFixed(1)} ms | ${r.p95.toFixed(1)} ms | ${r.max.toFixed(1)} ms | ${Math.round(r.bytes / 1024)} KiB |`),
    '',
    describeMachine(),
  ];
  writeBenchReport('console', lines.join('\n'));
  if (rows.some((r) => r.p95 >= 100)) console.error('Some page is over the 100 ms p95 target.');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
