-- AlterTable
ALTER TABLE "businesses" ADD COLUMN     "front_desk_whatsapp" VARCHAR(20),
ADD COLUMN     "staff_template_language" VARCHAR(15) NOT NULL DEFAULT 'en',
ADD COLUMN     "staff_template_name" VARCHAR(512) NOT NULL DEFAULT 'tapbook_staff_alert';

-- AlterTable
ALTER TABLE "whatsapp_numbers" ADD COLUMN     "pace_cursor_at" TIMESTAMPTZ(6),
ADD COLUMN     "send_rate_per_second" INTEGER NOT NULL DEFAULT 80;

-- CreateTable
CREATE TABLE "reminder_rules" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "business_id" UUID NOT NULL,
    "service_id" UUID NOT NULL,
    "kind" VARCHAR(10) NOT NULL,
    "sequence" INTEGER NOT NULL,
    "title" VARCHAR(50) NOT NULL,
    "text" VARCHAR(500) NOT NULL,
    "offset_days" INTEGER NOT NULL DEFAULT 0,
    "offset_hours" INTEGER NOT NULL DEFAULT 0,
    "offset_minutes" INTEGER NOT NULL DEFAULT 0,
    "is_active" BOOLEAN NOT NULL DEFAULT true,
    "applies_to" VARCHAR(10) NOT NULL DEFAULT 'completed',
    "asks_for_rating" BOOLEAN NOT NULL DEFAULT false,
    "template_name" VARCHAR(512),
    "template_language" VARCHAR(15),
    "template_parameters" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "reminder_rules_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reminders" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "business_id" UUID NOT NULL,
    "booking_id" UUID NOT NULL,
    "rule_id" UUID,
    "kind" VARCHAR(10) NOT NULL,
    "sequence" INTEGER NOT NULL,
    "status" VARCHAR(10) NOT NULL DEFAULT 'pending',
    "due_at" TIMESTAMPTZ(3) NOT NULL,
    "reason" VARCHAR(200),
    "channel" VARCHAR(12),
    "outbox_message_id" UUID,
    "sent_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "reminders_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_subscriptions" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "business_id" UUID NOT NULL,
    "url" VARCHAR(2000) NOT NULL,
    "secret" VARCHAR(200) NOT NULL,
    "events" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "is_active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_subscriptions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "outgoing_events" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "sequence" BIGSERIAL NOT NULL,
    "business_id" UUID NOT NULL,
    "type" VARCHAR(40) NOT NULL,
    "booking_id" UUID,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "outgoing_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "event_deliveries" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "business_id" UUID NOT NULL,
    "event_id" UUID NOT NULL,
    "subscription_id" UUID NOT NULL,
    "status" VARCHAR(10) NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3),
    "give_up_at" TIMESTAMPTZ(3) NOT NULL,
    "delivered_at" TIMESTAMPTZ(3),
    "last_error" VARCHAR(1000),
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "event_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "event_delivery_attempts" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "delivery_id" UUID NOT NULL,
    "attempt" INTEGER NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "duration_ms" INTEGER NOT NULL,
    "status_code" INTEGER,
    "error" VARCHAR(1000),
    "response_body" VARCHAR(1000),

    CONSTRAINT "event_delivery_attempts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "reminder_rules_business_id_idx" ON "reminder_rules"("business_id");

-- CreateIndex
CREATE UNIQUE INDEX "reminder_rules_service_id_kind_sequence_key" ON "reminder_rules"("service_id", "kind", "sequence");

-- CreateIndex
CREATE INDEX "reminders_business_id_status_due_at_idx" ON "reminders"("business_id", "status", "due_at");

-- CreateIndex
CREATE UNIQUE INDEX "reminders_booking_id_rule_id_key" ON "reminders"("booking_id", "rule_id");

-- CreateIndex
CREATE INDEX "webhook_subscriptions_business_id_idx" ON "webhook_subscriptions"("business_id");

-- CreateIndex
CREATE INDEX "outgoing_events_business_id_sequence_idx" ON "outgoing_events"("business_id", "sequence");

-- CreateIndex
CREATE INDEX "outgoing_events_booking_id_idx" ON "outgoing_events"("booking_id");

-- CreateIndex
CREATE INDEX "event_deliveries_subscription_id_status_idx" ON "event_deliveries"("subscription_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "event_deliveries_event_id_subscription_id_key" ON "event_deliveries"("event_id", "subscription_id");

-- CreateIndex
CREATE UNIQUE INDEX "event_delivery_attempts_delivery_id_attempt_key" ON "event_delivery_attempts"("delivery_id", "attempt");

-- AddForeignKey
ALTER TABLE "reminder_rules" ADD CONSTRAINT "reminder_rules_business_id_fkey" FOREIGN KEY ("business_id") REFERENCES "businesses"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reminder_rules" ADD CONSTRAINT "reminder_rules_service_id_fkey" FOREIGN KEY ("service_id") REFERENCES "services"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reminders" ADD CONSTRAINT "reminders_business_id_fkey" FOREIGN KEY ("business_id") REFERENCES "businesses"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reminders" ADD CONSTRAINT "reminders_booking_id_fkey" FOREIGN KEY ("booking_id") REFERENCES "bookings"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reminders" ADD CONSTRAINT "reminders_rule_id_fkey" FOREIGN KEY ("rule_id") REFERENCES "reminder_rules"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reminders" ADD CONSTRAINT "reminders_outbox_message_id_fkey" FOREIGN KEY ("outbox_message_id") REFERENCES "outbox_messages"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_subscriptions" ADD CONSTRAINT "webhook_subscriptions_business_id_fkey" FOREIGN KEY ("business_id") REFERENCES "businesses"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "outgoing_events" ADD CONSTRAINT "outgoing_events_business_id_fkey" FOREIGN KEY ("business_id") REFERENCES "businesses"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "event_deliveries" ADD CONSTRAINT "event_deliveries_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "outgoing_events"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "event_deliveries" ADD CONSTRAINT "event_deliveries_subscription_id_fkey" FOREIGN KEY ("subscription_id") REFERENCES "webhook_subscriptions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "event_delivery_attempts" ADD CONSTRAINT "event_delivery_attempts_delivery_id_fkey" FOREIGN KEY ("delivery_id") REFERENCES "event_deliveries"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Raw SQL Prisma cannot express.
ALTER TABLE "reminder_rules" ADD CONSTRAINT "reminder_rules_kind_check" CHECK ("kind" IN ('reminder', 'followup'));
ALTER TABLE "reminder_rules" ADD CONSTRAINT "reminder_rules_sequence_check" CHECK ("sequence" BETWEEN 1 AND 5);
ALTER TABLE "reminder_rules" ADD CONSTRAINT "reminder_rules_offset_check"
  CHECK ("offset_days" BETWEEN 0 AND 365 AND "offset_hours" BETWEEN 0 AND 23 AND "offset_minutes" BETWEEN 0 AND 59);
ALTER TABLE "reminder_rules" ADD CONSTRAINT "reminder_rules_applies_to_check" CHECK ("applies_to" IN ('completed', 'no_show', 'any'));
ALTER TABLE "reminder_rules" ADD CONSTRAINT "reminder_rules_text_check" CHECK (length(btrim("title")) > 0 AND length(btrim("text")) > 0);
ALTER TABLE "reminder_rules" ADD CONSTRAINT "reminder_rules_template_check"
  CHECK (("template_name" IS NULL) = ("template_language" IS NULL) AND cardinality("template_parameters") <= 10);
ALTER TABLE "reminders" ADD CONSTRAINT "reminders_kind_check" CHECK ("kind" IN ('reminder', 'followup'));
ALTER TABLE "reminders" ADD CONSTRAINT "reminders_status_check" CHECK ("status" IN ('pending', 'sent', 'skipped', 'cancelled', 'failed'));
ALTER TABLE "reminders" ADD CONSTRAINT "reminders_sent_check" CHECK ("status" <> 'sent' OR ("outbox_message_id" IS NOT NULL OR "sent_at" IS NOT NULL));
ALTER TABLE "whatsapp_numbers" ADD CONSTRAINT "whatsapp_numbers_send_rate_check" CHECK ("send_rate_per_second" BETWEEN 1 AND 1000);
ALTER TABLE "event_deliveries" ADD CONSTRAINT "event_deliveries_status_check" CHECK ("status" IN ('pending', 'delivered', 'failed'));
ALTER TABLE "webhook_subscriptions" ADD CONSTRAINT "webhook_subscriptions_url_check" CHECK ("url" ~ '^https?://');
