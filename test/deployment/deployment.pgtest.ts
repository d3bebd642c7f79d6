/**
 * The deployment DEPLOY.md describes, on a real PostgreSQL server from the operating system's
 * packages (run only by `npm run test:postgres`, never with the embedded server): a role without
 * superuser owning its database, `npm run db:migrate` from empty, two web and two worker processes
 * (src/main.ts, PROCESS_ROLE=web / worker), 50 customers booking through chat and the Flow at once
 * (signed webhooks, each customer's first one delivered to both web processes at once; encrypted
 * Flows requests; Graph API faked on loopback) while one worker is killed with SIGKILL in the middle
 * of jobs and restarted, and a pg_dump taken meanwhile restored into a fresh database on which the
 * server starts and serves the same bookings over the REST API.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { DEMO } from '../../prisma/seed';
import { decryptResponseLikeWhatsApp, encryptRequestLikeWhatsApp, issueFlowToken } from '../../src/flows';
import { createPrismaClient, disconnectPrisma, type PrismaClient } from '../../src/platform/database';
import { DEAD_WORKER_GRACE_SECONDS, LIVE_WORKER_LOCK_NAMESPACE } from '../../src/jobs';
import { readMigrationsList } from '../../src/platform/migrations';
import { signBody } from '../../src/whatsapp';
import { localTcpPortsOf, runDbMigrate, startApp, type AppProcess } from '../support/app-process';
import { buildWebhook } from '../support/channel-harness';
import { startFakeGraph, type FakeGraph } from '../support/fake-graph';
import { findFreePort } from '../support/free-port';
import { runAdminQuery } from '../support/test-database';
import { waitUntil } from '../support/wait-until';

jest.setTimeout(900_000);

type Msg = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const CHAT_CUSTOMERS = 25;
const FLOW_CUSTOMERS = 25;
const APP_SECRET = 'deployment-app-secret';
const ADMIN_API_KEY = randomBytes(24).toString('hex');
const FIXTURES = path.join(__dirname, '..', 'fixtures', 'flows');
const PRIVATE_PEM = fs.readFileSync(path.join(FIXTURES, 'test-private.pem'), 'utf8');
const PUBLIC_PEM = fs.readFileSync(path.join(FIXTURES, 'test-public.pem'), 'utf8');
const STEP_TIMEOUT_MS = 240_000;

const text = (body: string) => ({ type: 'text', text: { body } });
const tap = (id: string) => ({ type: 'interactive', interactive: { type: 'button_reply', button_reply: { id, title: 'x' } } });
const pick = (id: string) => ({ type: 'interactive', interactive: { type: 'list_reply', list_reply: { id, title: 'x' } } });
const rowsOf = (m: Msg): string[] => (m.interactive?.action?.sections ?? []).flatMap((s: Msg) => (s.rows ?? []).map((r: Msg) => r.id as string));
const buttonsOf = (m: Msg): string[] => (m.interactive?.action?.buttons ?? []).map((b: Msg) => b.reply.id as string);
const bodyOf = (m: Msg) => (m.text?.body ?? m.interactive?.body?.text ?? '') as string;

/** PostgreSQL's own programs (pg_dump, pg_restore) of the server the global setup started. */
function pgBin(): string {
  const dir = process.env.TAPBOOK_TEST_PG_BIN;
  if (!dir) throw new Error('This scenario runs only on the operating system\'s PostgreSQL: use `npm run test:postgres`.');
  return dir;
}

/** Runs a PostgreSQL client program (as the `postgres` user when we are root), without blocking the event loop. */
function runPgClient(program: string, args: string[]): Promise<{ code: number | null; stderr: string }> {
  const executable = path.join(pgBin(), program);
  const [command, commandArgs] = process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', executable, ...args]] : [executable, args];
  const child = spawn(command, commandArgs, { cwd: os.tmpdir(), stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr })));
}

function databaseUrl(user: string, password: string, database: string): string {
  const url = new URL(process.env.TAPBOOK_TEST_PG_ADMIN_URL!);
  url.username = user;
  url.password = password;
  url.pathname = `/${database}`;
  return url.toString();
}

describe('deployment on the operating system\'s PostgreSQL', () => {
  const suffix = randomBytes(4).toString('hex');
  const role = `tapbook_${suffix}`;
  const password = randomBytes(12).toString('hex');
  const liveDb = `tapbook_live_${suffix}`;
  const restoredDb = `tapbook_restored_${suffix}`;
  const liveUrl = databaseUrl(role, password, liveDb);
  const restoredUrl = databaseUrl(role, password, restoredDb);
  const dumpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tapbook-dump-'));
  const dumpFile = path.join(dumpDir, 'tapbook.dump');
  const processes: AppProcess[] = [];
  let graph: FakeGraph;
  let prisma: PrismaClient | undefined;

  beforeAll(async () => {
    // As DEPLOY.md §2: a login role without superuser or CREATEDB that owns its database.
    await runAdminQuery(`CREATE ROLE "${role}" LOGIN PASSWORD '${password}'`);
    await runAdminQuery(`CREATE DATABASE "${liveDb}" OWNER "${role}"`);
    await runAdminQuery(`CREATE DATABASE "${restoredDb}" OWNER "${role}"`);
    // pg_dump/pg_restore run as the `postgres` OS user when we are root: let it write the dump.
    fs.chmodSync(dumpDir, 0o777);
    graph = await startFakeGraph();
  });

  afterAll(async () => {
    await Promise.all(processes.map((app) => app.stop('SIGKILL')));
    if (prisma) await disconnectPrisma(prisma);
    await graph?.close();
    await runAdminQuery(`DROP DATABASE IF EXISTS "${liveDb}" WITH (FORCE)`);
    await runAdminQuery(`DROP DATABASE IF EXISTS "${restoredDb}" WITH (FORCE)`);
    await runAdminQuery(`DROP ROLE IF EXISTS "${role}"`);
    fs.rmSync(dumpDir, { recursive: true, force: true });
  });

  it('runs on the OS server, not the embedded one', async () => {
    const client = new Client({ connectionString: process.env.TAPBOOK_TEST_PG_ADMIN_URL });
    await client.connect();
    const { rows } = await client.query<{ server_version_num: string }>('SHOW server_version_num');
    await client.end();
    const major = Math.floor(Number(rows[0]!.server_version_num) / 10_000);
    expect(pgBin()).toContain(`/${major}/`);
    expect(major).toBeGreaterThanOrEqual(14);
  });

  it('migrates from empty, books 50 customers on 2 web + 2 worker processes through a worker crash, and a dump taken meanwhile restores', async () => {
    // 1. Migrations from empty, with the command DEPLOY.md gives.
    const migrated = await runDbMigrate({ DATABASE_URL: liveUrl });
    expect(migrated.stderr).toBe('');
    expect(migrated.code).toBe(0);
    expect(migrated.stdout.trim()).toBe(`Applied: ${readMigrationsList().migrationDirectories.map((d) => d.path).join(', ')}`);

    // 2. Two web and two worker processes, as the systemd units run them (no MIGRATE_ON_START: off with DATABASE_URL).
    const common = {
      DATABASE_URL: liveUrl,
      HOST: '127.0.0.1',
      WHATSAPP_APP_SECRET: APP_SECRET,
      WHATSAPP_ACCESS_TOKEN: 'deployment-token',
      WHATSAPP_GRAPH_URL: graph.baseUrl,
      FLOWS_PRIVATE_KEY: PRIVATE_PEM,
      FLOWS_PRIVATE_KEY_PASSPHRASE: 'oracle-test',
      ADMIN_API_KEY,
      DATABASE_POOL_SIZE: '5',
      WORKER_CONCURRENCY: '4',
      WORKER_NICE: '0',
    };
    const webEnv = async () => ({ ...common, PROCESS_ROLE: 'web', PORT: String(await findFreePort()) });
    const workerEnv = { ...common, PROCESS_ROLE: 'worker' };
    // The first start seeds the demo business; the others find it.
    processes.push(await startApp(await webEnv()));
    const [web2, worker1, worker2] = await Promise.all([webEnv().then(startApp), startApp(workerEnv), startApp(workerEnv)]);
    processes.push(web2!, worker1!, worker2!);
    const webs = [processes[0]!, web2!];
    prisma = createPrismaClient({ url: liveUrl, poolSize: 4 });
    const db = prisma;
    const business = await db.business.findFirstOrThrow({ where: { name: DEMO.businessName }, include: { services: true } });
    const consultation = business.services.find((service) => service.uid === DEMO.services.consultation.uid)!.id;

    // 3. 50 customers at once, each request to one of the two web processes in turn.
    let turn = 0;
    const nextWeb = () => webs[(turn += 1) % webs.length]!.baseUrl;
    const posted: string[] = [];
    /** Posts one message's webhook; `redelivered`: Meta delivers it twice, to both web processes at once. */
    const postWebhook = async (from: string, message: Record<string, unknown>, redelivered = false) => {
      const body = buildWebhook(from, message, `Customer ${from.slice(-4)}`);
      posted.push((JSON.parse(body) as Msg).entry[0].changes[0].value.messages[0].id as string);
      const deliver = (baseUrl: string) => fetch(`${baseUrl}/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(APP_SECRET, body) }, body });
      const answers = await Promise.all(redelivered ? webs.map((web) => deliver(web.baseUrl)) : [deliver(nextWeb())]);
      expect(answers.map((res) => res.status)).toEqual(answers.map(() => 200));
    };
    const repliesTo = (from: string) => graph.messages().filter((m) => m.to === from);
    /** Posts one message and waits until every reply to it has reached the Graph API; returns the last. */
    const say = async (from: string, message: Record<string, unknown>, redelivered = false): Promise<Msg> => {
      const before = repliesTo(from).length;
      await postWebhook(from, message, redelivered);
      const wamid = posted[posted.length - 1]!;
      await waitUntil(
        async () => {
          if (repliesTo(from).length <= before) return false;
          const inbox = await db.inboxMessage.findUnique({ where: { waMessageId: wamid }, select: { processedAt: true } });
          const unsent = await db.outboxMessage.count({ where: { recipient: from, status: { in: ['queued', 'sending'] } } });
          return Boolean(inbox?.processedAt) && unsent === 0;
        },
        `the answer to customer ${from}`,
        STEP_TIMEOUT_MS,
      ).catch(async (error: Error) => {
        // Say where the message stands: stored? handled? its replies queued, sent?
        const inbox = await db.inboxMessage.findUnique({ where: { waMessageId: wamid }, select: { processedAt: true, outcome: true } });
        const outbox = await db.outboxMessage.findMany({ where: { recipient: from }, select: { kind: true, status: true, attempts: true, lastError: true, createdAt: true } });
        const jobs = await db.$queryRaw<Array<Record<string, unknown>>>`SELECT task_identifier, attempts, locked_by, last_error FROM graphile_worker.jobs`;
        throw new Error(`${error.message}\ninbox: ${JSON.stringify(inbox, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}\noutbox: ${JSON.stringify(outbox)}\nreplies seen: ${repliesTo(from).length - before}\njobs: ${JSON.stringify(jobs).slice(0, 2000)}`);
      });
      return repliesTo(from).at(-1)!;
    };
    // A 503 "busy" from the Flows endpoint (holding a time gave up on a schedule many customers change at once;
    // nothing written) shows the customer WhatsApp's generic error and lets them tap again: the customer tries
    // again, and the run reports how often. Anything else that is not a 200 fails the run.
    const flowBusyAnswers: string[] = [];
    const postFlow = async (payload: unknown): Promise<Msg> => {
      for (let attempt = 1; ; attempt += 1) {
        const { body, aesKey, iv } = encryptRequestLikeWhatsApp({ payload, publicKey: PUBLIC_PEM });
        const raw = JSON.stringify(body);
        const res = await fetch(`${nextWeb()}/flows/endpoint`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(APP_SECRET, raw) }, body: raw });
        if (res.status === 200) return decryptResponseLikeWhatsApp({ responseBody: await res.text(), aesKey, iv }) as Msg;
        const answer = `${res.status} ${await res.text()}`;
        if (res.status !== 503 || attempt === 5) throw new Error(`the Flows endpoint answered ${answer} (attempt ${attempt})`);
        flowBusyAnswers.push(answer);
      }
    };

    /**
     * A chat customer: the menu, lists and buttons, then Confirm; resolves with the answer to Confirm.
     * Customers pick different times of the list (some the same: the contention is real), as people do;
     * a time taken meanwhile answers "just taken" with the nearest free times, and they pick again from those.
     */
    const chatCustomer = async (from: string, index: number): Promise<string> => {
      let reply = await say(from, text('hi'), true);
      const transcript: string[] = [];
      // Bounded only to name a conversation that goes round in circles: each "just taken" is another customer's gain.
      for (let step = 0; step < 40; step += 1) {
        transcript.push(`${bodyOf(reply).slice(0, 60)} [${[...buttonsOf(reply), ...rowsOf(reply)].join(' ')}]`);
        const buttons = buttonsOf(reply);
        const rows = rowsOf(reply);
        if (buttons.includes('summary:confirm')) return bodyOf(await say(from, tap('summary:confirm')));
        const slots = rows.filter((id) => id.startsWith('slot:'));
        const choice =
          [...buttons, ...rows].find((id) => id === 'menu:book') ??
          slots[(index + step) % Math.max(1, slots.length)] ??
          [...buttons, ...rows].find((id) => id === `service:${consultation}`) ??
          rows.find((id) => id.startsWith('day:')) ??
          [...buttons, ...rows].find((id) => id.startsWith('staff:')) ??
          buttons[0] ??
          rows[0];
        if (!choice) throw new Error(`customer ${from} got a reply without a choice: ${bodyOf(reply).slice(0, 80)}`);
        reply = await say(from, buttons.includes(choice) ? tap(choice) : pick(choice));
      }
      throw new Error(`customer ${from} did not reach the summary:\n${transcript.join('\n')}`);
    };

    /** A Flow customer: the Flow form at the encrypted endpoint, then its completion webhook. */
    const flowCustomer = async (from: string, index: number): Promise<string> => {
      await say(from, text('hi'), true);
      const customer = await db.customer.findFirstOrThrow({ where: { businessId: business.id, waId: from } });
      const token = await issueFlowToken(db, { businessId: business.id, customerId: customer.id, mode: 'book', locale: 'en', ttlMinutes: 60, now: new Date() });
      expect((await postFlow({ version: '3.0', action: 'INIT', flow_token: token })).screen).toBe('SERVICE');
      let times: Msg[] = [];
      for (let days = 1; days <= 14 && times.length === 0; days += 1) {
        const date = new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
        const answer = await postFlow({ version: '3.0', action: 'data_exchange', screen: 'DATE', flow_token: token, data: { screen_action: 'choose_date', date, service_id: consultation, staff_id: 'any' } });
        if (answer.screen === 'TIME') times = answer.data.times as Msg[];
      }
      expect(times.length).toBeGreaterThan(0);
      // Customers pick different times of the list (some the same: the contention is real); a time another
      // customer holds by now answers TIME again with fresh times and an error message: pick again.
      let details: Msg = {};
      const refusals: string[] = [];
      for (let attempt = 0; attempt < 10 && details.screen !== 'DETAILS'; attempt += 1) {
        const time = times[(index * 2 + attempt) % times.length]!.id as string;
        details = await postFlow({ version: '3.0', action: 'data_exchange', screen: 'TIME', flow_token: token, data: { screen_action: 'choose_time', time, service_id: consultation, staff_id: 'any' } });
        if (details.screen === 'TIME') {
          refusals.push(`${time}: ${details.data.error_message}`);
          times = details.data.times as Msg[];
        }
      }
      if (details.screen !== 'DETAILS') throw new Error(`Flow customer ${from} found no time to hold:\n${refusals.join('\n')}`);
      const d = details.data as Msg;
      const summary = await postFlow({
        version: '3.0', action: 'data_exchange', screen: 'DETAILS', flow_token: token,
        data: { screen_action: 'submit_details', name: `Flow ${from.slice(-4)}`, note: '', service_id: d.service_id, staff_id: d.staff_id, slot_start: d.slot_start, hold_id: d.hold_id },
      });
      expect(summary.screen).toBe('SUMMARY');
      const s = summary.data as Msg;
      const answer = { flow: 'booking', service_id: s.service_id, staff_id: s.staff_id, slot_start: s.slot_start, hold_id: s.hold_id, customer_name: s.customer_name, note: s.note, flow_token: token };
      const completion = { type: 'interactive', interactive: { type: 'nfm_reply', nfm_reply: { name: 'flow', body: 'Sent', response_json: JSON.stringify(answer) } } };
      return bodyOf(await say(from, completion));
    };

    const chatFroms = Array.from({ length: CHAT_CUSTOMERS }, (_, i) => `3461${suffix.slice(0, 2).replace(/\D/g, '0')}${String(i).padStart(5, '0')}`.slice(0, 11));
    const flowFroms = Array.from({ length: FLOW_CUSTOMERS }, (_, i) => `3462${String(i).padStart(7, '0')}`);
    // Every customer runs to its end, even after another failed: nothing of the run outlives the test.
    let allDone = false;
    const settled = Promise.allSettled([...chatFroms.map(chatCustomer), ...flowFroms.map(flowCustomer)]).then((results) => {
      allDone = true;
      return results;
    });
    /** Throws the first customer's failure; resolves with every customer's last answer otherwise. */
    const customersOutcome = async (): Promise<string[]> => {
      const results = await settled;
      const failures = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as Error] : []));
      if (failures.length > 0) throw new Error(`${failures.length} customer(s) failed; the first: ${failures[0]!.message}`, { cause: failures[0] });
      return results.map((result) => (result as PromiseFulfilledResult<string>).value);
    };

    // 4. Meanwhile: once a third of the 230-odd messages came in, kill one worker (no clean shutdown) in the middle of
    // jobs, and start it again. Its jobs are the ones locked by a worker id its runner marks alive with an advisory
    // lock (src/jobs/dead-workers.ts), on a database session of that process (told apart by the session's port).
    const jobsHeldBy = async (app: AppProcess) => {
      const ports = [...localTcpPortsOf(app.child.pid!)];
      return db.$queryRawUnsafe<Array<{ id: string; lockedBy: string }>>(
        `SELECT j.id::text AS id, j.locked_by AS "lockedBy" FROM graphile_worker.jobs j WHERE j.locked_by IS NOT NULL AND EXISTS (
           SELECT 1 FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
           WHERE a.client_port = ANY($1::int[]) AND l.locktype = 'advisory' AND l.granted
             AND l.classid = $2::int::oid AND l.objid = hashtext(j.locked_by)::oid)`,
        ports,
        LIVE_WORKER_LOCK_NAMESPACE,
      );
    };
    const victim = processes[2]!;
    let held: Array<{ id: string; lockedBy: string }> = [];
    await waitUntil(
      async () => allDone || ((await db.inboxMessage.count()) >= 100 && (held = await jobsHeldBy(victim)).length > 0),
      'a third of the conversations in and the first worker in the middle of jobs',
      STEP_TIMEOUT_MS,
    );
    if (allDone) await customersOutcome(); // failed early: say why, not that the kill never came
    expect(await victim.stop('SIGKILL')).toBeNull();
    // What the dead process left locked: nobody takes it until the dead-worker sweep hands it over.
    const stranded = await db.$queryRawUnsafe<Array<{ id: string }>>(
      'SELECT id::text AS id FROM graphile_worker.jobs WHERE locked_by = ANY($1::text[])',
      [...new Set(held.map((job) => job.lockedBy))],
    );
    expect(stranded.length).toBeGreaterThan(0);
    processes[2] = await startApp(workerEnv);

    // 5. Meanwhile: a backup as DEPLOY.md's schedule takes it (the postgres superuser, custom format), counting bookings around it.
    await waitUntil(async () => allDone || (await db.inboxMessage.count()) >= 180, 'more than half of the conversations', STEP_TIMEOUT_MS);
    if (allDone) await customersOutcome();
    const bookedBeforeDump = await db.booking.count();
    const dump = await runPgClient('pg_dump', ['--format=custom', `--file=${dumpFile}`, databaseUrl('postgres', '', liveDb)]);
    const bookedAfterDump = await db.booking.count();
    expect(dump).toEqual({ code: 0, stderr: '' });

    await settled;
    if (flowBusyAnswers.length > 0) console.warn(`The Flows endpoint answered 503 busy ${flowBusyAnswers.length} time(s); the customers tapped again and went on.`);
    const answers = await customersOutcome();

    // Every customer answered: a confirmation or "just taken" with other times, never silence.
    expect(answers).toHaveLength(CHAT_CUSTOMERS + FLOW_CUSTOMERS);
    for (const answer of answers) expect(answer).toMatch(/^(Booked! ✅|Sorry, that time was just taken)/);
    // Every message stored once and handled.
    const inbox = await db.inboxMessage.findMany({ select: { waMessageId: true, processedAt: true } });
    expect(inbox.map((row) => row.waMessageId).sort()).toEqual([...new Set(posted)].sort());
    expect(posted).toHaveLength(new Set(posted).size);
    // Every first message came twice (to both web processes at once) and was answered once: one greeting each.
    const greetings = graph.messages().filter((m) => bodyOf(m).startsWith('Hi! Welcome to Demo Clinic.'));
    expect(greetings.map((m) => m.to as string).sort()).toEqual([...chatFroms, ...flowFroms].sort());
    expect(inbox.filter((row) => !row.processedAt)).toEqual([]);
    // The jobs the killed worker held are taken over and done: none is left in the queue. Not every one of them
    // stands between a customer and an answer (a sender's later job may have handled its messages already), so
    // the customers can be done first: the dead-worker sweep frees them within its grace period and a cron minute.
    const strandedLeft = () =>
      db.$queryRawUnsafe<Array<{ id: string; task: string }>>(
        'SELECT id::text AS id, task_identifier AS task FROM graphile_worker.jobs WHERE id = ANY($1::bigint[])',
        stranded.map((job) => job.id),
      );
    await waitUntil(async () => (await strandedLeft()).length === 0, 'the jobs the killed worker held taken over and done', (DEAD_WORKER_GRACE_SECONDS + 2 * 60) * 1000)
      .catch(async (error: Error) => { throw new Error(`${error.message}: ${JSON.stringify(await strandedLeft())}`); });
    // Every reply handed to the Graph API (`accepted`: Meta took it; `sent` comes with its status webhook).
    await waitUntil(async () => (await db.outboxMessage.count({ where: { status: { in: ['queued', 'sending'] } } })) === 0, 'every reply handed to Meta', STEP_TIMEOUT_MS);
    expect(await db.outboxMessage.count({ where: { status: 'failed' } })).toBe(0);
    // No double booking: one booking per confirmed customer, no two overlapping for one staff member.
    const bookings = await db.booking.findMany({ where: { status: { in: ['pending', 'confirmed'] } }, include: { customer: true } });
    const booked = [...chatFroms, ...flowFroms].filter((_, i) => answers[i]!.startsWith('Booked!'));
    expect(bookings.map((b) => b.customer.waId).sort()).toEqual([...booked].sort());
    const overlaps = await db.$queryRaw<Array<{ n: number }>>`
      SELECT count(*)::int AS n FROM bookings a JOIN bookings b ON a.staff_id = b.staff_id AND a.id < b.id
      WHERE a.status IN ('pending', 'confirmed') AND b.status IN ('pending', 'confirmed')
        AND a.blocked_from < b.blocked_until AND b.blocked_from < a.blocked_until`;
    expect(overlaps[0]!.n).toBe(0);

    // 6. The dump restores into a fresh database, on which the server starts and serves the same bookings.
    // As DEPLOY.md §8's restore drill: the postgres superuser restores, the app role owns what it creates.
    const restore = await runPgClient('pg_restore', [`--dbname=${databaseUrl('postgres', '', restoredDb)}`, '--no-owner', `--role=${role}`, '--exit-on-error', dumpFile]);
    expect(restore).toEqual({ code: 0, stderr: '' });
    const restored = await startApp(await webEnv().then((env) => ({ ...env, DATABASE_URL: restoredUrl })));
    processes.push(restored);
    const listAll = async (baseUrl: string): Promise<Msg[]> => {
      const res = await fetch(`${baseUrl}/v1/appointments?limit=100`, { headers: { 'x-api-key': ADMIN_API_KEY } });
      expect(res.status).toBe(200);
      const page = (await res.json()) as Msg;
      expect(page.pagination.totalItems).toBeLessThanOrEqual(100);
      return page.data as Msg[];
    };
    const fromBackup = await listAll(restored.baseUrl);
    const live = new Map((await listAll(webs[0]!.baseUrl)).map((appointment) => [appointment.id, appointment]));
    expect(fromBackup.length).toBeGreaterThanOrEqual(bookedBeforeDump);
    expect(fromBackup.length).toBeLessThanOrEqual(bookedAfterDump);
    expect(fromBackup.length).toBeGreaterThan(0);
    for (const appointment of fromBackup) expect(appointment).toEqual(live.get(appointment.id));
  });
});
