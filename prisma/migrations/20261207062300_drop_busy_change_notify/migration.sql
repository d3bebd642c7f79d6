-- The Flows endpoint reads busy times, tokens and (unless a catalog cache is configured) its
-- catalog live, so nothing listens for these notifications any more: the triggers and their
-- functions of 20261121140000_busy_change_notify and 20261207050000_service_add_ons go.
DROP TRIGGER IF EXISTS "bookings_notify_busy_changed" ON "bookings";
DROP TRIGGER IF EXISTS "slot_holds_notify_busy_changed" ON "slot_holds";
DROP TRIGGER IF EXISTS "external_busy_blocks_notify_busy_changed" ON "external_busy_blocks";
DROP TRIGGER IF EXISTS "flow_tokens_notify_busy_changed" ON "flow_tokens";
DROP TRIGGER IF EXISTS "businesses_notify_catalog_changed" ON "businesses";
DROP TRIGGER IF EXISTS "services_notify_catalog_changed" ON "services";
DROP TRIGGER IF EXISTS "staff_notify_catalog_changed" ON "staff";
DROP TRIGGER IF EXISTS "staff_services_notify_catalog_changed" ON "staff_services";
DROP TRIGGER IF EXISTS "working_hours_notify_catalog_changed" ON "working_hours";
DROP TRIGGER IF EXISTS "date_overrides_notify_catalog_changed" ON "date_overrides";
DROP TRIGGER IF EXISTS "service_add_ons_notify_catalog_changed" ON "service_add_ons";
DROP FUNCTION IF EXISTS "tapbook_notify_busy_changed"();
DROP FUNCTION IF EXISTS "tapbook_notify_catalog_changed"();
DROP FUNCTION IF EXISTS "tapbook_notify_business_changed"();
DROP FUNCTION IF EXISTS "tapbook_notify_add_ons_changed"();
