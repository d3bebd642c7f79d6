/** Durable jobs on PostgreSQL (graphile-worker). */
export { addJobInTransaction, removeJobInTransaction, migrateJobQueue, startJobRunner, type AddJobOptions, type JobRunner } from './job-runner';
export { DEAD_WORKER_GRACE_SECONDS, LIVE_WORKER_LOCK_NAMESPACE, startWorkerLiveness, unlockJobsOfDeadWorkers, UNLOCK_DEAD_WORKERS_TASK, type WorkerLiveness } from './dead-workers';
