-- AlterTable
ALTER TABLE "inbox_messages" DROP COLUMN "job_id";

-- The jobs of inbox messages are added with graphile-worker's own add_jobs now: our functions beside its schema go.
DROP SCHEMA IF EXISTS tapbook_jobs CASCADE;
