-- AlterTable
ALTER TABLE "customers" ADD COLUMN     "last_phone_number_id" VARCHAR(64);
