-- AlterTable
ALTER TABLE "outbox_messages" ADD COLUMN     "is_billable" BOOLEAN,
ADD COLUMN     "pricing_category" VARCHAR(40),
ADD COLUMN     "pricing_type" VARCHAR(40);

-- CreateTable
CREATE TABLE "funnel_events" (
    "id" BIGSERIAL NOT NULL,
    "business_id" UUID NOT NULL,
    "customer_id" UUID NOT NULL,
    "stage" VARCHAR(30) NOT NULL,
    "path" VARCHAR(10),
    "detail" VARCHAR(40),
    "flow_token_id" UUID,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "funnel_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "funnel_events_business_id_occurred_at_idx" ON "funnel_events"("business_id", "occurred_at");

-- CreateIndex
CREATE INDEX "funnel_events_customer_id_stage_occurred_at_idx" ON "funnel_events"("customer_id", "stage", "occurred_at");

-- CreateIndex
CREATE UNIQUE INDEX "funnel_events_flow_token_id_stage_key" ON "funnel_events"("flow_token_id", "stage");

-- CreateIndex
CREATE INDEX "bookings_business_id_created_at_idx" ON "bookings"("business_id", "created_at");

-- CreateIndex
CREATE INDEX "booking_logs_business_id_created_at_idx" ON "booking_logs"("business_id", "created_at");

-- CreateIndex
CREATE INDEX "inbox_messages_business_id_customer_id_received_at_idx" ON "inbox_messages"("business_id", "customer_id", "received_at");

-- CreateIndex
CREATE INDEX "outbox_messages_business_id_created_at_idx" ON "outbox_messages"("business_id", "created_at");

-- CreateIndex
CREATE INDEX "outbox_messages_customer_id_created_at_idx" ON "outbox_messages"("customer_id", "created_at");

-- AddForeignKey
ALTER TABLE "funnel_events" ADD CONSTRAINT "funnel_events_business_id_fkey" FOREIGN KEY ("business_id") REFERENCES "businesses"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "funnel_events" ADD CONSTRAINT "funnel_events_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE ON UPDATE CASCADE;
