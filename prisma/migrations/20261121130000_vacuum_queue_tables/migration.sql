-- Outbox and inbox rows change status within milliseconds of being written (queued → sending →
-- accepted, unprocessed → processed), and each change leaves a dead row and dead index entries
-- behind until a vacuum. The sender's per-recipient read and the step's pending-inbox read walk
-- those entries: in bench:webhook the outbox read touched ~60 buffers for a handful of live rows.
-- Vacuum them after every 1,000 dead rows instead of after 20 % of the table.
ALTER TABLE "outbox_messages" SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000);
ALTER TABLE "inbox_messages" SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000);
