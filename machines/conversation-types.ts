/**
 * Data types of the WhatsApp conversation machine: its input, context, events (from the customer,
 * from durable jobs, and answers of the runtime) and effects. Everything here is plain JSON, so a
 * snapshot can be persisted as is and a message can be rendered later in any language.
 */

/** Languages the bot speaks. */
export type Locale = 'en' | 'es' | 'pt';

/** Every locale, in catalog order. */
export const LOCALES: readonly Locale[] = ['en', 'es', 'pt'];

/** A service offered for booking; `price` is a decimal string ('60.00') to avoid float money. */
export interface ServiceOption {
  id: string;
  name: string;
  /** The name in other languages, shown to customers who write in them. */
  names?: LocalizedNames;
  durationMinutes: number;
  price: string;
  currency: string;
}

/** A staff member who performs the chosen service. */
export interface StaffOption {
  id: string;
  name: string;
  /** The name in other languages. */
  names?: LocalizedNames;
}

/** A name in other languages than the one it was entered in ({ es: 'Consulta', pt: 'Consulta' }). */
export type LocalizedNames = Partial<Record<Locale, string>>;

/** Opening hours of one weekday (0 = Sunday), in minutes from local midnight. */
export interface OpeningHours {
  weekday: number;
  startMinute: number;
  endMinute: number;
}

/** A day (business-local calendar date, 'YYYY-MM-DD') that still has free slots. */
export interface DayOption {
  date: string;
}

/** A free start time (UTC ISO instant) with the staff member who would serve it. */
export interface SlotOption {
  start: string;
  staffId: string;
  staffName?: string;
  staffNames?: LocalizedNames;
}

/** What the customer sees of one booking. `serviceId` lets a reschedule keep the service. */
export interface BookingSummary {
  id: string;
  serviceId: string;
  serviceName: string;
  serviceNames?: LocalizedNames;
  staffId?: string;
  staffName: string;
  staffNames?: LocalizedNames;
  start: string;
  end: string;
  timeZone: string;
  price: string;
  currency: string;
  status: string;
  /** Inside the business's change-lock window: no reschedule through the bot. */
  isChangeLocked: boolean;
  /** Public "Add to calendar" (.ics) link of the booking, when the server knows its public URL. */
  calendarUrl?: string;
}

/**
 * A value interpolated into a catalog text. Dates, times, money and durations stay data here and
 * are formatted by the renderer, in the reader's language and with the time zone named.
 */
export type MessageParam =
  | string
  | number
  /** Day, time and zone: "Mon 30 Mar, 09:30 (Madrid time, CEST)". `timeZone` defaults to the business zone. */
  | { kind: 'dateTime'; iso: string; timeZone?: string }
  /** A calendar day 'YYYY-MM-DD': "Mon 30 Mar". */
  | { kind: 'day'; date: string }
  /** A wall-clock time: "09:30". */
  | { kind: 'time'; iso: string; timeZone?: string }
  /** The zone at that instant: "Madrid time, CEST". */
  | { kind: 'zone'; iso: string; timeZone?: string }
  | { kind: 'money'; amount: string; currency: string }
  | { kind: 'duration'; minutes: number }
  /** Another catalog text (e.g. "any available" as a staff name). */
  | { kind: 'message'; key: string }
  /** An "Add to calendar" line with the booking's .ics link; nothing at all when there is no link. */
  | { kind: 'calendarLink'; url: string | null }
  /** A service, staff or place name: its translation in the reader's language when there is one. */
  | { kind: 'name'; name: string; names?: LocalizedNames }
  /** When the team answers: the opening hours, day by day, in the reader's language (filled in by the runtime). */
  | { kind: 'openingHours'; hours?: OpeningHours[] };

/** Named parameters of a catalog text ({name} placeholders). */
export type MessageParams = Record<string, MessageParam>;

/** One reply button: its title is a catalog key or literal data. */
export interface ButtonDescriptor {
  id: string;
  key?: string;
  label?: string;
}

/**
 * One list row. The title comes from, in order: `label` (literal data such as a service name),
 * `labelKey` (catalog), `slotStart` (a time, with the day too when `isDayShown`), or `date` (a day).
 */
export interface ListRowDescriptor {
  id: string;
  label?: string;
  /** Translations of `label` (a service or staff name). */
  labels?: LocalizedNames;
  labelKey?: string;
  slotStart?: string;
  isDayShown?: boolean;
  date?: string;
  /** Zone for `slotStart`; defaults to the business zone given to the renderer. */
  timeZone?: string;
  descriptionKey?: string;
  description?: string;
  params?: MessageParams;
}

/** One list section. */
export interface ListSectionDescriptor {
  titleKey?: string;
  rows: ListRowDescriptor[];
}

/** A message as data (catalog keys and params), never final text: rendered per locale at send time. */
export type MessageDescriptor =
  | { kind: 'text'; key: string; params?: MessageParams }
  | { kind: 'buttons'; key: string; params?: MessageParams; buttons: ButtonDescriptor[] }
  | { kind: 'list'; key: string; params?: MessageParams; buttonKey: string; sections: ListSectionDescriptor[] };

/** Input of the machine when a sender writes for the first time. */
export interface ConversationInput {
  businessName: string;
  locale: Locale;
  customerName?: string;
  /** The business's own emergency text; the catalog default (call the emergency number) otherwise. */
  emergencyText?: string;
  /** The business's emergency text per language; a language without one gets the catalog default. */
  emergencyTexts?: LocalizedNames;
  /** A booking Flow is configured: "Book appointment" sends the form instead of the lists. */
  isFlowEnabled?: boolean;
}

/** Whether the booking path books a new appointment or moves an existing one. */
export type BookingMode = 'book' | 'reschedule';

/** The service being booked, as far as the summary needs it. */
export interface ChosenService {
  id: string;
  name: string;
  names?: LocalizedNames;
  price: string;
  currency: string;
  durationMinutes?: number;
}

/** Options shown in the current step; a tap on anything else is a stale button. */
export interface OfferedOptions {
  services?: ServiceOption[];
  staff?: StaffOption[];
  dates?: string[];
  slots?: SlotOption[];
  hasMoreSlots?: boolean;
  hasMoreDays?: boolean;
  bookings?: BookingSummary[];
}

/** Machine context: small and JSON-serialisable (at most ten options of the current step). */
export interface ConversationContext {
  businessName: string;
  locale: Locale;
  customerName?: string;
  emergencyText?: string;
  /** Set by the runtime on every step from the settings: the emergency text per language. */
  emergencyTexts?: LocalizedNames;
  /** Set by the runtime on every step from the configuration (absent in snapshots older than the Flow path). */
  isFlowEnabled?: boolean;
  isOptedOut: boolean;
  mode: BookingMode;
  service?: ChosenService;
  /** A staff id or 'any'. */
  staffId?: string;
  staffName?: string;
  staffNames?: LocalizedNames;
  /** More than one staff member was offered, so BACK from the days goes to the staff list. */
  hasStaffChoice: boolean;
  date?: string;
  /** The page of the day list shown (absent in snapshots from before day paging: 0). */
  dayPage?: number;
  slotPage: number;
  slot?: SlotOption;
  /** The booking being managed, rescheduled or answered from a reminder. */
  booking?: BookingSummary;
  /** What a reminder quick reply asked for while its booking loads. */
  reminderIntent?: 'cancel' | 'reschedule';
  offered: OfferedOptions;
  /** The current step's message, re-sent after an unexpected message or a language switch. */
  lastStep?: MessageDescriptor;
}

/** Events produced from the customer's WhatsApp messages (see toConversationEvent). */
export type CustomerEvent =
  /** The menu button, or a text asking to book ("Hola, quiero una cita": `locale` is its language). */
  | { type: 'MENU_BOOK'; locale?: Locale }
  | { type: 'MENU_APPOINTMENTS'; locale?: Locale }
  | { type: 'MENU_TALK' }
  | { type: 'SERVICE_CHOSEN'; serviceId: string }
  | { type: 'STAFF_CHOSEN'; staffId: string }
  | { type: 'DAY_CHOSEN'; date: string }
  | { type: 'SLOT_CHOSEN'; start: string; staffId: string }
  | { type: 'MORE_SLOTS' }
  /** "Later dates" / "Earlier dates" rows of the day list: page through the whole booking window. */
  | { type: 'MORE_DAYS' }
  | { type: 'EARLIER_DAYS' }
  | { type: 'CONFIRM' }
  | { type: 'CHANGE' }
  | { type: 'BOOKING_CHOSEN'; bookingId: string }
  | { type: 'RESCHEDULE' }
  | { type: 'CANCEL' }
  | { type: 'BACK' }
  | { type: 'CANCEL_YES' }
  | { type: 'CANCEL_KEEP' }
  | { type: 'REMINDER_CONFIRM'; bookingId: string }
  | { type: 'REMINDER_RESCHEDULE'; bookingId: string }
  | { type: 'REMINDER_CANCEL'; bookingId: string }
  /** A 1–5 tap on a follow-up's rating question (for the visit with public id `bookingUid`). */
  | { type: 'RATING_GIVEN'; bookingUid: string; rating: number }
  /** "hi", "menu", "hola"…; `locale` when the greeting gives the language away; "menu"/"bot" alone is a menu keyword. */
  | { type: 'GREETING'; locale?: Locale; isMenuKeyword?: true }
  | { type: 'TEXT_UNRECOGNIZED'; detectedLocale?: Locale }
  /** Hand-off: the customer confirms going back to the assistant, or keeps waiting for a person. */
  | { type: 'HANDOFF_LEAVE' }
  | { type: 'HANDOFF_STAY' }
  | { type: 'UNSUPPORTED_MESSAGE' }
  /** The customer shared their phone number at our request (request_contact_info); the runtime stored it. */
  | { type: 'CONTACT_SHARED' }
  /** An emoji reaction: never answered (a 👍 to a confirmation needs no reply). */
  | { type: 'REACTION_RECEIVED' }
  | { type: 'INTENT_HANDOFF'; locale?: Locale }
  /** An emergency keyword; `locale` is the language it is written in. */
  | { type: 'INTENT_EMERGENCY'; locale?: Locale }
  | { type: 'INTENT_OPT_OUT' }
  | { type: 'INTENT_OPT_IN' }
  | { type: 'INTENT_LANGUAGE'; locale: Locale }
  /** A completed WhatsApp Flow; the Flows issue adds its booking path. */
  | { type: 'FLOW_COMPLETED'; flowToken?: string; response: Record<string, unknown> };

/** Events sent by durable jobs: timeouts at their deadline, and staff taking over or releasing a conversation. */
export type SystemEvent = { type: 'SESSION_TIMED_OUT' } | { type: 'HANDOFF_RELEASED' } | { type: 'HANDOFF_TIMED_OUT' } | { type: 'STAFF_TAKE_OVER' };

/** Answers the runtime feeds back after executing an effect, in the same processing step. */
export type AnswerEvent =
  | { type: 'SERVICES_LOADED'; services: ServiceOption[] }
  | { type: 'STAFF_LOADED'; staff: StaffOption[] }
  /** One page of days; `hasMore`: the booking window has later days with free times. */
  | { type: 'DAYS_LOADED'; days: DayOption[]; hasMore?: boolean }
  | { type: 'SLOTS_LOADED'; slots: SlotOption[]; hasMore: boolean }
  /** Answer of confirmBooking and of confirmPendingBooking. */
  | { type: 'BOOKING_CONFIRMED'; booking: BookingSummary }
  /** Answer of completeFlow for a form completed before (the same completion sent again): the booking it made. */
  | { type: 'BOOKING_ALREADY_DONE'; booking: BookingSummary }
  | { type: 'SLOT_TAKEN'; alternatives: SlotOption[] }
  /** Answer of holdSlot: the chosen time is held for this customer until they confirm, change or leave. */
  | { type: 'SLOT_HELD' }
  | { type: 'APPOINTMENTS_LOADED'; bookings: BookingSummary[] }
  /** Answer of loadBooking (reminder quick replies). */
  | { type: 'BOOKING_LOADED'; booking: BookingSummary }
  | { type: 'BOOKING_CANCELLED'; booking: BookingSummary }
  | { type: 'BOOKING_RESCHEDULED'; booking: BookingSummary }
  | { type: 'CHANGE_LOCKED'; booking: BookingSummary }
  /**
   * Answer of completeFlow when the slot is gone: the nearest alternatives of the same service and
   * staff member, with what the list path needs to go on from there (`date`: the business-local day
   * the customer had chosen; `booking`: the one being moved).
   */
  | { type: 'FLOW_SLOT_TAKEN'; alternatives: SlotOption[]; mode: BookingMode; service: ChosenService; staffId: string; date: string; booking?: BookingSummary }
  /** Answer of completeFlow for a token that is unknown, someone else's, expired or already used, or an unreadable answer. */
  | { type: 'FLOW_REJECTED'; reason: string }
  /** Answers of recordRating: stored, or not (someone else's visit, or one that cannot be rated). */
  | { type: 'RATING_RECORDED'; rating: number }
  | { type: 'RATING_REFUSED' }
  /** Any effect that failed in a way the customer should hear about; `code` is a DomainErrorCode or similar. */
  | { type: 'OPERATION_FAILED'; code: string };

/** Everything the conversation machine accepts. */
export type ConversationEvent = CustomerEvent | SystemEvent | AnswerEvent;

/** Reasons a conversation is handed to a person. */
export type HandoffReason = 'requested' | 'emergency' | 'staff';

/** Params of each effect (named action) the runtime executes, by action type. */
export interface ConversationEffectParams {
  /** Send a message; `locale` is the language to render it in (already the new one after a switch). */
  reply: { message: MessageDescriptor; locale: Locale };
  loadServices: Record<string, never>;
  loadStaff: { serviceId: string };
  /** `page`: which DAYS_PAGE_SIZE days with free times (0: the first). */
  loadDays: { serviceId: string; staffId: string; page: number };
  /** `preferredStaffId`: name who serves each "any" time, this one when free (a reschedule keeps its staff member). */
  loadSlots: { serviceId: string; staffId: string; date: string; page: number; preferredStaffId?: string };
  confirmBooking: { serviceId: string; start: string; staffId: string };
  /** Hold the chosen time (as the Flow does) while the customer reads the summary. */
  holdSlot: { serviceId: string; start: string; staffId: string };
  loadAppointments: Record<string, never>;
  loadBooking: { bookingId: string };
  cancelBooking: { bookingId: string };
  rescheduleBooking: { bookingId: string; serviceId: string; start: string; staffId: string };
  confirmPendingBooking: { bookingId: string };
  startHandoff: { reason: HandoffReason };
  endHandoff: Record<string, never>;
  /** Staff took the conversation over: hand-off with no staff alert and no timeout (it lasts until they hand back). */
  takeOver: Record<string, never>;
  setOptOut: { isOptedOut: boolean };
  setLocale: { locale: Locale };
  armInactivityTimer: Record<string, never>;
  disarmInactivityTimer: Record<string, never>;
  releaseHolds: Record<string, never>;
  /** Send the booking Flow with a fresh token (reschedule: for this booking, by its public id). */
  sendBookingFlow: { mode: BookingMode; bookingId?: string; serviceName?: string; locale: Locale };
  /** Confirm a completed booking Flow inside the step's transaction. */
  completeFlow: { flowToken: string; response: Record<string, unknown> };
  /** Store a follow-up's rating on the customer's visit. */
  recordRating: { bookingUid: string; rating: number };
}

/** Names of the effects. */
export type ConversationEffectType = keyof ConversationEffectParams;

/** One effect as the runtime receives it from `transition()`: `{ type, params }`. */
export type ConversationEffect = { [K in ConversationEffectType]: { type: K; params: ConversationEffectParams[K] } }[ConversationEffectType];
