-- CreateTable
CREATE TABLE "staff_users" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "business_id" UUID NOT NULL,
    "email" VARCHAR(254) NOT NULL,
    "role" VARCHAR(20) NOT NULL,
    "password_hash" VARCHAR(300) NOT NULL,
    "locale" VARCHAR(10) NOT NULL DEFAULT 'en',
    "disabled_at" TIMESTAMPTZ(3),
    "last_sign_in_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "staff_users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "staff_sessions" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "token_hash" CHAR(64) NOT NULL,
    "business_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "csrf_token" VARCHAR(64) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "staff_sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sign_in_failures" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "email" VARCHAR(254) NOT NULL,
    "address" VARCHAR(64) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "sign_in_failures_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "staff_users_email_key" ON "staff_users"("email");

-- CreateIndex
CREATE INDEX "staff_users_business_id_idx" ON "staff_users"("business_id");

-- CreateIndex
CREATE UNIQUE INDEX "staff_sessions_token_hash_key" ON "staff_sessions"("token_hash");

-- CreateIndex
CREATE INDEX "staff_sessions_user_id_idx" ON "staff_sessions"("user_id");

-- CreateIndex
CREATE INDEX "sign_in_failures_email_created_at_idx" ON "sign_in_failures"("email", "created_at");

-- CreateIndex
CREATE INDEX "sign_in_failures_address_created_at_idx" ON "sign_in_failures"("address", "created_at");

-- AddForeignKey
ALTER TABLE "staff_users" ADD CONSTRAINT "staff_users_business_id_fkey" FOREIGN KEY ("business_id") REFERENCES "businesses"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "staff_sessions" ADD CONSTRAINT "staff_sessions_business_id_fkey" FOREIGN KEY ("business_id") REFERENCES "businesses"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "staff_sessions" ADD CONSTRAINT "staff_sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "staff_users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Roles as API keys have them.
ALTER TABLE "staff_users" ADD CONSTRAINT "staff_users_role_check" CHECK ("role" IN ('admin', 'front_desk', 'read_only'));
ALTER TABLE "staff_users" ADD CONSTRAINT "staff_users_locale_check" CHECK ("locale" IN ('en', 'es', 'pt'));

-- The console's inbox updates live (server-sent events in every app process): every write to a
-- conversation that waits for a person, or stops waiting, notifies tapbook_console_inbox with the
-- business id. Conversations with the bot stay silent, so the webhook path pays nothing extra.
-- The function body is an E'' string with \073 for each semicolon: the migration runner splits
-- the script on that character, dollar quotes included.
CREATE FUNCTION "tapbook_notify_console_inbox"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  PERFORM pg_notify(''tapbook_console_inbox'', NEW.business_id::text)\073
  RETURN NULL\073
END';
CREATE TRIGGER "conversations_insert_notify_console_inbox" AFTER INSERT ON "conversations"
  FOR EACH ROW WHEN (NEW.is_handoff) EXECUTE FUNCTION "tapbook_notify_console_inbox"();
CREATE TRIGGER "conversations_update_notify_console_inbox" AFTER UPDATE ON "conversations"
  FOR EACH ROW WHEN (NEW.is_handoff OR OLD.is_handoff) EXECUTE FUNCTION "tapbook_notify_console_inbox"();
