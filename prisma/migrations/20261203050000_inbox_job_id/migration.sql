-- The graphile-worker job that was queued for each inbox message (src/whatsapp/inbox-writer.ts).
-- A step that answers messages whose own jobs have not run yet completes those jobs, so a burst
-- leaves no queue of jobs with nothing to do behind it. No foreign key: jobs are deleted when done.
ALTER TABLE "inbox_messages" ADD COLUMN "job_id" BIGINT;
