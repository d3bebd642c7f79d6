/**
 * Benchmark of a busy slot: 30 contenders for one staff member's slot at once, from two app
 * processes (each its own HTTP app, job runner and connection pool, bench/contention-server.ts) on
 * one embedded PostgreSQL: 8 chat customers tapping Confirm on the summary, 8 Flow completions,
 * 10 REST creates and 4 REST reschedules, spread over both processes. Several rounds, a new slot
 * each. Reports per round the winners, how many were answered, PostgreSQL's deadlock count
 * (pg_stat_database.deadlocks) and the answer times (REST: the HTTP answer; chat and Flow: the
 * webhook post until the reply reaches the fake Graph API, as a customer would see it).
 * Run with `npm run bench:contention` (TZ=UTC tsx bench/contention.bench.ts); BENCH_ROUNDS sets
 * the rounds (default 5), BENCH_REPORT_NAME the results file (default contention).
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEMO, seedDemoBusinessIfEmpty } from '../prisma/seed';
import { createApiKey } from '../src/api';
import { createBookingService } from '../src/booking';
import { issueFlowToken } from '../src/flows';
import { migrateJobQueue } from '../src/jobs';
import { applyMigrations, createFixedClock, createPrismaClient, disconnectPrisma, ensureDatabaseExists } from '../src/platform';
import { startEmbeddedDatabase } from '../src/platform/embedded-database';
import type { Slot } from '../src/scheduling';
import { signBody } from '../src/whatsapp';
import { buildWebhook, nextMondayMorning } from '../test/support/channel-harness';
import { startFakeGraph } from '../test/support/fake-graph';
import { findFreePort } from '../test/support/free-port';
import { describeMachine, describeMachineSpeed, measureMachineSpeed, pickPercentile, writeBenchReport } from './lib/report';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CHAT = 8;
const FLOW = 8;
const REST_CREATE = 10;
const REST_RESCHEDULE = 4;
const CONTENDERS = CHAT + FLOW + REST_CREATE + REST_RESCHEDULE;
const ANSWER_TIMEOUT_MS = 150_000;
const TARGET_P99_MS = 2_000;
const APP_SECRET = 'bench-app-secret';
const APP_NAME = 'tapbook-contention-app';
const NOW = nextMondayMorning();

type Msg = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const text = (body: string) => ({ type: 'text', text: { body } });
const tap = (id: string) => ({ type: 'interactive', interactive: { type: 'button_reply', button_reply: { id, title: 'x' } } });
const rowsOf = (m: Msg): string[] => (m.interactive?.action?.sections ?? []).flatMap((s: Msg) => s.rows.map((r: Msg) => r.id as string));
const buttonsOf = (m: Msg): string[] => (m.interactive?.action?.buttons ?? []).map((b: Msg) => b.reply.id as string);
const bodyOf = (m: Msg) => (m.text?.body ?? m.interactive?.body?.text ?? '') as string;

/** What one contender heard, and when. */
interface Answer {
  path: 'chat' | 'flow' | 'rest-create' | 'rest-reschedule';
  outcome: 'booked' | 'taken' | 'other' | 'unanswered';
  ms: number;
  detail?: string;
}

async function main(): Promise<void> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'tapbook-bench-contention-'));
  // The embedded server runs as an unprivileged user when we are root: let it into the folder.
  fs.chmodSync(folder, 0o777);
  const database = await startEmbeddedDatabase({ dataDir: path.join(folder, 'data'), port: await findFreePort() });
  const url = database.urlFor('tapbook_bench');
  const prisma = createPrismaClient({ url, poolSize: 10 });
  const servers: ChildProcess[] = [];
  const graph = await startFakeGraph();
  try {
    await ensureDatabaseExists(database.adminUrl, 'tapbook_bench');
    await applyMigrations(url);
    await seedDemoBusinessIfEmpty(prisma);
    // The seed's staff alert number would queue a staff message at every booking, timed by the
    // bench's future clock (so never due) and never drained: this bench measures customers only.
    await prisma.staff.updateMany({ where: { whatsappNumber: DEMO.staffAlertNumber }, data: { whatsappNumber: null } });
    await migrateJobQueue(url);
    const business = await prisma.business.findFirstOrThrow({ where: { name: DEMO.businessName }, include: { services: true, staff: true } });
    const consultation = business.services.find((service) => service.uid === DEMO.services.consultation.uid)!.id;
    const ana = business.staff.find((staff) => staff.name === DEMO.staff.ana)!.id;
    const apiKey = (await createApiKey(prisma, { businessId: business.id, role: 'admin', name: 'bench' })).key;
    const bookings = createBookingService({ prisma, clock: createFixedClock(NOW) });

    const appUrl = `${url}${url.includes('?') ? '&' : '?'}application_name=${APP_NAME}`;
    const ports: number[] = [];
    for (let i = 0; i < 2; i += 1) {
      const child = fork(path.join(__dirname, 'contention-server.ts'), [], {
        execArgv: ['--import', 'tsx'],
        env: { ...process.env, DATABASE_URL: appUrl, DATABASE_POOL_SIZE: '10', WORKER_CONCURRENCY: '4', WHATSAPP_APP_SECRET: APP_SECRET, WHATSAPP_ACCESS_TOKEN: 'bench-token', WHATSAPP_GRAPH_URL: graph.baseUrl, BENCH_NOW: NOW.toISOString(), LOG_LEVEL: 'silent' },
      });
      servers.push(child);
      ports.push(
        await new Promise<number>((resolve, reject) => {
          child.once('message', (message) => resolve((message as { port: number }).port));
          child.once('exit', (code) => reject(new Error(`app process ${i} exited (code ${code}) before listening`)));
        }),
      );
    }

    const postWebhook = async (i: number, from: string, message: Record<string, unknown>) => {
      const body = buildWebhook(from, message);
      const res = await fetch(`http://127.0.0.1:${ports[i % 2]}/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(APP_SECRET, body) }, body });
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
    };
    const settle = async () => {
      const deadline = Date.now() + 60_000;
      // Every message handled and every reply sent, so no late reply of the walk counts as an answer.
      while ((await prisma.inboxMessage.count({ where: { processedAt: null } })) + (await prisma.outboxMessage.count({ where: { status: { in: ['queued', 'sending'] } } })) > 0) {
        if (Date.now() > deadline) throw new Error('the inbox did not drain within 60 s');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    const lastReply = async (from: string): Promise<Msg> => {
      const row = await prisma.outboxMessage.findFirst({ where: { recipient: from, kind: 'reply' }, orderBy: { sequence: 'desc' }, select: { payload: true } });
      return (row?.payload ?? {}) as Msg;
    };
    const sendEach = async (froms: string[], message: Record<string, unknown>) => {
      await Promise.all(froms.map((from, i) => postWebhook(i, from, message)));
      await settle();
    };
    const readDeadlocks = async () =>
      Number((await prisma.$queryRaw<Array<{ deadlocks: bigint }>>`SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()`)[0]!.deadlocks);

    // One slot per round: Dr. Ana's first free time on successive working days from the day after tomorrow.
    const { slots } = await bookings.findSlots({ businessId: business.id, serviceId: consultation, staffId: ana, from: new Date(NOW.getTime() + 2 * 86_400_000) });
    const days = [...new Set(slots.map((s) => s.localDate))];
    if (days.length < ROUNDS) throw new Error(`only ${days.length} bookable days for ${ROUNDS} rounds`);

    const machineSpeed = measureMachineSpeed();
    const loadBefore = os.loadavg()[0]!;
    const rounds: Array<{ answers: Answer[]; onSlot: number; deadlocks: number }> = [];
    const deadlocksAtStart = await readDeadlocks();
    let customerCounter = 0;
    const nextWaId = () => `3478${String((customerCounter += 1)).padStart(7, '0')}`;
    for (let round = 0; round < ROUNDS; round += 1) {
      const daySlots = slots.filter((s) => s.localDate === days[round]);
      const slot: Slot = daySlots[0]!;
      const slotRow = `slot:${slot.start.toISOString()}|${ana}`;

      // Chat customers walk to the summary of the slot (holds let go after each, as if expired).
      const chatFroms = Array.from({ length: CHAT }, nextWaId);
      await sendEach(chatFroms, text('hi'));
      await sendEach(chatFroms, tap('menu:book'));
      await sendEach(chatFroms, tap(`service:${consultation}`));
      await sendEach(chatFroms, tap(`staff:${ana}`));
      for (const from of chatFroms) {
        const dayRow = rowsOf(await lastReply(from)).find((id) => id.includes(slot.localDate));
        if (!dayRow) throw new Error(`no day row for ${slot.localDate}`);
        await sendEach([from], tap(dayRow));
        await sendEach([from], tap(slotRow));
        if (!buttonsOf(await lastReply(from)).includes('summary:confirm')) throw new Error('a chat customer did not reach the summary');
        await prisma.slotHold.deleteMany();
      }
      // Flow customers with a completed form, REST clients, and bookings later that day to move onto the slot.
      const flowCustomers = await prisma.customer.createManyAndReturn({
        data: Array.from({ length: FLOW + REST_CREATE + REST_RESCHEDULE }, () => {
          const waId = nextWaId();
          return { businessId: business.id, waId, phoneE164: `+${waId}`, name: `Bench ${waId}` };
        }),
        select: { id: true, waId: true },
      });
      const restClients = flowCustomers.splice(FLOW, REST_CREATE);
      const movers = flowCustomers.splice(FLOW, REST_RESCHEDULE);
      const flowMessages = await Promise.all(
        flowCustomers.map(async (customer) => {
          const token = await issueFlowToken(prisma, { businessId: business.id, customerId: customer.id, mode: 'book', locale: 'en', ttlMinutes: 60, now: NOW });
          const answer = { flow: 'booking', service_id: consultation, staff_id: ana, slot_start: slot.start.toISOString(), hold_id: '', customer_name: 'X', note: '', flow_token: token };
          return { from: customer.waId, message: { type: 'interactive', interactive: { type: 'nfm_reply', nfm_reply: { name: 'flow', body: 'Sent', response_json: JSON.stringify(answer) } } } };
        }),
      );
      const laterSlots = daySlots.filter((s) => s.start.getTime() >= slot.start.getTime() + 3 * 3_600_000).filter((_, i) => i % 3 === 0);
      const moving: string[] = [];
      for (const [i, mover] of movers.entries()) {
        const booked = await bookings.confirmSlot({ businessId: business.id, customerId: mover.id, serviceId: consultation, staffId: ana, start: laterSlots[i]!.start, source: 'api', actor: 'bench' });
        if (!booked.ok) throw new Error('could not arrange a booking to move');
        moving.push(booked.booking.uid);
      }
      const when = { date: slot.localDate, time: slot.localTime, timezone: business.timeZone, staffId: ana };
      const baseline = graph.requests.length;
      const deadlocksBefore = await readDeadlocks();

      // All 30 at once.
      const started = Date.now();
      const rest = (i: number, pathName: Answer['path'], route: string, body: unknown): Promise<Answer> =>
        fetch(`http://127.0.0.1:${ports[i % 2]}${route}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': apiKey }, body: JSON.stringify(body), signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS) })
          .then(async (res) => {
            const json = (await res.json()) as Msg;
            const ms = Date.now() - started;
            if (res.status === 200 || res.status === 201) return { path: pathName, outcome: 'booked' as const, ms };
            if (res.status === 409 && json.error?.code === 'slot_no_longer_available' && json.error.details?.alternatives?.length > 0) return { path: pathName, outcome: 'taken' as const, ms };
            return { path: pathName, outcome: 'other' as const, ms, detail: `${res.status} ${json.error?.code}` };
          })
          .catch((error: unknown) => ({ path: pathName, outcome: 'unanswered' as const, ms: Date.now() - started, detail: String(error) }));
      const restAnswers = Promise.all([
        ...restClients.map((client, i) => rest(i, 'rest-create', '/v1/appointments', { clientId: client.id, serviceId: consultation, ...when })),
        ...moving.map((appointmentId, i) => rest(i + 1, 'rest-reschedule', '/v1/appointments/reschedule', { appointmentId, ...when })),
      ]);
      const conversational = [...chatFroms.map((from) => ({ from, message: tap('summary:confirm'), path: 'chat' as const })), ...flowMessages.map((m) => ({ ...m, path: 'flow' as const }))];
      await Promise.all(conversational.map((c, i) => postWebhook(i, c.from, c.message)));
      // Chat and Flow answers: the first reply (not a read receipt) that reaches the fake Graph API for each customer.
      const pending = new Map(conversational.map((c) => [c.from, c.path]));
      const chatAnswers: Answer[] = [];
      let seen = baseline;
      while (pending.size > 0 && Date.now() - started < ANSWER_TIMEOUT_MS) {
        for (; seen < graph.requests.length; seen += 1) {
          const request = graph.requests[seen]!;
          const to = request.body.to as string;
          const pathName = pending.get(to);
          const body = bodyOf(request.body as Msg);
          if (!pathName || request.body.status === 'read' || body === '') continue;
          pending.delete(to);
          chatAnswers.push({ path: pathName, outcome: /^Booked!/.test(body) ? 'booked' : /^Sorry, that time was just taken/.test(body) ? 'taken' : 'other', ms: request.receivedAt - started, detail: body.slice(0, 60) });
        }
        if (pending.size > 0) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      for (const [, pathName] of pending) chatAnswers.push({ path: pathName, outcome: 'unanswered', ms: ANSWER_TIMEOUT_MS });
      const answers = [...(await restAnswers), ...chatAnswers];
      await settle().catch(() => undefined);
      const onSlot = await prisma.booking.count({ where: { staffId: ana, status: { in: ['pending', 'confirmed'] }, blockedFrom: { lt: slot.end }, blockedUntil: { gt: slot.start } } });
      rounds.push({ answers, onSlot, deadlocks: (await readDeadlocks()) - deadlocksBefore });
      const others = answers.filter((a) => a.outcome === 'other' || a.outcome === 'unanswered');
      console.log(`round ${round + 1}: ${summarise(answers).join(' | ')} | on slot ${onSlot}${others.length ? ` | ${others.map((a) => `${a.path}: ${a.outcome} ${a.detail ?? ''}`).join('; ')}` : ''}`);
    }

    // Exact deadlock total: a backend reports its statistics when idle (seconds late) or when it exits.
    for (const child of servers.splice(0)) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    const deadline = Date.now() + 30_000;
    while ((await prisma.$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = ${APP_NAME}`)[0]!.n > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const deadlocksTotal = (await readDeadlocks()) - deadlocksAtStart;
    const loadAfter = os.loadavg()[0]!;

    const all = rounds.flatMap((r) => r.answers);
    const header = '| round | winners (answers / on the slot) | answered | taken with alternatives | other | deadlocks | p50 | p95 | p99 | max |';
    const row = (label: string, answers: Answer[], onSlot: string, deadlocks: string) => {
      const [winners, answered, taken, other, p50, p95, p99, max] = summarise(answers);
      return `| ${label} | ${winners} / ${onSlot} | ${answered} | ${taken} | ${other} | ${deadlocks} | ${p50} | ${p95} | ${p99} | ${max} |`;
    };
    const times = all.filter((a) => a.outcome !== 'unanswered').map((a) => a.ms).sort((a, b) => a - b);
    const p99 = times.length ? pickPercentile(times, 99) : Infinity;
    const markdown = [
      `# Contention benchmark${process.env.BENCH_LABEL ? ` (${process.env.BENCH_LABEL})` : ''}`,
      '',
      describeMachine(),
      '',
      `${CONTENDERS} contenders for one slot of one staff member at once, from two app processes (each its own HTTP app, job runner`,
      `with 4 workers and pool of 10) on one embedded PostgreSQL: ${CHAT} chat customers tapping Confirm on the summary, ${FLOW} Flow`,
      `completions (webhooks), ${REST_CREATE} REST creates and ${REST_RESCHEDULE} REST reschedules (bookings later that day moved onto the slot).`,
      `${ROUNDS} rounds, a new slot each. Answer time: REST, the HTTP answer; chat and Flow, from posting the webhooks until the reply`,
      `reaches the (fake) Graph API. Deadlocks per round from pg_stat_database.deadlocks (backends report them up to seconds late);`,
      `the total is exact (read after the app processes exited).`,
      '',
      header,
      '|---|---|---|---|---|---|---|---|---|---|',
      ...rounds.map((r, i) => row(String(i + 1), r.answers, String(r.onSlot), String(r.deadlocks))),
      row('all', all, String(rounds.reduce((sum, r) => sum + r.onSlot, 0)), `${deadlocksTotal} (exact)`),
      '',
      `p99 over all answers ${p99.toFixed(0)} ms (target < ${TARGET_P99_MS} ms ${p99 < TARGET_P99_MS ? '✅' : '❌'}); per path p99: ${(['chat', 'flow', 'rest-create', 'rest-reschedule'] as const)
        .map((p) => {
          const pathTimes = all.filter((a) => a.path === p && a.outcome !== 'unanswered').map((a) => a.ms).sort((a, b) => a - b);
          return `${p} ${pathTimes.length ? pickPercentile(pathTimes, 99).toFixed(0) : '-'} ms`;
        })
        .join(', ')}.`,
      '',
      `1-minute load average ${loadBefore.toFixed(1)} before and ${loadAfter.toFixed(1)} after the run (on ${os.cpus().length} cores; other work on the machine slows it).`,
      describeMachineSpeed(machineSpeed),
    ].join('\n');
    writeBenchReport(process.env.BENCH_REPORT_NAME ?? 'contention', markdown);
  } finally {
    for (const child of servers) {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
    }
    await disconnectPrisma(prisma);
    await graph.close();
    await database.stop();
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

/** winners, answered, taken, other, p50, p95, p99, max of one set of answers. */
function summarise(answers: Answer[]): string[] {
  const answered = answers.filter((a) => a.outcome !== 'unanswered');
  const times = answered.map((a) => a.ms).sort((a, b) => a - b);
  const pick = (p: number) => (times.length ? `${pickPercentile(times, p).toFixed(0)} ms` : '-');
  return [
    String(answers.filter((a) => a.outcome === 'booked').length),
    `${answered.length}/${answers.length}`,
    String(answers.filter((a) => a.outcome === 'taken').length),
    String(answers.filter((a) => a.outcome === 'other').length),
    pick(50),
    pick(95),
    pick(99),
    times.length ? `${times.at(-1)!.toFixed(0)} ms` : '-',
  ];
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
