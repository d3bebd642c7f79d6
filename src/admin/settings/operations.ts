/**
 * How the settings pages change things: through the API's own operations, run in-process as the
 * console user (src/api/in-process.ts), so every rule and message is the API's.
 */
import { z } from 'zod';
import type { ApiOperations, OperationOutcome } from '../../api';
import type { ConsoleUser } from '../auth/accounts';
import type { ConsoleLocale } from '../auth/staff-user-repository';
import { CONSOLE_ACTOR_PREFIX } from '../bookings/customer-notices';

/** Runs one API operation as the console user, with zod's own messages in the user's language. */
export function runAs(operations: ApiOperations, user: ConsoleUser, method: Parameters<ApiOperations['run']>[0], path: string, input: { params?: Record<string, string>; body?: unknown; query?: Record<string, unknown> } = {}): Promise<OperationOutcome> {
  return operations.run(method, path, { businessId: user.businessId, role: user.role, actorId: `${CONSOLE_ACTOR_PREFIX}${user.email}`.slice(0, 100) }, { ...input, errorMap: zodErrorMapOf(user.locale) });
}

const ERROR_MAPS: Record<ConsoleLocale, z.core.$ZodErrorMap> = {
  en: z.locales.en().localeError,
  es: z.locales.es().localeError,
  pt: z.locales.pt().localeError,
};

/** zod's built-in messages in the console language (the routes' own messages stay as written). */
export function zodErrorMapOf(locale: ConsoleLocale): z.core.$ZodErrorMap {
  return ERROR_MAPS[locale];
}

/** Errors of a refused operation by form field ('' for the whole form). */
export type FieldErrors = Record<string, string>;

/** Spreads a refusal over the form's fields: issues by their field path, the rest under ''. */
export function toFieldErrors(outcome: OperationOutcome, knownFields: readonly string[] = []): FieldErrors {
  if (outcome.ok) return {};
  const errors: FieldErrors = {};
  for (const issue of outcome.issues) {
    const field = knownFields.find((known) => issue.field === known || issue.field.startsWith(`${known}.`)) ?? (knownFields.length === 0 ? issue.field : '');
    errors[field] = errors[field] ? `${errors[field]}; ${issue.message}` : issue.message;
  }
  if (outcome.issues.length === 0) errors[''] = outcome.message;
  return errors;
}
