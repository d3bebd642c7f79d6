/**
 * Typed answers to a list or buttons step: the number of a row, its title or an unambiguous part
 * of it (accent- and case-insensitive), and for days "today", "tomorrow", a weekday or a date in
 * any of the bot's languages. Deterministic: anything ambiguous matches nothing, and the step is
 * shown again as before.
 */
import { parseReplyId } from '../../machines/conversation-events';
import type { Locale, MessageDescriptor } from '../../machines/conversation-types';
import { normalizeText } from '../../machines/classify-text';
import { renderMessage } from './render-message';

/** Input of matchTypedChoice. */
export interface TypedChoiceInput {
  text: string;
  /** The step the customer is answering (the machine's lastStep). */
  step: MessageDescriptor;
  locale: Locale;
  timeZone: string;
  /** Today in the business zone, 'YYYY-MM-DD'. */
  today: string;
}

interface Option {
  id: string;
  title: string;
  date?: string;
}

// Words that carry no choice: "any available please", "el 2 por favor", "quero a Ana".
const FILLER = new Set([
  'please', 'thanks', 'the', 'a', 'an', 'with', 'for', 'i', 'want', 'would', 'like', 'on', 'at', 'number', 'option', 'one',
  'por', 'favor', 'el', 'la', 'los', 'las', 'con', 'quiero', 'prefiero', 'numero', 'opcion', 'de', 'del', 'para', 'gracias',
  'o', 'as', 'com', 'quero', 'prefiro', 'opcao', 'obrigado', 'obrigada', 'do', 'da', 'em', 'no', 'na',
]);

const RELATIVE_DAYS: ReadonlyArray<readonly [string, number]> = [
  ['today', 0], ['hoy', 0], ['hoje', 0],
  ['tomorrow', 1], ['manana', 1], ['amanha', 1],
  ['day after tomorrow', 2], ['pasado manana', 2], ['depois de amanha', 2],
];

// Weekday names (0 = Sunday) in the three languages, as normalizeText leaves them.
const WEEKDAYS: ReadonlyArray<readonly string[]> = [
  ['sunday', 'sun', 'domingo', 'dom'],
  ['monday', 'mon', 'lunes', 'lun', 'segunda', 'segunda feira', 'seg'],
  ['tuesday', 'tue', 'tues', 'martes', 'mar', 'terca', 'terca feira', 'ter'],
  ['wednesday', 'wed', 'miercoles', 'mie', 'quarta', 'quarta feira', 'qua'],
  ['thursday', 'thu', 'thurs', 'jueves', 'jue', 'quinta', 'quinta feira', 'qui'],
  ['friday', 'fri', 'viernes', 'vie', 'sexta', 'sexta feira', 'sex'],
  ['saturday', 'sat', 'sabado', 'sab'],
];

/**
 * The reply id of the option a typed text picks, or undefined when it picks none or several.
 * @example matchTypedChoice({ text: '2', step, locale: 'en', timeZone: 'Europe/Madrid', today: '2026-03-30' }) // 'staff:…' (the second row)
 */
export function matchTypedChoice(input: TypedChoiceInput): string | undefined {
  const options = listOptions(input);
  if (options.length === 0) return undefined;
  const text = normalizeText(input.text);
  if (text === '') return undefined;
  const words = text.split(' ').filter((word) => !FILLER.has(word));
  const significant = words.join(' ');
  if (/^\d{1,2}$/.test(significant)) return options[Number(significant) - 1]?.id;
  const unique = (found: Option[]) => (found.length === 1 ? found[0]!.id : undefined);
  // "9:30" for the row "09:30".
  const time = /^(\d{1,2}) (\d{2})$/.exec(significant);
  const asTime = time ? `${time[1]!.padStart(2, '0')} ${time[2]}` : significant;
  const exact = options.filter((option) => [significant, text, asTime].includes(normalizeText(option.title)));
  if (exact.length > 0) return unique(exact);
  if (options.some((option) => option.date)) {
    const date = resolveDay(significant, input.today, options);
    if (date) return options.find((option) => option.date === date)?.id;
  }
  // The whole title inside the text ("any available please"); the longest title wins over its own prefix.
  const padded = ` ${text} `;
  const contained = options.filter((option) => normalizeText(option.title) !== '' && padded.includes(` ${normalizeText(option.title)} `));
  if (contained.length > 0) {
    const longest = Math.max(...contained.map((option) => normalizeText(option.title).length));
    return unique(contained.filter((option) => normalizeText(option.title).length === longest));
  }
  // Every typed word starts a word of exactly one title ("consul", "ana", "physio session").
  if (words.length === 0 || words.every((word) => word.length < 3 && !/^\d+$/.test(word))) return undefined;
  return unique(
    options.filter((option) => {
      const titleWords = normalizeText(option.title).split(' ');
      return words.every((word) => titleWords.some((titleWord) => titleWord.startsWith(word)));
    }),
  );
}

function listOptions(input: TypedChoiceInput): Option[] {
  if (input.step.kind === 'text') return [];
  const rendered = renderMessage({ descriptor: input.step, locale: input.locale, to: '0', timeZone: input.timeZone }) as {
    interactive?: { action?: { buttons?: Array<{ reply: { id: string; title: string } }>; sections?: Array<{ rows: Array<{ id: string; title: string }> }> } };
  };
  const action = rendered.interactive?.action;
  const raw = action?.sections ? action.sections.flatMap((section) => section.rows) : (action?.buttons ?? []).map((button) => button.reply);
  return raw.map((option) => {
    const event = parseReplyId(option.id);
    return event?.type === 'DAY_CHOSEN' ? { ...option, date: event.date } : option;
  });
}

/** A typed day as a date of the list: relative days, weekday names (the next listed one), 30/3, 30-03-2026 or 2026-03-30. */
function resolveDay(text: string, today: string, options: Option[]): string | undefined {
  const relative = RELATIVE_DAYS.find(([phrase]) => phrase === text);
  if (relative) return addDays(today, relative[1]);
  const weekday = WEEKDAYS.findIndex((names) => names.includes(text));
  if (weekday >= 0) return options.find((option) => option.date && weekdayOf(option.date) === weekday)?.date;
  const iso = /^(\d{4}) (\d{1,2}) (\d{1,2})$/.exec(text);
  if (iso) return toDate(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  const dayMonth = /^(\d{1,2}) (\d{1,2})(?: (\d{2,4}))?$/.exec(text);
  if (dayMonth) {
    const month = Number(dayMonth[2]);
    const day = Number(dayMonth[1]);
    const listed = options.find((option) => option.date && Number(option.date.slice(5, 7)) === month && Number(option.date.slice(8, 10)) === day);
    return listed?.date;
  }
  return undefined;
}

function addDays(date: string, days: number): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}

function weekdayOf(date: string): number {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay();
}

function toDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
