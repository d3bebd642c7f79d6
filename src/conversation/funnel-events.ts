/**
 * The booking-funnel facts one machine transition records, for the KPI reports: read off the
 * snapshots before and after the transition and the event that caused it, so the chart itself
 * stays free of bookkeeping. The step writes them in its own transaction (funnel-event-repository.ts).
 */
import type { ConversationEvent } from '../../machines/conversation-types';

/** The stages of the booking funnel and the other moments the reports count. */
export type FunnelStage =
  | 'booking_intent'
  | 'flow_opened'
  | 'list_started'
  | 'slot_chosen'
  | 'booking_confirmed'
  | 'slot_taken'
  | 'path_abandoned'
  | 'handoff'
  | 'reminder_confirmed';

/** Which way a customer books: the WhatsApp Flow form or the list messages. */
export type FunnelPath = 'flow' | 'list';

/** One fact to store; `detail` is a hand-off reason or why a path was left. */
export interface FunnelEventInput {
  stage: FunnelStage;
  path?: FunnelPath;
  detail?: string;
}

/** The parts of a conversation snapshot the funnel reads (an XState snapshot fits). */
export interface FunnelSnapshot {
  value: unknown;
  context: { mode?: string; isFlowEnabled?: boolean };
}

/** "booking.confirming" for `{ booking: 'confirming' }`, "idle" for `'idle'`. */
function statePath(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const [key, child] = Object.entries(value as Record<string, unknown>)[0] ?? [];
    return key === undefined ? '' : `${key}.${statePath(child)}`;
  }
  return '';
}

function isIn(snapshot: FunnelSnapshot, state: string): boolean {
  const path = statePath(snapshot.value);
  return path === state || path.startsWith(`${state}.`);
}

// Events that end a booking path with a booking: leaving the path on any other event abandons it.
const PATH_RESULTS = new Set<ConversationEvent['type']>(['BOOKING_CONFIRMED', 'BOOKING_RESCHEDULED', 'BOOKING_ALREADY_DONE']);
const HANDOFF_EVENTS = new Set<ConversationEvent['type']>(['MENU_TALK', 'INTENT_HANDOFF', 'INTENT_EMERGENCY']);

function abandonmentDetail(before: FunnelSnapshot, event: ConversationEvent): string {
  if (event.type === 'SESSION_TIMED_OUT') return isIn(before, 'booking.reviewing') ? 'hold_expired' : 'timeout';
  if (HANDOFF_EVENTS.has(event.type)) return 'handoff';
  if (event.type === 'OPERATION_FAILED') return 'failure';
  return 'left';
}

/**
 * The funnel facts of one transition `before --event--> after`.
 * @example funnelEventsFor(idle, bookingLoadingServices, { type: 'MENU_BOOK' }) // [intent (list), list_started]
 */
export function funnelEventsFor(before: FunnelSnapshot, after: FunnelSnapshot, event: ConversationEvent): FunnelEventInput[] {
  const events: FunnelEventInput[] = [];
  const isBooking = (snapshot: FunnelSnapshot) => isIn(snapshot, 'booking') && snapshot.context.mode !== 'reschedule';
  // A hand-off ignores the menu: only a tap the machine acted on is an intent.
  if (event.type === 'MENU_BOOK' && !isIn(before, 'handoff')) {
    if (isBooking(after)) events.push({ stage: 'booking_intent', path: 'list' }, { stage: 'list_started', path: 'list' });
    else if (after.context.isFlowEnabled) events.push({ stage: 'booking_intent', path: 'flow' });
  }
  if (event.type === 'SLOT_CHOSEN' && isIn(after, 'booking.holdingSlot') && isBooking(after)) events.push({ stage: 'slot_chosen', path: 'list' });
  if (event.type === 'BOOKING_CONFIRMED') {
    if (isIn(before, 'booking.confirming')) events.push({ stage: 'booking_confirmed', path: 'list' });
    // The Flow's time is chosen in the form; its submission is the slot choice the conversation sees.
    if (isIn(before, 'booking.completingFlow')) events.push({ stage: 'slot_chosen', path: 'flow' }, { stage: 'booking_confirmed', path: 'flow' });
    if (isIn(before, 'managing.confirmingAttendance')) events.push({ stage: 'reminder_confirmed' });
  }
  if (event.type === 'SLOT_TAKEN' && (isIn(before, 'booking.confirming') || isIn(before, 'booking.rescheduling'))) events.push({ stage: 'slot_taken', path: 'list' });
  if (event.type === 'FLOW_SLOT_TAKEN' && isIn(before, 'booking.completingFlow')) {
    if (event.mode === 'book') events.push({ stage: 'slot_chosen', path: 'flow' });
    events.push({ stage: 'slot_taken', path: 'flow' });
  }
  if (isBooking(before) && !isIn(before, 'booking.completingFlow') && !isIn(after, 'booking') && !PATH_RESULTS.has(event.type)) {
    events.push({ stage: 'path_abandoned', path: 'list', detail: abandonmentDetail(before, event) });
  }
  if (!isIn(before, 'handoff') && isIn(after, 'handoff')) {
    events.push({ stage: 'handoff', detail: event.type === 'INTENT_EMERGENCY' ? 'emergency' : event.type === 'OPERATION_FAILED' ? 'failure' : 'asked' });
  }
  return events;
}
