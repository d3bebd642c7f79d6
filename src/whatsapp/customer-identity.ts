/**
 * One customer record across WhatsApp identifiers (2026 usernames): a phone number, a
 * business-scoped user id (BSUID) and a parent BSUID. Runs before the inbox stores a webhook's
 * messages, so the messages land on the customer we already know instead of a new one.
 */
import { poolOf, type PrismaClient } from '../platform/database';
import { querySql, type SqlStatement } from '../platform/sql';
import type { InboundMessageEvent } from './inbound-event';
import { mergeCustomers } from './merge-customers';

/**
 * Links the identifiers of a webhook's senders to their customer records and returns the events
 * keyed by each customer's stored address:
 * - phone and BSUID together: a record known only by the BSUID (or parent BSUID) takes the phone as
 *   its address (so replies use `to`, as Meta recommends), unless a record with the phone exists;
 *   the phone record then keeps the BSUID, so later username-only messages find it;
 * - BSUID only: a record that holds this BSUID (or parent BSUID) under a phone address is used.
 * - phone and BSUID when both a phone record and another record holding the BSUID exist (the
 *   person wrote once as a username, once by phone): the other record is merged into the phone one.
 * The username and BSUIDs are stored on the record. Messages without a BSUID cost nothing here.
 */
export async function linkCustomerIdentities(prisma: PrismaClient, businessId: string, events: InboundMessageEvent[]): Promise<InboundMessageEvent[]> {
  const withUserId = events.filter((event) => event.userId !== undefined);
  if (withUserId.length === 0) return events;
  const rows = await linkOnce(prisma, businessId, withUserId);
  for (const row of rows) {
    if (row.keep_id && row.twin_ids && row.twin_ids.length > 0) await mergeCustomers(prisma, businessId, { keepId: row.keep_id, dropIds: row.twin_ids });
  }
  const addressOf = new Map(rows.map((row) => [row.sender_key, row.wa_id]));
  return events.map((event) => {
    const address = addressOf.get(event.senderKey);
    return address !== undefined && address !== event.senderKey ? { ...event, senderKey: address } : event;
  });
}

type LinkRow = { sender_key: string; wa_id: string; keep_id: string | null; twin_ids: string[] | null };

// Two webhooks introducing the same new person at once can both find "no record with this phone"
// in their snapshots; the second to commit then hits the unique address (23505). Run again, it
// sees the first one's record and links or merges instead.
const LINK_ATTEMPTS = 3;

async function linkOnce(prisma: PrismaClient, businessId: string, events: InboundMessageEvent[]): Promise<LinkRow[]> {
  const params = [
    businessId,
    events.map((event) => event.senderKey),
    events.map((event) => (event.waId && /^\d{6,15}$/.test(event.waId) ? event.waId : null)),
    events.map((event) => event.userId!),
    events.map((event) => event.parentUserId ?? null),
    events.map((event) => event.username ?? null),
  ];
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await querySql<LinkRow>(poolOf(prisma), LINK_IDENTITIES_SQL, params);
    } catch (error) {
      if ((error as { code?: unknown }).code !== '23505' || attempt >= LINK_ATTEMPTS) throw error;
    }
  }
}

/**
 * $2 sender keys, $3 phones (null when the webhook has none), $4 BSUIDs, $5 parent BSUIDs, $6 usernames.
 * `renamed` gives a BSUID-only record its phone (when no phone record exists); `tagged` stores the
 * BSUIDs and username on the other records whose address is the sender's phone or BSUID; `created`
 * makes the record of a sender no record knows by any identifier; the SELECT
 * answers, for BSUID-only senders, the address of the record holding that BSUID. The SELECT reads
 * the snapshot before both updates, which is what it needs: a renamed record's address is the phone.
 */
const LINK_IDENTITIES_SQL: SqlStatement = {
  name: 'link_customer_identities',
  text: `
    WITH input AS (
      -- One row per sender: an UPDATE may change a row only once per statement.
      SELECT DISTINCT ON (sender_key) * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
        AS i(sender_key, phone, user_id, parent_user_id, username)
    ), renamed AS (
      UPDATE customers c
         SET wa_id = i.phone, phone_e164 = COALESCE(c.phone_e164, '+' || i.phone), user_id = i.user_id,
             parent_user_id = COALESCE(i.parent_user_id, c.parent_user_id), username = COALESCE(i.username, c.username), updated_at = now()
        FROM input i
       WHERE c.business_id = $1::uuid AND i.phone IS NOT NULL AND c.wa_id ~ '^[A-Z]{2}\.'
         AND (c.wa_id = i.user_id OR c.user_id = i.user_id
              OR (i.parent_user_id IS NOT NULL AND (c.wa_id = i.parent_user_id OR c.parent_user_id = i.parent_user_id)))
         AND NOT EXISTS (SELECT 1 FROM customers p WHERE p.business_id = $1::uuid AND p.wa_id = i.phone)
      RETURNING c.id
    ), tagged AS (
      UPDATE customers c
         SET user_id = i.user_id, parent_user_id = COALESCE(i.parent_user_id, c.parent_user_id),
             username = COALESCE(i.username, c.username), updated_at = now()
        FROM input i
       WHERE c.business_id = $1::uuid
         AND (c.wa_id = i.sender_key OR c.wa_id = i.user_id OR (i.parent_user_id IS NOT NULL AND c.wa_id = i.parent_user_id))
         AND (c.user_id IS DISTINCT FROM i.user_id OR c.username IS DISTINCT FROM COALESCE(i.username, c.username)
              OR c.parent_user_id IS DISTINCT FROM COALESCE(i.parent_user_id, c.parent_user_id))
         AND c.id NOT IN (SELECT id FROM renamed)
      RETURNING c.id
    ), created AS (
      -- A new sender's record carries its identifiers from the start; the inbox upsert then finds it.
      INSERT INTO customers (business_id, wa_id, phone_e164, user_id, parent_user_id, username)
      SELECT $1::uuid, i.sender_key, CASE WHEN i.phone IS NULL THEN NULL ELSE '+' || i.phone END, i.user_id, i.parent_user_id, i.username
        FROM input i
       WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.business_id = $1::uuid
               AND (c.wa_id IN (i.sender_key, i.user_id) OR c.user_id = i.user_id
                    OR (i.parent_user_id IS NOT NULL AND (c.wa_id = i.parent_user_id OR c.parent_user_id = i.parent_user_id))))
      ORDER BY i.sender_key
      ON CONFLICT (business_id, wa_id) DO NOTHING
      RETURNING id
    )
    SELECT i.sender_key, COALESCE(
             (SELECT c.wa_id FROM customers c WHERE c.business_id = $1::uuid AND c.wa_id = i.sender_key),
             (SELECT c.wa_id FROM customers c WHERE c.business_id = $1::uuid AND i.phone IS NULL
                AND (c.user_id = i.user_id OR (i.parent_user_id IS NOT NULL AND c.parent_user_id = i.parent_user_id))
              ORDER BY c.created_at LIMIT 1),
             i.sender_key) AS wa_id,
           -- A phone record and, apart from it, records holding this BSUID: one person, to merge.
           (SELECT p.id FROM customers p WHERE p.business_id = $1::uuid AND i.phone IS NOT NULL AND p.wa_id = i.phone) AS keep_id,
           (SELECT array_agg(c.id) FROM customers c WHERE c.business_id = $1::uuid AND i.phone IS NOT NULL AND c.wa_id <> i.phone
               AND (c.wa_id = i.user_id OR c.user_id = i.user_id
                    OR (i.parent_user_id IS NOT NULL AND (c.wa_id = i.parent_user_id OR c.parent_user_id = i.parent_user_id)))) AS twin_ids
      FROM input i`,
};
