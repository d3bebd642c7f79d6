/**
 * The Flow's step of the booking funnel: the customer opened the form (the endpoint's INIT), stored
 * for the KPI reports. One row per token, so a form reopened from the chat counts once.
 */
import { querySql, type SqlStatement, type SqlTarget } from '../platform/sql';

const RECORD_FLOW_OPENED_SQL: SqlStatement = {
  name: 'funnel-flow-opened',
  text: `INSERT INTO funnel_events (business_id, customer_id, stage, path, flow_token_id, occurred_at)
         VALUES ($1::uuid, $2::uuid, 'flow_opened', 'flow', $3::uuid, $4::timestamptz)
         ON CONFLICT (flow_token_id, stage) DO NOTHING`,
};

/** Records that the booking form of `token` was opened at `at` (the app's clock); a second INIT of the same token is a no-op. */
export async function recordFlowOpened(db: SqlTarget, token: { id: string; businessId: string; customerId: string }, at: Date): Promise<void> {
  await querySql(db, RECORD_FLOW_OPENED_SQL, [token.businessId, token.customerId, token.id, at]);
}
