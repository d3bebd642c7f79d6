-- AlterTable
ALTER TABLE "customers" ADD COLUMN     "parent_user_id" VARCHAR(128),
ADD COLUMN     "user_id" VARCHAR(128),
ADD COLUMN     "username" VARCHAR(100);

-- CreateIndex
CREATE INDEX "customers_business_id_user_id_idx" ON "customers"("business_id", "user_id");
