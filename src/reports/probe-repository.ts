/**
 * The reads behind /readyz and the scrape-time gauges of /metrics: small aggregate queries on
 * their own pooled connection, across all businesses (operators' numbers, never per tenant).
 */
import { poolOf, type PrismaClient } from '../platform/database';

/** Names of the migrations the database has applied and not rolled back (Prisma Migrate's own table). */
export async function findAppliedMigrations(prisma: PrismaClient): Promise<string[]> {
  const { rows } = await poolOf(prisma).query<{ name: string }>(
    'SELECT migration_name AS name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
  );
  return rows.map((row) => row.name);
}

/** Outbox rows not yet accepted by Meta, by kind and status (the partial index outbox_messages_unsent covers them). */
export async function countPendingOutbox(prisma: PrismaClient): Promise<Array<{ kind: string; status: string; count: number }>> {
  const { rows } = await poolOf(prisma).query<{ kind: string; status: string; count: number }>(
    `SELECT kind, status, count(*)::int AS count FROM outbox_messages
      WHERE status IN ('queued', 'sending') AND updated_at IS NOT NULL
      GROUP BY kind, status`,
  );
  return rows;
}

/** Slot holds still blocking their slot, and holds that ran out without becoming a booking (a confirmed hold is deleted). */
export async function countSlotHolds(prisma: PrismaClient): Promise<{ active: number; expired: number }> {
  const { rows } = await poolOf(prisma).query<{ active: number; expired: number }>(
    'SELECT count(*) FILTER (WHERE expires_at > now())::int AS active, count(*) FILTER (WHERE expires_at <= now())::int AS expired FROM slot_holds',
  );
  return rows[0] ?? { active: 0, expired: 0 };
}

/** Jobs by task and state, through graphile-worker's public `jobs` view (never its private tables). */
export async function countJobsByTask(prisma: PrismaClient): Promise<Array<{ task: string; state: string; count: number }>> {
  const { rows } = await poolOf(prisma).query<{ task: string; state: string; count: number }>(
    `SELECT task_identifier AS task,
            CASE WHEN locked_at IS NOT NULL THEN 'running'
                 WHEN attempts >= max_attempts THEN 'failed'
                 WHEN run_at > now() THEN 'scheduled'
                 ELSE 'ready' END AS state,
            count(*)::int AS count
       FROM graphile_worker.jobs
      GROUP BY 1, 2`,
  );
  return rows;
}
