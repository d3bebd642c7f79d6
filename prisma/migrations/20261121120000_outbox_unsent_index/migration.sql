-- The outbox sweep (src/whatsapp/outbox-sweep.ts) looks for rows still queued or sending after a
-- minute. A partial index holds only those rows, so the sweep stays cheap however large the
-- outbox grows. schema.prisma cannot express a partial index (test/migrations-match-schema.test.ts).
CREATE INDEX "outbox_messages_unsent" ON "outbox_messages" ("updated_at") WHERE "status" IN ('queued', 'sending');
