-- The KPI reports (src/reports/kpi-repository.ts) read a business's outbox rows and funnel events
-- by time, and look up a customer's messages and funnel events around each booking. These indexes
-- carry the columns those statements read, so PostgreSQL answers them from the index alone
-- (index-only scans, which rely on the visibility map autovacuum keeps) instead of visiting a table
-- page per row. They replace the plain indexes on the same keys, so every insert still maintains
-- the same number of indexes. schema.prisma cannot express INCLUDE
-- (test/migrations-match-schema.test.ts lists covering indexes as raw-SQL-only).

-- Outbox per period: kind, Meta's category and the delivery facts counted (kpi-outbox).
DROP INDEX "outbox_messages_business_id_created_at_idx";
CREATE INDEX "outbox_messages_business_id_created_at_covering" ON "outbox_messages" ("business_id", "created_at")
  INCLUDE ("kind", "pricing_category", "status", "provider_message_id", "delivered_at", "read_at", "is_billable");

-- A customer's messages in a time window: the bot's replies of a booking, the first staff reply
-- after a hand-off (kpi-confirmed, kpi-handoffs).
DROP INDEX "outbox_messages_customer_id_created_at_idx";
CREATE INDEX "outbox_messages_customer_id_created_at_covering" ON "outbox_messages" ("customer_id", "created_at") INCLUDE ("kind", "business_id");

-- Funnel events per period (kpi-funnel, and the confirmations and hand-offs each report starts from).
DROP INDEX "funnel_events_business_id_occurred_at_idx";
CREATE INDEX "funnel_events_business_id_occurred_at_covering" ON "funnel_events" ("business_id", "occurred_at")
  INCLUDE ("stage", "path", "detail", "customer_id");

-- A customer's latest booking intent before a confirmation (kpi-confirmed).
DROP INDEX "funnel_events_customer_id_stage_occurred_at_idx";
CREATE INDEX "funnel_events_customer_id_stage_occurred_at_covering" ON "funnel_events" ("customer_id", "stage", "occurred_at") INCLUDE ("business_id");
