/**
 * A throwaway PostgreSQL server from the operating system's packages (Debian's `postgresql`),
 * for `npm run test:postgres`: initdb in a temporary folder, started with pg_ctl on a free
 * loopback port. PostgreSQL refuses to run as root, so as root every server binary runs as the
 * `postgres` user (created by the package) through runuser.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findFreePort } from './free-port';

/** A running server of the operating system's PostgreSQL and how to stop it. */
export interface SystemPostgres {
  /** Folder of initdb, pg_ctl, pg_dump, pg_restore, psql. */
  binDir: string;
  port: number;
  /** Superuser connection to the maintenance database. */
  adminUrl: string;
  /** Major version of the server, e.g. 15. */
  majorVersion: number;
  stop(): void;
}

/**
 * The folder holding PostgreSQL's server binaries: TAPBOOK_TEST_PG_BIN, else the newest
 * /usr/lib/postgresql/<major>/bin (Debian's layout). Throws with the install command when none.
 */
export function findSystemPostgresBin(env: NodeJS.ProcessEnv = process.env): string {
  const candidates: string[] = [];
  if (env.TAPBOOK_TEST_PG_BIN) candidates.push(env.TAPBOOK_TEST_PG_BIN);
  const debianRoot = '/usr/lib/postgresql';
  if (fs.existsSync(debianRoot)) {
    const majors = fs.readdirSync(debianRoot).filter((name) => /^\d+$/.test(name)).sort((a, b) => Number(b) - Number(a));
    candidates.push(...majors.map((major) => path.join(debianRoot, major, 'bin')));
  }
  const found = candidates.find((dir) => ['initdb', 'pg_ctl', 'pg_dump', 'pg_restore'].every((name) => fs.existsSync(path.join(dir, name))));
  if (!found) {
    throw new Error(
      'npm run test:postgres needs a PostgreSQL server from the operating system (initdb, pg_ctl, pg_dump, pg_restore): ' +
        'install it (Debian/Ubuntu: `apt-get install postgresql`) or set TAPBOOK_TEST_PG_BIN to the folder holding those programs.',
    );
  }
  return found;
}

const isRoot = () => process.getuid?.() === 0;

/** Runs one of the server's programs, as the `postgres` user when we are root. */
export function runPgProgram(binDir: string, program: string, args: string[], options: { cwd?: string } = {}): string {
  const executable = path.join(binDir, program);
  const [command, commandArgs] = isRoot() ? ['runuser', ['-u', 'postgres', '--', executable, ...args]] : [executable, args];
  return execFileSync(command, commandArgs, { encoding: 'utf8', cwd: options.cwd ?? os.tmpdir(), env: { ...process.env, LC_ALL: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** initdb + pg_ctl start in a fresh temporary folder on a free port; resolves once it accepts connections. */
export async function startSystemPostgres(binDir: string = findSystemPostgresBin()): Promise<SystemPostgres> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tapbook-system-pg-'));
  const dataDir = path.join(root, 'data');
  if (isRoot()) {
    // The server runs as `postgres`: it owns the folder (its socket and log live there too).
    execFileSync('chown', ['postgres', root]);
  }
  runPgProgram(binDir, 'initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C']);
  const port = await findFreePort();
  const settings = [
    `-p ${port}`,
    '-c listen_addresses=127.0.0.1',
    `-c unix_socket_directories=${root}`,
    // Parallel test files (a pool each) and the deployment scenario's four processes.
    '-c max_connections=300',
    '-c autovacuum_naptime=10s',
  ].join(' ');
  runPgProgram(binDir, 'pg_ctl', ['-D', dataDir, '-o', settings, '-l', path.join(root, 'server.log'), '-w', '-t', '120', 'start']);
  const majorVersion = Number(fs.readFileSync(path.join(dataDir, 'PG_VERSION'), 'utf8').trim());
  let stopped = false;
  return {
    binDir,
    port,
    adminUrl: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    majorVersion,
    stop: () => {
      if (stopped) return;
      stopped = true;
      try {
        runPgProgram(binDir, 'pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
      } finally {
        fs.rmSync(root, { recursive: true, force: true });
      }
    },
  };
}
