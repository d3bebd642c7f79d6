import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import { conversationMachine, CONVERSATION_MACHINE_VERSION, toConversationEffects } from './conversation.machine';
import { BOOKING, CANCELLED_BOOKING, DAYS, FIRST_SLOT, FLOW_RESPONSE, FLOW_SERVICE, LOCKED_BOOKING, SERVICES, SLOTS, STAFF, TEST_INPUT } from './conversation-fixtures';
import type { ConversationEffect, ConversationEffectParams, ConversationEvent, ConversationInput, MessageDescriptor, StaffOption } from './conversation-types';

type Snapshot = SnapshotFrom<typeof conversationMachine>;

function start(input: ConversationInput = TEST_INPUT): Snapshot {
  return initialTransition(conversationMachine, input)[0];
}

/** Replays `events` from a new conversation; returns the last snapshot and the effects of the last event. */
function run(events: ConversationEvent[], input?: ConversationInput): { snapshot: Snapshot; effects: ConversationEffect[] } {
  let snapshot = start(input);
  let effects: ConversationEffect[] = [];
  for (const event of events) {
    const [next, actions] = transition(conversationMachine, snapshot, event);
    snapshot = next;
    effects = toConversationEffects(actions);
  }
  return { snapshot, effects };
}

/** Effects as short strings: `reply:<catalog key>` for replies, the type otherwise. */
function summarize(effects: ConversationEffect[]): string[] {
  return effects.map((e) => (e.type === 'reply' ? `reply:${e.params.message.key}` : e.type));
}

function replies(effects: ConversationEffect[]): MessageDescriptor[] {
  return effects.flatMap((e) => (e.type === 'reply' ? [e.params.message] : []));
}

function paramsOf<T extends ConversationEffect['type']>(effects: ConversationEffect[], type: T): ConversationEffectParams[T] {
  const effect = effects.find((e) => e.type === type);
  if (!effect) throw new Error(`no ${type} effect in ${summarize(effects).join(', ')}`);
  return effect.params as ConversationEffectParams[T];
}

function rowIds(message: MessageDescriptor | undefined): string[] {
  return message?.kind === 'list' ? message.sections.flatMap((s) => s.rows.map((r) => r.id)) : [];
}

const ONE_STAFF = [STAFF[0] as StaffOption];
const LEAVE = ['releaseHolds', 'disarmInactivityTimer'];

// Conversation prefixes: each reaches one step of the dialogue.
const BOOK: ConversationEvent[] = [{ type: 'MENU_BOOK' }];
const SERVICE_LIST: ConversationEvent[] = [...BOOK, { type: 'SERVICES_LOADED', services: SERVICES }];
const SERVICE_CHOSEN: ConversationEvent[] = [...SERVICE_LIST, { type: 'SERVICE_CHOSEN', serviceId: 'svc-cut' }];
const STAFF_LIST: ConversationEvent[] = [...SERVICE_CHOSEN, { type: 'STAFF_LOADED', staff: STAFF }];
const STAFF_CHOSEN: ConversationEvent[] = [...STAFF_LIST, { type: 'STAFF_CHOSEN', staffId: 'any' }];
const DAY_LIST: ConversationEvent[] = [...STAFF_CHOSEN, { type: 'DAYS_LOADED', days: DAYS }];
const DAY_CHOSEN: ConversationEvent[] = [...DAY_LIST, { type: 'DAY_CHOSEN', date: '2026-03-30' }];
const SLOT_LIST: ConversationEvent[] = [...DAY_CHOSEN, { type: 'SLOTS_LOADED', slots: SLOTS.slice(0, 9), hasMore: true }];
const LAST_PAGE: ConversationEvent[] = [...DAY_CHOSEN, { type: 'SLOTS_LOADED', slots: SLOTS.slice(0, 3), hasMore: false }];
const SLOT_TAPPED: ConversationEvent[] = [...SLOT_LIST, { type: 'SLOT_CHOSEN', start: FIRST_SLOT.start, staffId: FIRST_SLOT.staffId }];
const SUMMARY: ConversationEvent[] = [...SLOT_TAPPED, { type: 'SLOT_HELD' }];
const CONFIRMING: ConversationEvent[] = [...SUMMARY, { type: 'CONFIRM' }];
const APPOINTMENTS: ConversationEvent[] = [{ type: 'MENU_APPOINTMENTS' }, { type: 'APPOINTMENTS_LOADED', bookings: [BOOKING, LOCKED_BOOKING] }];
const ACTIONS: ConversationEvent[] = [...APPOINTMENTS, { type: 'BOOKING_CHOSEN', bookingId: 'bk-1' }];
const LOCKED_ACTIONS: ConversationEvent[] = [...APPOINTMENTS, { type: 'BOOKING_CHOSEN', bookingId: 'bk-2' }];
const CANCEL_QUESTION: ConversationEvent[] = [...ACTIONS, { type: 'CANCEL' }];
const RESCHEDULE_DAYS: ConversationEvent[] = [...ACTIONS, { type: 'RESCHEDULE' }, { type: 'DAYS_LOADED', days: DAYS }];
const RESCHEDULE_SUMMARY: ConversationEvent[] = [
  ...RESCHEDULE_DAYS,
  { type: 'DAY_CHOSEN', date: '2026-03-30' },
  { type: 'SLOTS_LOADED', slots: SLOTS.slice(0, 3), hasMore: false },
  { type: 'SLOT_CHOSEN', start: FIRST_SLOT.start, staffId: FIRST_SLOT.staffId },
  { type: 'SLOT_HELD' },
];
const RESCHEDULING: ConversationEvent[] = [...RESCHEDULE_SUMMARY, { type: 'CONFIRM' }];
const HANDOFF: ConversationEvent[] = [{ type: 'MENU_TALK' }];

type Row = [name: string, prefix: ConversationEvent[], event: ConversationEvent, state: unknown, effects: string[]];

const ROWS: Row[] = [
  // Menu and free text
  ['greeting shows the menu', [], { type: 'GREETING' }, 'idle', ['reply:menu.welcome']],
  ['a Spanish greeting switches the language, then shows the menu', [], { type: 'GREETING', locale: 'es' }, 'idle', ['setLocale', 'reply:menu.welcome']],
  ['a greeting in the current language does not switch it', [], { type: 'GREETING', locale: 'en' }, 'idle', ['reply:menu.welcome']],
  ['unrecognized text at the menu says what the bot can do, with the menu', [], { type: 'TEXT_UNRECOGNIZED' }, 'idle', ['reply:menu.help']],
  ['a stale list tap at the menu says it expired, with the menu', [], { type: 'SERVICE_CHOSEN', serviceId: 'svc-cut' }, 'idle', ['reply:menu.expired']],
  ['media at the menu: text and buttons only, then the menu', [], { type: 'UNSUPPORTED_MESSAGE' }, 'idle', ['reply:unsupported.note', 'reply:menu.prompt']],
  ['a reaction is never answered', [], { type: 'REACTION_RECEIVED' }, 'idle', []],
  ['the phone shared at our request is thanked for, then the menu', [], { type: 'CONTACT_SHARED' }, 'idle', ['reply:contact.saved', 'reply:menu.prompt']],
  ['a completed Flow shows the menu for now', [], { type: 'FLOW_COMPLETED', response: {} }, 'idle', ['reply:menu.prompt']],
  ['session timeout at the menu is ignored', [], { type: 'SESSION_TIMED_OUT' }, 'idle', []],

  // Book
  ['Book loads services and arms the inactivity timer', [], { type: 'MENU_BOOK' }, { booking: 'loadingServices' }, ['loadServices', 'armInactivityTimer']],
  ['services are listed', BOOK, { type: 'SERVICES_LOADED', services: SERVICES }, { booking: 'choosingService' }, ['reply:book.chooseService', 'armInactivityTimer']],
  ['no services: note and menu', BOOK, { type: 'SERVICES_LOADED', services: [] }, 'idle', [...LEAVE, 'reply:book.noServices']],
  ['a service is chosen: staff load', SERVICE_LIST, { type: 'SERVICE_CHOSEN', serviceId: 'svc-cut' }, { booking: 'loadingStaff' }, ['loadStaff']],
  ['a service not on the list repeats the step', SERVICE_LIST, { type: 'SERVICE_CHOSEN', serviceId: 'svc-gone' }, { booking: 'choosingService' }, ['reply:step.pickOption', 'reply:book.chooseService', 'armInactivityTimer']],
  ['BACK from services returns to the menu', SERVICE_LIST, { type: 'BACK' }, 'idle', [...LEAVE, 'reply:menu.prompt']],
  ['a single staff member skips the choice', SERVICE_CHOSEN, { type: 'STAFF_LOADED', staff: ONE_STAFF }, { booking: 'loadingDays' }, ['loadDays']],
  ['several staff members are listed', SERVICE_CHOSEN, { type: 'STAFF_LOADED', staff: STAFF }, { booking: 'choosingStaff' }, ['reply:book.chooseStaff', 'armInactivityTimer']],
  ['no staff: note and menu', SERVICE_CHOSEN, { type: 'STAFF_LOADED', staff: [] }, 'idle', [...LEAVE, 'reply:book.noStaff']],
  ['"any available" loads days', STAFF_LIST, { type: 'STAFF_CHOSEN', staffId: 'any' }, { booking: 'loadingDays' }, ['loadDays']],
  ['BACK from staff shows the services again', STAFF_LIST, { type: 'BACK' }, { booking: 'loadingServices' }, ['loadServices']],
  ['days are listed', STAFF_CHOSEN, { type: 'DAYS_LOADED', days: DAYS }, { booking: 'choosingDay' }, ['reply:book.chooseDay', 'armInactivityTimer']],
  ['no free days: note and menu', STAFF_CHOSEN, { type: 'DAYS_LOADED', days: [] }, 'idle', [...LEAVE, 'reply:book.noDays']],
  ['BACK from days goes to the staff list when there was a choice', DAY_LIST, { type: 'BACK' }, { booking: 'loadingStaff' }, ['loadStaff']],
  ['a day is chosen: first page of times loads', DAY_LIST, { type: 'DAY_CHOSEN', date: '2026-03-30' }, { booking: 'loadingSlots' }, ['loadSlots']],
  ['times are listed', DAY_CHOSEN, { type: 'SLOTS_LOADED', slots: SLOTS.slice(0, 9), hasMore: true }, { booking: 'choosingSlot' }, ['reply:book.chooseTime', 'armInactivityTimer']],
  ['a day that filled up meanwhile: note and the days again', DAY_CHOSEN, { type: 'SLOTS_LOADED', slots: [], hasMore: false }, { booking: 'loadingDays' }, ['reply:book.dayFull', 'loadDays']],
  ['"Later times" loads the next page', SLOT_LIST, { type: 'MORE_SLOTS' }, { booking: 'loadingSlots' }, ['loadSlots']],
  ['"Later times" from an older list on the last page repeats the step', LAST_PAGE, { type: 'MORE_SLOTS' }, { booking: 'choosingSlot' }, ['reply:step.pickOption', 'reply:book.chooseTime', 'armInactivityTimer']],
  ['a time is chosen: it is held first, as the Flow holds it', SLOT_LIST, { type: 'SLOT_CHOSEN', start: FIRST_SLOT.start, staffId: FIRST_SLOT.staffId }, { booking: 'holdingSlot' }, ['holdSlot']],
  ['the time is held: summary', SLOT_TAPPED, { type: 'SLOT_HELD' }, { booking: 'reviewing' }, ['reply:book.summary', 'armInactivityTimer']],
  ['a time taken before it could be held offers the nearest alternatives', SLOT_TAPPED, { type: 'SLOT_TAKEN', alternatives: [SLOTS[2]!, SLOTS[3]!] }, { booking: 'choosingSlot' }, ['reply:book.slotTaken', 'armInactivityTimer']],
  ['a time taken before it could be held, with nothing near: the days again', SLOT_TAPPED, { type: 'SLOT_TAKEN', alternatives: [] }, { booking: 'loadingDays' }, ['reply:book.slotTakenNoAlternatives', 'loadDays']],
  ['Back from the summary releases the hold and shows the times', SUMMARY, { type: 'BACK' }, { booking: 'loadingSlots' }, ['releaseHolds', 'loadSlots']],
  ['a time from an older list repeats the step', SLOT_LIST, { type: 'SLOT_CHOSEN', start: '2025-01-01T10:00:00.000Z', staffId: 'stf-ana' }, { booking: 'choosingSlot' }, ['reply:step.pickOption', 'reply:book.chooseTime', 'armInactivityTimer']],
  ['BACK from times shows the days again', SLOT_LIST, { type: 'BACK' }, { booking: 'loadingDays' }, ['loadDays']],
  ['Confirm books the slot', SUMMARY, { type: 'CONFIRM' }, { booking: 'confirming' }, ['confirmBooking']],
  ['Change releases the hold and goes back to the day list', SUMMARY, { type: 'CHANGE' }, { booking: 'loadingDays' }, ['releaseHolds', 'loadDays']],
  ['a confirmed booking is announced and the path closed', CONFIRMING, { type: 'BOOKING_CONFIRMED', booking: BOOKING }, 'idle', [...LEAVE, 'reply:book.confirmed']],
  ['a taken slot offers the nearest alternatives', CONFIRMING, { type: 'SLOT_TAKEN', alternatives: [SLOTS[2]!, SLOTS[3]!] }, { booking: 'choosingSlot' }, ['reply:book.slotTaken', 'armInactivityTimer']],
  ['a taken slot without alternatives shows the days again', CONFIRMING, { type: 'SLOT_TAKEN', alternatives: [] }, { booking: 'loadingDays' }, ['reply:book.slotTakenNoAlternatives', 'loadDays']],
  ['a failed confirmation apologizes with the menu', CONFIRMING, { type: 'OPERATION_FAILED', code: 'conflict' }, 'idle', [...LEAVE, 'reply:menu.failed']],
  ['Book again in the middle of a path starts over', DAY_LIST, { type: 'MENU_BOOK' }, { booking: 'loadingServices' }, ['loadServices', 'armInactivityTimer']],
  ['a greeting in the middle of a path leaves it for the menu', DAY_LIST, { type: 'GREETING' }, 'idle', [...LEAVE, 'reply:menu.welcome']],

  // Steps: unexpected messages, timeout
  ['unrecognized text in a step repeats the step', DAY_LIST, { type: 'TEXT_UNRECOGNIZED' }, { booking: 'choosingDay' }, ['reply:step.pickOption', 'reply:book.chooseDay', 'armInactivityTimer']],
  ['a stale button of another step repeats the step', DAY_LIST, { type: 'CANCEL_YES' }, { booking: 'choosingDay' }, ['reply:step.pickOption', 'reply:book.chooseDay', 'armInactivityTimer']],
  ['media in a step: text and buttons only, then the step', DAY_LIST, { type: 'UNSUPPORTED_MESSAGE' }, { booking: 'choosingDay' }, ['reply:unsupported.note', 'reply:book.chooseDay', 'armInactivityTimer']],
  ['inactivity in a booking step releases holds and shows the menu', SUMMARY, { type: 'SESSION_TIMED_OUT' }, 'idle', [...LEAVE, 'reply:menu.timedOut']],
  ['inactivity in a management step shows the menu', ACTIONS, { type: 'SESSION_TIMED_OUT' }, 'idle', [...LEAVE, 'reply:menu.timedOut']],

  // My appointments
  ['My appointments loads them', [], { type: 'MENU_APPOINTMENTS' }, { managing: 'loadingAppointments' }, ['loadAppointments', 'armInactivityTimer']],
  ['no upcoming appointments: note and menu', [{ type: 'MENU_APPOINTMENTS' }], { type: 'APPOINTMENTS_LOADED', bookings: [] }, 'idle', [...LEAVE, 'reply:manage.none']],
  ['appointments are listed', [{ type: 'MENU_APPOINTMENTS' }], { type: 'APPOINTMENTS_LOADED', bookings: [BOOKING] }, { managing: 'choosingBooking' }, ['reply:manage.chooseBooking', 'armInactivityTimer']],
  ['a booking is chosen: Reschedule · Cancel · Back', APPOINTMENTS, { type: 'BOOKING_CHOSEN', bookingId: 'bk-1' }, { managing: 'choosingAction' }, ['reply:manage.actions', 'armInactivityTimer']],
  ['a booking not on the list repeats the step', APPOINTMENTS, { type: 'BOOKING_CHOSEN', bookingId: 'bk-9' }, { managing: 'choosingBooking' }, ['reply:step.pickOption', 'reply:manage.chooseBooking', 'armInactivityTimer']],
  ['Back from the actions reloads the list', ACTIONS, { type: 'BACK' }, { managing: 'loadingAppointments' }, ['loadAppointments']],
  ['Cancel asks first', ACTIONS, { type: 'CANCEL' }, { managing: 'confirmingCancel' }, ['reply:manage.cancelQuestion', 'armInactivityTimer']],
  ['Yes, cancel cancels', CANCEL_QUESTION, { type: 'CANCEL_YES' }, { managing: 'cancelling' }, ['cancelBooking']],
  ['Keep it keeps it', CANCEL_QUESTION, { type: 'CANCEL_KEEP' }, 'idle', [...LEAVE, 'reply:manage.kept']],
  ['a cancellation is confirmed with the menu', [...CANCEL_QUESTION, { type: 'CANCEL_YES' }], { type: 'BOOKING_CANCELLED', booking: BOOKING }, 'idle', [...LEAVE, 'reply:manage.cancelled']],
  ['a cancellation refused by the lock window explains it', [...CANCEL_QUESTION, { type: 'CANCEL_YES' }], { type: 'CHANGE_LOCKED', booking: BOOKING }, { managing: 'changeLocked' }, ['reply:manage.changeLocked', 'armInactivityTimer']],
  ['Reschedule walks the booking path for the same service', ACTIONS, { type: 'RESCHEDULE' }, { booking: 'loadingDays' }, [...LEAVE, 'loadDays']],
  ['Reschedule inside the lock window explains and offers Talk to us', LOCKED_ACTIONS, { type: 'RESCHEDULE' }, { managing: 'changeLocked' }, ['reply:manage.changeLocked', 'armInactivityTimer']],
  ['Back from the lock explanation shows the actions', [...LOCKED_ACTIONS, { type: 'RESCHEDULE' }], { type: 'BACK' }, { managing: 'choosingAction' }, ['reply:manage.actions', 'armInactivityTimer']],
  ['Talk to us from the lock explanation hands off', [...LOCKED_ACTIONS, { type: 'RESCHEDULE' }], { type: 'MENU_TALK' }, 'handoff', [...LEAVE, 'reply:handoff.started', 'startHandoff']],
  ['BACK from the reschedule days returns to the actions', RESCHEDULE_DAYS, { type: 'BACK' }, { managing: 'choosingAction' }, [...LEAVE, 'reply:manage.actions', 'armInactivityTimer']],
  ['the reschedule summary shows old and new time', [...RESCHEDULE_SUMMARY.slice(0, -1)], RESCHEDULE_SUMMARY.at(-1)!, { booking: 'reviewing' }, ['reply:reschedule.summary', 'armInactivityTimer']],
  ['a new time for a move is held too', [...RESCHEDULE_SUMMARY.slice(0, -2)], RESCHEDULE_SUMMARY.at(-2)!, { booking: 'holdingSlot' }, ['holdSlot']],
  ['Confirm reschedules the same booking', RESCHEDULE_SUMMARY, { type: 'CONFIRM' }, { booking: 'rescheduling' }, ['rescheduleBooking']],
  ['a rescheduled booking is announced', RESCHEDULING, { type: 'BOOKING_RESCHEDULED', booking: BOOKING }, 'idle', [...LEAVE, 'reply:reschedule.done']],
  ['the runtime re-check of the lock explains it', RESCHEDULING, { type: 'CHANGE_LOCKED', booking: LOCKED_BOOKING }, { managing: 'changeLocked' }, [...LEAVE, 'reply:manage.changeLocked', 'armInactivityTimer']],

  // Reminder quick replies
  ['reminder Confirm confirms the pending booking', [], { type: 'REMINDER_CONFIRM', bookingId: 'bk-1' }, { managing: 'confirmingAttendance' }, ['confirmPendingBooking']],
  ['a confirmed attendance is thanked', [{ type: 'REMINDER_CONFIRM', bookingId: 'bk-1' }], { type: 'BOOKING_CONFIRMED', booking: BOOKING }, 'idle', [...LEAVE, 'reply:reminder.confirmed']],
  ['reminder Cancel loads the booking', [], { type: 'REMINDER_CANCEL', bookingId: 'bk-1' }, { managing: 'loadingBooking' }, ['loadBooking']],
  ['reminder Cancel asks to confirm the cancellation', [{ type: 'REMINDER_CANCEL', bookingId: 'bk-1' }], { type: 'BOOKING_LOADED', booking: BOOKING }, { managing: 'confirmingCancel' }, ['reply:manage.cancelQuestion', 'armInactivityTimer']],
  ['reminder Reschedule walks the reschedule path', [{ type: 'REMINDER_RESCHEDULE', bookingId: 'bk-1' }], { type: 'BOOKING_LOADED', booking: BOOKING }, { booking: 'loadingDays' }, [...LEAVE, 'loadDays']],
  ['reminder Reschedule inside the lock window explains it', [{ type: 'REMINDER_RESCHEDULE', bookingId: 'bk-2' }], { type: 'BOOKING_LOADED', booking: LOCKED_BOOKING }, { managing: 'changeLocked' }, ['reply:manage.changeLocked', 'armInactivityTimer']],
  ['a reminder for a cancelled booking says it cannot change', [{ type: 'REMINDER_CANCEL', bookingId: 'bk-3' }], { type: 'BOOKING_LOADED', booking: CANCELLED_BOOKING }, 'idle', [...LEAVE, 'reply:manage.notChangeable']],
  ['a reminder reply in the middle of a booking leaves the path', DAY_LIST, { type: 'REMINDER_CONFIRM', bookingId: 'bk-1' }, { managing: 'confirmingAttendance' }, [...LEAVE, 'confirmPendingBooking']],

  // Hand-off
  ['Talk to us hands off', [], { type: 'MENU_TALK' }, 'handoff', ['reply:handoff.started', 'startHandoff']],
  ['a hand-off keyword in a step leaves the path', DAY_LIST, { type: 'INTENT_HANDOFF' }, 'handoff', [...LEAVE, 'reply:handoff.started', 'startHandoff']],
  ['hand-off: greetings are not answered', HANDOFF, { type: 'GREETING' }, 'handoff', []],
  ['hand-off: free text is not answered', HANDOFF, { type: 'TEXT_UNRECOGNIZED' }, 'handoff', []],
  ['hand-off: menu buttons are not answered', HANDOFF, { type: 'MENU_BOOK' }, 'handoff', []],
  ['hand-off: media is not answered', HANDOFF, { type: 'UNSUPPORTED_MESSAGE' }, 'handoff', []],
  ['hand-off: a shared phone is for the staff, the bot stays silent', HANDOFF, { type: 'CONTACT_SHARED' }, 'handoff', []],
  ['hand-off: language switches are not answered', HANDOFF, { type: 'INTENT_LANGUAGE', locale: 'es' }, 'handoff', []],
  ['hand-off: reminder replies wait for the person', HANDOFF, { type: 'REMINDER_CONFIRM', bookingId: 'bk-1' }, 'handoff', []],
  ['hand-off: session timeouts are ignored', HANDOFF, { type: 'SESSION_TIMED_OUT' }, 'handoff', []],
  ['hand-off: an emergency is answered again', HANDOFF, { type: 'INTENT_EMERGENCY' }, 'handoff', ['reply:emergency.default', 'startHandoff']],
  ['hand-off: opt-out is confirmed', HANDOFF, { type: 'INTENT_OPT_OUT' }, 'handoff', ['setOptOut', 'reply:optOut.confirmed']],
  ['staff release the conversation', HANDOFF, { type: 'HANDOFF_RELEASED' }, 'idle', ['endHandoff', 'reply:menu.handoffEnded']],
  ['the hand-off times out', HANDOFF, { type: 'HANDOFF_TIMED_OUT' }, 'idle', ['endHandoff', 'reply:menu.handoffEnded']],
  ['staff take over at the menu: silent hand-off', [], { type: 'STAFF_TAKE_OVER' }, 'handoff', ['takeOver']],
  ['staff take over in a step: the path is left without a word', SUMMARY, { type: 'STAFF_TAKE_OVER' }, 'handoff', [...LEAVE, 'takeOver']],
  ['staff take over a waiting conversation: no new message', HANDOFF, { type: 'STAFF_TAKE_OVER' }, 'handoff', ['takeOver']],
  ['taken over: the customer is not answered', [{ type: 'STAFF_TAKE_OVER' }], { type: 'TEXT_UNRECOGNIZED' }, 'handoff', []],
  ['taken over: staff hand back and the menu returns', [{ type: 'STAFF_TAKE_OVER' }], { type: 'HANDOFF_RELEASED' }, 'idle', ['endHandoff', 'reply:menu.handoffEnded']],

  // Emergency, consent, language (any state)
  ['an emergency at the menu answers and hands off', [], { type: 'INTENT_EMERGENCY' }, 'handoff', ['reply:emergency.default', 'startHandoff']],
  ['an emergency in a step answers and hands off', SUMMARY, { type: 'INTENT_EMERGENCY' }, 'handoff', [...LEAVE, 'reply:emergency.default', 'startHandoff']],
  ['STOP opts out and the step stays usable', DAY_LIST, { type: 'INTENT_OPT_OUT' }, { booking: 'choosingDay' }, ['setOptOut', 'reply:optOut.confirmed']],
  ['START opts back in', [], { type: 'INTENT_OPT_IN' }, 'idle', ['setOptOut', 'reply:optIn.confirmed']],
  ['a language switch in a step confirms and re-shows the step', DAY_LIST, { type: 'INTENT_LANGUAGE', locale: 'es' }, { booking: 'choosingDay' }, ['setLocale', 'reply:language.changed', 'reply:book.chooseDay', 'armInactivityTimer']],
  ['a language switch at the menu confirms and re-shows the menu', [], { type: 'INTENT_LANGUAGE', locale: 'pt' }, 'idle', ['setLocale', 'reply:language.changed', 'reply:menu.prompt']],

  // The language of the customer's own words
  ['a Spanish emergency from a new customer switches to Spanish before answering', [], { type: 'INTENT_EMERGENCY', locale: 'es' }, 'handoff', ['setLocale', 'reply:emergency.default', 'startHandoff']],
  ['an emergency in the current language does not switch it', [], { type: 'INTENT_EMERGENCY', locale: 'en' }, 'handoff', ['reply:emergency.default', 'startHandoff']],
  ['hand-off: a Portuguese emergency is answered in Portuguese', HANDOFF, { type: 'INTENT_EMERGENCY', locale: 'pt' }, 'handoff', ['setLocale', 'reply:emergency.default', 'startHandoff']],
  ['a Spanish question in a step switches the language and re-shows the step', DAY_LIST, { type: 'TEXT_UNRECOGNIZED', detectedLocale: 'es' }, { booking: 'choosingDay' }, ['setLocale', 'reply:step.pickOption', 'reply:book.chooseDay', 'armInactivityTimer']],
  ['a Spanish question at the menu switches the language', [], { type: 'TEXT_UNRECOGNIZED', detectedLocale: 'es' }, 'idle', ['setLocale', 'reply:menu.help']],
  ['text in the current language does not switch it', DAY_LIST, { type: 'TEXT_UNRECOGNIZED', detectedLocale: 'en' }, { booking: 'choosingDay' }, ['reply:step.pickOption', 'reply:book.chooseDay', 'armInactivityTimer']],
  ['"Hola, quiero una cita" starts booking, in Spanish', [], { type: 'MENU_BOOK', locale: 'es' }, { booking: 'loadingServices' }, ['setLocale', 'loadServices', 'armInactivityTimer']],
  ['"cancel my appointment" in Spanish lists the appointments, in Spanish', [], { type: 'MENU_APPOINTMENTS', locale: 'es' }, { managing: 'loadingAppointments' }, ['setLocale', 'loadAppointments', 'armInactivityTimer']],
  ['a hand-off request in Portuguese switches to Portuguese', [], { type: 'INTENT_HANDOFF', locale: 'pt' }, 'handoff', ['setLocale', 'reply:handoff.started', 'startHandoff']],

  // The way back from a hand-off
  ['hand-off: "menu" asks whether to go back to the assistant', HANDOFF, { type: 'GREETING', isMenuKeyword: true }, 'handoff', ['reply:handoff.leaveQuestion']],
  ['hand-off: "Yes, assistant" ends the hand-off with the menu', [...HANDOFF, { type: 'GREETING', isMenuKeyword: true }], { type: 'HANDOFF_LEAVE' }, 'idle', ['endHandoff', 'reply:menu.handoffEnded']],
  ['hand-off: "No, wait" says again when the team answers', [...HANDOFF, { type: 'GREETING', isMenuKeyword: true }], { type: 'HANDOFF_STAY' }, 'handoff', ['reply:handoff.stayed']],
  ['a stale "back to the assistant" tap at the menu says it expired', [], { type: 'HANDOFF_LEAVE' }, 'idle', ['reply:menu.expired']],
  ['a stale "No, wait" tap in a step repeats the step', DAY_LIST, { type: 'HANDOFF_STAY' }, { booking: 'choosingDay' }, ['reply:step.pickOption', 'reply:book.chooseDay', 'armInactivityTimer']],
];

describe('conversation machine transitions', () => {
  it('starts at the menu without saying anything, version 1', () => {
    const [snapshot, actions] = initialTransition(conversationMachine, TEST_INPUT);
    expect(snapshot.value).toBe('idle');
    expect(actions).toEqual([]);
    expect(CONVERSATION_MACHINE_VERSION).toBe(1);
  });

  it.each(ROWS)('%s', (_name, prefix, event, state, effects) => {
    const before = run(prefix).snapshot;
    const [after, actions] = transition(conversationMachine, before, event);
    expect(after.value).toEqual(state);
    expect(summarize(toConversationEffects(actions))).toEqual(effects);
  });
});

describe('conversation machine effect params', () => {
  it('loads staff, days and slots for what the customer chose', () => {
    expect(paramsOf(run(SERVICE_CHOSEN).effects, 'loadStaff')).toEqual({ serviceId: 'svc-cut' });
    expect(paramsOf(run(STAFF_CHOSEN).effects, 'loadDays')).toEqual({ serviceId: 'svc-cut', staffId: 'any', page: 0 });
    expect(paramsOf(run([...SERVICE_CHOSEN, { type: 'STAFF_LOADED', staff: ONE_STAFF }]).effects, 'loadDays')).toEqual({ serviceId: 'svc-cut', staffId: 'stf-ana', page: 0 });
    expect(paramsOf(run(DAY_CHOSEN).effects, 'loadSlots')).toEqual({ serviceId: 'svc-cut', staffId: 'any', date: '2026-03-30', page: 0 });
    expect(paramsOf(run([...SLOT_LIST, { type: 'MORE_SLOTS' }]).effects, 'loadSlots')).toEqual({ serviceId: 'svc-cut', staffId: 'any', date: '2026-03-30', page: 1 });
  });

  it('confirms the chosen slot with its staff member', () => {
    expect(paramsOf(run(CONFIRMING).effects, 'confirmBooking')).toEqual({ serviceId: 'svc-cut', start: FIRST_SLOT.start, staffId: 'stf-ana' });
  });

  it('reschedules the same booking, keeping the service and offering any staff', () => {
    expect(paramsOf(run([...ACTIONS, { type: 'RESCHEDULE' }]).effects, 'loadDays')).toEqual({ serviceId: 'svc-cut', staffId: 'any', page: 0 });
    expect(paramsOf(run(RESCHEDULING).effects, 'rescheduleBooking')).toEqual({ bookingId: 'bk-1', serviceId: 'svc-cut', start: FIRST_SLOT.start, staffId: 'stf-ana' });
  });

  it('cancels, loads and confirms the booking the customer pointed at', () => {
    expect(paramsOf(run([...CANCEL_QUESTION, { type: 'CANCEL_YES' }]).effects, 'cancelBooking')).toEqual({ bookingId: 'bk-1' });
    expect(paramsOf(run([{ type: 'REMINDER_CANCEL', bookingId: 'bk-7' }]).effects, 'loadBooking')).toEqual({ bookingId: 'bk-7' });
    expect(paramsOf(run([{ type: 'REMINDER_CONFIRM', bookingId: 'bk-8' }]).effects, 'confirmPendingBooking')).toEqual({ bookingId: 'bk-8' });
  });

  it('hands off with the reason, and opt-out/in carry the new value', () => {
    expect(paramsOf(run(HANDOFF).effects, 'startHandoff')).toEqual({ reason: 'requested' });
    expect(paramsOf(run([{ type: 'INTENT_EMERGENCY' }]).effects, 'startHandoff')).toEqual({ reason: 'emergency' });
    const optedOut = run([{ type: 'INTENT_OPT_OUT' }]);
    expect(paramsOf(optedOut.effects, 'setOptOut')).toEqual({ isOptedOut: true });
    expect(optedOut.snapshot.context.isOptedOut).toBe(true);
    expect(paramsOf(run([{ type: 'INTENT_OPT_OUT' }, { type: 'INTENT_OPT_IN' }]).effects, 'setOptOut')).toEqual({ isOptedOut: false });
  });

  it('a business emergency text replaces the default', () => {
    const { effects } = run([{ type: 'INTENT_EMERGENCY' }], { ...TEST_INPUT, emergencyText: 'Call 061 now.' });
    expect(replies(effects)).toEqual([{ kind: 'text', key: 'emergency.custom', params: { text: 'Call 061 now.' } }]);
  });

  it('answers an emergency in the language it was written in, with the business text for that language', () => {
    const spanish = run([{ type: 'INTENT_EMERGENCY', locale: 'es' }]);
    expect(spanish.effects.find((e) => e.type === 'reply')?.params).toMatchObject({ locale: 'es', message: { key: 'emergency.default' } });
    expect(paramsOf(spanish.effects, 'setLocale')).toEqual({ locale: 'es' });
    const texts = { ...TEST_INPUT, emergencyTexts: { en: 'Call 112 now.', pt: 'Ligue 192 agora.' } };
    expect(replies(run([{ type: 'INTENT_EMERGENCY', locale: 'pt' }], texts).effects)).toEqual([{ kind: 'text', key: 'emergency.custom', params: { text: 'Ligue 192 agora.' } }]);
    // No Spanish text set: the built-in one, in Spanish (never the English text to a Spanish writer).
    expect(replies(run([{ type: 'INTENT_EMERGENCY', locale: 'es' }], texts).effects)).toEqual([{ kind: 'text', key: 'emergency.default', params: { businessName: 'Clínica Sol' } }]);
  });

  it('the hand-off acknowledgement says when the team answers (the runtime fills in the hours)', () => {
    expect(replies(run(HANDOFF).effects)).toEqual([{ kind: 'text', key: 'handoff.started', params: { businessName: 'Clínica Sol', hours: { kind: 'openingHours' } } }]);
    const question = replies(run([...HANDOFF, { type: 'GREETING', isMenuKeyword: true }]).effects)[0];
    expect(question?.kind === 'buttons' && question.buttons.map((b) => b.id)).toEqual(['handoff:leave', 'handoff:stay']);
  });

  it('a reschedule names the staff member who serves each time, and the summary shows them, not "any available"', () => {
    const days = run([...RESCHEDULE_DAYS, { type: 'DAY_CHOSEN', date: '2026-03-30' }]);
    expect(paramsOf(days.effects, 'loadSlots')).toEqual({ serviceId: 'svc-cut', staffId: 'any', date: '2026-03-30', page: 0, preferredStaffId: 'stf-ana' });
    const served = { start: FIRST_SLOT.start, staffId: 'any', staffName: 'Ana' };
    const { effects } = run([...RESCHEDULE_DAYS, { type: 'DAY_CHOSEN', date: '2026-03-30' }, { type: 'SLOTS_LOADED', slots: [served], hasMore: false }, { type: 'SLOT_CHOSEN', start: served.start, staffId: 'any' }, { type: 'SLOT_HELD' }]);
    expect(replies(effects)[0]).toMatchObject({ key: 'reschedule.summary', params: { staff: 'Ana' } });
    // A new booking with "any available" asks no preference.
    expect(paramsOf(run(DAY_CHOSEN).effects, 'loadSlots')).toEqual({ serviceId: 'svc-cut', staffId: 'any', date: '2026-03-30', page: 0 });
  });

  it('service and staff names carry their translations into lists and messages', () => {
    const services = [{ ...SERVICES[0]!, names: { pt: 'Corte de cabelo' } }];
    const list = replies(run([...BOOK, { type: 'SERVICES_LOADED', services }]).effects)[0];
    expect(list?.kind === 'list' && list.sections[0]!.rows[0]).toMatchObject({ label: 'Haircut', labels: { pt: 'Corte de cabelo' } });
    const staffList = replies(run([...BOOK, { type: 'SERVICES_LOADED', services }, { type: 'SERVICE_CHOSEN', serviceId: 'svc-cut' }, { type: 'STAFF_LOADED', staff: STAFF }]).effects)[0];
    expect(staffList).toMatchObject({ params: { service: { kind: 'name', name: 'Haircut', names: { pt: 'Corte de cabelo' } } } });
  });

  it('the day list pages through the whole booking window: "Later dates" and "Earlier dates"', () => {
    const firstPage = [...STAFF_CHOSEN, { type: 'DAYS_LOADED' as const, days: DAYS, hasMore: true }];
    expect(rowIds(replies(run(firstPage).effects)[0])).toEqual(['day:2026-03-30', 'day:2026-03-31', 'day:2026-04-01', 'days:later']);
    const later = run([...firstPage, { type: 'MORE_DAYS' }]);
    expect(later.snapshot.value).toEqual({ booking: 'loadingDays' });
    expect(paramsOf(later.effects, 'loadDays')).toEqual({ serviceId: 'svc-cut', staffId: 'any', page: 1 });
    const secondPage = [...firstPage, { type: 'MORE_DAYS' as const }, { type: 'DAYS_LOADED' as const, days: [{ date: '2026-04-13' }], hasMore: false }];
    expect(rowIds(replies(run(secondPage).effects)[0])).toEqual(['days:earlier', 'day:2026-04-13']);
    expect(paramsOf(run([...secondPage, { type: 'EARLIER_DAYS' }]).effects, 'loadDays')).toEqual({ serviceId: 'svc-cut', staffId: 'any', page: 0 });
    // No "Later dates" on the last page: an old tap repeats the step.
    expect(summarize(run([...secondPage, { type: 'MORE_DAYS' }]).effects)).toEqual(['reply:step.pickOption', 'reply:book.chooseDay', 'armInactivityTimer']);
    // Eight days a page at most, so both paging rows fit in WhatsApp's ten.
    const many = Array.from({ length: 12 }, (_, i) => ({ date: `2026-04-${String(i + 1).padStart(2, '0')}` }));
    expect(rowIds(replies(run([...STAFF_CHOSEN, { type: 'DAYS_LOADED', days: many }]).effects)[0])).toHaveLength(9);
  });

  it('no-param effects come out as {}', () => {
    expect(run(BOOK).effects).toEqual([
      { type: 'loadServices', params: {} },
      { type: 'armInactivityTimer', params: {} },
    ]);
  });
});

describe('conversation machine messages', () => {
  it('the menu has Book appointment · My appointments · Talk to us', () => {
    const [menu] = replies(run([{ type: 'GREETING' }]).effects);
    expect(menu).toMatchObject({ kind: 'buttons', key: 'menu.welcome', params: { businessName: 'Clínica Sol' } });
    expect(menu?.kind === 'buttons' && menu.buttons.map((b) => b.id)).toEqual(['menu:book', 'menu:appointments', 'menu:talk']);
  });

  it('the staff list puts "any available" first', () => {
    expect(rowIds(replies(run(STAFF_LIST).effects)[0])).toEqual(['staff:any', 'staff:stf-ana', 'staff:stf-ben']);
  });

  it('the time list has nine times and a "Later times" row when there are more', () => {
    const ids = rowIds(replies(run(SLOT_LIST).effects)[0]);
    expect(ids).toHaveLength(10);
    expect(ids.at(-1)).toBe('slots:more');
    expect(ids[0]).toBe(`slot:${FIRST_SLOT.start}|stf-ana`);
  });

  it('the time list shows up to ten times and no "Later times" row on the last page', () => {
    const { effects } = run([...DAY_CHOSEN, { type: 'SLOTS_LOADED', slots: SLOTS, hasMore: false }]);
    expect(rowIds(replies(effects)[0])).toHaveLength(10);
    expect(rowIds(replies(effects)[0])).not.toContain('slots:more');
  });

  it('too many slots from the runtime still leave room for "Later times"', () => {
    const tooMany = [...SLOTS, { start: '2026-03-30T12:00:00.000Z', staffId: 'stf-ana' }];
    const { effects, snapshot } = run([...DAY_CHOSEN, { type: 'SLOTS_LOADED', slots: tooMany, hasMore: false }]);
    expect(rowIds(replies(effects)[0]).at(-1)).toBe('slots:more');
    expect(snapshot.context.offered.hasMoreSlots).toBe(true);
  });

  it('the alternatives after a taken slot can be chosen and lead to the summary again', () => {
    const alternatives = [SLOTS[4]!, SLOTS[5]!];
    const taken = [...CONFIRMING, { type: 'SLOT_TAKEN' as const, alternatives }];
    const list = replies(run(taken).effects)[0];
    expect(list?.kind === 'list' && list.sections[0]?.rows[0]).toMatchObject({ slotStart: SLOTS[4]!.start, isDayShown: true });
    const { snapshot, effects } = run([...taken, { type: 'SLOT_CHOSEN', start: SLOTS[5]!.start, staffId: SLOTS[5]!.staffId }, { type: 'SLOT_HELD' }]);
    expect(snapshot.value).toEqual({ booking: 'reviewing' });
    expect(replies(effects)[0]).toMatchObject({ key: 'book.summary', params: { staff: SLOTS[5]!.staffName, when: { kind: 'dateTime', iso: SLOTS[5]!.start } } });
  });

  it('the summary names service, staff, time and price, with Confirm · Change', () => {
    const [summary] = replies(run(SUMMARY).effects);
    expect(summary).toEqual({
      kind: 'buttons',
      key: 'book.summary',
      params: { service: 'Haircut', staff: 'Ana', when: { kind: 'dateTime', iso: FIRST_SLOT.start }, price: { kind: 'money', amount: '25.00', currency: 'EUR' } },
      buttons: [
        { id: 'summary:confirm', key: 'book.confirmButton' },
        { id: 'summary:change', key: 'book.changeButton' },
      ],
    });
  });

  it('the confirmation names service, staff, time with its zone, and price', () => {
    const [confirmation] = replies(run([...CONFIRMING, { type: 'BOOKING_CONFIRMED', booking: BOOKING }]).effects);
    expect(confirmation).toEqual({
      kind: 'text',
      key: 'book.confirmed',
      params: {
        service: 'Haircut',
        staff: 'Ana',
        when: { kind: 'dateTime', iso: BOOKING.start, timeZone: 'Europe/Madrid' },
        price: { kind: 'money', amount: '25.00', currency: 'EUR' },
        calendar: { kind: 'calendarLink', url: null },
      },
    });
  });

  it('the lock explanation offers Talk to us and Back', () => {
    const [locked] = replies(run([...LOCKED_ACTIONS, { type: 'RESCHEDULE' }]).effects);
    expect(locked?.kind === 'buttons' && locked.buttons.map((b) => b.id)).toEqual(['menu:talk', 'manage:back']);
  });

  it('a language switch renders the confirmation and the re-shown step in the new language', () => {
    const { effects, snapshot } = run([...DAY_LIST, { type: 'INTENT_LANGUAGE', locale: 'es' }]);
    expect(paramsOf(effects, 'setLocale')).toEqual({ locale: 'es' });
    expect(effects.filter((e) => e.type === 'reply').map((e) => (e.type === 'reply' ? e.params.locale : null))).toEqual(['es', 'es']);
    expect(snapshot.context.locale).toBe('es');
  });

  it('after a booking the menu is the step re-sent on the next unexpected message', () => {
    const booked = [...CONFIRMING, { type: 'BOOKING_CONFIRMED' as const, booking: BOOKING }];
    expect(summarize(run([...booked, { type: 'UNSUPPORTED_MESSAGE' }]).effects)).toEqual(['reply:unsupported.note', 'reply:menu.prompt']);
    expect(run(booked).snapshot.context.offered).toEqual({});
  });

  it('keeps the context JSON-serialisable and small', () => {
    const { snapshot } = run(SLOT_LIST);
    const json = JSON.stringify(snapshot.context);
    expect(JSON.parse(json)).toEqual(snapshot.context);
    expect(json.length).toBeLessThan(8000);
    const persisted = conversationMachine.resolveState({ value: snapshot.value, context: JSON.parse(json) });
    const [next] = transition(conversationMachine, persisted, { type: 'SLOT_CHOSEN', start: FIRST_SLOT.start, staffId: FIRST_SLOT.staffId });
    expect(next.value).toEqual({ booking: 'holdingSlot' });
  });
});

describe('conversation machine with a booking Flow (WhatsApp form)', () => {
  const FLOW_INPUT: ConversationInput = { ...TEST_INPUT, isFlowEnabled: true };
  const COMPLETED: ConversationEvent = { type: 'FLOW_COMPLETED', flowToken: 'ft-1', response: FLOW_RESPONSE };
  const TAKEN: ConversationEvent = { type: 'FLOW_SLOT_TAKEN', mode: 'book', service: FLOW_SERVICE, staffId: 'stf-ana', date: '2026-03-30', alternatives: [FIRST_SLOT, { start: '2026-03-31T16:30:00.000Z', staffId: 'stf-ana' }] };
  const MOVE_TAKEN: ConversationEvent = { type: 'FLOW_SLOT_TAKEN', mode: 'reschedule', service: FLOW_SERVICE, staffId: 'stf-ana', date: '2026-03-30', booking: BOOKING, alternatives: [FIRST_SLOT] };

  const FLOW_ROWS: Row[] = [
    ['Book sends the form and stays at the menu (no lists, no inactivity timer)', [], { type: 'MENU_BOOK' }, 'idle', ['sendBookingFlow']],
    ['Book in the middle of a list path leaves it and sends the form', [{ type: 'MENU_APPOINTMENTS' }], { type: 'MENU_BOOK' }, 'idle', [...LEAVE, 'sendBookingFlow']],
    ['Reschedule sends the form for that booking', ACTIONS, { type: 'RESCHEDULE' }, 'idle', [...LEAVE, 'sendBookingFlow']],
    ['a locked booking still explains the lock instead of sending the form', LOCKED_ACTIONS, { type: 'RESCHEDULE' }, { managing: 'changeLocked' }, ['reply:manage.changeLocked', 'armInactivityTimer']],
    ['a reminder\'s Reschedule sends the form once the booking is loaded', [{ type: 'REMINDER_RESCHEDULE', bookingId: 'bk-1' }], { type: 'BOOKING_LOADED', booking: BOOKING }, 'idle', [...LEAVE, 'sendBookingFlow']],
    ['a completed booking form is confirmed in the step', [], COMPLETED, { booking: 'completingFlow' }, ['completeFlow']],
    ['a completed form in the middle of a list path is confirmed too', DAY_LIST, COMPLETED, { booking: 'completingFlow' }, ['completeFlow']],
    ['a completion without a token (or of another Flow) only shows the menu', [], { type: 'FLOW_COMPLETED', response: FLOW_RESPONSE }, 'idle', ['reply:menu.prompt']],
    ['the confirmation is the list path\'s', [COMPLETED], { type: 'BOOKING_CONFIRMED', booking: BOOKING }, 'idle', [...LEAVE, 'reply:book.confirmed']],
    ['a moved booking is announced like the list path\'s', [COMPLETED], { type: 'BOOKING_RESCHEDULED', booking: BOOKING }, 'idle', [...LEAVE, 'reply:reschedule.done']],
    ['the same completion again says it is already booked, without a second "Booked!"', [COMPLETED], { type: 'BOOKING_ALREADY_DONE', booking: BOOKING }, 'idle', [...LEAVE, 'reply:book.alreadyBooked']],
    ['a slot gone meanwhile offers the nearest alternatives', [COMPLETED], TAKEN, { booking: 'choosingSlot' }, ['reply:book.slotTaken', 'armInactivityTimer']],
    ['a slot gone with nothing near: note with the menu (Book opens the form again)', [COMPLETED], { ...TAKEN, alternatives: [] } as ConversationEvent, 'idle', [...LEAVE, 'reply:book.slotTakenNoAlternatives']],
    ['an expired, used or foreign token: the menu says it expired', [COMPLETED], { type: 'FLOW_REJECTED', reason: 'expired' }, 'idle', [...LEAVE, 'reply:menu.expired']],
    ['a booking that became locked meanwhile explains the lock', [COMPLETED], { type: 'CHANGE_LOCKED', booking: LOCKED_BOOKING }, { managing: 'changeLocked' }, [...LEAVE, 'reply:manage.changeLocked', 'armInactivityTimer']],
    ['an alternative is chosen: held, then the list path\'s summary', [COMPLETED, TAKEN, { type: 'SLOT_CHOSEN', start: FIRST_SLOT.start, staffId: FIRST_SLOT.staffId }], { type: 'SLOT_HELD' }, { booking: 'reviewing' }, ['reply:book.summary', 'armInactivityTimer']],
    ['the "Book appointment" row of the alternatives opens the form again', [COMPLETED, TAKEN], { type: 'MENU_BOOK' }, 'idle', [...LEAVE, 'sendBookingFlow']],
    ['the "Reschedule" row of a move\'s alternatives opens the move form again', [COMPLETED, MOVE_TAKEN], { type: 'RESCHEDULE' }, 'idle', [...LEAVE, 'sendBookingFlow']],
    ['confirming an alternative of a move reschedules the booking', [COMPLETED, MOVE_TAKEN, { type: 'SLOT_CHOSEN', start: FIRST_SLOT.start, staffId: FIRST_SLOT.staffId }, { type: 'SLOT_HELD' }], { type: 'CONFIRM' }, { booking: 'rescheduling' }, ['rescheduleBooking']],
  ];

  it.each(FLOW_ROWS)('%s', (_name, prefix, event, state, effects) => {
    const { snapshot, effects: actual } = run([...prefix, event], FLOW_INPUT);
    expect(snapshot.value).toEqual(state);
    expect(summarize(actual)).toEqual(effects);
  });

  it('sends the form in the customer\'s language, for a new booking or for the booking being moved', () => {
    expect(paramsOf(run([{ type: 'INTENT_LANGUAGE', locale: 'pt' }, { type: 'MENU_BOOK' }], FLOW_INPUT).effects, 'sendBookingFlow')).toEqual({ mode: 'book', locale: 'pt' });
    expect(paramsOf(run([...ACTIONS, { type: 'RESCHEDULE' }], FLOW_INPUT).effects, 'sendBookingFlow')).toEqual({ mode: 'reschedule', bookingId: 'bk-1', serviceName: 'Haircut', locale: 'en' });
  });

  it('hands the completion (token and answer) to the runtime as they came', () => {
    expect(paramsOf(run([COMPLETED], FLOW_INPUT).effects, 'completeFlow')).toEqual({ flowToken: 'ft-1', response: FLOW_RESPONSE });
  });

  it('the alternatives list ends with a row that opens the form again', () => {
    const list = replies(run([COMPLETED, TAKEN], FLOW_INPUT).effects)[0];
    expect(rowIds(list)).toEqual([`slot:${FIRST_SLOT.start}|stf-ana`, 'slot:2026-03-31T16:30:00.000Z|stf-ana', 'menu:book']);
    expect(rowIds(replies(run([COMPLETED, MOVE_TAKEN], FLOW_INPUT).effects)[0])).toEqual([`slot:${FIRST_SLOT.start}|stf-ana`, 'manage:reschedule']);
  });

  it('confirming an alternative books it with the form\'s service', () => {
    const { effects } = run([COMPLETED, TAKEN, { type: 'SLOT_CHOSEN', start: FIRST_SLOT.start, staffId: 'stf-ana' }, { type: 'SLOT_HELD' }, { type: 'CONFIRM' }], FLOW_INPUT);
    expect(paramsOf(effects, 'confirmBooking')).toEqual({ serviceId: 'svc-cut', start: FIRST_SLOT.start, staffId: 'stf-ana' });
  });

  it('without a Flow configured, Book keeps the list path', () => {
    expect(summarize(run([{ type: 'MENU_BOOK' }]).effects)).toEqual(['loadServices', 'armInactivityTimer']);
  });
});
