/**
 * Benchmark of reminder sending under Meta's throughput limit: 10,000 reminders due within the
 * same minute, two worker processes (child processes, each with its own job runner) on one
 * embedded PostgreSQL, a loopback fake Graph API in this process. Checks that every reminder is
 * sent exactly once, measures throughput and the lag behind the ideal paced schedule, and counts
 * the most messages that arrived at the fake in any 1-s window (the send gate keeps it ≤ rate + 1).
 *
 * Run with `npm run bench:reminders` (TZ=UTC tsx bench/reminders.bench.ts). Options:
 *   --rates=80,400   send rates (messages/s per phone number) to run, one fresh database each (default 80)
 *   --count=10000    reminders per run
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DEMO, seedDemoBusinessIfEmpty } from '../prisma/seed';
import { BOOKING_SELECT, type BookingRow } from '../src/booking';
import { migrateJobQueue } from '../src/jobs';
import { createPrismaClient, disconnectPrisma, ensureDatabaseExists, applyMigrations, type PrismaClient } from '../src/platform';
import { startEmbeddedDatabase } from '../src/platform/embedded-database';
import { planRemindersForChange, setSendRate } from '../src/reminders';
import type { WorkerProcessOptions, WorkerProcessReport } from './lib/reminder-worker-process';
import { describeMachine, pickPercentile, writeBenchReport } from './lib/report';
import { countBusiestSecond } from '../test/support/busiest-second';
import { findFreePort } from '../test/support/free-port';

const args = new Map(process.argv.slice(2).map((arg) => arg.replace(/^--/, '').split('=') as [string, string]));
const RATES = (args.get('rates') ?? '80').split(',').map(Number);
const COUNT = Number(args.get('count') ?? 10_000);
const DUE_SPREAD_MS = 60_000;
const LEAD_MS = 15_000;
const RUNNERS = 2;
const CONCURRENCY = 4;
const POLL_MS = 50;

interface RunResult {
  rate: number;
  count: number;
  sent: number;
  duplicates: number;
  missing: number;
  planMs: number;
  firstDueToLastSendMs: number;
  throughput: number;
  idealDurationMs: number;
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
  maxInOneSecond: number;
  maxLeftInOneSecond: number;
  slotsMissed: number;
  workerCpuMs: number;
  loadAverage: string;
}

/** Starts one worker process; resolves when its job runner is up. */
async function startWorkerProcess(options: WorkerProcessOptions): Promise<ChildProcess> {
  const child = fork(path.join(__dirname, 'lib', 'reminder-worker-process.ts'), [JSON.stringify(options)], { execArgv: ['--import', 'tsx'] });
  await new Promise<void>((resolve, reject) => {
    child.once('message', (message) => (message === 'ready' ? resolve() : reject(new Error(`worker process said ${String(message)}`))));
    child.once('exit', (code) => reject(new Error(`worker process exited with ${code}`)));
  });
  return child;
}

/** Stops a worker process (running jobs finish first); resolves with its report. */
async function stopWorkerProcess(child: ChildProcess): Promise<WorkerProcessReport> {
  const report = new Promise<WorkerProcessReport>((resolve) => child.once('message', (message) => resolve(message as WorkerProcessReport)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.send('stop');
  const result = await report;
  await exited;
  return result;
}




/** A loopback Graph API that records when each reminder arrived (by its booking uid). */
async function startRecordingGraph() {
  const arrivals = new Map<string, number[]>();
  let counter = 0;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const at = Date.now();
      const uid = /reminder:confirm:([A-Za-z0-9_]+)/.exec(raw)?.[1] ?? 'other';
      arrivals.set(uid, [...(arrivals.get(uid) ?? []), at]);
      counter += 1;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ messaging_product: 'whatsapp', messages: [{ id: `wamid.bench.${counter}` }] }));
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v25.0`,
    arrivals,
    total: () => counter,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** 10,000 customers, staff and bookings 24 h ahead, their reminders planned by the real planner. */
async function prepare(prisma: PrismaClient, rate: number): Promise<{ dueTimes: Map<string, number>; planMs: number }> {
  await seedDemoBusinessIfEmpty(prisma);
  const business = await prisma.business.findFirstOrThrow({ include: { services: true } });
  const service = business.services.find((s) => s.uid === 'consultation')!;
  await prisma.reminderRule.updateMany({ where: { NOT: { serviceId: service.id, kind: 'reminder', sequence: 1 } }, data: { isActive: false } });
  await setSendRate(prisma, { phoneNumberId: DEMO.phoneNumberId, perSecond: rate });
  const now = Date.now();
  const staff = await prisma.staff.createManyAndReturn({ data: Array.from({ length: COUNT }, (_, i) => ({ businessId: business.id, name: `Bench staff ${i}` })), select: { id: true } });
  const customers = await prisma.customer.createManyAndReturn({
    data: Array.from({ length: COUNT }, (_, i) => ({ businessId: business.id, waId: `4915${String(i).padStart(9, '0')}`, name: `Bench ${i}`, lastInboundAt: new Date(now) })),
    select: { id: true },
  });
  // One staff member per booking: every booking may sit in the same minute without overlapping.
  const baseStart = now + 24 * 3_600_000 + 3_600_000;
  const rows: BookingRow[] = [];
  for (let offset = 0; offset < COUNT; offset += 1000) {
    const batch = await prisma.booking.createManyAndReturn({
      data: Array.from({ length: Math.min(1000, COUNT - offset) }, (_, j) => {
        const i = offset + j;
        const startsAt = new Date(baseStart + Math.floor((i * DUE_SPREAD_MS) / COUNT));
        const endsAt = new Date(startsAt.getTime() + 30 * 60_000);
        return {
          uid: `bk_bench${String(i).padStart(8, '0')}`,
          businessId: business.id,
          customerId: customers[i]!.id,
          staffId: staff[i]!.id,
          serviceId: service.id,
          startsAt,
          endsAt,
          blockedFrom: startsAt,
          blockedUntil: endsAt,
          timeZone: business.timeZone,
          status: 'confirmed' as const,
          source: 'api' as const,
          price: service.price,
          currency: service.currency,
        };
      }),
      select: BOOKING_SELECT,
    });
    rows.push(...(batch as BookingRow[]));
  }
  const planStarted = Date.now();
  const planNow = new Date(now);
  const chunks = Array.from({ length: 8 }, (_, k) => rows.filter((_, i) => i % 8 === k));
  await Promise.all(
    chunks.map(async (chunk) => {
      for (let i = 0; i < chunk.length; i += 100) {
        await prisma.$transaction(async (tx) => {
          for (const booking of chunk.slice(i, i + 100)) await planRemindersForChange(tx, { kind: 'created', booking }, planNow);
        }, { timeout: 120_000 });
      }
    }),
  );
  const planMs = Date.now() - planStarted;
  // Planned 25 h ahead; now bring every reminder (row and job) into one minute starting shortly.
  const firstDue = Date.now() + LEAD_MS;
  await prisma.$executeRaw`
    UPDATE reminders r SET due_at = to_timestamp(${firstDue}::double precision / 1000)
      + (extract(epoch FROM b.starts_at - ${new Date(baseStart)}::timestamptz) * interval '1 second')
      FROM bookings b WHERE b.id = r.booking_id AND r.status = 'pending'`;
  await prisma.$executeRaw`
    UPDATE graphile_worker._private_jobs j SET run_at = r.due_at FROM reminders r WHERE j.key = 'reminder:' || r.id::text`;
  await prisma.$executeRaw`
    UPDATE graphile_worker._private_jobs j SET run_at = now() + interval '1 year'
      FROM graphile_worker._private_tasks t WHERE t.id = j.task_id AND t.identifier IN ('meeting_start', 'meeting_end')`;
  const due = await prisma.reminder.findMany({ where: { status: 'pending' }, select: { dueAt: true, booking: { select: { uid: true } } } });
  return { dueTimes: new Map(due.map((row) => [row.booking.uid, row.dueAt.getTime()])), planMs };
}

async function runOnce(adminUrl: string, urlFor: (name: string) => string, rate: number): Promise<RunResult> {
  const name = `bench_reminders_${rate}_${Date.now()}`;
  await ensureDatabaseExists(adminUrl, name);
  const url = urlFor(name);
  await applyMigrations(url);
  await migrateJobQueue(url);
  const prisma = createPrismaClient({ url, poolSize: 12 });
  const graph = await startRecordingGraph();
  const { dueTimes, planMs } = await prepare(prisma, rate);
  console.log(`rate ${rate}/s: ${dueTimes.size} reminders planned in ${planMs} ms; sending…`);

  const workers: ChildProcess[] = [];
  for (let r = 0; r < RUNNERS; r += 1) {
    workers.push(await startWorkerProcess({ url, graphBaseUrl: graph.baseUrl, concurrency: CONCURRENCY, pollMs: POLL_MS }));
  }
  const firstDue = Math.min(...dueTimes.values());
  const deadline = firstDue + DUE_SPREAD_MS + (dueTimes.size / rate) * 1000 + 120_000;
  let lastReport = 0;
  while (graph.total() < dueTimes.size && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    if (Date.now() - lastReport > 10_000) {
      lastReport = Date.now();
      console.log(`  ${graph.total()} / ${dueTimes.size} sent`);
    }
  }
  // A duplicate would arrive after the last first copy: give late ones a moment to show up.
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const loadAverage = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  let workerCpuMs = 0;
  let slotsMissed = 0;
  const leftAt: number[] = [];
  for (const worker of workers) {
    const report = await stopWorkerProcess(worker);
    workerCpuMs += report.cpuMs;
    slotsMissed += report.slotsMissed;
    leftAt.push(...report.leftAt);
  }
  const pending = await prisma.reminder.count({ where: { status: 'pending' } });
  await disconnectPrisma(prisma);
  await graph.close();

  const firsts: number[] = [];
  let duplicates = 0;
  let missing = 0;
  for (const uid of dueTimes.keys()) {
    const times = graph.arrivals.get(uid) ?? [];
    if (times.length === 0) missing += 1;
    else firsts.push(times[0]!);
    duplicates += Math.max(0, times.length - 1);
  }
  const dueSorted = [...dueTimes.values()].sort((a, b) => a - b);
  const interval = 1000 / rate;
  const ideal: number[] = [];
  for (const due of dueSorted) ideal.push(Math.max(due, (ideal.at(-1) ?? -Infinity) + interval));
  const actual = [...firsts].sort((a, b) => a - b);
  const lags = actual.map((at, i) => at - ideal[i]!).sort((a, b) => a - b);
  const maxInOneSecond = countBusiestSecond(actual);
  const maxLeftInOneSecond = countBusiestSecond(leftAt);
  const span = (actual.at(-1) ?? firstDue) - firstDue;
  if (pending > 0) console.log(`  ${pending} reminders still pending`);
  return {
    rate,
    count: dueTimes.size,
    sent: actual.length,
    duplicates,
    missing,
    planMs,
    firstDueToLastSendMs: span,
    throughput: actual.length / (span / 1000),
    idealDurationMs: (ideal.at(-1) ?? firstDue) - firstDue,
    lagP50Ms: pickPercentile(lags, 50),
    lagP99Ms: pickPercentile(lags, 99),
    lagMaxMs: lags.at(-1) ?? Number.NaN,
    maxInOneSecond,
    maxLeftInOneSecond,
    slotsMissed,
    workerCpuMs,
    loadAverage,
  };
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tapbook-bench-reminders-'));
  fs.chmodSync(dataDir, 0o777);
  const db = await startEmbeddedDatabase({ dataDir: path.join(dataDir, 'data'), port: await findFreePort() });
  const results: RunResult[] = [];
  try {
    for (const rate of RATES) results.push(await runOnce(db.adminUrl, db.urlFor, rate));
  } finally {
    await db.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const f = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  const lines = [
    '# Reminders benchmark',
    '',
    `${f(COUNT)} reminders due within one minute, sent through the durable jobs by ${RUNNERS} worker processes (child processes, each a job runner with ${CONCURRENCY} workers, poll ${POLL_MS} ms) on one embedded PostgreSQL, to a loopback fake Graph API in the parent process. ` +
      'Each send_reminder job queues its message in the outbox and, holding the recipient’s send lock, sends it right after its commit (no second job). ' +
      'Every Graph API call first passes the send gate: it claims the next slot of the phone number’s cursor (slots 1/rate apart, shared by all processes), waits for it in-process, and takes a fresh slot if it woke up half a slot late; slots more than 2 s ahead are not claimed (the job is rescheduled).',
    '',
    '| rate limit (msg/s) | reminders | sent | duplicates | missing | first due → last sent | throughput (msg/s) | ideal paced duration | lag p50 | lag p99 | lag max | most arrived in any 1 s | most left the workers in any 1 s | slots missed (late wake-ups) | worker CPU per message | load average at the end |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    ...results.map((r) =>
      `| ${r.rate} | ${f(r.count)} | ${f(r.sent)} | ${r.duplicates} | ${r.missing} | ${f(r.firstDueToLastSendMs / 1000, 1)} s | ${f(r.throughput, 1)} | ${f(r.idealDurationMs / 1000, 1)} s | ${f(r.lagP50Ms)} ms | ${f(r.lagP99Ms)} ms | ${f(r.lagMaxMs)} ms | ${r.maxInOneSecond} | ${r.maxLeftInOneSecond} | ${f(r.slotsMissed)} | ${f(r.workerCpuMs / Math.max(1, r.sent), 2)} ms | ${r.loadAverage} |`,
    ),
    '',
    'Times are arrivals at the fake Graph API, except “left the workers”: Date.now() right before each HTTP call in the worker processes (what the send gate controls; arrivals add the loopback receive jitter of this process on a shared machine). Worker CPU: user + system time of both worker processes over the whole run, per message sent (PostgreSQL’s own CPU not included). ' +
      'Lag: the i-th message actually sent minus the i-th slot of the ideal schedule (each reminder at its due time, never two closer than 1/rate). ' +
      'Planning (reminder rows + jobs for every booking, done before the clock starts) took ' +
      results.map((r) => `${f(r.planMs / 1000, 1)} s`).join(' / ') + '.',
    '',
    describeMachine(),
  ];
  writeBenchReport('reminders', lines.join('\n'));
  if (results.some((r) => r.duplicates > 0 || r.missing > 0)) {
    console.error('FAILED: duplicates or missing reminders');
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
