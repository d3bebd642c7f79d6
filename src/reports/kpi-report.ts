/**
 * Turns the facts of kpi-repository.ts into the KPI table: one row per period plus the totals of
 * the whole range. Pure: rates and medians are taken here, over each period's facts (a total's
 * median is the median of all its facts, never a median of medians).
 */
import type { KpiFacts } from './kpi-repository';
import { listPeriods, type KpiGranularity, type KpiPeriodRange, type KpiQuery } from './kpi-query';

/** A count per booking path. */
export interface PathCounts {
  flow: number;
  list: number;
}

/** Counts by who made a change. */
export interface ActorCounts {
  customer: number;
  staff: number;
  api: number;
  system: number;
}

/** The KPIs of one period (or of the whole range). Rates are 0–1, null when their denominator is 0. */
export interface KpiValues {
  conversationsStarted: number;
  funnel: {
    bookingIntents: number;
    intentsByPath: PathCounts;
    flowOpened: number;
    listStarted: number;
    slotChosen: number;
    slotChosenByPath: PathCounts;
    bookingsConfirmed: number;
    confirmedByPath: PathCounts;
  };
  bookingRate: number | null;
  medianSecondsToBooking: number | null;
  botMessages: { sent: number; perConfirmedBooking: { flow: number | null; list: number | null } };
  /** Messages Meta reported a pricing category for, by category; only the categories Meta reported. */
  billableMessages: Record<string, { billable: number; free: number }>;
  bookingsBySource: { chat: number; flow: number; api: number; console: number };
  cancellations: ActorCounts;
  reschedules: ActorCounts;
  completed: number;
  noShows: number;
  noShowRate: number | null;
  ratings: number;
  averageRating: number | null;
  handoffs: { asked: number; emergency: number; failure: number };
  escalationRate: number | null;
  medianSecondsToFirstStaffReply: number | null;
  handoffsUnanswered: number;
  holdsExpired: number;
  pathsAbandoned: PathCounts;
  slotTakenAtConfirmation: number;
  reminders: { sent: number; delivered: number; read: number; failed: number; confirmationsTapped: number };
}

/** One period's row: its dates (clipped to the range) and KPIs. */
export interface KpiPeriod extends KpiValues {
  start: string;
  end: string;
}

/** A whole report, as the API answers it and the console shows it. */
export interface KpiReport {
  from: string;
  to: string;
  granularity: KpiGranularity;
  timeZone: string;
  periods: KpiPeriod[];
  totals: KpiValues;
}

/** Durations and other raw values kept while a period is summed up. */
interface Accumulator {
  values: KpiValues;
  secondsToBooking: number[];
  secondsToStaffReply: number[];
  ratingSum: number;
  botMessagesByPath: PathCounts;
}

function emptyValues(): KpiValues {
  const actors = (): ActorCounts => ({ customer: 0, staff: 0, api: 0, system: 0 });
  const paths = (): PathCounts => ({ flow: 0, list: 0 });
  return {
    conversationsStarted: 0,
    funnel: { bookingIntents: 0, intentsByPath: paths(), flowOpened: 0, listStarted: 0, slotChosen: 0, slotChosenByPath: paths(), bookingsConfirmed: 0, confirmedByPath: paths() },
    bookingRate: null,
    medianSecondsToBooking: null,
    botMessages: { sent: 0, perConfirmedBooking: { flow: null, list: null } },
    billableMessages: {},
    bookingsBySource: { chat: 0, flow: 0, api: 0, console: 0 },
    cancellations: actors(),
    reschedules: actors(),
    completed: 0,
    noShows: 0,
    noShowRate: null,
    ratings: 0,
    averageRating: null,
    handoffs: { asked: 0, emergency: 0, failure: 0 },
    escalationRate: null,
    medianSecondsToFirstStaffReply: null,
    handoffsUnanswered: 0,
    holdsExpired: 0,
    pathsAbandoned: paths(),
    slotTakenAtConfirmation: 0,
    reminders: { sent: 0, delivered: 0, read: 0, failed: 0, confirmationsTapped: 0 },
  };
}

function emptyAccumulator(): Accumulator {
  return { values: emptyValues(), secondsToBooking: [], secondsToStaffReply: [], ratingSum: 0, botMessagesByPath: { flow: 0, list: 0 } };
}

/** The median of a list (the mean of the middle two for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const ratio = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);
const isPath = (path: string | null): path is keyof PathCounts => path === 'flow' || path === 'list';
const SOURCE_NAMES: Record<string, keyof KpiValues['bookingsBySource']> = { whatsapp: 'chat', flow: 'flow', api: 'api', admin: 'console' };

type FunnelFact = KpiFacts['funnel'][number];
type OutboxFact = KpiFacts['outbox'][number];
type ChangeFact = KpiFacts['changes'][number];

/** Adds every fact of `facts` to the accumulator its period key picks (`into` returns undefined for keys outside the report). */
function addFacts(facts: KpiFacts, into: (period: string) => Accumulator[]): void {
  for (const row of facts.funnel) for (const { values } of into(row.period)) addFunnelFact(values, row);
  for (const row of facts.conversations) for (const { values: v } of into(row.period)) v.conversationsStarted += row.count;
  for (const row of facts.unfinishedFlows) for (const { values: v } of into(row.period)) v.pathsAbandoned.flow += row.count;
  for (const row of facts.outbox) for (const { values } of into(row.period)) addOutboxFact(values, row);
  for (const row of facts.sources) {
    const name = SOURCE_NAMES[row.source];
    if (name) for (const { values: v } of into(row.period)) v.bookingsBySource[name] += row.count;
  }
  for (const row of facts.changes) for (const acc of into(row.period)) addChangeFact(acc, row);
  for (const row of facts.confirmed) {
    for (const acc of into(row.period)) {
      if (isPath(row.path)) acc.botMessagesByPath[row.path] += row.botMessages;
      acc.secondsToBooking.push(...row.secondsToBooking);
    }
  }
  for (const row of facts.handoffs) {
    for (const acc of into(row.period)) {
      acc.values.handoffsUnanswered += row.count - row.secondsToStaffReply.length;
      acc.secondsToStaffReply.push(...row.secondsToStaffReply);
    }
  }
}

/** Counts one funnel stage (and its booking path, where the stage has one). */
function addFunnelFact(v: KpiValues, row: FunnelFact): void {
  const path = isPath(row.path) ? row.path : undefined;
  switch (row.stage) {
    case 'booking_intent':
      v.funnel.bookingIntents += row.count;
      if (path) v.funnel.intentsByPath[path] += row.count;
      break;
    case 'flow_opened':
      v.funnel.flowOpened += row.count;
      break;
    case 'list_started':
      v.funnel.listStarted += row.count;
      break;
    case 'slot_chosen':
      v.funnel.slotChosen += row.count;
      if (path) v.funnel.slotChosenByPath[path] += row.count;
      break;
    case 'booking_confirmed':
      v.funnel.bookingsConfirmed += row.count;
      if (path) v.funnel.confirmedByPath[path] += row.count;
      break;
    case 'slot_taken':
      v.slotTakenAtConfirmation += row.count;
      break;
    case 'path_abandoned':
      if (path) v.pathsAbandoned[path] += row.count;
      if (row.detail === 'hold_expired') v.holdsExpired += row.count;
      break;
    case 'handoff': {
      const reason = row.detail === 'emergency' || row.detail === 'failure' ? row.detail : 'asked';
      v.handoffs[reason] += row.count;
      break;
    }
    case 'reminder_confirmed':
      v.reminders.confirmationsTapped += row.count;
      break;
  }
}

/** Counts sent replies and reminders with their delivery states, and billable messages by Meta's category. */
function addOutboxFact(v: KpiValues, row: OutboxFact): void {
  if (row.kind === 'reply') v.botMessages.sent += row.sent;
  if (row.kind === 'reminder') {
    v.reminders.sent += row.sent;
    v.reminders.delivered += row.delivered;
    v.reminders.read += row.read;
    v.reminders.failed += row.failed;
  }
  if (row.category !== null) {
    const entry = (v.billableMessages[row.category] ??= { billable: 0, free: 0 });
    entry.billable += row.billable;
    entry.free += row.total - row.billable;
  }
}

/** Counts cancellations and reschedules by actor, outcomes, and ratings. */
function addChangeFact(acc: Accumulator, row: ChangeFact): void {
  const v = acc.values;
  const actor = (['customer', 'staff', 'api'].includes(row.actor) ? row.actor : 'system') as keyof ActorCounts;
  if (row.action === 'cancelled') v.cancellations[actor] += row.count;
  if (row.action === 'rescheduled') v.reschedules[actor] += row.count;
  if (row.action === 'completed') v.completed += row.count;
  if (row.action === 'no_show') v.noShows += row.count;
  v.ratings += row.ratingCount;
  acc.ratingSum += row.ratingSum;
}

function finish(acc: Accumulator): KpiValues {
  const v = acc.values;
  const handoffs = v.handoffs.asked + v.handoffs.emergency + v.handoffs.failure;
  return {
    ...v,
    bookingRate: ratio(v.funnel.bookingsConfirmed, v.funnel.bookingIntents),
    medianSecondsToBooking: median(acc.secondsToBooking),
    botMessages: {
      sent: v.botMessages.sent,
      perConfirmedBooking: {
        flow: ratio(acc.botMessagesByPath.flow, v.funnel.confirmedByPath.flow),
        list: ratio(acc.botMessagesByPath.list, v.funnel.confirmedByPath.list),
      },
    },
    noShowRate: ratio(v.noShows, v.noShows + v.completed),
    averageRating: ratio(acc.ratingSum, v.ratings),
    escalationRate: ratio(handoffs, v.conversationsStarted),
    medianSecondsToFirstStaffReply: median(acc.secondsToStaffReply),
  };
}

/**
 * Builds the report of `query` from its facts: every period of the range (empty ones included, so
 * charts show the gaps) and the totals.
 */
export function buildKpiReport(params: { query: KpiQuery; timeZone: string; facts: KpiFacts }): KpiReport {
  const periods = listPeriods(params.query);
  const byKey = new Map<string, { range: KpiPeriodRange; acc: Accumulator }>(periods.map((range) => [range.key, { range, acc: emptyAccumulator() }]));
  const totals = emptyAccumulator();
  addFacts(params.facts, (key) => {
    const period = byKey.get(key);
    return period ? [period.acc, totals] : [];
  });
  return {
    from: params.query.from,
    to: params.query.to,
    granularity: params.query.granularity,
    timeZone: params.timeZone,
    periods: [...byKey.values()].map(({ range, acc }) => ({ start: range.start, end: range.end, ...finish(acc) })),
    totals: finish(totals),
  };
}
