/**
 * Turns a machine's MessageDescriptor into a WhatsApp `/messages` body in the customer's language.
 * Texts come from the catalog; dates, times, money and durations are formatted here, in the
 * reader's locale and the business's zone; the whatsapp builders shorten anything over Meta's limits.
 */
import type { ListRowDescriptor, Locale, MessageDescriptor, MessageParam, MessageParams } from '../../machines/conversation-types';
import { findCatalogText, formatDateTime, formatDayLabel, formatDayTimeLabel, formatTimeLabel, formatZoneLabel } from '../texts';
import { buildListMessage, buildReplyButtonsMessage, buildTextMessage, type OutboundMessage } from '../whatsapp';
import { formatOpeningHours } from './opening-hours';

/** Input of renderMessage. */
export interface RenderMessageInput {
  descriptor: MessageDescriptor;
  locale: Locale;
  /** Recipient phone number or wa_id. */
  to: string;
  /** The business's IANA zone, used for times that do not name their own. */
  timeZone: string;
  replyToMessageId?: string;
}

/** Settings every text of one message is rendered with. */
export interface RenderTextOptions {
  locale: Locale;
  timeZone: string;
}

// Intl tags for numbers and money: Portuguese means Brazil here, like the catalog.
const NUMBER_LOCALES: Record<Locale, string> = { en: 'en-GB', es: 'es-ES', pt: 'pt-BR' };

/**
 * Renders a descriptor as a text, reply-buttons or list message.
 * @example renderMessage({ descriptor: { kind: 'text', key: 'menu.prompt' }, locale: 'es', to: '+34600000000', timeZone: 'Europe/Madrid' })
 */
export function renderMessage(input: RenderMessageInput): OutboundMessage {
  const { descriptor, to, replyToMessageId } = input;
  const options: RenderTextOptions = { locale: input.locale, timeZone: input.timeZone };
  const recipient = replyToMessageId ? { to, replyToMessageId } : { to };
  const body = renderText(descriptor.key, descriptor.params, options);
  switch (descriptor.kind) {
    case 'text':
      return buildTextMessage({ ...recipient, text: body });
    case 'buttons':
      return buildReplyButtonsMessage({
        ...recipient,
        body,
        buttons: descriptor.buttons.map((button) => ({
          id: button.id,
          title: button.key ? renderText(button.key, undefined, options) : ensureLabel(button.label, button.id),
        })),
      });
    case 'list':
      return buildListMessage({
        ...recipient,
        body,
        buttonLabel: renderText(descriptor.buttonKey, undefined, options),
        sections: descriptor.sections.map((section) => ({
          ...(section.titleKey ? { title: renderText(section.titleKey, undefined, options) } : {}),
          rows: section.rows.map((row) => renderRow(row, options)),
        })),
      });
  }
}

/**
 * A catalog text with its {placeholders} filled; a placeholder without a param is a bug and throws.
 * @example renderText('book.chooseDay', { service: 'Haircut' }, { locale: 'en', timeZone: 'UTC' }) // 'Which day suits you for Haircut?'
 */
export function renderText(key: string, params: MessageParams | undefined, options: RenderTextOptions): string {
  const text = findCatalogText(options.locale, key);
  return text.replace(/\{(\w+)\}/g, (_, name: string) => {
    const param = params?.[name];
    if (param === undefined) throw new RangeError(`catalog text ${key} needs the param {${name}}; the descriptor does not carry it`);
    return renderParam(param, options);
  });
}

/** One param as text in the reader's locale. */
export function renderParam(param: MessageParam, options: RenderTextOptions): string {
  const { locale, timeZone } = options;
  if (typeof param === 'string') return param;
  if (typeof param === 'number') return new Intl.NumberFormat(NUMBER_LOCALES[locale]).format(param);
  switch (param.kind) {
    case 'dateTime':
      return formatDateTime(param.iso, param.timeZone ?? timeZone, locale);
    case 'day':
      return formatDayLabel(param.date, locale);
    case 'time':
      return formatTimeLabel(param.iso, param.timeZone ?? timeZone, locale);
    case 'zone':
      return formatZoneLabel(param.iso, param.timeZone ?? timeZone, locale);
    case 'money':
      return formatMoney(param.amount, param.currency, locale);
    case 'duration':
      return formatDuration(param.minutes);
    case 'message':
      return renderText(param.key, undefined, options);
    case 'calendarLink':
      return param.url ? `\n\n${renderText('book.addToCalendar', { url: param.url }, options)}` : '';
    case 'name':
      return param.names?.[locale]?.trim() || param.name;
    case 'openingHours':
      return param.hours && param.hours.length > 0
        ? renderText('handoff.hoursKnown', { hours: formatOpeningHours(param.hours, locale) }, options)
        : renderText('handoff.hoursUnknown', undefined, options);
  }
}

/**
 * A decimal price string in the reader's format.
 * @example formatMoney('60.00', 'EUR', 'es') // '60,00 €'
 */
export function formatMoney(amount: string, currency: string, locale: Locale): string {
  const value = Number(amount);
  if (!Number.isFinite(value)) return `${amount} ${currency}`;
  try {
    return new Intl.NumberFormat(NUMBER_LOCALES[locale], { style: 'currency', currency }).format(value);
  } catch {
    // Not an ISO 4217 code (a business's own unit): show it as written rather than fail the message.
    return `${new Intl.NumberFormat(NUMBER_LOCALES[locale], { minimumFractionDigits: 2 }).format(value)} ${currency}`;
  }
}

/**
 * A service length, the same in all three languages.
 * @example formatDuration(90) // '1 h 30 min'
 */
export function formatDuration(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return `${rest} min`;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

function renderRow(row: ListRowDescriptor, options: RenderTextOptions): { id: string; title: string; description?: string } {
  const description = row.description ?? (row.descriptionKey ? renderText(row.descriptionKey, row.params, options) : undefined);
  const title = renderRowTitle(row, options);
  return description ? { id: row.id, title, description } : { id: row.id, title };
}

function renderRowTitle(row: ListRowDescriptor, options: RenderTextOptions): string {
  if (row.label?.trim()) return row.labels?.[options.locale]?.trim() || row.label;
  if (row.labelKey) return renderText(row.labelKey, row.params, options);
  if (row.slotStart) {
    const zone = row.timeZone ?? options.timeZone;
    return row.isDayShown ? formatDayTimeLabel(row.slotStart, zone, options.locale) : formatTimeLabel(row.slotStart, zone, options.locale);
  }
  if (row.date) return formatDayLabel(row.date, options.locale);
  throw new RangeError(`list row ${row.id} has no label, labelKey, slotStart or date to show`);
}

// An empty literal (a service saved without a name) would make Meta reject the whole message.
function ensureLabel(label: string | undefined, id: string): string {
  if (!label?.trim()) throw new RangeError(`button ${id} has neither a catalog key nor a label`);
  return label;
}
