/**
 * zod schemas for Meta's webhook JSON (snake_case stays in this folder). They are deliberately
 * lenient: each layer is validated on its own so that one odd item never sinks a whole batch.
 */
import { z } from 'zod';

/** Top-level envelope; anything else is not a WhatsApp Business webhook. */
export const envelopeSchema = z.object({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(z.unknown()),
});

/** One WABA entry with its changes. */
export const entrySchema = z.object({ id: z.string().optional(), changes: z.array(z.unknown()) });

/** One change; only `field: "messages"` concerns us. */
export const changeSchema = z.object({ field: z.string(), value: z.unknown() });

/** The `value` of a `messages` change. */
export const messagesValueSchema = z.object({
  metadata: z.object({ phone_number_id: z.union([z.string(), z.number()]).transform(String) }),
  contacts: z.array(z.unknown()).optional(),
  messages: z.array(z.unknown()).optional(),
  statuses: z.array(z.unknown()).optional(),
  errors: z.array(z.unknown()).optional(),
});

/** An entry of `value.contacts[]`; `user_id` is the 2026 business-scoped user id. */
export const contactSchema = z.object({
  wa_id: z.string().optional(),
  user_id: z.string().optional(),
  parent_user_id: z.string().optional(),
  // A username of another type is dropped, never a reason to lose the contact's name.
  profile: z.object({ name: z.string().optional(), username: z.unknown().optional() }).optional(),
});

/** Error object used by messages, statuses and value-level errors. */
export const metaErrorSchema = z.object({
  code: z.number(),
  title: z.string().optional(),
  message: z.string().optional(),
  error_data: z.object({ details: z.string().optional() }).optional(),
  details: z.string().optional(),
});

/** Unix seconds; Meta sends strings, be tolerant of numbers. Anything else (or ±Infinity) falls back to the receive time. */
const timestampSchema = z.unknown().optional();

/** Fields common to every inbound message. `from` is absent for some username users (2026). */
export const messageBaseSchema = z.object({
  id: z.string().min(1),
  type: z.string().optional(),
  from: z.string().optional(),
  from_user_id: z.string().optional(),
  user_id: z.string().optional(),
  from_parent_user_id: z.string().optional(),
  timestamp: timestampSchema,
  context: z.object({ id: z.string().optional() }).optional(),
  errors: z.array(z.unknown()).optional(),
});

/** A `value.statuses[]` item. */
export const statusSchema = z.object({
  id: z.string().min(1),
  status: z.string(),
  type: z.string().optional(),
  timestamp: timestampSchema,
  recipient_id: z.string().optional(),
  recipient_user_id: z.string().optional(),
  errors: z.array(z.unknown()).optional(),
  /** What Meta bills for the message (WHATSAPP.md §1.5); anything unreadable is ignored, never the status. */
  pricing: z.unknown().optional(),
});

/** A status's `pricing` block: category and type are what the KPI reports count. */
// Meta's names are short snake_case words; anything else (a NUL, a novel) is not stored.
const pricingNameSchema = z.string().regex(/^[A-Za-z0-9_.-]{1,40}$/);
export const pricingSchema = z.object({
  category: pricingNameSchema.optional().catch(undefined),
  type: pricingNameSchema.optional().catch(undefined),
  billable: z.boolean().optional().catch(undefined),
});

/** Older docs send coordinates as strings, newer as numbers. */
const coordinateSchema = z.union([
  z.number(),
  z.string().trim().regex(/^-?\d+(\.\d+)?$/).transform(Number),
]);

/** Payload schemas, keyed by what they describe. */
export const payloadSchemas = {
  text: z.object({ body: z.string() }),
  buttonReply: z.object({ id: z.string(), title: z.string() }),
  listReply: z.object({ id: z.string(), title: z.string(), description: z.string().optional() }),
  nfmReply: z.object({ name: z.string().optional(), body: z.string().optional(), response_json: z.string() }),
  interactive: z.object({ type: z.string() }),
  templateButton: z
    .object({ payload: z.string().optional(), text: z.string().optional() })
    .refine((b) => b.payload !== undefined || b.text !== undefined),
  location: z.object({
    latitude: coordinateSchema,
    longitude: coordinateSchema,
    name: z.string().optional(),
    address: z.string().optional(),
  }),
  media: z.object({
    id: z.string().min(1),
    mime_type: z.string().optional(),
    caption: z.string().optional(),
    voice: z.boolean().optional(),
  }),
  contacts: z.array(z.unknown()),
  /** A shared contact card; `origin: contact_request` marks the answer to our request_contact_info button. */
  sharedContact: z.object({
    origin: z.string().optional(),
    phones: z.array(z.object({ wa_id: z.string().optional(), phone: z.string().optional() }).passthrough()).optional(),
  }),
  reaction: z.object({ message_id: z.string().min(1), emoji: z.string().optional() }),
  unsupported: z.object({ type: z.string() }),
} as const;
