/**
 * The WhatsApp conversation of one customer with one business, as a pure XState v5 machine.
 *
 * No invoke, no `after`, no I/O: every effect (send a message, load slots, confirm a booking, arm a
 * timer) is a named action with params that the runtime executes from the `[snapshot, actions]` of
 * `transition()`. Effects that need an answer are fed back as events (SERVICES_LOADED, SLOT_TAKEN…)
 * in the same processing step; timeouts arrive as events from durable jobs (SESSION_TIMED_OUT).
 *
 * idle (menu) · booking.* (also reschedule mode) · managing.* · handoff (bot silent).
 *
 * With a booking Flow configured (`isFlowEnabled`), "Book appointment" and "Reschedule" send the
 * WhatsApp Flow instead of the lists; its completion (FLOW_COMPLETED) is confirmed in
 * booking.completingFlow, and a slot gone meanwhile falls back to the list path's alternatives.
 */
import { assign, setup } from 'xstate';
import {
  buildAlreadyBookedMessage,
  buildAlternativesList,
  buildAppointmentList,
  buildAttendanceConfirmedMessage,
  buildBookedMessage,
  buildBookingActionsMessage,
  buildCancelQuestion,
  buildCancelledMessage,
  buildChangeLockedMessage,
  buildDayList,
  DAYS_PAGE_SIZE,
  buildEmergencyMessage,
  buildFlowAlternativesList,
  buildHandoffLeaveQuestion,
  buildHandoffNotice,
  toNameParam,
  buildMenuMessage,
  buildRescheduledMessage,
  buildServiceList,
  buildSlotList,
  buildStaffList,
  buildSummaryMessage,
  buildTextMessage,
  MAX_LIST_ROWS,
} from './conversation-messages';
import type {
  BookingSummary,
  ConversationContext,
  ConversationEffect,
  ConversationEffectParams,
  ConversationEffectType,
  ConversationEvent,
  ConversationInput,
  HandoffReason,
  Locale,
  MessageDescriptor,
  MessageParam,
} from './conversation-types';

/** Stored with every persisted snapshot; bump it when a snapshot of the old shape no longer fits. */
export const CONVERSATION_MACHINE_VERSION = 1;

/** Slots per loadSlots page: nine rows plus the "Later times" row fill WhatsApp's ten. */
export const SLOTS_PAGE_SIZE = MAX_LIST_ROWS - 1;

/** Booking statuses the customer can still cancel or move. */
const CHANGEABLE_STATUSES = ['pending', 'confirmed'];

// Only what the params functions read, so they fit every event-specific ActionArgs.
type Args = { context: ConversationContext; event: ConversationEvent };
type EventOf<T extends ConversationEvent['type']> = Extract<ConversationEvent, { type: T }>;

function eventAs<T extends ConversationEvent['type']>(event: ConversationEvent, type: T): EventOf<T> {
  if (event.type !== type) throw new Error(`conversation machine: expected ${type}, got ${event.type}; the chart wires this action to the wrong event`);
  return event as EventOf<T>;
}

function ensurePresent<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`conversation machine: ${what} missing from context; a step was reached without choosing it first`);
  return value;
}

const EMPTY_PATH = {
  mode: 'book',
  service: undefined,
  staffId: undefined,
  staffName: undefined,
  staffNames: undefined,
  hasStaffChoice: false,
  date: undefined,
  dayPage: 0,
  slotPage: 0,
  slot: undefined,
  booking: undefined,
  reminderIntent: undefined,
  offered: {},
} satisfies Partial<ConversationContext>;

const noEffect = (): void => undefined;
const effect = <K extends ConversationEffectType>() => (_: Args, _params: ConversationEffectParams[K]): void => undefined;

/** Effects: no-ops here, run by the runtime from transition()'s action list (src/conversation/effects). */
const EFFECT_ACTIONS = {
  reply: effect<'reply'>(),
  loadServices: noEffect,
  loadStaff: effect<'loadStaff'>(),
  loadDays: effect<'loadDays'>(),
  loadSlots: effect<'loadSlots'>(),
  confirmBooking: effect<'confirmBooking'>(),
  holdSlot: effect<'holdSlot'>(),
  loadAppointments: noEffect,
  loadBooking: effect<'loadBooking'>(),
  cancelBooking: effect<'cancelBooking'>(),
  rescheduleBooking: effect<'rescheduleBooking'>(),
  confirmPendingBooking: effect<'confirmPendingBooking'>(),
  startHandoff: effect<'startHandoff'>(),
  endHandoff: noEffect,
  takeOver: noEffect,
  setOptOut: effect<'setOptOut'>(),
  setLocale: effect<'setLocale'>(),
  armInactivityTimer: noEffect,
  disarmInactivityTimer: noEffect,
  releaseHolds: noEffect,
  sendBookingFlow: effect<'sendBookingFlow'>(),
  completeFlow: effect<'completeFlow'>(),
  recordRating: effect<'recordRating'>(),
} satisfies Record<ConversationEffectType, unknown>;

function toReply(context: ConversationContext, message: MessageDescriptor): ConversationEffectParams['reply'] {
  return { message, locale: context.locale };
}

/** Reply with a text from the catalog ({businessName} is always available to it). */
function replyText(key: string) {
  return { type: 'reply' as const, params: ({ context }: Args) => toReply(context, buildTextMessage(key, { businessName: context.businessName })) };
}

/** Re-send the current step (or the menu when there is none). */
const replyStep = {
  type: 'reply' as const,
  params: ({ context }: Args) => toReply(context, context.lastStep ?? buildMenuMessage('menu.prompt', { businessName: context.businessName })),
};

/** Back at the menu: forget the path, remember the plain menu as the step, send the menu with `key` as its body. */
function replyMenu(key: string) {
  return [
    'resetToMenu' as const,
    { type: 'reply' as const, params: ({ context }: Args) => toReply(context, buildMenuMessage(key, { businessName: context.businessName })) },
  ];
}

function startHandoff(reason: HandoffReason) {
  return { type: 'startHandoff' as const, params: { reason } };
}

/** The hand-off acknowledgement (or a later reminder of it): when the team answers; the runtime fills in the hours. */
function replyHandoffNotice(key: 'handoff.started' | 'handoff.stayed') {
  return { type: 'reply' as const, params: ({ context }: Args) => toReply(context, buildHandoffNotice(key, context.businessName)) };
}

/** The language an event's text was clearly written in, if it says. */
function eventLocale(event: ConversationEvent): Locale | undefined {
  switch (event.type) {
    case 'GREETING':
    case 'INTENT_LANGUAGE':
    case 'INTENT_EMERGENCY':
    case 'INTENT_HANDOFF':
    case 'MENU_BOOK':
    case 'MENU_APPOINTMENTS':
      return event.locale;
    case 'TEXT_UNRECOGNIZED':
      return event.detectedLocale;
    default:
      return undefined;
  }
}

const replyEmergency = {
  type: 'reply' as const,
  params: ({ context }: Args) => toReply(context, buildEmergencyMessage(context)),
};

/** A transition that first switches the language when the event's text is clearly in another one. */
function withLocaleSwitch<T extends { target?: string; actions: readonly unknown[] }>(transition: T) {
  return [{ ...transition, guard: 'isNewLocale' as const, actions: ['rememberLocale' as const, setLocale, ...transition.actions] }, transition];
}

const loadStaff = { type: 'loadStaff' as const, params: ({ context }: Args) => ({ serviceId: ensurePresent(context.service, 'service').id }) };

const loadDays = {
  type: 'loadDays' as const,
  params: ({ context }: Args) => ({ serviceId: ensurePresent(context.service, 'service').id, staffId: ensurePresent(context.staffId, 'staff'), page: context.dayPage ?? 0 }),
};

const holdSlot = {
  type: 'holdSlot' as const,
  params: ({ context }: Args) => {
    const slot = ensurePresent(context.slot, 'slot');
    return { serviceId: ensurePresent(context.service, 'service').id, start: slot.start, staffId: slot.staffId };
  },
};

const loadSlots = {
  type: 'loadSlots' as const,
  params: ({ context }: Args) => ({
    serviceId: ensurePresent(context.service, 'service').id,
    staffId: ensurePresent(context.staffId, 'staff'),
    date: ensurePresent(context.date, 'date'),
    page: context.slotPage,
    ...(context.mode === 'reschedule' && context.staffId === 'any' && context.booking?.staffId ? { preferredStaffId: context.booking.staffId } : {}),
  }),
};

/** A step shown to the customer: remember it (for re-sending), send it, and keep the session alive. */
function showStep(rememberAction: ShowActionName) {
  return [rememberAction, replyStep, 'armInactivityTimer' as const];
}

type ShowActionName =
  | 'showServices'
  | 'showStaff'
  | 'showDays'
  | 'showSlots'
  | 'showAlternatives'
  | 'showSummary'
  | 'showAppointments'
  | 'showBookingActions'
  | 'showCancelQuestion'
  | 'showChangeLocked'
  | 'showFlowAlternatives';

const machineSetup = setup({
  types: {} as { context: ConversationContext; events: ConversationEvent; input: ConversationInput },
  guards: {
    hasNoServices: ({ event }) => eventAs(event, 'SERVICES_LOADED').services.length === 0,
    isOfferedService: ({ context, event }) => (context.offered.services ?? []).some((s) => s.id === eventAs(event, 'SERVICE_CHOSEN').serviceId),
    hasNoStaff: ({ event }) => eventAs(event, 'STAFF_LOADED').staff.length === 0,
    hasSingleStaff: ({ event }) => eventAs(event, 'STAFF_LOADED').staff.length === 1,
    isOfferedStaff: ({ context, event }) => {
      const { staffId } = eventAs(event, 'STAFF_CHOSEN');
      return context.offered.staff !== undefined && (staffId === 'any' || context.offered.staff.some((s) => s.id === staffId));
    },
    hasNoDays: ({ event }) => eventAs(event, 'DAYS_LOADED').days.length === 0,
    hasMoreDays: ({ context }) => context.offered.hasMoreDays === true,
    hasEarlierDays: ({ context }) => (context.dayPage ?? 0) > 0,
    isOfferedDay: ({ context, event }) => (context.offered.dates ?? []).includes(eventAs(event, 'DAY_CHOSEN').date),
    hasNoSlots: ({ event }) => eventAs(event, 'SLOTS_LOADED').slots.length === 0,
    isOfferedSlot: ({ context, event }) => {
      const { start, staffId } = eventAs(event, 'SLOT_CHOSEN');
      return (context.offered.slots ?? []).some((s) => s.staffId === staffId && Date.parse(s.start) === Date.parse(start));
    },
    hasMoreSlots: ({ context }) => context.offered.hasMoreSlots === true,
    hasAlternatives: ({ event }) => eventAs(event, 'SLOT_TAKEN').alternatives.length > 0,
    hasStaffChoice: ({ context }) => context.hasStaffChoice,
    isRescheduling: ({ context }) => context.mode === 'reschedule',
    hasNoAppointments: ({ event }) => eventAs(event, 'APPOINTMENTS_LOADED').bookings.length === 0,
    isOfferedBooking: ({ context, event }) => (context.offered.bookings ?? []).some((b) => b.id === eventAs(event, 'BOOKING_CHOSEN').bookingId),
    isBookingChangeLocked: ({ context }) => context.booking?.isChangeLocked === true,
    isLoadedBookingClosed: ({ event }) => !CHANGEABLE_STATUSES.includes(eventAs(event, 'BOOKING_LOADED').booking.status),
    isLoadedBookingChangeLocked: ({ event }) => eventAs(event, 'BOOKING_LOADED').booking.isChangeLocked,
    isCancelIntent: ({ context }) => context.reminderIntent === 'cancel',
    isFlowEnabled: ({ context }) => context.isFlowEnabled === true,
    isNewLocaleWithFlow: ({ context, event }) => {
      const locale = eventLocale(event);
      return context.isFlowEnabled === true && locale !== undefined && locale !== context.locale;
    },
    isBookingFlowCompletion: ({ event }) => {
      const { flowToken, response } = eventAs(event, 'FLOW_COMPLETED');
      return flowToken !== undefined && flowToken !== '' && response.flow === 'booking';
    },
    hasFlowAlternatives: ({ event }) => eventAs(event, 'FLOW_SLOT_TAKEN').alternatives.length > 0,
    canReopenRescheduleFlow: ({ context }) => context.isFlowEnabled === true && context.mode === 'reschedule' && context.booking !== undefined,
    isNewLocale: ({ context, event }) => {
      const locale = eventLocale(event);
      return locale !== undefined && locale !== context.locale;
    },
    isMenuKeyword: ({ event }) => event.type === 'GREETING' && event.isMenuKeyword === true,
  },
  actions: {
    ...EFFECT_ACTIONS,

    // Context updates.
    resetToMenu: assign(({ context }) => ({ ...EMPTY_PATH, lastStep: buildMenuMessage('menu.prompt', { businessName: context.businessName }) })),
    startBooking: assign(() => ({ ...EMPTY_PATH })),
    rememberLocale: assign(({ context, event }) => ({ locale: eventLocale(event) ?? context.locale })),
    rememberOptOut: assign(({ event }) => ({ isOptedOut: event.type === 'INTENT_OPT_OUT' })),
    showServices: assign(({ event }) => {
      const services = eventAs(event, 'SERVICES_LOADED').services.slice(0, MAX_LIST_ROWS);
      return { offered: { services }, lastStep: buildServiceList(services) };
    }),
    rememberService: assign(({ context, event }) => {
      const service = ensurePresent(
        context.offered.services?.find((s) => s.id === eventAs(event, 'SERVICE_CHOSEN').serviceId),
        'offered service',
      );
      return { service, offered: {} };
    }),
    rememberOnlyStaff: assign(({ event }) => {
      const only = ensurePresent(eventAs(event, 'STAFF_LOADED').staff[0], 'staff member');
      return { staffId: only.id, staffName: only.name, staffNames: only.names, hasStaffChoice: false, dayPage: 0 };
    }),
    showStaff: assign(({ context, event }) => {
      const staff = eventAs(event, 'STAFF_LOADED').staff.slice(0, MAX_LIST_ROWS - 1);
      return { offered: { staff }, hasStaffChoice: true, lastStep: buildStaffList(ensurePresent(context.service, 'service'), staff) };
    }),
    rememberStaff: assign(({ context, event }) => {
      const { staffId } = eventAs(event, 'STAFF_CHOSEN');
      const member = context.offered.staff?.find((s) => s.id === staffId);
      // Another staff member has other days: their list starts at its first page.
      return { staffId, staffName: member?.name, staffNames: member?.names, dayPage: 0, offered: {} };
    }),
    showDays: assign(({ context, event }) => {
      const { days, hasMore } = eventAs(event, 'DAYS_LOADED');
      const hasEarlier = (context.dayPage ?? 0) > 0;
      // A runtime that returns more than a page still gets a "Later dates" row instead of silently losing days.
      const hasMoreDays = hasMore === true || days.length > DAYS_PAGE_SIZE;
      const dates = days.slice(0, DAYS_PAGE_SIZE).map((d) => d.date);
      return { offered: { dates, hasMoreDays }, lastStep: buildDayList(ensurePresent(context.service, 'service'), dates, { hasEarlier, hasMore: hasMoreDays }) };
    }),
    showNextDayPage: assign(({ context }) => ({ dayPage: (context.dayPage ?? 0) + 1 })),
    showPreviousDayPage: assign(({ context }) => ({ dayPage: Math.max(0, (context.dayPage ?? 0) - 1) })),
    // Back at the days later (Back, Change, a full day), the list starts at its first page again.
    rememberDay: assign(({ event }) => ({ date: eventAs(event, 'DAY_CHOSEN').date, slotPage: 0, dayPage: 0, offered: {} })),
    showSlots: assign(({ context, event }) => {
      const { slots, hasMore } = eventAs(event, 'SLOTS_LOADED');
      // A runtime that returns more than fits still gets a "Later times" row instead of silently losing slots.
      const hasMoreSlots = hasMore || slots.length > MAX_LIST_ROWS;
      const shown = slots.slice(0, hasMoreSlots ? SLOTS_PAGE_SIZE : MAX_LIST_ROWS);
      return { offered: { slots: shown, hasMoreSlots }, lastStep: buildSlotList(ensurePresent(context.date, 'date'), shown, hasMoreSlots) };
    }),
    showNextSlotPage: assign(({ context }) => ({ slotPage: context.slotPage + 1 })),
    showAlternatives: assign(({ event }) => {
      const slots = eventAs(event, 'SLOT_TAKEN').alternatives.slice(0, MAX_LIST_ROWS);
      return { offered: { slots, hasMoreSlots: false }, lastStep: buildAlternativesList(slots) };
    }),
    rememberSlot: assign(({ context, event }) => {
      const { start, staffId } = eventAs(event, 'SLOT_CHOSEN');
      const slot = ensurePresent(
        context.offered.slots?.find((s) => s.staffId === staffId && Date.parse(s.start) === Date.parse(start)),
        'offered slot',
      );
      return { slot, offered: {} };
    }),
    showSummary: assign(({ context }) => {
      const slot = ensurePresent(context.slot, 'slot');
      // The staff member who serves this time (a reschedule keeps its own when free), else the one chosen.
      const staffName: MessageParam = slot.staffName
        ? toNameParam(slot.staffName, slot.staffNames)
        : context.staffName
          ? toNameParam(context.staffName, context.staffNames)
          : { kind: 'message' as const, key: 'book.anyStaff' };
      const booking = context.mode === 'reschedule' ? ensurePresent(context.booking, 'booking') : undefined;
      return { lastStep: buildSummaryMessage({ service: ensurePresent(context.service, 'service'), staffName, slot, ...(booking ? { booking } : {}) }) };
    }),
    showAppointments: assign(({ event }) => {
      const bookings = eventAs(event, 'APPOINTMENTS_LOADED').bookings.slice(0, MAX_LIST_ROWS);
      return { offered: { bookings }, lastStep: buildAppointmentList(bookings) };
    }),
    rememberBooking: assign(({ context, event }) => {
      const booking: BookingSummary =
        event.type === 'BOOKING_CHOSEN'
          ? ensurePresent(context.offered.bookings?.find((b) => b.id === event.bookingId), 'offered booking')
          : eventAs(event, event.type === 'CHANGE_LOCKED' ? 'CHANGE_LOCKED' : 'BOOKING_LOADED').booking;
      return { booking, offered: {} };
    }),
    rememberReminderIntent: assign(({ event }) => ({
      ...EMPTY_PATH,
      reminderIntent: event.type === 'REMINDER_CANCEL' ? ('cancel' as const) : ('reschedule' as const),
    })),
    startReschedule: assign(({ context }) => {
      const booking = ensurePresent(context.booking, 'booking');
      // Rescheduling keeps the service and offers any staff member, so the customer sees every free time.
      return {
        mode: 'reschedule' as const,
        service: { id: booking.serviceId, name: booking.serviceName, ...(booking.serviceNames ? { names: booking.serviceNames } : {}), price: booking.price, currency: booking.currency },
        staffId: 'any',
        staffName: undefined,
        staffNames: undefined,
        hasStaffChoice: false,
        date: undefined,
        dayPage: 0,
        slot: undefined,
        slotPage: 0,
        offered: {},
      };
    }),
    showBookingActions: assign(({ context }) => ({ lastStep: buildBookingActionsMessage(ensurePresent(context.booking, 'booking')) })),
    showCancelQuestion: assign(({ context }) => ({ lastStep: buildCancelQuestion(ensurePresent(context.booking, 'booking')) })),
    showChangeLocked: assign(({ context }) => ({ lastStep: buildChangeLockedMessage(ensurePresent(context.booking, 'booking')) })),
    // After a completed form found its slot gone, the list path takes over with the form's choices.
    rememberFlowChoice: assign(({ event }) => {
      const { mode, service, staffId, date, booking } = eventAs(event, 'FLOW_SLOT_TAKEN');
      return { ...EMPTY_PATH, mode, service, staffId, date, booking };
    }),
    showFlowAlternatives: assign(({ context, event }) => {
      const slots = eventAs(event, 'FLOW_SLOT_TAKEN').alternatives.slice(0, MAX_LIST_ROWS - 1);
      return { offered: { slots, hasMoreSlots: false }, lastStep: buildFlowAlternativesList(slots, context.mode) };
    }),
  },
});

const setLocale = { type: 'setLocale' as const, params: ({ context }: Args) => ({ locale: context.locale }) };

/** Send the booking Flow for a new appointment. */
const sendBookFlow = { type: 'sendBookingFlow' as const, params: ({ context }: Args) => ({ mode: 'book' as const, locale: context.locale }) };

/** Send the booking Flow that moves the booking in context (read before the path is reset). */
const sendRescheduleFlow = {
  type: 'sendBookingFlow' as const,
  params: ({ context, event }: Args) => {
    const booking = event.type === 'BOOKING_LOADED' ? event.booking : ensurePresent(context.booking, 'booking');
    return { mode: 'reschedule' as const, bookingId: booking.id, serviceName: booking.serviceNames?.[context.locale]?.trim() || booking.serviceName, locale: context.locale };
  },
};

const completeFlow = {
  type: 'completeFlow' as const,
  params: ({ event }: Args) => {
    const { flowToken, response } = eventAs(event, 'FLOW_COMPLETED');
    return { flowToken: ensurePresent(flowToken, 'flow token'), response };
  },
};
const switchLocaleIfNew = { guard: 'isNewLocale' as const, actions: ['rememberLocale' as const, setLocale] };

/** Handlers shared by the menu and every step; `isInPath` adds the inactivity timer to re-shown steps. */
function buildAssistantHandlers(isInPath: boolean) {
  const keepAlive = isInPath ? (['armInactivityTimer'] as const) : ([] as const);
  const repeatStep = { actions: [replyText('step.pickOption'), replyStep, ...keepAlive] };
  return {
    GREETING: [
      { guard: 'isNewLocale' as const, target: '#conversation.idle', actions: ['rememberLocale' as const, setLocale, ...replyMenu('menu.welcome')] },
      { target: '#conversation.idle', actions: replyMenu('menu.welcome') },
    ],
    MENU_BOOK: [
      // The form replaces the lists; the chat waits at the menu for its completion.
      { guard: 'isNewLocaleWithFlow' as const, target: '#conversation.idle', actions: ['rememberLocale' as const, setLocale, sendBookFlow, 'resetToMenu' as const] },
      { guard: 'isFlowEnabled' as const, target: '#conversation.idle', actions: [sendBookFlow, 'resetToMenu' as const] },
      ...withLocaleSwitch({ target: '#conversation.booking.loadingServices', actions: ['startBooking' as const, 'loadServices' as const, 'armInactivityTimer' as const] }),
    ],
    MENU_APPOINTMENTS: withLocaleSwitch({ target: '#conversation.managing.loadingAppointments', actions: ['startBooking' as const, 'loadAppointments' as const, 'armInactivityTimer' as const] }),
    MENU_TALK: { target: '#conversation.handoff', actions: [replyHandoffNotice('handoff.started'), startHandoff('requested')] },
    INTENT_HANDOFF: withLocaleSwitch({ target: '#conversation.handoff', actions: [replyHandoffNotice('handoff.started'), startHandoff('requested')] }),
    INTENT_LANGUAGE: { actions: ['rememberLocale' as const, setLocale, replyText('language.changed'), replyStep, ...keepAlive] },
    UNSUPPORTED_MESSAGE: { actions: [replyText('unsupported.note'), replyStep, ...keepAlive] },
    CONTACT_SHARED: { actions: [replyText('contact.saved'), replyStep, ...keepAlive] },
    FLOW_COMPLETED: [
      { guard: 'isBookingFlowCompletion' as const, target: '#conversation.booking.completingFlow', actions: [completeFlow] },
      // Another Flow (or an address message): nothing to book.
      { target: '#conversation.idle', actions: replyMenu('menu.prompt') },
    ],
    REMINDER_CONFIRM: {
      target: '#conversation.managing.confirmingAttendance',
      actions: [{ type: 'confirmPendingBooking' as const, params: ({ event }: Args) => ({ bookingId: eventAs(event, 'REMINDER_CONFIRM').bookingId }) }],
    },
    REMINDER_CANCEL: {
      target: '#conversation.managing.loadingBooking',
      actions: ['rememberReminderIntent' as const, { type: 'loadBooking' as const, params: ({ event }: Args) => ({ bookingId: eventAs(event, 'REMINDER_CANCEL').bookingId }) }],
    },
    REMINDER_RESCHEDULE: {
      target: '#conversation.managing.loadingBooking',
      actions: ['rememberReminderIntent' as const, { type: 'loadBooking' as const, params: ({ event }: Args) => ({ bookingId: eventAs(event, 'REMINDER_RESCHEDULE').bookingId }) }],
    },
    // In a step, anything that does not answer it (a stale button, free text) gets the step again.
    ...(isInPath
      ? {
          TEXT_UNRECOGNIZED: withLocaleSwitch(repeatStep),
          HANDOFF_LEAVE: repeatStep,
          HANDOFF_STAY: repeatStep,
          SERVICE_CHOSEN: repeatStep,
          STAFF_CHOSEN: repeatStep,
          DAY_CHOSEN: repeatStep,
          SLOT_CHOSEN: repeatStep,
          MORE_SLOTS: repeatStep,
          MORE_DAYS: repeatStep,
          EARLIER_DAYS: repeatStep,
          CONFIRM: repeatStep,
          CHANGE: repeatStep,
          BOOKING_CHOSEN: repeatStep,
          RESCHEDULE: repeatStep,
          CANCEL: repeatStep,
          BACK: repeatStep,
          CANCEL_YES: repeatStep,
          CANCEL_KEEP: repeatStep,
          SESSION_TIMED_OUT: { target: '#conversation.idle', actions: replyMenu('menu.timedOut') },
          OPERATION_FAILED: { target: '#conversation.idle', actions: replyMenu('menu.failed') },
        }
      : {
          TEXT_UNRECOGNIZED: withLocaleSwitch({ actions: replyMenu('menu.help') }),
          HANDOFF_LEAVE: { actions: replyMenu('menu.expired') },
          HANDOFF_STAY: { actions: replyMenu('menu.expired') },
          SERVICE_CHOSEN: { actions: replyMenu('menu.expired') },
          STAFF_CHOSEN: { actions: replyMenu('menu.expired') },
          DAY_CHOSEN: { actions: replyMenu('menu.expired') },
          SLOT_CHOSEN: { actions: replyMenu('menu.expired') },
          MORE_SLOTS: { actions: replyMenu('menu.expired') },
          MORE_DAYS: { actions: replyMenu('menu.expired') },
          EARLIER_DAYS: { actions: replyMenu('menu.expired') },
          CONFIRM: { actions: replyMenu('menu.expired') },
          CHANGE: { actions: replyMenu('menu.expired') },
          BOOKING_CHOSEN: { actions: replyMenu('menu.expired') },
          RESCHEDULE: { actions: replyMenu('menu.expired') },
          CANCEL: { actions: replyMenu('menu.expired') },
          BACK: { actions: replyMenu('menu.expired') },
          CANCEL_YES: { actions: replyMenu('menu.expired') },
          CANCEL_KEEP: { actions: replyMenu('menu.expired') },
        }),
  };
}

/** Leaving a booking or management path: its slot holds and its inactivity timer go with it. */
const LEAVE_PATH = ['releaseHolds', 'disarmInactivityTimer'] as const;

/** The conversation machine (see the file comment for the state overview). */
export const conversationMachine = machineSetup.createMachine({
  id: 'conversation',
  initial: 'idle',
  context: ({ input }) => ({
    businessName: input.businessName,
    locale: input.locale,
    ...(input.customerName !== undefined ? { customerName: input.customerName } : {}),
    ...(input.emergencyText !== undefined ? { emergencyText: input.emergencyText } : {}),
    ...(input.emergencyTexts !== undefined ? { emergencyTexts: input.emergencyTexts } : {}),
    isFlowEnabled: input.isFlowEnabled === true,
    isOptedOut: false,
    ...EMPTY_PATH,
  }),
  // Answered in every state, hand-off included: safety and consent never wait for a person.
  on: {
    INTENT_EMERGENCY: withLocaleSwitch({ target: '.handoff', actions: [replyEmergency, startHandoff('emergency')] }),
    INTENT_OPT_OUT: { actions: ['rememberOptOut', { type: 'setOptOut', params: { isOptedOut: true } }, replyText('optOut.confirmed')] },
    INTENT_OPT_IN: { actions: ['rememberOptOut', { type: 'setOptOut', params: { isOptedOut: false } }, replyText('optIn.confirmed')] },
    // A follow-up's rating, whatever the step on screen: stored and thanked, the dialogue left where it was.
    RATING_GIVEN: { actions: { type: 'recordRating', params: ({ event }) => ({ bookingUid: eventAs(event, 'RATING_GIVEN').bookingUid, rating: eventAs(event, 'RATING_GIVEN').rating }) } },
    RATING_RECORDED: {
      actions: { type: 'reply', params: ({ context, event }) => toReply(context, buildTextMessage('rating.thanks', { rating: String(eventAs(event, 'RATING_RECORDED').rating) })) },
    },
    // Staff take over from any step (leaving a path releases its holds and timer): the bot falls silent without a word.
    STAFF_TAKE_OVER: { target: '.handoff', actions: ['resetToMenu', 'takeOver'] },
  },
  states: {
    idle: {
      on: {
        ...buildAssistantHandlers(false),
        GREETING: [
          { ...switchLocaleIfNew, actions: [...switchLocaleIfNew.actions, ...replyMenu('menu.welcome')] },
          { actions: replyMenu('menu.welcome') },
        ],
      },
    },
    booking: {
      initial: 'loadingServices',
      exit: [...LEAVE_PATH],
      on: buildAssistantHandlers(true),
      states: {
        loadingServices: {
          on: {
            SERVICES_LOADED: [
              { guard: 'hasNoServices', target: '#conversation.idle', actions: replyMenu('book.noServices') },
              { target: 'choosingService', actions: showStep('showServices') },
            ],
          },
        },
        choosingService: {
          on: {
            SERVICE_CHOSEN: { guard: 'isOfferedService', target: 'loadingStaff', actions: ['rememberService', loadStaff] },
            BACK: { target: '#conversation.idle', actions: replyMenu('menu.prompt') },
          },
        },
        loadingStaff: {
          on: {
            STAFF_LOADED: [
              { guard: 'hasNoStaff', target: '#conversation.idle', actions: replyMenu('book.noStaff') },
              { guard: 'hasSingleStaff', target: 'loadingDays', actions: ['rememberOnlyStaff', loadDays] },
              { target: 'choosingStaff', actions: showStep('showStaff') },
            ],
          },
        },
        choosingStaff: {
          on: {
            STAFF_CHOSEN: { guard: 'isOfferedStaff', target: 'loadingDays', actions: ['rememberStaff', loadDays] },
            BACK: { target: 'loadingServices', actions: ['startBooking', 'loadServices'] },
          },
        },
        loadingDays: {
          on: {
            DAYS_LOADED: [
              { guard: 'hasNoDays', target: '#conversation.idle', actions: replyMenu('book.noDays') },
              { target: 'choosingDay', actions: showStep('showDays') },
            ],
          },
        },
        choosingDay: {
          on: {
            DAY_CHOSEN: { guard: 'isOfferedDay', target: 'loadingSlots', actions: ['rememberDay', loadSlots] },
            MORE_DAYS: { guard: 'hasMoreDays', target: 'loadingDays', actions: ['showNextDayPage', loadDays] },
            EARLIER_DAYS: { guard: 'hasEarlierDays', target: 'loadingDays', actions: ['showPreviousDayPage', loadDays] },
            BACK: [
              { guard: 'isRescheduling', target: '#conversation.managing.choosingAction', actions: showStep('showBookingActions') },
              { guard: 'hasStaffChoice', target: 'loadingStaff', actions: [loadStaff] },
              { target: 'loadingServices', actions: ['startBooking', 'loadServices'] },
            ],
          },
        },
        loadingSlots: {
          on: {
            SLOTS_LOADED: [
              // The day filled up between the two lists: say so and show the days again.
              { guard: 'hasNoSlots', target: 'loadingDays', actions: [replyText('book.dayFull'), loadDays] },
              { target: 'choosingSlot', actions: showStep('showSlots') },
            ],
          },
        },
        choosingSlot: {
          on: {
            SLOT_CHOSEN: { guard: 'isOfferedSlot', target: 'holdingSlot', actions: ['rememberSlot', holdSlot] },
            RESCHEDULE: { guard: 'canReopenRescheduleFlow', target: '#conversation.idle', actions: [sendRescheduleFlow, 'resetToMenu'] },
            MORE_SLOTS: { guard: 'hasMoreSlots', target: 'loadingSlots', actions: ['showNextSlotPage', loadSlots] },
            BACK: { target: 'loadingDays', actions: [loadDays] },
            CHANGE: { target: 'loadingDays', actions: [loadDays] },
          },
        },
        holdingSlot: {
          on: {
            SLOT_HELD: { target: 'reviewing', actions: showStep('showSummary') },
            // Taken between the list and the tap: the nearest free times instead of a summary.
            SLOT_TAKEN: [
              { guard: 'hasAlternatives', target: 'choosingSlot', actions: showStep('showAlternatives') },
              { target: 'loadingDays', actions: [replyText('book.slotTakenNoAlternatives'), loadDays] },
            ],
          },
        },
        reviewing: {
          on: {
            CONFIRM: [
              {
                guard: 'isRescheduling',
                target: 'rescheduling',
                actions: {
                  type: 'rescheduleBooking',
                  params: ({ context }) => {
                    const slot = ensurePresent(context.slot, 'slot');
                    return { bookingId: ensurePresent(context.booking, 'booking').id, serviceId: ensurePresent(context.service, 'service').id, start: slot.start, staffId: slot.staffId };
                  },
                },
              },
              {
                target: 'confirming',
                actions: {
                  type: 'confirmBooking',
                  params: ({ context }) => {
                    const slot = ensurePresent(context.slot, 'slot');
                    return { serviceId: ensurePresent(context.service, 'service').id, start: slot.start, staffId: slot.staffId };
                  },
                },
              },
            ],
            // The held time goes back to everyone else.
            CHANGE: { target: 'loadingDays', actions: ['releaseHolds', loadDays] },
            BACK: { target: 'loadingSlots', actions: ['releaseHolds', loadSlots] },
          },
        },
        confirming: {
          on: {
            BOOKING_CONFIRMED: {
              target: '#conversation.idle',
              actions: ['resetToMenu', { type: 'reply', params: ({ context, event }) => toReply(context, buildBookedMessage(eventAs(event, 'BOOKING_CONFIRMED').booking)) }],
            },
            SLOT_TAKEN: [
              { guard: 'hasAlternatives', target: 'choosingSlot', actions: showStep('showAlternatives') },
              { target: 'loadingDays', actions: [replyText('book.slotTakenNoAlternatives'), loadDays] },
            ],
          },
        },
        rescheduling: {
          on: {
            BOOKING_RESCHEDULED: {
              target: '#conversation.idle',
              actions: ['resetToMenu', { type: 'reply', params: ({ context, event }) => toReply(context, buildRescheduledMessage(eventAs(event, 'BOOKING_RESCHEDULED').booking)) }],
            },
            SLOT_TAKEN: [
              { guard: 'hasAlternatives', target: 'choosingSlot', actions: showStep('showAlternatives') },
              { target: 'loadingDays', actions: [replyText('book.slotTakenNoAlternatives'), loadDays] },
            ],
            CHANGE_LOCKED: { target: '#conversation.managing.changeLocked', actions: ['rememberBooking', ...showStep('showChangeLocked')] },
          },
        },
        completingFlow: {
          on: {
            // The same confirmations as the list path.
            BOOKING_CONFIRMED: {
              target: '#conversation.idle',
              actions: ['resetToMenu', { type: 'reply', params: ({ context, event }) => toReply(context, buildBookedMessage(eventAs(event, 'BOOKING_CONFIRMED').booking)) }],
            },
            BOOKING_RESCHEDULED: {
              target: '#conversation.idle',
              actions: ['resetToMenu', { type: 'reply', params: ({ context, event }) => toReply(context, buildRescheduledMessage(eventAs(event, 'BOOKING_RESCHEDULED').booking)) }],
            },
            // The same completion delivered again (a new message id): say it is booked, do not celebrate twice.
            BOOKING_ALREADY_DONE: {
              target: '#conversation.idle',
              actions: ['resetToMenu', { type: 'reply', params: ({ context, event }) => toReply(context, buildAlreadyBookedMessage(eventAs(event, 'BOOKING_ALREADY_DONE').booking)) }],
            },
            FLOW_SLOT_TAKEN: [
              { guard: 'hasFlowAlternatives', target: 'choosingSlot', actions: ['rememberFlowChoice', ...showStep('showFlowAlternatives')] },
              { target: '#conversation.idle', actions: replyMenu('book.slotTakenNoAlternatives') },
            ],
            FLOW_REJECTED: { target: '#conversation.idle', actions: replyMenu('menu.expired') },
            CHANGE_LOCKED: { target: '#conversation.managing.changeLocked', actions: ['rememberBooking', ...showStep('showChangeLocked')] },
          },
        },
      },
    },
    managing: {
      initial: 'loadingAppointments',
      exit: [...LEAVE_PATH],
      on: buildAssistantHandlers(true),
      states: {
        loadingAppointments: {
          on: {
            APPOINTMENTS_LOADED: [
              { guard: 'hasNoAppointments', target: '#conversation.idle', actions: replyMenu('manage.none') },
              { target: 'choosingBooking', actions: showStep('showAppointments') },
            ],
          },
        },
        choosingBooking: {
          on: {
            BOOKING_CHOSEN: { guard: 'isOfferedBooking', target: 'choosingAction', actions: ['rememberBooking', ...showStep('showBookingActions')] },
            BACK: { target: '#conversation.idle', actions: replyMenu('menu.prompt') },
          },
        },
        choosingAction: {
          on: {
            RESCHEDULE: [
              { guard: 'isBookingChangeLocked', target: 'changeLocked', actions: showStep('showChangeLocked') },
              { guard: 'isFlowEnabled', target: '#conversation.idle', actions: [sendRescheduleFlow, 'resetToMenu'] },
              { target: '#conversation.booking.loadingDays', actions: ['startReschedule', loadDays] },
            ],
            CANCEL: { target: 'confirmingCancel', actions: showStep('showCancelQuestion') },
            BACK: { target: 'loadingAppointments', actions: ['loadAppointments'] },
          },
        },
        confirmingCancel: {
          on: {
            CANCEL_YES: { target: 'cancelling', actions: { type: 'cancelBooking', params: ({ context }) => ({ bookingId: ensurePresent(context.booking, 'booking').id }) } },
            CANCEL_KEEP: { target: '#conversation.idle', actions: replyMenu('manage.kept') },
            BACK: { target: 'choosingAction', actions: showStep('showBookingActions') },
          },
        },
        cancelling: {
          on: {
            BOOKING_CANCELLED: {
              target: '#conversation.idle',
              actions: ['resetToMenu', { type: 'reply', params: ({ context, event }) => toReply(context, buildCancelledMessage(eventAs(event, 'BOOKING_CANCELLED').booking)) }],
            },
            CHANGE_LOCKED: { target: 'changeLocked', actions: ['rememberBooking', ...showStep('showChangeLocked')] },
          },
        },
        changeLocked: {
          on: {
            BACK: { target: 'choosingAction', actions: showStep('showBookingActions') },
          },
        },
        loadingBooking: {
          on: {
            BOOKING_LOADED: [
              { guard: 'isLoadedBookingClosed', target: '#conversation.idle', actions: replyMenu('manage.notChangeable') },
              { guard: 'isCancelIntent', target: 'confirmingCancel', actions: ['rememberBooking', ...showStep('showCancelQuestion')] },
              { guard: 'isLoadedBookingChangeLocked', target: 'changeLocked', actions: ['rememberBooking', ...showStep('showChangeLocked')] },
              { guard: 'isFlowEnabled', target: '#conversation.idle', actions: [sendRescheduleFlow, 'resetToMenu'] },
              { target: '#conversation.booking.loadingDays', actions: ['rememberBooking', 'startReschedule', loadDays] },
            ],
          },
        },
        confirmingAttendance: {
          on: {
            BOOKING_CONFIRMED: {
              target: '#conversation.idle',
              actions: ['resetToMenu', { type: 'reply', params: ({ context, event }) => toReply(context, buildAttendanceConfirmedMessage(eventAs(event, 'BOOKING_CONFIRMED').booking)) }],
            },
          },
        },
      },
    },
    handoff: {
      // Silent: nothing but the root handlers and these answers; messages are still stored by the runtime.
      on: {
        INTENT_EMERGENCY: withLocaleSwitch({ actions: [replyEmergency, startHandoff('emergency')] }),
        // "menu"/"bot" alone: the way back, after a confirmation (the person may be typing an answer).
        GREETING: { guard: 'isMenuKeyword', actions: { type: 'reply', params: ({ context }) => toReply(context, buildHandoffLeaveQuestion()) } },
        HANDOFF_LEAVE: { target: 'idle', actions: ['endHandoff', ...replyMenu('menu.handoffEnded')] },
        HANDOFF_STAY: { actions: replyHandoffNotice('handoff.stayed') },
        HANDOFF_RELEASED: { target: 'idle', actions: ['endHandoff', ...replyMenu('menu.handoffEnded')] },
        HANDOFF_TIMED_OUT: { target: 'idle', actions: ['endHandoff', ...replyMenu('menu.handoffEnded')] },
        // Already with a person: staff now own it; the reason changes, the waiting customer hears nothing new.
        STAFF_TAKE_OVER: { actions: 'takeOver' },
      },
    },
  },
});

const EFFECT_TYPES: ReadonlySet<string> = new Set(Object.keys(EFFECT_ACTIONS));
/**
 * The effects among the actions returned by `transition()`/`initialTransition()`, in order, as
 * plain `{ type, params }` (context updates and XState internals left out).
 */
export function toConversationEffects(actions: ReadonlyArray<{ type: string; params?: unknown }>): ConversationEffect[] {
  return actions
    .filter((action) => EFFECT_TYPES.has(action.type))
    .map((action) => ({ type: action.type, params: action.params ?? {} }) as ConversationEffect);
}

