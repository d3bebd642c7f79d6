/**
 * Gauges read at scrape time: the outbox backlog, the job queue and slot holds (shared by every process, so
 * each process reports the same values: aggregate them with max(), not sum()), and this
 * process's database pool.
 */
import { poolOf, type PrismaClient } from '../platform/database';
import { databasePoolConnections, databasePoolMax, databaseUp, jobQueueDepth, outboxPending, slotHolds } from '../platform/metrics';
import { countJobsByTask, countPendingOutbox, countSlotHolds } from './probe-repository';

/** Refreshes the database-backed gauges before a scrape; a database that cannot answer sets tapbook_database_up 0. */
export async function refreshScrapeGauges(prisma: PrismaClient): Promise<void> {
  const pool = poolOf(prisma);
  databasePoolConnections.set({ state: 'in_use' }, pool.totalCount - pool.idleCount);
  databasePoolConnections.set({ state: 'idle' }, pool.idleCount);
  databasePoolConnections.set({ state: 'waiting' }, pool.waitingCount);
  databasePoolMax.set(pool.options.max ?? 10);
  // Reset first: a task or kind whose backlog is gone must disappear, not keep its last value.
  outboxPending.reset();
  jobQueueDepth.reset();
  slotHolds.reset();
  try {
    const [outbox, jobs, holds] = await Promise.all([countPendingOutbox(prisma), countJobsByTask(prisma), countSlotHolds(prisma)]);
    slotHolds.set({ state: 'active' }, holds.active);
    slotHolds.set({ state: 'expired' }, holds.expired);
    for (const row of outbox) outboxPending.set({ kind: row.kind, status: row.status }, row.count);
    for (const row of jobs) jobQueueDepth.set({ task: row.task, state: row.state }, row.count);
    databaseUp.set(1);
  } catch {
    databaseUp.set(0);
  }
}
