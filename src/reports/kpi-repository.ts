/**
 * The stored facts behind the KPI reports, read per period of the business's time zone: funnel
 * events, inbox and outbox rows (with Meta's pricing), bookings and their audit log. Every
 * statement is scoped to one business and one time range, and groups in the database; durations
 * come back as lists of seconds so medians of any set of periods can be taken (kpi-report.ts).
 */
import { poolOf, type PrismaClient } from '../platform/database';
import { querySql, type SqlStatement } from '../platform/sql';

/** What every statement is given: the business, the instant range and its periods. */
export interface KpiFactsParams {
  businessId: string;
  start: Date;
  end: Date;
  /** Each period's key (its calendar start) and first instant, oldest first; the last period ends at `end`. */
  periods: ReadonlyArray<{ key: string; start: Date }>;
  /** Booking forms whose token expired unused by this instant, and never submitted, count as abandoned. */
  now: Date;
}

/** Funnel events counted per period, stage, path and detail. */
export interface FunnelCountRow {
  period: string;
  stage: string;
  path: string | null;
  detail: string | null;
  count: number;
}

/** A count per period (conversations started, forms left unfinished). */
export interface PeriodCountRow {
  period: string;
  count: number;
}

/** Outbox rows per period, kind and Meta pricing category. */
export interface OutboxCountRow {
  period: string;
  kind: string;
  category: string | null;
  total: number;
  sent: number;
  delivered: number;
  read: number;
  failed: number;
  billable: number;
}

/** Bookings made per period and source. */
export interface SourceCountRow {
  period: string;
  source: string;
  count: number;
}

/** Audit-log changes per period, action and kind of actor (customer, staff, api, system). */
export interface ChangeCountRow {
  period: string;
  action: string;
  actor: string;
  count: number;
  ratingSum: number;
  ratingCount: number;
}

/** Confirmed bookings per period and path, with the bot messages they took and the seconds from the first message. */
export interface ConfirmedBookingRow {
  period: string;
  path: string;
  bookings: number;
  botMessages: number;
  secondsToBooking: number[];
}

/** Hand-offs per period and reason, with the seconds until a person first replied (unanswered ones left out of the list). */
export interface HandoffRow {
  period: string;
  reason: string;
  count: number;
  secondsToStaffReply: number[];
}

/** Everything a report is computed from. */
export interface KpiFacts {
  funnel: FunnelCountRow[];
  conversations: PeriodCountRow[];
  unfinishedFlows: PeriodCountRow[];
  outbox: OutboxCountRow[];
  sources: SourceCountRow[];
  changes: ChangeCountRow[];
  confirmed: ConfirmedBookingRow[];
  handoffs: HandoffRow[];
}

// $1 is the business, $2–$3 the range, $4 the periods' first instants (ascending, the range's end
// last): period n runs from $4[n] to $4[n + 1]. The periods' local boundaries, DST days included,
// are computed once in kpi-query.ts, so no statement converts time zones.
//
// Counts per period read each period's rows with their own index range (a lateral join over the
// periods): the planner then knows there are a few groups per period and aggregates them in a hash
// table. Grouping the whole range by a computed period instead makes it expect one group per row,
// and it sorts every row, spilling to disk past work_mem.
const PERIODS = 'generate_series(1, cardinality($4::timestamptz[]) - 1) AS p(period)';
const inPeriod = (column: string) => `${column} >= ($4::timestamptz[])[p.period] AND ${column} < ($4::timestamptz[])[p.period + 1]`;
// The period of one row (statements that look around each row first): how many period starts lie at
// or before it, a binary search over $4.
const period = (column: string) => `width_bucket(${column}, $4::timestamptz[])`;
// Keeps $2 and $3 typed in statements that read the range through $4 only.
const RANGE = `$2::timestamptz <= $3::timestamptz`;

const FUNNEL_SQL: SqlStatement = {
  name: 'kpi-funnel',
  text: `SELECT p.period, f.stage, f.path, f.detail, f.count
           FROM ${PERIODS}
           CROSS JOIN LATERAL (SELECT stage, path, detail, count(*)::int AS count FROM funnel_events
                                WHERE business_id = $1::uuid AND ${inPeriod('occurred_at')}
                                GROUP BY 1, 2, 3) f
          WHERE ${RANGE}`,
};

// A conversation starts with a message that follows no message of the same customer in the 24 hours
// before it: the customer-service window WhatsApp counts conversations by.
const CONVERSATIONS_SQL: SqlStatement = {
  name: 'kpi-conversations',
  text: `SELECT ${period('received_at')} AS period, count(*)::int AS count
           FROM (SELECT received_at, lag(received_at) OVER (PARTITION BY customer_id ORDER BY received_at) AS previous
                   FROM inbox_messages
                  WHERE business_id = $1::uuid AND received_at >= $2::timestamptz - interval '24 hours' AND received_at < $3::timestamptz) m
          WHERE received_at >= $2::timestamptz AND (previous IS NULL OR previous < received_at - interval '24 hours')
          GROUP BY 1`,
};

const UNFINISHED_FLOWS_SQL: SqlStatement = {
  name: 'kpi-unfinished-flows',
  text: `SELECT ${period('f.occurred_at')} AS period, count(*)::int AS count
           FROM funnel_events f JOIN flow_tokens t ON t.id = f.flow_token_id AND t.business_id = f.business_id
          WHERE f.business_id = $1::uuid AND f.stage = 'flow_opened' AND f.occurred_at >= $2::timestamptz AND f.occurred_at < $3::timestamptz
            AND t.used_at IS NULL AND t.expires_at <= $5::timestamptz
            -- A form submitted for a time someone took meanwhile was finished: the chat goes on from there.
            AND NOT EXISTS (SELECT 1 FROM funnel_events s
                             WHERE s.customer_id = f.customer_id AND s.stage = 'slot_chosen' AND s.path = 'flow'
                               AND s.occurred_at >= f.occurred_at AND s.occurred_at <= t.expires_at AND s.business_id = f.business_id)
          GROUP BY 1`,
};

const OUTBOX_SQL: SqlStatement = {
  name: 'kpi-outbox',
  text: `SELECT p.period, o.*
           FROM ${PERIODS}
           CROSS JOIN LATERAL (SELECT kind, pricing_category AS category, count(*)::int AS total,
                                      count(*) FILTER (WHERE provider_message_id IS NOT NULL OR status IN ('accepted', 'sent', 'delivered', 'read', 'sandbox'))::int AS sent,
                                      count(*) FILTER (WHERE delivered_at IS NOT NULL OR read_at IS NOT NULL)::int AS delivered,
                                      count(*) FILTER (WHERE read_at IS NOT NULL)::int AS read,
                                      count(*) FILTER (WHERE status = 'failed')::int AS failed,
                                      count(*) FILTER (WHERE is_billable)::int AS billable
                                 FROM outbox_messages
                                WHERE business_id = $1::uuid AND ${inPeriod('created_at')} AND kind <> 'read_receipt'
                                GROUP BY 1, 2) o
          WHERE ${RANGE}`,
};

const SOURCES_SQL: SqlStatement = {
  name: 'kpi-sources',
  text: `SELECT p.period, b.source, b.count
           FROM ${PERIODS}
           CROSS JOIN LATERAL (SELECT source::text AS source, count(*)::int AS count FROM bookings
                                WHERE business_id = $1::uuid AND ${inPeriod('created_at')}
                                GROUP BY 1) b
          WHERE ${RANGE}`,
};

const CHANGES_SQL: SqlStatement = {
  name: 'kpi-changes',
  text: `SELECT p.period, c.*
           FROM ${PERIODS}
           CROSS JOIN LATERAL (SELECT action,
                                      CASE WHEN actor LIKE 'customer:%' THEN 'customer' WHEN actor LIKE 'console:%' THEN 'staff' WHEN actor LIKE 'api:%' THEN 'api' ELSE 'system' END AS actor,
                                      count(*)::int AS count,
                                      coalesce(sum((after->>'rating')::int) FILTER (WHERE action = 'rated' AND jsonb_typeof(after->'rating') = 'number'), 0)::int AS "ratingSum",
                                      count(*) FILTER (WHERE action = 'rated' AND jsonb_typeof(after->'rating') = 'number')::int AS "ratingCount"
                                 FROM booking_logs
                                WHERE business_id = $1::uuid AND ${inPeriod('created_at')}
                                  AND action IN ('cancelled', 'rescheduled', 'completed', 'no_show', 'rated')
                                GROUP BY 1, 2) c
          WHERE ${RANGE}`,
};

// The bot's messages of a booking: its replies to the customer from the intent that started the
// path to the confirmation (both written in their step's transaction, so with its timestamp).
const CONFIRMED_SQL: SqlStatement = {
  name: 'kpi-confirmed',
  text: `SELECT ${period('c.occurred_at')} AS period, c.path, count(*)::int AS bookings, coalesce(sum(m.messages), 0)::int AS "botMessages",
                coalesce(array_agg(extract(epoch FROM c.occurred_at - f.first_at)::float8) FILTER (WHERE f.first_at IS NOT NULL), '{}') AS "secondsToBooking"
           FROM funnel_events c
           LEFT JOIN LATERAL (SELECT max(i.occurred_at) AS at FROM funnel_events i
                               WHERE i.customer_id = c.customer_id AND i.stage = 'booking_intent' AND i.occurred_at <= c.occurred_at
                                 AND i.occurred_at > c.occurred_at - interval '24 hours' AND i.business_id = c.business_id) intent ON true
           LEFT JOIN LATERAL (SELECT count(*) AS messages FROM outbox_messages o
                               WHERE o.customer_id = c.customer_id AND o.created_at >= coalesce(intent.at, c.occurred_at) AND o.created_at <= c.occurred_at
                                 AND o.kind = 'reply' AND o.business_id = c.business_id) m ON true
           LEFT JOIN LATERAL (SELECT min(i.received_at) AS first_at FROM inbox_messages i
                               WHERE i.customer_id = c.customer_id AND i.received_at > c.occurred_at - interval '24 hours' AND i.received_at <= c.occurred_at
                                 AND i.business_id = c.business_id) f ON true
          WHERE c.business_id = $1::uuid AND c.stage = 'booking_confirmed' AND c.occurred_at >= $2::timestamptz AND c.occurred_at < $3::timestamptz
          GROUP BY 1, 2`,
};

const HANDOFFS_SQL: SqlStatement = {
  name: 'kpi-handoffs',
  text: `SELECT ${period('h.occurred_at')} AS period, coalesce(h.detail, 'asked') AS reason, count(*)::int AS count,
                coalesce(array_agg(extract(epoch FROM r.at - h.occurred_at)::float8) FILTER (WHERE r.at IS NOT NULL), '{}') AS "secondsToStaffReply"
           FROM funnel_events h
           LEFT JOIN LATERAL (SELECT min(o.created_at) AS at FROM outbox_messages o
                               WHERE o.customer_id = h.customer_id AND o.created_at >= h.occurred_at AND o.kind = 'staff_reply' AND o.business_id = h.business_id) r ON true
          WHERE h.business_id = $1::uuid AND h.stage = 'handoff' AND h.occurred_at >= $2::timestamptz AND h.occurred_at < $3::timestamptz
          GROUP BY 1, 2`,
};

/** The report's statements, and whether each takes `now` after the common four parameters (exported for the benchmark's plans). */
export const KPI_STATEMENTS: ReadonlyArray<{ statement: SqlStatement; usesNow: boolean }> = [
  { statement: FUNNEL_SQL, usesNow: false },
  { statement: CONVERSATIONS_SQL, usesNow: false },
  { statement: UNFINISHED_FLOWS_SQL, usesNow: true },
  { statement: OUTBOX_SQL, usesNow: false },
  { statement: SOURCES_SQL, usesNow: false },
  { statement: CHANGES_SQL, usesNow: false },
  { statement: CONFIRMED_SQL, usesNow: false },
  { statement: HANDOFFS_SQL, usesNow: false },
];

/** The four parameters every statement takes ($1–$4), for the benchmark's plans too. */
export function toKpiParameters(params: KpiFactsParams): unknown[] {
  return [params.businessId, params.start, params.end, [...params.periods.map((p) => p.start), params.end]];
}

/** Reads every fact of a report, statement by statement in parallel (each on its own pooled connection). */
export async function findKpiFacts(prisma: PrismaClient, params: KpiFactsParams): Promise<KpiFacts> {
  const pool = poolOf(prisma);
  const base = toKpiParameters(params);
  const keys = params.periods.map((p) => p.key);
  // width_bucket numbers the periods from 1; rows come back with the period's key.
  const run = async <Row extends { period: string }>(statement: SqlStatement, extra: unknown[] = []) =>
    (await querySql<Omit<Row, 'period'> & { period: number }>(pool, statement, [...base, ...extra])).map((row) => ({ ...row, period: keys[Number(row.period) - 1] ?? '' }) as unknown as Row);
  const [funnel, conversations, unfinishedFlows, outbox, sources, changes, confirmed, handoffs] = await Promise.all([
    run<FunnelCountRow>(FUNNEL_SQL),
    run<PeriodCountRow>(CONVERSATIONS_SQL),
    run<PeriodCountRow>(UNFINISHED_FLOWS_SQL, [params.now]),
    run<OutboxCountRow>(OUTBOX_SQL),
    run<SourceCountRow>(SOURCES_SQL),
    run<ChangeCountRow>(CHANGES_SQL),
    run<ConfirmedBookingRow>(CONFIRMED_SQL),
    run<HandoffRow>(HANDOFFS_SQL),
  ]);
  return { funnel, conversations, unfinishedFlows, outbox, sources, changes, confirmed, handoffs };
}
