/**
 * The job task list: which component handles which durable job. Components export task
 * factories; this file only wires them, so the runner has one place to look.
 */
import type { TaskList } from 'graphile-worker';
import type { AppConfig, Clock, Logger, PrismaClient } from './platform';

/** What task factories are given. */
export interface TaskDeps {
  prisma: PrismaClient;
  logger: Logger;
  clock: Clock;
  config: AppConfig;
}

/** Builds the task list for the job runner. */
export function buildTaskList(deps: TaskDeps): TaskList {
  return {
    // Expired holds are already invisible to availability; this only keeps the table small.
    purge_expired_holds: async () => {
      await deps.prisma.slotHold.deleteMany({ where: { expiresAt: { lt: deps.clock.now() } } });
    },
  };
}
