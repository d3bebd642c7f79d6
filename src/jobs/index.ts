/** Durable jobs on PostgreSQL (graphile-worker). */
export { addJobInTransaction, removeJobInTransaction, migrateJobQueue, startJobRunner, type AddJobOptions, type JobRunner } from './job-runner';
export { createJobNudger, installAddJobWithoutNotify, type JobNudger } from './quiet-jobs';
