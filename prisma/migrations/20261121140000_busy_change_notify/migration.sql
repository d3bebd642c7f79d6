-- The Flows endpoint caches each business's busy times (and catalog, below) per process and drops its copy when
-- PostgreSQL says that business changed (src/flows/busy-change-listener.ts). Every write that can
-- change what blocks a staff member, or whether a flow token is still unused, notifies channel
-- tapbook_busy_changed with the business id. PostgreSQL folds identical notifications of one
-- transaction into one, so a bulk write (an external calendar import, the hold sweeper) costs a
-- single message per business. Raw SQL only: Prisma does not model triggers.
-- The function body is an E'' string with \073 for each semicolon: the migration runner splits
-- the script on that character, dollar quotes included. NEW is null on DELETE, OLD on INSERT.
CREATE FUNCTION "tapbook_notify_busy_changed"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  PERFORM pg_notify(''tapbook_busy_changed'', COALESCE(NEW.business_id, OLD.business_id)::text)\073
  RETURN NULL\073
END';

CREATE TRIGGER "bookings_notify_busy_changed" AFTER INSERT OR UPDATE OR DELETE ON "bookings"
  FOR EACH ROW EXECUTE FUNCTION "tapbook_notify_busy_changed"();
CREATE TRIGGER "slot_holds_notify_busy_changed" AFTER INSERT OR UPDATE OR DELETE ON "slot_holds"
  FOR EACH ROW EXECUTE FUNCTION "tapbook_notify_busy_changed"();
CREATE TRIGGER "external_busy_blocks_notify_busy_changed" AFTER INSERT OR UPDATE OR DELETE ON "external_busy_blocks"
  FOR EACH ROW EXECUTE FUNCTION "tapbook_notify_busy_changed"();
-- Issuing a token changes nothing cached, using or deleting one does (the cached "still unused?").
CREATE TRIGGER "flow_tokens_notify_busy_changed" AFTER UPDATE OR DELETE ON "flow_tokens"
  FOR EACH ROW EXECUTE FUNCTION "tapbook_notify_busy_changed"();

-- The catalog the endpoint caches (business settings, services, staff, who performs what, working
-- hours, date overrides) notifies tapbook_catalog_changed the same way, so an edit shows in the next
-- answer instead of after the cache's few seconds. Businesses carry their id in "id".
CREATE FUNCTION "tapbook_notify_catalog_changed"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  PERFORM pg_notify(''tapbook_catalog_changed'', COALESCE(NEW.business_id, OLD.business_id)::text)\073
  RETURN NULL\073
END';
CREATE FUNCTION "tapbook_notify_business_changed"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  PERFORM pg_notify(''tapbook_catalog_changed'', COALESCE(NEW.id, OLD.id)::text)\073
  RETURN NULL\073
END';

CREATE TRIGGER "businesses_notify_catalog_changed" AFTER UPDATE OR DELETE ON "businesses"
  FOR EACH ROW EXECUTE FUNCTION "tapbook_notify_business_changed"();
CREATE TRIGGER "services_notify_catalog_changed" AFTER INSERT OR UPDATE OR DELETE ON "services"
  FOR EACH ROW EXECUTE FUNCTION "tapbook_notify_catalog_changed"();
CREATE TRIGGER "staff_notify_catalog_changed" AFTER INSERT OR UPDATE OR DELETE ON "staff"
  FOR EACH ROW EXECUTE FUNCTION "tapbook_notify_catalog_changed"();
CREATE TRIGGER "staff_services_notify_catalog_changed" AFTER INSERT OR UPDATE OR DELETE ON "staff_services"
  FOR EACH ROW EXECUTE FUNCTION "tapbook_notify_catalog_changed"();
CREATE TRIGGER "working_hours_notify_catalog_changed" AFTER INSERT OR UPDATE OR DELETE ON "working_hours"
  FOR EACH ROW EXECUTE FUNCTION "tapbook_notify_catalog_changed"();
CREATE TRIGGER "date_overrides_notify_catalog_changed" AFTER INSERT OR UPDATE OR DELETE ON "date_overrides"
  FOR EACH ROW EXECUTE FUNCTION "tapbook_notify_catalog_changed"();
