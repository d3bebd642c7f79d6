/**
 * Benchmark of the Flows endpoint's busiest request: an encrypted, signed `data_exchange` that
 * picks a date and gets the free times of that day (RSA-OAEP unwrap, token lookup, live
 * availability, AES-GCM answer), at concurrency 32 for 30 s on loopback with autocannon.
 * The app runs in a child process (bench/flows-server.ts) on an embedded PostgreSQL of its own in
 * a temp folder; this process only seeds, precomputes the encrypted requests and generates load.
 * Run with `npm run bench:flows` (TZ=UTC tsx bench/flows.bench.ts).
 * BENCH_CPU_PROF=<folder> also writes a V8 CPU profile (.cpuprofile, for Chrome DevTools or `node --cpu-prof`
 * tooling) of the app process into that folder (profiling costs throughput: compare such runs only with each other).
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { DEMO, seedDemoBusinessIfEmpty } from '../prisma/seed';
import { decryptResponseLikeWhatsApp, encryptRequestLikeWhatsApp, generateFlowsKeyPair, issueFlowToken } from '../src/flows';
import { createPrismaClient, disconnectPrisma, ensureDatabaseExists, applyMigrations } from '../src/platform';
import { startEmbeddedDatabase } from '../src/platform/embedded-database';
import { addLocalDays, getLocalWeekday, toLocalDate } from '../src/scheduling';
import { signBody } from '../src/whatsapp';
import { describeMachine, describeMachineSpeed, describeMachineTime, measureMachineSpeed, startMachineTimeMeter, writeBenchReport } from './lib/report';
import { findFreePort } from '../test/support/free-port';

const CONCURRENCY = 32;
const DURATION_S = 30;
const WARMUP_S = 3;
const POOL_SIZE = 256;
const CUSTOMERS = 64;
const TARGET_P99_MS = 50;
const TARGET_RPS = 500;
const APP_SECRET = 'bench-app-secret';
const ENDPOINT = '/flows/endpoint';
// A Monday 08:00 in Madrid, so the booking window is full of working days.
const NOW = new Date('2026-09-07T06:00:00Z');


function runAutocannon(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

async function main(): Promise<void> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'tapbook-bench-flows-'));
  // The embedded server runs as an unprivileged user when we are root: let it into the folder.
  fs.chmodSync(folder, 0o777);
  const database = await startEmbeddedDatabase({ dataDir: path.join(folder, 'data'), port: await findFreePort() });
  const url = database.urlFor('tapbook_bench');
  const prisma = createPrismaClient({ url, poolSize: 20 });
  let server: ChildProcess | undefined;
  try {
    await ensureDatabaseExists(database.adminUrl, 'tapbook_bench');
    await applyMigrations(url);
    await seedDemoBusinessIfEmpty(prisma);
    const business = await prisma.business.findFirstOrThrow({ where: { name: DEMO.businessName }, include: { services: true } });
    const consultation = business.services.find((service) => service.uid === DEMO.services.consultation.uid)!;
    const customers = await prisma.customer.createManyAndReturn({
      data: Array.from({ length: CUSTOMERS }, (_, i) => ({ businessId: business.id, waId: `3470000${String(i).padStart(4, '0')}`, name: `Bench ${i}` })),
      select: { id: true },
    });
    const tokens = await Promise.all(
      customers.map((customer) => issueFlowToken(prisma, { businessId: business.id, customerId: customer.id, mode: 'book', locale: 'en', ttlMinutes: 24 * 60, now: NOW })),
    );

    const passphrase = 'bench-passphrase';
    const { privateKeyPem, publicKeyPem } = generateFlowsKeyPair(passphrase);
    const child = fork(path.join(__dirname, 'flows-server.ts'), [], {
      execArgv: [
        '--import',
        'tsx',
        ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
        // Extra V8/Node flags for the app process (e.g. --trace-gc), to look into a run.
        ...(process.env.BENCH_SERVER_FLAGS ?? '').split(' ').filter(Boolean),
      ],
      env: {
        ...process.env,
        DATABASE_URL: url,
        DATABASE_POOL_SIZE: process.env.BENCH_POOL_SIZE ?? '20',
        WHATSAPP_APP_SECRET: APP_SECRET,
        WHATSAPP_ACCESS_TOKEN: 'bench-token',
        // The per-process catalog cache is an option (off by default); this load needs it (README, FLOWS_CATALOG_CACHE_SECONDS).
        FLOWS_CATALOG_CACHE_SECONDS: process.env.FLOWS_CATALOG_CACHE_SECONDS ?? '5',
        FLOWS_PRIVATE_KEY: privateKeyPem,
        FLOWS_PRIVATE_KEY_PASSPHRASE: passphrase,
        BENCH_NOW: NOW.toISOString(),
        LOG_LEVEL: 'silent',
      },
    });
    server = child;
    const port = await new Promise<number>((resolve, reject) => {
      child.once('message', (message) => resolve((message as { port: number }).port));
      child.once('exit', (code) => reject(new Error(`the app process exited (code ${code}) before listening`)));
    });

    // Working days of the next six weeks; staff alternate between "any" and each doctor.
    const today = toLocalDate(NOW, business.timeZone);
    const dates = Array.from({ length: 42 }, (_, i) => addLocalDays(today, i + 1)).filter((date) => ![0, 6].includes(getLocalWeekday(date)));
    const staff = await prisma.staffService.findMany({ where: { serviceId: consultation.id }, select: { staffId: true } });
    const staffChoices = ['any', ...staff.map((s) => s.staffId)];
    const pool = Array.from({ length: POOL_SIZE }, (_, i) => {
      const payload = {
        version: '3.0',
        action: 'data_exchange',
        screen: 'DATE',
        data: { screen_action: 'choose_date', date: dates[i % dates.length], service_id: consultation.id, staff_id: staffChoices[i % staffChoices.length] },
        flow_token: tokens[i % tokens.length],
      };
      const encrypted = encryptRequestLikeWhatsApp({ payload, publicKey: publicKeyPem });
      const body = JSON.stringify(encrypted.body);
      return { body, signature: signBody(APP_SECRET, body), aesKey: encrypted.aesKey, iv: encrypted.iv };
    });

    // Sanity check: the pooled requests get the TIME screen with times.
    const sample = pool[0]!;
    const check = await fetch(`http://127.0.0.1:${port}${ENDPOINT}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': sample.signature }, body: sample.body });
    const answer = decryptResponseLikeWhatsApp({ responseBody: await check.text(), aesKey: sample.aesKey, iv: sample.iv }) as { screen: string; data: { times: unknown[] } };
    if (check.status !== 200 || answer.screen !== 'TIME' || answer.data.times.length === 0) {
      throw new Error(`sanity check failed: HTTP ${check.status}, screen ${answer.screen}`);
    }

    const machineSpeed = measureMachineSpeed();
    const loadBefore = os.loadavg()[0]!;
    // Pre-built requests: autocannon builds each entry's bytes once per connection. A setupRequest
    // callback would rebuild every request on the load generator's thread, CPU taken from the
    // 2 cores the app under test runs on.
    const requests: autocannon.Request[] = pool.map((item) => ({
      method: 'POST',
      path: ENDPOINT,
      body: item.body,
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': item.signature },
    }));
    const target = { url: `http://127.0.0.1:${port}`, requests };
    await runAutocannon({ ...target, connections: CONCURRENCY, duration: WARMUP_S });
    const readServerCpu = () =>
      new Promise<NodeJS.CpuUsage>((resolve) => {
        const onMessage = (message: unknown) => {
          if ((message as { type?: string }).type !== 'cpu') return;
          child.off('message', onMessage);
          resolve((message as { usage: NodeJS.CpuUsage }).usage);
        };
        child.on('message', onMessage);
        child.send({ type: 'cpu' });
      });
    const cpuBefore = await readServerCpu();
    const benchCpuBefore = process.cpuUsage();
    const machineTime = startMachineTimeMeter();
    const result = await runAutocannon({ ...target, connections: CONCURRENCY, duration: DURATION_S });
    const machineShares = machineTime.stop();
    const benchCpu = process.cpuUsage(benchCpuBefore);
    const cpuAfter = await readServerCpu();
    const serverCpuMsPerRequest = (cpuAfter.user + cpuAfter.system - cpuBefore.user - cpuBefore.system) / 1000 / Math.max(1, result.requests.total);

    const loadAfter = os.loadavg()[0]!;
    const rps = result.requests.average;
    const p50 = result.latency.p50;
    const p99 = result.latency.p99;
    const isP99Met = p99 < TARGET_P99_MS;
    const isRpsMet = rps >= TARGET_RPS;
    const markdown = [
      '# Flows endpoint benchmark',
      '',
      describeMachine(),
      '',
      `Encrypted, signed \`data_exchange\` "date → times" requests (RSA-OAEP-SHA256 unwrap, AES-128-GCM both ways, flow-token lookup,`,
      `business/customer reads, live availability of one day for "any" or one doctor) against the app on 127.0.0.1 with its own`,
      `embedded PostgreSQL (pool 20), app in its own process with a catalog cache of ${process.env.FLOWS_CATALOG_CACHE_SECONDS ?? 5} s (0 = none). autocannon, ${CONCURRENCY} connections, ${DURATION_S} s after a ${WARMUP_S} s warm-up; ${POOL_SIZE} precomputed requests,`,
      `${CUSTOMERS} flow tokens, ${dates.length} dates.`,
      '',
      '| metric | value | target |',
      '|---|---|---|',
      `| requests/s (mean) | ${rps.toFixed(0)} | ≥ ${TARGET_RPS} ${isRpsMet ? '✅' : '❌'} |`,
      `| latency p50 / p90 / p97.5 | ${p50.toFixed(1)} / ${result.latency.p90.toFixed(1)} / ${result.latency.p97_5.toFixed(1)} ms | |`,
      `| latency p99 | ${p99.toFixed(1)} ms | < ${TARGET_P99_MS} ms ${isP99Met ? '✅' : '❌'} |`,
      `| latency max | ${result.latency.max.toFixed(1)} ms | |`,
      `| requests | ${result.requests.total} | |`,
      `| app process CPU per request | ${serverCpuMsPerRequest.toFixed(2)} ms | |`,
      `| load generator CPU per request | ${((benchCpu.user + benchCpu.system) / 1000 / Math.max(1, result.requests.total)).toFixed(2)} ms | |`,
      `| non-2xx / errors / timeouts | ${result.non2xx} / ${result.errors} / ${result.timeouts} | 0 |`,
      '',
      `1-minute load average ${loadBefore.toFixed(1)} before and ${loadAfter.toFixed(1)} after the run (on ${os.cpus().length} cores; other work on the machine lowers the numbers).`,
      describeMachineTime(machineShares),
      describeMachineSpeed(machineSpeed),
      '',
      'Meta alerts at p90 > 1 s and times out at 10 s (WHATSAPP.md §4.10).',
    ].join('\n');
    writeBenchReport('flows', markdown);
  } finally {
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server!.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
    await disconnectPrisma(prisma);
    await database.stop();
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
