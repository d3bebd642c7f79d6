/**
 * Turn metrics from the job runner's events: a process_inbox job is one turn. The step sends its
 * replies before its job ends, so job creation (in the webhook's transaction, before the 200) →
 * job success is webhook ack → replies accepted by the Graph API.
 */
import type { WorkerEvents } from 'graphile-worker';
import { areMetricsEnabled, turnLatency, turnsProcessed } from '../platform/metrics';
import { PROCESS_INBOX_TASK } from '../whatsapp';

/** Records tapbook_turns_processed_total and tapbook_turn_latency_seconds from a runner's events. */
export function observeTurns(events: WorkerEvents, now: () => number = Date.now): void {
  if (!areMetricsEnabled()) return;
  events.on('job:success', ({ job }) => {
    if (job.task_identifier !== PROCESS_INBOX_TASK) return;
    turnsProcessed.inc({ outcome: 'success' });
    turnLatency.observe(Math.max(0, now() - new Date(job.created_at).getTime()) / 1000);
  });
  events.on('job:error', ({ job }) => {
    if (job.task_identifier === PROCESS_INBOX_TASK) turnsProcessed.inc({ outcome: 'error' });
  });
}
