-- AlterTable
ALTER TABLE "staff" ADD COLUMN     "calendar_feed_created_at" TIMESTAMPTZ(3),
ADD COLUMN     "calendar_feed_token_hash" CHAR(64);

-- CreateTable
CREATE TABLE "external_calendars" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "business_id" UUID NOT NULL,
    "staff_id" UUID NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "url_encrypted" VARCHAR(6000) NOT NULL,
    "url_host" VARCHAR(255) NOT NULL,
    "last_fetched_at" TIMESTAMPTZ(3),
    "last_event_count" INTEGER,
    "last_error" VARCHAR(500),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "external_calendars_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "external_busy_blocks" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "business_id" UUID NOT NULL,
    "staff_id" UUID NOT NULL,
    "calendar_id" UUID NOT NULL,
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "ends_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "external_busy_blocks_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "external_calendars_business_id_staff_id_idx" ON "external_calendars"("business_id", "staff_id");

-- CreateIndex
CREATE INDEX "external_busy_blocks_business_id_staff_id_starts_at_ends_at_idx" ON "external_busy_blocks"("business_id", "staff_id", "starts_at", "ends_at");

-- CreateIndex
CREATE INDEX "external_busy_blocks_calendar_id_idx" ON "external_busy_blocks"("calendar_id");

-- CreateIndex
CREATE UNIQUE INDEX "staff_calendar_feed_token_hash_key" ON "staff"("calendar_feed_token_hash");

-- AddForeignKey
ALTER TABLE "external_calendars" ADD CONSTRAINT "external_calendars_business_id_fkey" FOREIGN KEY ("business_id") REFERENCES "businesses"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "external_calendars" ADD CONSTRAINT "external_calendars_staff_id_fkey" FOREIGN KEY ("staff_id") REFERENCES "staff"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "external_busy_blocks" ADD CONSTRAINT "external_busy_blocks_business_id_fkey" FOREIGN KEY ("business_id") REFERENCES "businesses"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "external_busy_blocks" ADD CONSTRAINT "external_busy_blocks_staff_id_fkey" FOREIGN KEY ("staff_id") REFERENCES "staff"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "external_busy_blocks" ADD CONSTRAINT "external_busy_blocks_calendar_id_fkey" FOREIGN KEY ("calendar_id") REFERENCES "external_calendars"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Raw SQL Prisma cannot express.
ALTER TABLE "external_busy_blocks" ADD CONSTRAINT "external_busy_blocks_range_check" CHECK ("starts_at" < "ends_at");
ALTER TABLE "external_calendars" ADD CONSTRAINT "external_calendars_url_encrypted_check" CHECK ("url_encrypted" LIKE 'v1:%');
ALTER TABLE "external_calendars" ADD CONSTRAINT "external_calendars_last_event_count_check" CHECK ("last_event_count" IS NULL OR "last_event_count" >= 0);
ALTER TABLE "whatsapp_numbers" ADD CONSTRAINT "whatsapp_numbers_access_token_encrypted_check" CHECK ("access_token_encrypted" IS NULL OR "access_token_encrypted" LIKE 'v1:%');
