-- CreateTable
CREATE TABLE "service_add_ons" (
    "service_id" UUID NOT NULL,
    "add_on_id" UUID NOT NULL,

    CONSTRAINT "service_add_ons_pkey" PRIMARY KEY ("service_id","add_on_id")
);

-- CreateTable
CREATE TABLE "booking_add_ons" (
    "booking_id" UUID NOT NULL,
    "service_id" UUID NOT NULL,
    "duration_minutes" INTEGER NOT NULL,
    "price" DECIMAL(12,2) NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "booking_add_ons_pkey" PRIMARY KEY ("booking_id","service_id")
);

-- CreateIndex
CREATE INDEX "service_add_ons_add_on_id_idx" ON "service_add_ons"("add_on_id");

-- CreateIndex
CREATE INDEX "booking_add_ons_service_id_idx" ON "booking_add_ons"("service_id");

-- AddForeignKey
ALTER TABLE "service_add_ons" ADD CONSTRAINT "service_add_ons_service_id_fkey" FOREIGN KEY ("service_id") REFERENCES "services"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "service_add_ons" ADD CONSTRAINT "service_add_ons_add_on_id_fkey" FOREIGN KEY ("add_on_id") REFERENCES "services"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "booking_add_ons" ADD CONSTRAINT "booking_add_ons_booking_id_fkey" FOREIGN KEY ("booking_id") REFERENCES "bookings"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "booking_add_ons" ADD CONSTRAINT "booking_add_ons_service_id_fkey" FOREIGN KEY ("service_id") REFERENCES "services"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The Flows endpoint caches each business's catalog, add-ons included: a change of which add-ons a
-- service offers notifies tapbook_catalog_changed like the other catalog tables. The row carries no
-- business id, so it is read from the main service (gone when the service itself was deleted, and
-- that deletion notifies on its own).
CREATE FUNCTION "tapbook_notify_add_ons_changed"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  PERFORM pg_notify(''tapbook_catalog_changed'', s.business_id::text) FROM services s WHERE s.id = COALESCE(NEW.service_id, OLD.service_id)\073
  RETURN NULL\073
END';
CREATE TRIGGER "service_add_ons_notify_catalog_changed" AFTER INSERT OR UPDATE OR DELETE ON "service_add_ons"
  FOR EACH ROW EXECUTE FUNCTION "tapbook_notify_add_ons_changed"();
