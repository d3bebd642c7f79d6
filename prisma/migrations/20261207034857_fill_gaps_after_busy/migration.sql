-- AlterTable
ALTER TABLE "businesses" ADD COLUMN     "fill_gaps_after_busy" BOOLEAN NOT NULL DEFAULT true;
