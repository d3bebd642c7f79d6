/**
 * Which of the business's WhatsApp numbers a message leaves from. A customer is answered from the
 * number they last wrote to (customers.last_phone_number_id, set by the webhook), so each of their
 * chats stays on one number on their phone, while that number is still registered to the business;
 * otherwise (never wrote, number removed or moved to another business) from the business's first
 * number: the oldest registered, then the lowest id. Written once as SQL so hot statements embed it.
 */
import { querySql, type SqlStatement, type SqlTarget } from '../platform/sql';

/**
 * SQL expression of the business's first number (null when it has none); `businessId` is an SQL
 * expression of the business's id.
 * @example firstSendingNumberSql('b.id')
 */
export function firstSendingNumberSql(businessId: string): string {
  return `(SELECT w.phone_number_id FROM whatsapp_numbers w WHERE w.business_id = ${businessId} ORDER BY w.created_at, w.id LIMIT 1)`;
}

/**
 * SQL expression of the number that reaches a customer: `lastPhoneNumberId` (an SQL expression,
 * usually c.last_phone_number_id) while it is one of the business's numbers, else the first.
 * @example customerSendingNumberSql({ businessId: 'b.id', lastPhoneNumberId: 'c.last_phone_number_id' })
 */
export function customerSendingNumberSql(params: { businessId: string; lastPhoneNumberId: string }): string {
  return `COALESCE((SELECT w.phone_number_id FROM whatsapp_numbers w WHERE w.business_id = ${params.businessId} AND w.phone_number_id = ${params.lastPhoneNumberId}),
                   ${firstSendingNumberSql(params.businessId)})`;
}

const CUSTOMER_NUMBER_SQL: SqlStatement = {
  name: 'whatsapp-customer-sending-number',
  text: `SELECT ${customerSendingNumberSql({
    businessId: '$1::uuid',
    lastPhoneNumberId: '(SELECT c.last_phone_number_id FROM customers c WHERE c.id = $2::uuid AND c.business_id = $1::uuid)',
  })} AS phone_number_id`,
};

const FIRST_NUMBER_SQL: SqlStatement = {
  name: 'whatsapp-first-sending-number',
  text: `SELECT ${firstSendingNumberSql('$1::uuid')} AS phone_number_id`,
};

/** The phone_number_id that reaches this customer of the business (see above); null when the business has no number. */
export async function findCustomerSendingNumber(db: SqlTarget, params: { businessId: string; customerId: string }): Promise<string | null> {
  const [row] = await querySql<{ phone_number_id: string | null }>(db, CUSTOMER_NUMBER_SQL, [params.businessId, params.customerId]);
  return row?.phone_number_id ?? null;
}

/** The business's first number (for recipients who are not customers, such as staff); null when it has none. */
export async function findFirstSendingNumber(db: SqlTarget, businessId: string): Promise<string | null> {
  const [row] = await querySql<{ phone_number_id: string | null }>(db, FIRST_NUMBER_SQL, [businessId]);
  return row?.phone_number_id ?? null;
}
