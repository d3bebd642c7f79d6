/**
 * /readyz: may this process take traffic? The database answers, every migration of this build is
 * applied, and (in a process that runs job workers) the job runner is still running.
 */
import fs from 'node:fs';
import { checkDatabase, type PrismaClient } from '../platform/database';
import { MIGRATIONS_DIR } from '../platform/migrations';
import { findAppliedMigrations } from './probe-repository';

/** One check's verdict; `reason` says what is wrong and what to do. */
export interface ProbeCheck {
  ok: boolean;
  reason?: string;
}

/** The answer of /readyz. */
export interface ReadinessReport {
  status: 'ready' | 'not_ready';
  /** Names of the failing checks (empty when ready). */
  failing: string[];
  checks: Record<string, ProbeCheck>;
}

/** What the readiness check looks at. */
export interface ReadinessDeps {
  prisma: PrismaClient;
  /** Present in a process that runs job workers: whether its runner still runs. */
  isJobRunnerAlive?: () => boolean;
  /** Folder of this build's migrations (tests point it elsewhere). */
  migrationsDir?: string;
  /** The longest a database check may take before it counts as failing (default 2 s). */
  timeoutMs?: number;
}

/** Builds the readiness check of /readyz. */
export function createReadinessCheck(deps: ReadinessDeps): () => Promise<ReadinessReport> {
  const migrationsDir = deps.migrationsDir ?? MIGRATIONS_DIR;
  // The build's migrations do not change while the process runs.
  const expected = fs.existsSync(migrationsDir)
    ? fs.readdirSync(migrationsDir, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort()
    : [];
  const timeoutMs = deps.timeoutMs ?? 2_000;

  return async () => {
    const checks: Record<string, ProbeCheck> = {};
    const database = await withTimeout(checkDatabase(deps.prisma), timeoutMs, { ok: false, reason: `no answer within ${timeoutMs} ms` });
    checks.database = database.ok ? { ok: true } : { ok: false, reason: `the database is unreachable (${database.reason}); check DATABASE_URL and that PostgreSQL runs` };
    if (!database.ok) {
      checks.migrations = { ok: false, reason: 'not checked: the database is unreachable' };
    } else {
      checks.migrations = await withTimeout(checkMigrations(deps.prisma, expected), timeoutMs, { ok: false, reason: `no answer within ${timeoutMs} ms` });
    }
    if (deps.isJobRunnerAlive) {
      checks.jobRunner = deps.isJobRunnerAlive() ? { ok: true } : { ok: false, reason: 'the job runner of this process has stopped; restart the process' };
    }
    const failing = Object.entries(checks).filter(([, check]) => !check.ok).map(([name]) => name);
    return { status: failing.length === 0 ? 'ready' : 'not_ready', failing, checks };
  };
}

async function checkMigrations(prisma: PrismaClient, expected: string[]): Promise<ProbeCheck> {
  let applied: Set<string>;
  try {
    applied = new Set(await findAppliedMigrations(prisma));
  } catch (error) {
    return { ok: false, reason: `could not read _prisma_migrations (${(error as Error).message.split('\n')[0]}); run npm run db:migrate` };
  }
  const pending = expected.filter((name) => !applied.has(name));
  if (pending.length === 0) return { ok: true };
  return { ok: false, reason: `${pending.length} migration(s) not applied: ${pending.join(', ')}; run npm run db:migrate (or restart, which applies them)` };
}

function withTimeout<T>(work: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
