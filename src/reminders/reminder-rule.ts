/**
 * Reminder and follow-up rules of a service: validation of their fields and the instant each one
 * is due. Pure.
 */
import { z } from 'zod';

/** reminder: before the start; followup: after the end of a completed (or no-show) visit. */
export type ReminderKind = 'reminder' | 'followup';

/** Which final status a follow-up is for. */
export type FollowUpAppliesTo = 'completed' | 'no_show' | 'any';

/** Placeholders a rule text and a template mapping may use. */
export const MESSAGE_PLACEHOLDERS = ['customer_name', 'service', 'staff', 'business', 'when', 'date', 'time', 'zone', 'location', 'booking_id'] as const;

/** One placeholder name. */
export type MessagePlaceholder = (typeof MESSAGE_PLACEHOLDERS)[number];

/** The most rules of one kind per service. */
export const MAX_RULES_PER_KIND = 5;

/** Fields of a rule as stored (what planning and sending read). */
export interface ReminderRuleFields {
  kind: ReminderKind;
  sequence: number;
  title: string;
  text: string;
  offsetDays: number;
  offsetHours: number;
  offsetMinutes: number;
  isActive: boolean;
  appliesTo: FollowUpAppliesTo;
  asksForRating: boolean;
  templateName: string | null;
  templateLanguage: string | null;
  templateParameters: string[];
}

/** Validates a rule from the API or admin page: sequence 1–5, title ≤ 50, text ≤ 500, known placeholders. */
export const reminderRuleSchema = z
  .object({
    kind: z.enum(['reminder', 'followup']),
    sequence: z.number().int().min(1).max(MAX_RULES_PER_KIND),
    title: z.string().trim().min(1).max(50),
    text: z.string().trim().min(1).max(500),
    offsetDays: z.number().int().min(0).max(365).default(0),
    offsetHours: z.number().int().min(0).max(23).default(0),
    offsetMinutes: z.number().int().min(0).max(59).default(0),
    isActive: z.boolean().default(true),
    appliesTo: z.enum(['completed', 'no_show', 'any']).default('completed'),
    asksForRating: z.boolean().default(false),
    templateName: z.string().trim().min(1).max(512).nullable().default(null),
    templateLanguage: z.string().trim().min(2).max(15).nullable().default(null),
    templateParameters: z.array(z.enum(MESSAGE_PLACEHOLDERS)).max(10).default([]),
  })
  .refine((rule) => (rule.templateName === null) === (rule.templateLanguage === null), {
    message: 'templateName and templateLanguage go together',
    path: ['templateLanguage'],
  })
  .refine((rule) => rule.kind === 'followup' || (!rule.asksForRating && rule.appliesTo === 'completed'), {
    message: 'asksForRating and appliesTo are for follow-ups only',
    path: ['kind'],
  });

/** The rule's offset in milliseconds. */
export function toOffsetMs(rule: Pick<ReminderRuleFields, 'offsetDays' | 'offsetHours' | 'offsetMinutes'>): number {
  return ((rule.offsetDays * 24 + rule.offsetHours) * 60 + rule.offsetMinutes) * 60_000;
}

/**
 * When a rule is due for a booking: reminders count back from the start, follow-ups forward from the end.
 * Offsets are absolute durations: "24 h before" stays 24 h across a DST change.
 * @example findDueAt({ kind: 'reminder', offsetDays: 1, offsetHours: 0, offsetMinutes: 0 }, booking) // startsAt − 24 h
 */
export function findDueAt(
  rule: Pick<ReminderRuleFields, 'kind' | 'offsetDays' | 'offsetHours' | 'offsetMinutes'>,
  booking: { startsAt: Date; endsAt: Date },
): Date {
  const offset = toOffsetMs(rule);
  return rule.kind === 'reminder' ? new Date(booking.startsAt.getTime() - offset) : new Date(booking.endsAt.getTime() + offset);
}

/** True when a follow-up rule is meant for a booking that ended with `status`. */
export function isFollowUpFor(rule: Pick<ReminderRuleFields, 'appliesTo'>, status: string): boolean {
  return rule.appliesTo === 'any' ? status === 'completed' || status === 'no_show' : rule.appliesTo === status;
}

/** The demo defaults: reminders 24 h and 2 h before, and a rating request 2 h after a completed visit. */
export const DEFAULT_RULES: ReadonlyArray<Omit<ReminderRuleFields, 'isActive'>> = [
  {
    kind: 'reminder',
    sequence: 1,
    title: 'See you tomorrow',
    text: 'Hello {customer_name}, this is a reminder of your {service} with {staff} on {when}. Please confirm, reschedule or cancel below.',
    offsetDays: 1,
    offsetHours: 0,
    offsetMinutes: 0,
    appliesTo: 'completed',
    asksForRating: false,
    templateName: 'appointment_reminder',
    templateLanguage: 'en',
    templateParameters: ['customer_name', 'service', 'when'],
  },
  {
    kind: 'reminder',
    sequence: 2,
    title: 'See you soon',
    text: 'Hello {customer_name}, your {service} with {staff} starts at {when}. See you soon at {business}!',
    offsetDays: 0,
    offsetHours: 2,
    offsetMinutes: 0,
    appliesTo: 'completed',
    asksForRating: false,
    templateName: 'appointment_reminder',
    templateLanguage: 'en',
    templateParameters: ['customer_name', 'service', 'when'],
  },
  {
    kind: 'followup',
    sequence: 1,
    title: 'How was your visit?',
    text: 'Thank you for visiting {business}, {customer_name}! How would you rate your {service} with {staff}? Tap 1 (poor) to 5 (excellent).',
    offsetDays: 0,
    offsetHours: 2,
    offsetMinutes: 0,
    appliesTo: 'completed',
    asksForRating: true,
    templateName: 'visit_rating',
    templateLanguage: 'en',
    templateParameters: ['customer_name', 'service'],
  },
];
