/**
 * Tapbook as `npm start` runs it (src/main.ts in a child process), for tests that need real
 * processes: startup refusals, several web and worker processes on one database, kill -9.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Repository root (where package.json is). */
export const ROOT = path.resolve(__dirname, '..', '..');
const NODE = path.join(ROOT, 'node_modules', '.bin', 'node');

/** A started src/main.ts and what it printed. */
export interface AppProcess {
  child: ChildProcessWithoutNullStreams;
  /** http://host:port of a web process; '' for a worker-only process. */
  baseUrl: string;
  stdout: string[];
  stderr(): string;
  /** Sends a signal and resolves with the exit code (null when killed by the signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** What a process that exits before its startup line printed, and its exit code. */
export interface RefusedStart {
  code: number | null;
  stdout: string;
  stderr: string;
}

function spawnMain(env: Record<string, string>): ChildProcessWithoutNullStreams {
  return spawn(NODE, ['--import', 'tsx', 'src/main.ts'], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn', ...env } });
}

/** Starts src/main.ts with env on top of this process's environment; resolves at its startup line. */
export async function startApp(env: Record<string, string>): Promise<AppProcess> {
  const child = spawnMain(env);
  const stdout: string[] = [];
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const baseUrl = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        stdout.push(line);
        const match = /listening on (http:\/\/\S+)/.exec(line);
        if (match) resolve(match[1]!);
        else if (/job worker running/.test(line)) resolve('');
      }
    });
    void exited.then((code) => reject(new Error(`src/main.ts exited with ${code} before starting: ${stderr}`)));
  });
  return {
    child,
    baseUrl,
    stdout,
    stderr: () => stderr,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Runs src/main.ts expecting it to refuse to start; resolves with its exit code and output. */
export async function runRefusedStart(env: Record<string, string>): Promise<RefusedStart> {
  const child = spawnMain(env);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    // A start that was expected to fail did not: stop it so the test fails on its assertions, not a timeout.
    if (/listening on|job worker running/.test(stdout)) child.kill('SIGTERM');
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
  return { code, stdout, stderr };
}

/** Runs `npm run db:migrate` (prisma/migrate-cli.ts apply) with env; resolves with its output. */
export async function runDbMigrate(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(NODE, ['--import', 'tsx', 'prisma/migrate-cli.ts', 'apply'], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
  return { code, stdout, stderr };
}

/**
 * The local ports of a running process's TCP sockets (Linux /proc): its database sessions are the
 * rows of pg_stat_activity whose client_port is among them, which tells processes on one host apart.
 */
export function localTcpPortsOf(pid: number): Set<number> {
  const inodes = new Set<string>();
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      const socket = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (socket) inodes.add(socket[1]!);
    } catch {
      // Closed between the listing and the readlink: not a session we could be looking for.
    }
  }
  const ports = new Set<number>();
  for (const table of ['tcp', 'tcp6']) {
    const file = `/proc/${pid}/net/${table}`;
    if (!fs.existsSync(file)) continue;
    // Columns: sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode …
    for (const line of fs.readFileSync(file, 'utf8').split('\n').slice(1)) {
      const columns = line.trim().split(/\s+/);
      if (columns.length > 9 && inodes.has(columns[9]!)) ports.add(Number.parseInt(columns[1]!.split(':').at(-1)!, 16));
    }
  }
  return ports;
}
