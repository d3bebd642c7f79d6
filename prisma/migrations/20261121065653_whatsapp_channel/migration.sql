-- AlterTable
ALTER TABLE "businesses" ADD COLUMN     "emergency_keywords" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "emergency_text" VARCHAR(1000),
ADD COLUMN     "flood_cooldown_minutes" INTEGER NOT NULL DEFAULT 5,
ADD COLUMN     "flood_messages_per_minute" INTEGER NOT NULL DEFAULT 20,
ADD COLUMN     "handoff_timeout_minutes" INTEGER NOT NULL DEFAULT 1440,
ADD COLUMN     "inactivity_timeout_minutes" INTEGER NOT NULL DEFAULT 15;

-- AlterTable
ALTER TABLE "customers" ADD COLUMN     "last_inbound_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "conversations" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "business_id" UUID NOT NULL,
    "customer_id" UUID NOT NULL,
    "machine_version" INTEGER NOT NULL,
    "snapshot" JSONB NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 0,
    "state_value" VARCHAR(200) NOT NULL,
    "is_handoff" BOOLEAN NOT NULL DEFAULT false,
    "handoff_reason" VARCHAR(20),
    "handoff_at" TIMESTAMPTZ(3),
    "inactivity_deadline" TIMESTAMPTZ(3),
    "flood_window_start" TIMESTAMPTZ(3),
    "flood_count" INTEGER NOT NULL DEFAULT 0,
    "flood_cooldown_until" TIMESTAMPTZ(3),
    "last_activity_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "conversations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "inbox_messages" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "business_id" UUID NOT NULL,
    "customer_id" UUID NOT NULL,
    "wa_message_id" VARCHAR(200) NOT NULL,
    "type" VARCHAR(40) NOT NULL,
    "message" JSONB NOT NULL,
    "sent_at" TIMESTAMPTZ(3) NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processed_at" TIMESTAMPTZ(3),
    "outcome" VARCHAR(40),

    CONSTRAINT "inbox_messages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "outbox_messages" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "sequence" BIGSERIAL NOT NULL,
    "business_id" UUID NOT NULL,
    "customer_id" UUID,
    "phone_number_id" VARCHAR(64) NOT NULL,
    "recipient" VARCHAR(128) NOT NULL,
    "kind" VARCHAR(30) NOT NULL,
    "payload" JSONB NOT NULL,
    "fallback_payload" JSONB,
    "status" VARCHAR(20) NOT NULL DEFAULT 'queued',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "provider_message_id" VARCHAR(200),
    "error_code" INTEGER,
    "last_error" VARCHAR(1000),
    "next_attempt_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMPTZ(3),
    "delivered_at" TIMESTAMPTZ(3),
    "read_at" TIMESTAMPTZ(3),
    "failed_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "outbox_messages_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "conversations_customer_id_key" ON "conversations"("customer_id");

-- CreateIndex
CREATE INDEX "conversations_business_id_is_handoff_idx" ON "conversations"("business_id", "is_handoff");

-- CreateIndex
CREATE UNIQUE INDEX "inbox_messages_wa_message_id_key" ON "inbox_messages"("wa_message_id");

-- CreateIndex
CREATE INDEX "inbox_messages_customer_id_processed_at_received_at_idx" ON "inbox_messages"("customer_id", "processed_at", "received_at");

-- CreateIndex
CREATE UNIQUE INDEX "outbox_messages_provider_message_id_key" ON "outbox_messages"("provider_message_id");

-- CreateIndex
CREATE INDEX "outbox_messages_business_id_recipient_status_sequence_idx" ON "outbox_messages"("business_id", "recipient", "status", "sequence");

-- AddForeignKey
ALTER TABLE "conversations" ADD CONSTRAINT "conversations_business_id_fkey" FOREIGN KEY ("business_id") REFERENCES "businesses"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "conversations" ADD CONSTRAINT "conversations_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "inbox_messages" ADD CONSTRAINT "inbox_messages_business_id_fkey" FOREIGN KEY ("business_id") REFERENCES "businesses"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "inbox_messages" ADD CONSTRAINT "inbox_messages_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "outbox_messages" ADD CONSTRAINT "outbox_messages_business_id_fkey" FOREIGN KEY ("business_id") REFERENCES "businesses"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "outbox_messages" ADD CONSTRAINT "outbox_messages_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Raw SQL Prisma cannot express.
ALTER TABLE "businesses" ADD CONSTRAINT "businesses_conversation_settings_check"
  CHECK ("inactivity_timeout_minutes" BETWEEN 1 AND 1440 AND "handoff_timeout_minutes" BETWEEN 1 AND 10080
     AND "flood_messages_per_minute" BETWEEN 1 AND 1000 AND "flood_cooldown_minutes" BETWEEN 1 AND 1440);
