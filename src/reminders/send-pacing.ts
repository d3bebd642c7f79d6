/**
 * The send rate limit of automated messages, per business phone number (Meta's default
 * throughput is 80 messages/s; more gets error 130429). Each message reserves the next free slot
 * of a cursor kept on the number's row and is queued to leave at that slot, so 10,000 reminders
 * due in the same minute leave evenly paced instead of in a burst Meta would refuse.
 * The cursor is shared by every worker process (one row, updated under its row lock), and it
 * never falls behind `now`, so a quiet period does not store up a burst.
 */
import type { Db } from '../platform/database';

/**
 * Reserves the next send slot of a phone number and returns it (≥ now).
 * Pass the Prisma client, not a transaction: as its own statement the row lock lasts microseconds,
 * where inside a longer transaction every sender would queue behind it (measured: ~100 msg/s cap).
 * A transaction that rolls back after reserving leaves an unused slot — a pause, never a burst.
 */
export async function reserveSendSlot(db: Db, params: { phoneNumberId: string; now: Date }): Promise<Date> {
  const rows = await db.$queryRaw<Array<{ slot: Date }>>`
    UPDATE whatsapp_numbers
       SET pace_cursor_at = GREATEST(COALESCE(pace_cursor_at, ${params.now}::timestamptz), ${params.now}::timestamptz)
                            + make_interval(secs => 1.0 / send_rate_per_second)
     WHERE phone_number_id = ${params.phoneNumberId}
     RETURNING pace_cursor_at - make_interval(secs => 1.0 / send_rate_per_second) AS slot`;
  // A number without a row (a test double, a removed number) is not paced rather than blocked.
  return rows[0]?.slot ?? params.now;
}

/** Sets the automated-message rate of a phone number (1–1000 per second). */
export async function setSendRate(db: Db, params: { phoneNumberId: string; perSecond: number }): Promise<void> {
  if (!Number.isInteger(params.perSecond) || params.perSecond < 1 || params.perSecond > 1000) {
    throw new RangeError(`send rate must be a whole number of messages per second between 1 and 1000, got ${params.perSecond}`);
  }
  await db.whatsAppNumber.update({ where: { phoneNumberId: params.phoneNumberId }, data: { sendRatePerSecond: params.perSecond } });
}
