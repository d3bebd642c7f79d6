/**
 * `npm start` as a user runs it: embedded PostgreSQL in a data folder, migrations, demo seed,
 * one startup line, /health, a clean stop on SIGINT within 10 s, and the data reused next time;
 * a worker-only process lowers its CPU priority.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { waitUntil } from './support/wait-until';
import { findFreePort } from './support/free-port';

const ROOT = path.resolve(__dirname, '..');


interface StartedServer {
  child: ChildProcessWithoutNullStreams;
  stdoutLines: string[];
  baseUrl: string;
}

async function startServer(env: Record<string, string>): Promise<StartedServer> {
  const child = spawn(path.join(ROOT, 'node_modules/.bin/node'), ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env, LOG_LEVEL: 'warn' },
  });
  const stdoutLines: string[] = [];
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const baseUrl = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        stdoutLines.push(line);
        const match = /listening on (http:\/\/\S+)/.exec(line);
        if (match) resolve(match[1]!);
        else if (/job worker running/.test(line)) resolve('');
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
  });
  return { child, stdoutLines, baseUrl };
}

async function stopServer(server: StartedServer): Promise<{ code: number | null; ms: number }> {
  const started = Date.now();
  const exited = new Promise<number | null>((resolve) => server.child.once('exit', (code) => resolve(code)));
  server.child.kill('SIGINT');
  const code = await exited;
  return { code, ms: Date.now() - started };
}

describe('npm start (embedded PostgreSQL)', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tapbook-start-'));
  // When tests run as root, PostgreSQL runs as an unprivileged user that must reach the folder.
  fs.chmodSync(dataDir, 0o755);
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('starts, answers /health, stops within 10 s, and reuses its data on the next start', async () => {
    const pgPort = await findFreePort();
    const env = { DATA_DIR: dataDir, PORT: String(await findFreePort()), EMBEDDED_POSTGRES_PORT: String(pgPort), HOST: '127.0.0.1' };

    const first = await startServer(env);
    expect(first.stdoutLines[0]).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+ — sandbox mode/);
    // The startup line names the WhatsApp simulator, and it answers.
    const simulatorUrl = /WhatsApp simulator: (http:\/\/\S+\/simulator)$/.exec(first.stdoutLines[0]!)?.[1];
    expect(simulatorUrl).toBe(`${first.baseUrl}/simulator`);
    expect((await fetch(simulatorUrl!)).status).toBe(200);
    // Sandbox mode: the second line is the demo admin's sign-in, and it works.
    await waitUntil(() => first.stdoutLines.length >= 2, 'the staff console sign-in line');
    expect(first.stdoutLines).toHaveLength(2);
    const signInLine = /Staff console: (http:\/\/\S+\/admin) — sign in as (\S+) with password (\S+) /.exec(first.stdoutLines[1]!);
    expect(signInLine).not.toBeNull();
    const form = await fetch(`${first.baseUrl}/admin/sign-in`);
    const formToken = /name="_form" value="([^"]+)"/.exec(await form.text())![1]!;
    const signedIn = await fetch(`${first.baseUrl}/admin/sign-in`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: form.headers.get('set-cookie')!.split(';')[0]! },
      body: new URLSearchParams({ _form: formToken, email: signInLine![2]!, password: signInLine![3]!, next: '' }).toString(),
    });
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('location')).toBe('/admin/calendar');
    const health = await fetch(`${first.baseUrl}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', database: 'ok', tzdata: process.versions.tz });
    expect(fs.existsSync(path.join(dataDir, 'postgres', 'PG_VERSION'))).toBe(true);

    const firstStop = await stopServer(first);
    expect(firstStop.code).toBe(0);
    expect(firstStop.ms).toBeLessThan(10_000);

    const second = await startServer(env);
    const client = new Client({ connectionString: `postgresql://postgres:postgres@127.0.0.1:${pgPort}/tapbook` });
    await client.connect();
    const { rows } = await client.query('SELECT name, time_zone FROM businesses');
    await client.end();
    expect(rows).toEqual([{ name: 'Demo Clinic', time_zone: 'Europe/Madrid' }]);
    const secondStop = await stopServer(second);
    expect(secondStop.code).toBe(0);

    // A worker-only process yields the CPU to the webhook intake (WORKER_NICE, default 10).
    const worker = await startServer({ ...env, PROCESS_ROLE: 'worker' });
    expect(worker.stdoutLines[0]).toMatch(/job worker running/);
    expect(niceOf(worker.child.pid!)).toBe(Math.min(19, os.getPriority() + 10));
    expect((await stopServer(worker)).code).toBe(0);
  });
});

/** The nice value of a running process (Linux /proc: field 19 of stat). */
function niceOf(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[16]);
}
