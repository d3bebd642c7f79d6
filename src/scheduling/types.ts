/**
 * Input and output shapes of the availability engine. All instants are UTC `Date`s; all
 * wall-clock values (minutes, 'YYYY-MM-DD' dates) are in the business's IANA time zone.
 */

/** A half-open UTC interval `[start, end)`: a booking ending at 10:00 does not touch one starting at 10:00. */
export interface DateRange {
  start: Date;
  end: Date;
}

/**
 * One weekly working range in the business's local wall-clock time. weekday: 0=Sunday..6=Saturday.
 * Minutes from local midnight; endMinute > startMinute; endMinute may be up to 2880 to cross midnight
 * into the next day (e.g. 22:00–02:00 = 1320..1560). 1440 is the end of the day (00:00–24:00 is a whole
 * day), and an end at 23:59 (1439) is read as 1440.
 */
export interface WeeklyRange {
  weekday: number;
  startMinute: number;
  endMinute: number;
}

/** Working minutes of one local day, used by overrides (same rules as WeeklyRange, without the weekday). */
export interface MinuteRange {
  startMinute: number;
  endMinute: number;
}

/** A date override: closed all day, or special hours replacing the weekly hours that date. date = local 'YYYY-MM-DD'. */
export interface DateOverride {
  date: string;
  isClosed: boolean;
  ranges: MinuteRange[];
}

/** The working pattern of one staff member. */
export interface StaffSchedule {
  staffId: string;
  weeklyHours: WeeklyRange[];
  overrides: DateOverride[];
}

/** A time a staff member cannot take a new appointment; already widened by the buffers of the existing booking / hold. */
export interface BusyInterval {
  staffId: string;
  start: Date;
  end: Date;
}

/** How long the service takes and the gaps it needs around it (buffers may fall outside working hours). */
export interface ServiceTiming {
  durationMinutes: number;
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
}

/** The business's booking policy. */
export interface BookingRules {
  /** Grid spacing of candidate starts, in elapsed minutes from the start of each working range. */
  stepMinutes: number;
  /** Earliest bookable start = now + this. */
  minimumNoticeMinutes: number;
  /** Starts must be strictly before now + this many elapsed days. */
  maxAdvanceDays: number;
  /**
   * Also offer the first start right after each busy block and after the notice cut-off when the
   * grid's next start would leave that gap unused (rounded up to the step, at most a quarter hour,
   * on the local clock). Absent → false: the plain grid. Businesses have it on by default.
   */
  fillGapsAfterBusy?: boolean;
}

/**
 * Everything generateSlots needs; the engine reads nothing else (no clock, no env, no database).
 * Read-only: the engine remembers working ranges per `staff` entry and `businessOverrides` array
 * object, so changed hours must come as new objects, never as edits of ones already passed.
 */
export interface AvailabilityInput {
  now: Date;
  timeZone: string;
  service: ServiceTiming;
  rules: BookingRules;
  /** The staff who perform the service. */
  staff: StaffSchedule[];
  /** Business-wide overrides (holidays, short days). */
  businessOverrides: DateOverride[];
  /** Unsorted, any staff. */
  busy: BusyInterval[];
  /** Optional filter; default: any staff. */
  staffIds?: string[];
  /** Optional extra window on slot starts `[from, to)`; always clipped by notice and advance window. */
  from?: Date;
  to?: Date;
}

/** One bookable start time and the staff free at it. */
export interface Slot {
  start: Date;
  end: Date;
  /** Local date in the business zone, 'YYYY-MM-DD'. */
  localDate: string;
  /** Local time in the business zone, 'HH:mm'. */
  localTime: string;
  /** Sorted ids of the staff free for the whole buffered appointment. */
  staffIds: string[];
}

/** Why a requested start is or isn't bookable; checked in the order listed. */
export type SlotVerdict = 'ok' | 'in_past' | 'too_soon' | 'beyond_window' | 'outside_hours' | 'not_on_step' | 'busy';

/** Input of explainSlot: the availability input plus the requested start and optionally one staff member. */
export type ExplainSlotInput = AvailabilityInput & { start: Date; staffId?: string };

/** The verdict for a requested start and the sorted staff free at it (empty unless the verdict is 'ok'). */
export interface SlotExplanation {
  verdict: SlotVerdict;
  staffIds: string[];
}
