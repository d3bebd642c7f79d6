/**
 * The message descriptors of each conversation step: catalog keys plus data, built from the
 * machine's context. Pure; the renderer turns them into WhatsApp messages in the customer's language.
 */
import { toReplyId } from './conversation-events';
import type {
  BookingSummary,
  ButtonDescriptor,
  ChosenService,
  LocalizedNames,
  Locale,
  MessageDescriptor,
  MessageParam,
  ServiceOption,
  SlotOption,
  StaffOption,
} from './conversation-types';

/** WhatsApp shows at most ten list rows in total. */
export const MAX_LIST_ROWS = 10;

const MENU_BUTTONS: ButtonDescriptor[] = [
  { id: toReplyId({ type: 'MENU_BOOK' }), key: 'menu.book' },
  { id: toReplyId({ type: 'MENU_APPOINTMENTS' }), key: 'menu.appointments' },
  { id: toReplyId({ type: 'MENU_TALK' }), key: 'menu.talk' },
];

/** The main menu; `key` is its body, so a short note ("that expired…") and the menu are one message. */
export function buildMenuMessage(key = 'menu.prompt', params?: Record<string, MessageParam>): MessageDescriptor {
  return params ? { kind: 'buttons', key, params, buttons: MENU_BUTTONS } : { kind: 'buttons', key, buttons: MENU_BUTTONS };
}

/**
 * A service, staff or place name as a message param: with its translations when it has any, so
 * the renderer shows it in the reader's language; the plain name otherwise.
 */
export function toNameParam(name: string, names: LocalizedNames | undefined): MessageParam {
  return names && Object.values(names).some((value) => value?.trim()) ? { kind: 'name', name, names } : name;
}

/** A plain text message. */
export function buildTextMessage(key: string, params?: Record<string, MessageParam>): MessageDescriptor {
  return params ? { kind: 'text', key, params } : { kind: 'text', key };
}

/** List of services with duration and price as the row description. */
export function buildServiceList(services: ServiceOption[]): MessageDescriptor {
  return {
    kind: 'list',
    key: 'book.chooseService',
    buttonKey: 'book.servicesButton',
    sections: [
      {
        rows: services.slice(0, MAX_LIST_ROWS).map((service) => ({
          id: toReplyId({ type: 'SERVICE_CHOSEN', serviceId: service.id }),
          label: service.name,
          ...(service.names ? { labels: service.names } : {}),
          descriptionKey: 'book.serviceDescription',
          params: {
            duration: { kind: 'duration', minutes: service.durationMinutes },
            price: { kind: 'money', amount: service.price, currency: service.currency },
          },
        })),
      },
    ],
  };
}

/** "Any available" first, then the staff members (nine at most, to stay within ten rows). */
export function buildStaffList(service: ChosenService, staff: StaffOption[]): MessageDescriptor {
  return {
    kind: 'list',
    key: 'book.chooseStaff',
    params: { service: toNameParam(service.name, service.names) },
    buttonKey: 'book.staffButton',
    sections: [
      {
        rows: [
          { id: toReplyId({ type: 'STAFF_CHOSEN', staffId: 'any' }), labelKey: 'book.anyStaff' },
          ...staff
            .slice(0, MAX_LIST_ROWS - 1)
            .map((member) => ({ id: toReplyId({ type: 'STAFF_CHOSEN', staffId: member.id }), label: member.name, ...(member.names ? { labels: member.names } : {}) })),
        ],
      },
    ],
  };
}

/** Days per page of the day list: eight days, "Earlier dates" and "Later dates" fill WhatsApp's ten rows. */
export const DAYS_PAGE_SIZE = MAX_LIST_ROWS - 2;

/**
 * Days with free slots; each row title is the localized day ("Mon 30 Mar"). "Earlier dates" leads
 * when this is not the first page, "Later dates" closes when the window goes on.
 */
export function buildDayList(service: ChosenService, dates: string[], paging: { hasEarlier?: boolean; hasMore?: boolean } = {}): MessageDescriptor {
  return {
    kind: 'list',
    key: 'book.chooseDay',
    params: { service: toNameParam(service.name, service.names) },
    buttonKey: 'book.daysButton',
    sections: [
      {
        rows: [
          ...(paging.hasEarlier ? [{ id: toReplyId({ type: 'EARLIER_DAYS' }), labelKey: 'book.earlierDates' }] : []),
          ...dates.map((date) => ({ id: toReplyId({ type: 'DAY_CHOSEN', date }), date })),
          ...(paging.hasMore ? [{ id: toReplyId({ type: 'MORE_DAYS' }), labelKey: 'book.laterDates' }] : []),
        ],
      },
    ],
  };
}

/** Times of one day; a "Later times" row takes the tenth place when there are more. */
export function buildSlotList(date: string, slots: SlotOption[], hasMore: boolean): MessageDescriptor {
  const first = slots[0];
  return {
    kind: 'list',
    key: 'book.chooseTime',
    params: { day: { kind: 'day', date }, zone: { kind: 'zone', iso: first ? first.start : `${date}T12:00:00.000Z` } },
    buttonKey: 'book.timesButton',
    sections: [{ rows: [...slots.map((slot) => buildSlotRow(slot, false)), ...(hasMore ? [{ id: toReplyId({ type: 'MORE_SLOTS' }), labelKey: 'book.laterTimes' }] : [])] }],
  };
}

/** The nearest free alternatives after a taken slot; they may fall on other days, so the day is shown. */
export function buildAlternativesList(slots: SlotOption[]): MessageDescriptor {
  const first = slots[0];
  return {
    kind: 'list',
    key: 'book.slotTaken',
    params: { zone: { kind: 'zone', iso: first ? first.start : '1970-01-01T00:00:00.000Z' } },
    buttonKey: 'book.timesButton',
    sections: [{ rows: slots.map((slot) => buildSlotRow(slot, true)) }],
  };
}

/**
 * The nearest free alternatives after a completed booking form found its slot gone, plus a last row
 * that opens the form again ("Book appointment", or "Reschedule" when moving a booking).
 */
export function buildFlowAlternativesList(slots: SlotOption[], mode: 'book' | 'reschedule'): MessageDescriptor {
  const list = buildAlternativesList(slots.slice(0, MAX_LIST_ROWS - 1));
  const reopen =
    mode === 'reschedule'
      ? { id: toReplyId({ type: 'RESCHEDULE' }), labelKey: 'manage.rescheduleButton' }
      : { id: toReplyId({ type: 'MENU_BOOK' }), labelKey: 'menu.book' };
  if (list.kind !== 'list') return list;
  return { ...list, sections: list.sections.map((section) => ({ ...section, rows: [...section.rows, reopen] })) };
}

function buildSlotRow(slot: SlotOption, isDayShown: boolean) {
  const row = { id: toReplyId({ type: 'SLOT_CHOSEN', start: slot.start, staffId: slot.staffId }), slotStart: slot.start, ...(isDayShown ? { isDayShown } : {}) };
  return slot.staffName ? { ...row, descriptionKey: 'book.slotWithStaff', params: { staff: toNameParam(slot.staffName, slot.staffNames) } } : row;
}

/** Summary of the new appointment (or of the move) with Confirm · Change. */
export function buildSummaryMessage(input: { service: ChosenService; staffName: MessageParam; slot: SlotOption; booking?: BookingSummary }): MessageDescriptor {
  const { service, staffName, slot, booking } = input;
  const when: MessageParam = { kind: 'dateTime', iso: slot.start, ...(booking ? { timeZone: booking.timeZone } : {}) };
  const buttons: ButtonDescriptor[] = [
    { id: toReplyId({ type: 'CONFIRM' }), key: 'book.confirmButton' },
    { id: toReplyId({ type: 'CHANGE' }), key: 'book.changeButton' },
  ];
  if (booking) {
    return {
      kind: 'buttons',
      key: 'reschedule.summary',
      params: { service: toNameParam(service.name, service.names), staff: staffName, oldWhen: toWhen(booking), when },
      buttons,
    };
  }
  return {
    kind: 'buttons',
    key: 'book.summary',
    params: { service: toNameParam(service.name, service.names), staff: staffName, when, price: { kind: 'money', amount: service.price, currency: service.currency } },
    buttons,
  };
}

/** Confirmation of a new booking: service, staff, local date and time with the zone, price, how to manage. */
export function buildBookedMessage(booking: BookingSummary): MessageDescriptor {
  return buildTextMessage('book.confirmed', {
    service: serviceOf(booking),
    staff: staffOf(booking),
    when: toWhen(booking),
    price: { kind: 'money', amount: booking.price, currency: booking.currency },
    calendar: { kind: 'calendarLink', url: booking.calendarUrl ?? null },
  });
}

/** A booking form completed again: what it already booked, without a second "Booked!". */
export function buildAlreadyBookedMessage(booking: BookingSummary): MessageDescriptor {
  return buildTextMessage('book.alreadyBooked', { service: serviceOf(booking), staff: staffOf(booking), when: toWhen(booking) });
}

/** Confirmation of a moved booking. */
export function buildRescheduledMessage(booking: BookingSummary): MessageDescriptor {
  return buildTextMessage('reschedule.done', {
    service: serviceOf(booking),
    staff: staffOf(booking),
    when: toWhen(booking),
    calendar: { kind: 'calendarLink', url: booking.calendarUrl ?? null },
  });
}

/** The customer's upcoming bookings; the row title is the local day and time. */
export function buildAppointmentList(bookings: BookingSummary[]): MessageDescriptor {
  return {
    kind: 'list',
    key: 'manage.chooseBooking',
    buttonKey: 'manage.bookingsButton',
    sections: [
      {
        rows: bookings.slice(0, MAX_LIST_ROWS).map((booking) => ({
          id: toReplyId({ type: 'BOOKING_CHOSEN', bookingId: booking.id }),
          slotStart: booking.start,
          isDayShown: true,
          timeZone: booking.timeZone,
          descriptionKey: 'manage.bookingRow',
          params: { service: serviceOf(booking), staff: booking.staffName },
        })),
      },
    ],
  };
}

/** Reschedule · Cancel · Back for one booking. */
export function buildBookingActionsMessage(booking: BookingSummary): MessageDescriptor {
  return {
    kind: 'buttons',
    key: 'manage.actions',
    params: { service: serviceOf(booking), staff: staffOf(booking), when: toWhen(booking) },
    buttons: [
      { id: toReplyId({ type: 'RESCHEDULE' }), key: 'manage.rescheduleButton' },
      { id: toReplyId({ type: 'CANCEL' }), key: 'manage.cancelButton' },
      { id: toReplyId({ type: 'BACK' }), key: 'manage.backButton' },
    ],
  };
}

/** "Cancel <summary>?" with Yes, cancel · Keep it. */
export function buildCancelQuestion(booking: BookingSummary): MessageDescriptor {
  return {
    kind: 'buttons',
    key: 'manage.cancelQuestion',
    params: { service: serviceOf(booking), staff: staffOf(booking), when: toWhen(booking) },
    buttons: [
      { id: toReplyId({ type: 'CANCEL_YES' }), key: 'manage.cancelYes' },
      { id: toReplyId({ type: 'CANCEL_KEEP' }), key: 'manage.cancelKeep' },
    ],
  };
}

/** Too close to the appointment to change it here: Talk to us · Back. */
export function buildChangeLockedMessage(booking: BookingSummary): MessageDescriptor {
  return {
    kind: 'buttons',
    key: 'manage.changeLocked',
    params: { when: toWhen(booking) },
    buttons: [
      { id: toReplyId({ type: 'MENU_TALK' }), key: 'menu.talk' },
      { id: toReplyId({ type: 'BACK' }), key: 'manage.backButton' },
    ],
  };
}

/** Menu after a cancellation, naming what was cancelled. */
export function buildCancelledMessage(booking: BookingSummary): MessageDescriptor {
  return buildMenuMessage('manage.cancelled', { service: serviceOf(booking), when: toWhen(booking) });
}

/** Thanks after the customer confirmed attendance from a reminder. */
export function buildAttendanceConfirmedMessage(booking: BookingSummary): MessageDescriptor {
  return buildTextMessage('reminder.confirmed', { service: serviceOf(booking), when: toWhen(booking) });
}

/**
 * The emergency text in the customer's language: the business's own text for that language when
 * it has one, else the catalog default (call the local emergency number; the team is alerted).
 * A single `emergencyText` (input without per-language texts) applies to every language.
 */
export function buildEmergencyMessage(input: { businessName: string; locale: Locale; emergencyText?: string; emergencyTexts?: LocalizedNames }): MessageDescriptor {
  const own = input.emergencyTexts !== undefined ? input.emergencyTexts[input.locale] : input.emergencyText;
  return own?.trim() ? buildTextMessage('emergency.custom', { text: own }) : buildTextMessage('emergency.default', { businessName: input.businessName });
}

/** The hand-off acknowledgement: a person answers here, and when (the runtime fills in the opening hours). */
export function buildHandoffNotice(key: 'handoff.started' | 'handoff.stayed', businessName: string): MessageDescriptor {
  return buildTextMessage(key, { businessName, hours: { kind: 'openingHours' } });
}

/** "Go back to the assistant?" during a hand-off, with Yes · No, wait. */
export function buildHandoffLeaveQuestion(): MessageDescriptor {
  return {
    kind: 'buttons',
    key: 'handoff.leaveQuestion',
    buttons: [
      { id: toReplyId({ type: 'HANDOFF_LEAVE' }), key: 'handoff.leaveButton' },
      { id: toReplyId({ type: 'HANDOFF_STAY' }), key: 'handoff.stayButton' },
    ],
  };
}

function serviceOf(booking: BookingSummary): MessageParam {
  return toNameParam(booking.serviceName, booking.serviceNames);
}

function staffOf(booking: BookingSummary): MessageParam {
  return toNameParam(booking.staffName, booking.staffNames);
}

function toWhen(booking: BookingSummary): MessageParam {
  return { kind: 'dateTime', iso: booking.start, timeZone: booking.timeZone };
}
