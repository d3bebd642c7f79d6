-- AlterTable
ALTER TABLE "whatsapp_numbers" ADD COLUMN     "last_error_at" TIMESTAMPTZ(3),
ADD COLUMN     "last_error_code" VARCHAR(60),
ADD COLUMN     "last_error_count" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "last_error_message" VARCHAR(1000),
ADD COLUMN     "last_successful_send_at" TIMESTAMPTZ(3);
