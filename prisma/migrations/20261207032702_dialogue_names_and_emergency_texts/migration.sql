-- AlterTable
ALTER TABLE "businesses" ADD COLUMN     "emergency_texts" JSONB NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "locations" ADD COLUMN     "names" JSONB NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "staff" ADD COLUMN     "names" JSONB NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "services" ADD COLUMN     "names" JSONB NOT NULL DEFAULT '{}';
