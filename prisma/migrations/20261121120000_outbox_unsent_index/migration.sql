-- The outbox sweep (src/whatsapp/outbox-sweep.ts) looks for rows still queued or sending after a
-- minute. A partial index holds only those rows, so the sweep stays cheap however large the
-- outbox grows. schema.prisma cannot express a partial index (test/migrations-match-schema.test.ts).
-- "updated_at IS NOT NULL" (always true) is there for the planner: only a query that implies it,
-- like the sweep's "updated_at < …", may use this index. The sender's per-recipient read must not:
-- rows pass through queued and sending in milliseconds, so under load this index is mostly dead
-- entries, and the planner chose it for that read (4 ms a read in bench:webhook, against the
-- per-recipient index's few microseconds).
CREATE INDEX "outbox_messages_unsent" ON "outbox_messages" ("updated_at") WHERE "status" IN ('queued', 'sending') AND "updated_at" IS NOT NULL;
