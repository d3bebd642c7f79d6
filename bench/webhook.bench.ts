/**
 * `npm run bench:webhook`: signed single-message webhooks for 30 s on loopback (autocannon)
 * against the real server (`src/main.ts` in a child process, as `npm start` runs it) on an
 * embedded PostgreSQL of its own, with the Graph API faked on loopback.
 *
 * Reports acknowledged messages/s with p50/p99 ack latency, and fully processed turns/s with
 * p50/p99 from the 200 to the bot's reply reaching the fake Graph API. The clock of turns/s stops
 * at the last reply; process_inbox jobs still queued then (of messages a step already answered)
 * are measured apart: how many, how long until none is left, their CPU, and turns/s counting them.
 *
 * Options (env): BENCH_SECONDS (30), BENCH_CONNECTIONS (16), BENCH_SENDERS (5000), BENCH_ROLES
 * ("web,worker": an HTTP-only process and a worker-only process, as a deployment scales them;
 * "all": one process doing both), BENCH_RATE (offer this many messages/s instead of as many as
 * the server acknowledges: the sustained turn rate and its ack → reply latency; the report is
 * then written to bench/results/webhook-at-<rate>.md), BENCH_PG_STATS=1 (load pg_stat_statements and print the
 * statements that took the most database time, with calls per processed turn, and the row writes per table),
 * BENCH_METRICS ("on": Prometheus metrics recorded and every process scraped every
 * BENCH_SCRAPE_SECONDS, 5 by default, three times the rate of deploy/prometheus/prometheus.yml;
 * "off": METRICS_ENABLED=false, to measure what metrics cost per turn; compare at a fixed
 * BENCH_RATE, where both do the same work per second), BENCH_SCRAPE=off (metrics recorded but
 * never scraped), BENCH_SCRAPE_WARM=<n> (scrape every process n times before the load, like a
 * process scraped from its start: bench/results/webhook-metrics-cost.md compares the two),
 * BENCH_CPU_PROF=<folder> (a V8 CPU profile of each server process, written when it stops;
 * profiling costs throughput, so compare such runs only with each other).
 *
 * Before that load, a realistic one (bench/lib/realistic-load.ts) measures the latency a customer
 * feels: BENCH_REAL_NUMBERS (200) numbers at Meta's default tier, BENCH_REAL_CUSTOMERS (5) customers
 * each writing every 10 s, for BENCH_REAL_SECONDS (30; 0 skips it). BENCH_REPORT names the report file.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { DEMO } from '../prisma/seed';
import { startEmbeddedDatabase } from '../src/platform/embedded-database';
import { PROCESS_INBOX_TASK, signBody } from '../src/whatsapp';
import { addNumbers, describeRealisticLoad, runRealisticLoad, type RealisticLoad } from './lib/realistic-load';
import { describeMachine, describeMachineSpeed, describeMachineTime, measureMachineSpeed, pickPercentile, startMachineTimeMeter, writeBenchReport } from './lib/report';
import { findFreePort } from '../test/support/free-port';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const SENDERS = Number(process.env.BENCH_SENDERS ?? 5000);
const ROLES = (process.env.BENCH_ROLES ?? 'web,worker').split(',').map((role) => role.trim()) as Array<'all' | 'web' | 'worker'>;
const SECRET = 'bench-app-secret';
const SEND_RATE = Number(process.env.BENCH_SEND_RATE ?? 1000);
// Offered load in messages/s (autocannon's overallRate); unset = as fast as the server answers.
const OFFERED_RATE = process.env.BENCH_RATE ? Number(process.env.BENCH_RATE) : undefined;
const ROOT = path.resolve(__dirname, '..');
const METRICS = process.env.BENCH_METRICS === 'off' ? 'off' : 'on';
const SCRAPE_SECONDS = Number(process.env.BENCH_SCRAPE_SECONDS ?? 5);
// Whether the bench scrapes the processes: never when metrics are off or BENCH_SCRAPE=off.
const IS_SCRAPED = METRICS === 'on' && process.env.BENCH_SCRAPE !== 'off';
const SCRAPE_WARM = IS_SCRAPED ? Number(process.env.BENCH_SCRAPE_WARM ?? 0) : 0;
const METRICS_TOKEN = 'bench-metrics-token-0123456789';
const REALISTIC: RealisticLoad = {
  numbers: Number(process.env.BENCH_REAL_NUMBERS ?? 200),
  customersPerNumber: Number(process.env.BENCH_REAL_CUSTOMERS ?? 5),
  periodSeconds: 10,
  seconds: Number(process.env.BENCH_REAL_SECONDS ?? 30),
  warmupSeconds: 5,
};



/** Fake Graph API: answers like Meta and records when each reply (not read receipt) arrived, per recipient. */
async function startFakeGraph(): Promise<{ url: string; replies: Map<string, number[]>; total: () => number; reset: () => void; close: () => Promise<void> }> {
  const replies = new Map<string, number[]>();
  let total = 0;
  let counter = 0;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const body = JSON.parse(raw || '{}') as { to?: string; status?: string };
      res.setHeader('content-type', 'application/json');
      if (body.status === 'read') {
        res.end('{"success":true}');
        return;
      }
      const at = performance.now();
      const list = replies.get(body.to ?? '') ?? [];
      list.push(at);
      replies.set(body.to ?? '', list);
      total += 1;
      counter += 1;
      res.end(JSON.stringify({ messaging_product: 'whatsapp', messages: [{ id: `wamid.bench.${counter}` }] }));
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  const reset = () => {
    replies.clear();
    total = 0;
  };
  return { url: `http://127.0.0.1:${port}/v25.0`, replies, total: () => total, reset, close: () => new Promise((r) => server.close(() => r())) };
}

async function main(): Promise<void> {
  const step = (label: string) => process.env.BENCH_DEBUG && console.error('[bench]', label);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tapbook-bench-webhook-'));
  fs.chmodSync(dataDir, 0o755);
  const pgPort = await findFreePort();
  const isPgStats = process.env.BENCH_PG_STATS === '1';
  const db = await startEmbeddedDatabase({ dataDir: path.join(dataDir, 'pg'), port: pgPort, settings: isPgStats ? ['shared_preload_libraries=pg_stat_statements', 'pg_stat_statements.track_planning=on'] : [] });
  const admin = new Client({ connectionString: db.adminUrl });
  await admin.connect();
  await admin.query('CREATE DATABASE bench');
  await admin.end();
  if (isPgStats) {
    const stats = new Client({ connectionString: db.urlFor('bench') });
    await stats.connect();
    await stats.query('CREATE EXTENSION pg_stat_statements');
    await stats.end();
  }
  step('database ready');
  const graph = await startFakeGraph();
  const port = await findFreePort();
  const metricsPorts = await Promise.all(ROLES.map(() => findFreePort()));

  const servers = ROLES.map((role, index) =>
    spawn(path.join(ROOT, 'node_modules/.bin/node'), [...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []), '--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        PROCESS_ROLE: role,
        ...(process.env.BENCH_SERVER_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_SERVER_NODE_OPTIONS } : {}),
        DATABASE_URL: db.urlFor('bench'),
        MIGRATE_ON_START: 'true',
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'error',
        WHATSAPP_APP_SECRET: SECRET,
        WHATSAPP_ACCESS_TOKEN: 'bench-token',
        WHATSAPP_GRAPH_URL: graph.url,
        WORKER_CONCURRENCY: process.env.WORKER_CONCURRENCY ?? '8',
        DATABASE_POOL_SIZE: process.env.DATABASE_POOL_SIZE ?? '20',
        METRICS_ENABLED: METRICS === 'on' ? 'true' : 'false',
        METRICS_TOKEN,
        METRICS_PORT: String(metricsPorts[index]),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  // Start them one after another: the first one migrates and seeds the database.
  for (const server of servers) {
    await new Promise<void>((resolve, reject) => {
      server.stdout!.on('data', (chunk: Buffer) => {
        if (/listening on|job worker running/.test(chunk.toString())) resolve();
      });
      server.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    });
  }
  step('server ready');
  // A scrape counts only when it brings the metrics page: the report says how many did.
  const scrapes = { ok: 0, failed: 0 };
  const scrape = async (metricsPort: number) => {
    const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    const page = await res.text();
    if (res.status !== 200 || !page.includes('tapbook_build_info')) throw new Error(`scrape of port ${metricsPort} answered ${res.status}: ${page.slice(0, 200)}`);
    scrapes.ok += 1;
  };
  // Scrapes before any webhook: V8 then optimizes the request path for both kinds of request at once.
  for (let round = 0; round < SCRAPE_WARM; round++) await Promise.all(metricsPorts.map(scrape));
  const hasWorkers = ROLES.some((role) => role !== 'web');
  let realisticTable: string[] = [];
  if (REALISTIC.seconds > 0 && hasWorkers) {
    const phoneNumberIds = await addNumbers(db.urlFor('bench'), REALISTIC.numbers);
    const realistic = await runRealisticLoad({ port, secret: SECRET, phoneNumberIds, load: REALISTIC, replies: graph.replies });
    realisticTable = describeRealisticLoad(REALISTIC, realistic);
    step(`realistic load done: ${JSON.stringify(realistic)}`);
    graph.reset();
  }
  // Every post passes the number's send gate (Meta's throughput limit, 80 messages/s by default).
  // This bench measures the server, not Meta's tier: give the demo number the highest tier Meta
  // grants (1,000 messages/s), else replies and read receipts alone would cap turns at ~40/s.
  const tier = new Client({ connectionString: db.urlFor('bench') });
  await tier.connect();
  await tier.query('UPDATE whatsapp_numbers SET send_rate_per_second = $1 WHERE phone_number_id = $2', [SEND_RATE, DEMO.phoneNumberId]);
  await tier.end();
  // Bodies are signed before the clock starts, so the load generator spends its CPU on sending.
  const POOL = Math.max(5_000, Number(process.env.BENCH_POOL ?? 3_000 * SECONDS));
  const prepared = Array.from({ length: POOL }, (_, index) => {
    const sequence = index + 1;
    const from = String(34700000000 + (sequence % SENDERS));
    const body = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [{ id: 'bench', changes: [{ field: 'messages', value: {
        messaging_product: 'whatsapp',
        metadata: { display_phone_number: DEMO.displayPhone, phone_number_id: DEMO.phoneNumberId },
        contacts: [{ profile: { name: 'Bench' }, wa_id: from }],
        messages: [{ from, id: `wamid.bench.in.${sequence}`, timestamp: String(1795000000 + sequence), type: 'text', text: { body: 'hi' } }],
      } }] }],
    });
    return { from, body, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(SECRET, body) } };
  });
  const ackAt = new Map<string, number[]>();
  let sequence = 0;
  const pgDataDir = path.join(dataDir, 'pg');
  const pgCpuBefore = readPostgresCpuSeconds(pgDataDir);
  // The servers' start-up and any realistic phase before this load are not the load's turns.
  const serverCpuBefore = servers.map((server) => readCpuSeconds(server.pid!));
  const machineSpeed = measureMachineSpeed();
  const machineTime = startMachineTimeMeter();
  const started = performance.now();
  // Every process's own registry, scraped like Prometheus would (each scrape also reads the queue and outbox gauges).
  const scraper = !IS_SCRAPED ? undefined : setInterval(() => {
    for (const metricsPort of metricsPorts) void scrape(metricsPort).catch(() => (scrapes.failed += 1));
  }, SCRAPE_SECONDS * 1000);
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/webhook`,
    connections: CONNECTIONS,
    ...(OFFERED_RATE ? { overallRate: OFFERED_RATE } : {}),
    duration: SECONDS,
    requests: [
      {
        method: 'POST',
        setupRequest: (request: Record<string, unknown>, context: Record<string, unknown>) => {
          if (sequence === 0) step('first request');
          // Past the pool the ids repeat: duplicates are acknowledged and (rightly) not processed again.
          const next = prepared[sequence % POOL]!;
          sequence += 1;
          context.from = next.from;
          return { ...request, body: next.body, headers: next.headers };
        },
        onResponse: (status: number, _body: string, context: Record<string, unknown>) => {
          if (status !== 200) return;
          const from = context.from as string;
          const list = ackAt.get(from) ?? [];
          list.push(performance.now());
          ackAt.set(from, list);
        },
      },
    ],
  } as never);
  const loadEnded = performance.now();
  const processedDuringLoad = graph.total();
  step(`load done: ${JSON.stringify({ non2xx: result.non2xx, total: result.requests.total, errors: result.errors, pool: POOL, used: sequence })}`);
  const acked = [...ackAt.values()].reduce((sum, list) => sum + list.length, 0);

  // Let the workers finish every acknowledged message (each "hi" gets exactly one menu reply).
  const drainDeadline = Date.now() + 10 * 60_000;
  while (hasWorkers && graph.total() < acked && Date.now() < drainDeadline) await new Promise((resolve) => setTimeout(resolve, 200));
  const finished = performance.now();
  if (scraper) clearInterval(scraper);
  const machineShares = machineTime.stop();

  // Replies to one sender arrive in the order of that sender's messages: pair them by position.
  const turnLatencies: number[] = [];
  for (const [from, acks] of ackAt) {
    const replies = graph.replies.get(from) ?? [];
    acks.forEach((ack, index) => {
      const reply = replies[index];
      if (reply !== undefined) turnLatencies.push(reply - ack);
    });
  }
  turnLatencies.sort((a, b) => a - b);
  const processed = graph.total();
  const ackRate = acked / SECONDS;
  const turnRate = processed / ((finished - started) / 1000);
  const loadRate = processedDuringLoad / ((loadEnded - started) / 1000);
  const drainRate = (processed - processedDuringLoad) / Math.max(0.001, (finished - loadEnded) / 1000);
  // CPU seconds each server process used (user + system), read before they stop.
  const cpuSeconds = servers.map((server, index) => readCpuSeconds(server.pid!) - serverCpuBefore[index]!);
  const pgCpuSeconds = readPostgresCpuSeconds(pgDataDir) - pgCpuBefore;
  // A step answers all of its sender's pending messages and completes their queued jobs; a job it
  // missed runs afterwards with nothing to do. Measure any such tail apart from the turns.
  const tail = hasWorkers ? await waitForInboxJobs(db.urlFor('bench'), Date.now() + 5 * 60_000) : { leftAtLastReply: 0, seconds: 0 };
  const tailCpuSeconds = servers.reduce((sum, server, index) => sum + readCpuSeconds(server.pid!) - serverCpuBefore[index]! - cpuSeconds[index]!, 0) + readPostgresCpuSeconds(pgDataDir) - pgCpuBefore - pgCpuSeconds;

  if (isPgStats) await printStatementStats(db.urlFor('bench'), processed);
  await Promise.all(
    servers.map(async (server) => {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGINT');
      await exited;
    }),
  );
  await graph.close();
  await db.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });

  const met = (ok: boolean) => (ok ? 'met' : '**missed**');
  const markdown = [
    '# Webhook benchmark (bench/webhook.bench.ts)',
    '',
    describeMachine(),
    '',
    `Load: autocannon, ${CONNECTIONS} connections, ${SECONDS} s, ${OFFERED_RATE ? `offered at ${OFFERED_RATE} messages/s` : 'as fast as acknowledged'}, signed single-message "hi" webhooks from ${SENDERS} senders; server = src/main.ts as child processes with roles [${ROLES.join(', ')}] (${process.env.WORKER_CONCURRENCY ?? 8} workers, pool ${process.env.DATABASE_POOL_SIZE ?? 20} each); PostgreSQL 18 embedded; Graph API faked on loopback; the number's send rate set to ${SEND_RATE} messages/s (Meta's highest tier); Prometheus metrics ${METRICS === 'off' ? 'off (BENCH_METRICS=off)' : !IS_SCRAPED ? 'recorded, never scraped (BENCH_SCRAPE=off)' : `on, every process scraped every ${SCRAPE_SECONDS} s on its METRICS_PORT${SCRAPE_WARM > 0 ? ` (and ${SCRAPE_WARM} times before the load)` : ''}: ${scrapes.ok} scrapes answered, ${scrapes.failed} failed`}. Baseline: the targets of issue 3.`,
    '',
    '| measure | value | target | ratio to target |',
    '|---|---:|---:|---:|',
    OFFERED_RATE
      ? `| acknowledged messages/s | ${ackRate.toFixed(0)} | ${OFFERED_RATE} offered | — |`
      : `| acknowledged messages/s | ${ackRate.toFixed(0)} | ≥ 1000 | ${(ackRate / 1000).toFixed(2)}× (${met(ackRate >= 1000)}) |`,
    `| ack latency p50 | ${result.latency.p50} ms | — | — |`,
    `| ack latency p99 | ${result.latency.p99} ms | < 50 ms | ${(result.latency.p99 / 50).toFixed(2)} (${met(result.latency.p99 < 50)}) |`,
    `| non-2xx answers | ${result.non2xx} | 0 | — |`,
    `| processed turns/s (first request → last reply) | ${turnRate.toFixed(0)} | ≥ 500 | ${(turnRate / 500).toFixed(2)}× (${met(turnRate >= 500)}) |`,
    `| turns/s while the load ran / after it (draining the backlog) | ${loadRate.toFixed(0)} / ${drainRate.toFixed(0)} | — | — |`,
    `| server CPU per processed turn, from the start of this load to the last reply (${ROLES.join(' + ')}, PostgreSQL not included) | ${cpuSeconds.map((seconds) => ((seconds * 1000) / Math.max(1, processed)).toFixed(2)).join(' + ')} ms | — | — |`,
    `| PostgreSQL CPU per processed turn (all its processes, from the start of the load to the last reply) | ${((pgCpuSeconds * 1000) / Math.max(1, processed)).toFixed(2)} ms | — | — |`,
    `| process_inbox jobs still queued at the last reply (their messages already answered) / time until the queue was empty | ${tail.leftAtLastReply} / ${tail.seconds === null ? 'not empty by the deadline' : `${tail.seconds.toFixed(1)} s`} | — | — |`,
    `| processed turns/s counting that tail (first request → no process_inbox job left) | ${tail.seconds === null ? '—' : (processed / ((finished - started) / 1000 + tail.seconds)).toFixed(0)} | — | — |`,
    `| CPU of that tail (servers + PostgreSQL) per processed turn | ${((tailCpuSeconds * 1000) / Math.max(1, processed)).toFixed(2)} ms | — | — |`,
    `| ack → reply at Graph API, p50 | ${pickPercentile(turnLatencies, 50).toFixed(0)} ms | — | — |`,
    `| ack → reply at Graph API, p99 | ${pickPercentile(turnLatencies, 99).toFixed(0)} ms | — | — |`,
    `| messages acknowledged / replies received | ${acked} / ${processed} | equal | — |`,
    '',
    describeMachineTime(machineShares),
    describeMachineSpeed(machineSpeed),
    '',
    ...realisticTable,
  ].join('\n');
  const name = ROLES.join('-') === 'web-worker' ? 'webhook' : `webhook-${ROLES.join('-')}`;
  writeBenchReport(process.env.BENCH_REPORT ?? (OFFERED_RATE ? `${name}-at-${OFFERED_RATE}` : name), markdown);
}

/**
 * Waits until no process_inbox job is left (timers and cron jobs due later do not count); returns
 * how many were queued at the call and how long emptying took (null: not empty by the deadline).
 */
async function waitForInboxJobs(url: string, deadline: number): Promise<{ leftAtLastReply: number; seconds: number | null }> {
  const client = new Client({ connectionString: url });
  await client.connect();
  const count = async () =>
    Number(
      (
        await client.query<{ count: string }>(
          `SELECT count(*) AS count FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id WHERE t.identifier = $1`,
          [PROCESS_INBOX_TASK],
        )
      ).rows[0]!.count,
    );
  const started = performance.now();
  const leftAtLastReply = await count();
  try {
    while ((await count()) > 0) {
      if (Date.now() > deadline) return { leftAtLastReply, seconds: null };
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await client.end();
  }
  return { leftAtLastReply, seconds: (performance.now() - started) / 1000 };
}

/** Prints the statements that used the most database time, with calls per processed turn, and the row writes per table. */
async function printStatementStats(url: string, turns: number): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  // Planning is counted apart from execution: a prepared statement that is planned again at every run shows it here.
  const { rows } = await client.query<{ calls: string; total_ms: number; plan_ms: number; plans: string; mean_ms: number; max_ms: number; blocks: string; query: string }>(
    `SELECT calls, total_exec_time AS total_ms, total_plan_time AS plan_ms, plans, mean_exec_time AS mean_ms, max_exec_time AS max_ms,
            shared_blks_hit + shared_blks_read AS blocks, left(regexp_replace(query, '\\s+', ' ', 'g'), 90) AS query
       FROM pg_stat_statements ORDER BY total_exec_time + total_plan_time DESC LIMIT ${Math.floor(Number(process.env.BENCH_PG_STATS_ROWS) || 25)}`,
  );
  // Every statement counts here, BEGIN and COMMIT too: each is a round trip the app and the database both pay for.
  const [all] = (await client.query<{ calls: string; total_ms: number }>('SELECT sum(calls) AS calls, sum(total_exec_time) AS total_ms FROM pg_stat_statements')).rows;
  // Row writes per table: an update that is not HOT writes every index of the table again.
  const tables = await client.query<{ name: string; ins: string; upd: string; hot: string; del: string; vacuums: string }>(
    `SELECT schemaname || '.' || relname AS name, n_tup_ins AS ins, n_tup_upd AS upd, n_tup_hot_upd AS hot, n_tup_del AS del, autovacuum_count AS vacuums
       FROM pg_stat_user_tables WHERE n_tup_ins + n_tup_upd + n_tup_del > 0 ORDER BY n_tup_ins + n_tup_upd + n_tup_del DESC LIMIT 10`,
  );
  await client.end();
  console.log(`All statements: ${(Number(all!.calls) / Math.max(1, turns)).toFixed(1)} calls per turn, ${all!.total_ms.toFixed(0)} ms executing.`);
  console.log('| database ms (executing) | planning ms (plans per call) | calls per turn | mean ms | max ms | blocks per call | statement |\n|---:|---:|---:|---:|---:|---:|---|');
  for (const row of rows) {
    const calls = Number(row.calls);
    const planning = `${row.plan_ms.toFixed(0)} (${(Number(row.plans) / Math.max(1, calls)).toFixed(2)})`;
    console.log(`| ${row.total_ms.toFixed(0)} | ${planning} | ${(calls / Math.max(1, turns)).toFixed(2)} | ${row.mean_ms.toFixed(3)} | ${row.max_ms.toFixed(1)} | ${(Number(row.blocks) / Math.max(1, calls)).toFixed(0)} | ${row.query.replace(/\|/g, '/')} |`);
  }
  const perTurn = (count: string) => (Number(count) / Math.max(1, turns)).toFixed(2);
  console.log('\n| table | inserts per turn | updates per turn | of them HOT | deletes per turn | autovacuums |\n|---|---:|---:|---:|---:|---:|');
  for (const table of tables.rows) {
    console.log(`| ${table.name} | ${perTurn(table.ins)} | ${perTurn(table.upd)} | ${perTurn(table.hot)} | ${perTurn(table.del)} | ${table.vacuums} |`);
  }
}

/**
 * CPU seconds of the embedded PostgreSQL: the postmaster, its live children, and the children it
 * has reaped (their time is added to the postmaster's cutime/cstime).
 */
function readPostgresCpuSeconds(dataDir: string): number {
  const postmaster = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  let ticks = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    const fields = stat.split(') ')[1]!.split(' ');
    const pid = Number(entry);
    if (pid === postmaster) ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    else if (Number(fields[1]) === postmaster) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / 100;
}

/** User + system CPU seconds of a running process (Linux /proc; clock ticks are 100 Hz there). */
function readCpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
