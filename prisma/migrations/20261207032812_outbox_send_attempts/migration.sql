-- AlterTable
ALTER TABLE "outbox_messages" ADD COLUMN     "attempted_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "unmatched_statuses" (
    "id" BIGSERIAL NOT NULL,
    "business_id" UUID NOT NULL,
    "phone_number_id" VARCHAR(64) NOT NULL,
    "message_id" VARCHAR(200) NOT NULL,
    "recipient" VARCHAR(128) NOT NULL,
    "sent_at" TIMESTAMPTZ(3),
    "delivered_at" TIMESTAMPTZ(3),
    "read_at" TIMESTAMPTZ(3),
    "failed_at" TIMESTAMPTZ(3),
    "error_code" INTEGER,
    "last_error" VARCHAR(1000),
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "unmatched_statuses_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "unmatched_statuses_message_id_key" ON "unmatched_statuses"("message_id");

-- CreateIndex
CREATE INDEX "unmatched_statuses_business_id_recipient_received_at_idx" ON "unmatched_statuses"("business_id", "recipient", "received_at");

-- CreateIndex
CREATE INDEX "unmatched_statuses_received_at_idx" ON "unmatched_statuses"("received_at");

-- AddForeignKey
ALTER TABLE "unmatched_statuses" ADD CONSTRAINT "unmatched_statuses_business_id_fkey" FOREIGN KEY ("business_id") REFERENCES "businesses"("id") ON DELETE CASCADE ON UPDATE CASCADE;
