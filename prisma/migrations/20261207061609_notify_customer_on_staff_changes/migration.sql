-- AlterTable
ALTER TABLE "businesses" ADD COLUMN     "notify_customer_on_staff_changes" BOOLEAN NOT NULL DEFAULT true;
