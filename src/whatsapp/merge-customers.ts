/**
 * Folds duplicate customer records of one person into one. A person can end up with two records
 * when WhatsApp first showed us only their username (BSUID) and, separately, their phone, or when
 * two webhooks naming the same new person in different ways arrive at the same instant. The first
 * webhook that carries the phone and the BSUID together merges them.
 */
import { addJobInTransaction } from '../jobs';
import type { PrismaClient } from '../platform/database';
import { inboxJobKey, PROCESS_INBOX_TASK } from './inbox-repository';

/** One merge: keep the phone record, fold the others (records holding the same BSUID) into it. */
export interface CustomerMerge {
  keepId: string;
  dropIds: string[];
}

/**
 * Moves bookings, messages and Flow sessions of `dropIds` onto `keepId`, keeps the conversation and
 * hold that saw activity last (the dialogue the customer is in) and the number of the latest inbound
 * message (the chat replies leave from), fills the kept record's empty fields from the dropped ones,
 * and deletes the dropped records — all in one transaction, after locking every record involved
 * (in id order, so two merges cannot deadlock); moving a conversation waits for a turn that holds
 * its row lock, so no turn runs half before and half after.
 */
export async function mergeCustomers(prisma: PrismaClient, businessId: string, merge: CustomerMerge): Promise<void> {
  const dropIds = merge.dropIds.filter((id) => id !== merge.keepId);
  if (dropIds.length === 0) return;
  const allIds = [merge.keepId, ...dropIds];
  await prisma.$transaction(async (tx) => {
    const locked = await tx.$queryRaw<Array<{ id: string }>>`
      SELECT id FROM customers WHERE business_id = ${businessId}::uuid AND id = ANY(${allIds}::uuid[]) ORDER BY id FOR UPDATE`;
    // Another webhook merged them first: nothing left to do.
    if (!locked.some((row) => row.id === merge.keepId) || locked.length < 2) return;
    const present = locked.map((row) => row.id).filter((id) => id !== merge.keepId);
    await keepLatest(tx, 'conversations', businessId, merge.keepId, allIds);
    await keepLatest(tx, 'slot_holds', businessId, merge.keepId, allIds);
    await tx.$executeRaw`UPDATE bookings SET customer_id = ${merge.keepId}::uuid WHERE business_id = ${businessId}::uuid AND customer_id = ANY(${present}::uuid[])`;
    await tx.$executeRaw`UPDATE inbox_messages SET customer_id = ${merge.keepId}::uuid WHERE business_id = ${businessId}::uuid AND customer_id = ANY(${present}::uuid[])`;
    await tx.$executeRaw`UPDATE outbox_messages SET customer_id = ${merge.keepId}::uuid WHERE business_id = ${businessId}::uuid AND customer_id = ANY(${present}::uuid[])`;
    await tx.$executeRaw`UPDATE flow_tokens SET customer_id = ${merge.keepId}::uuid WHERE business_id = ${businessId}::uuid AND customer_id = ANY(${present}::uuid[])`;
    await tx.$executeRaw`
      UPDATE customers k SET
        name = COALESCE(k.name, d.name), username = COALESCE(k.username, d.username), locale = COALESCE(k.locale, d.locale),
        time_zone = COALESCE(k.time_zone, d.time_zone), user_id = COALESCE(k.user_id, d.user_id),
        parent_user_id = COALESCE(k.parent_user_id, d.parent_user_id),
        -- An opt-out given under either identity stands: we must not message them either way.
        is_opted_out = k.is_opted_out OR d.is_opted_out,
        opted_out_at = CASE WHEN k.is_opted_out OR d.is_opted_out THEN GREATEST(k.opted_out_at, d.opted_out_at) END,
        last_inbound_at = GREATEST(k.last_inbound_at, d.last_inbound_at),
        -- Replies leave from the number the person last wrote to, under whichever identity they wrote.
        last_phone_number_id = (SELECT a.last_phone_number_id FROM customers a
                                 WHERE a.business_id = ${businessId}::uuid AND a.id = ANY(${allIds}::uuid[]) AND a.last_phone_number_id IS NOT NULL
                                 ORDER BY a.last_inbound_at DESC NULLS LAST, a.updated_at DESC, a.id LIMIT 1),
        updated_at = now()
      FROM (
        SELECT (array_agg(name ORDER BY updated_at DESC) FILTER (WHERE name IS NOT NULL))[1] AS name,
               (array_agg(username ORDER BY updated_at DESC) FILTER (WHERE username IS NOT NULL))[1] AS username,
               (array_agg(locale ORDER BY updated_at DESC) FILTER (WHERE locale IS NOT NULL))[1] AS locale,
               (array_agg(time_zone ORDER BY updated_at DESC) FILTER (WHERE time_zone IS NOT NULL))[1] AS time_zone,
               (array_agg(user_id ORDER BY updated_at DESC) FILTER (WHERE user_id IS NOT NULL))[1] AS user_id,
               (array_agg(parent_user_id ORDER BY updated_at DESC) FILTER (WHERE parent_user_id IS NOT NULL))[1] AS parent_user_id,
               bool_or(is_opted_out) AS is_opted_out, max(opted_out_at) AS opted_out_at, max(last_inbound_at) AS last_inbound_at
          FROM customers WHERE business_id = ${businessId}::uuid AND id = ANY(${present}::uuid[])
      ) d
      WHERE k.id = ${merge.keepId}::uuid`;
    await tx.$executeRaw`DELETE FROM customers WHERE business_id = ${businessId}::uuid AND id = ANY(${present}::uuid[])`;
    // Messages moved here unanswered were queued for a record that is gone (its job finds no
    // customer): the kept record's job answers them, in the order they arrived.
    const [pending] = await tx.$queryRaw<Array<{ exists: boolean }>>`
      SELECT EXISTS (SELECT 1 FROM inbox_messages WHERE business_id = ${businessId}::uuid AND customer_id = ${merge.keepId}::uuid AND processed_at IS NULL) AS exists`;
    if (pending?.exists) await addJobInTransaction(tx, PROCESS_INBOX_TASK, { businessId, customerId: merge.keepId }, { jobKey: inboxJobKey(merge.keepId), maxAttempts: 25 });
    // Prisma's defaults (2 s to get a connection, 5 s to finish) are shorter than a turn that holds
    // one of these conversations may take on a loaded server; the webhook must not answer 500 for that.
  }, { maxWait: 30_000, timeout: 30_000 });
}

/**
 * Of the rows of a one-per-customer table (conversation, hold) that the merged records own, keeps
 * the one updated last and gives it to the kept record; the others are deleted.
 */
async function keepLatest(
  tx: Parameters<Parameters<PrismaClient['$transaction']>[0]>[0],
  table: 'conversations' | 'slot_holds',
  businessId: string,
  keepId: string,
  allIds: string[],
): Promise<void> {
  // The table name is one of two literals above, never input.
  const rows = await tx.$queryRawUnsafe<Array<{ id: string }>>(
    `SELECT id FROM ${table} WHERE business_id = $1::uuid AND customer_id = ANY($2::uuid[]) ORDER BY updated_at DESC, id FOR UPDATE`,
    businessId,
    allIds,
  );
  if (rows.length === 0) return;
  const [winner, ...losers] = rows.map((row) => row.id);
  if (losers.length > 0) await tx.$executeRawUnsafe(`DELETE FROM ${table} WHERE id = ANY($1::uuid[])`, losers);
  await tx.$executeRawUnsafe(`UPDATE ${table} SET customer_id = $1::uuid WHERE id = $2::uuid`, keepId, winner);
}
