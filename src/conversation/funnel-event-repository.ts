/**
 * Stores a step's funnel facts (funnel-events.ts) in the step's own transaction, so a report never
 * counts a step that rolled back; stamped with the step's time, like the step's messages, so a report
 * relates them on one clock.
 */
import { querySql, type SqlStatement, type SqlTarget } from '../platform/sql';
import type { FunnelEventInput } from './funnel-events';

const INSERT_FUNNEL_EVENTS_SQL: SqlStatement = {
  name: 'funnel-events-insert',
  text: `INSERT INTO funnel_events (business_id, customer_id, stage, path, detail, occurred_at)
         SELECT $1::uuid, $2::uuid, e.stage, e.path, e.detail, $6::timestamptz
           FROM unnest($3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS e(stage, path, detail, position)
          ORDER BY e.position`,
};

/** Inserts the step's funnel facts (nothing to do for a step without any). */
export async function insertFunnelEvents(db: SqlTarget, params: { businessId: string; customerId: string; events: readonly FunnelEventInput[]; at: Date }): Promise<void> {
  if (params.events.length === 0) return;
  await querySql(db, INSERT_FUNNEL_EVENTS_SQL, [
    params.businessId,
    params.customerId,
    params.events.map((event) => event.stage),
    params.events.map((event) => event.path ?? null),
    params.events.map((event) => event.detail ?? null),
    params.at,
  ]);
}
