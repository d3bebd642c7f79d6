/**
 * Keyword classification of free text in English, Spanish and Portuguese. Deliberately small and
 * literal: a text that matches nothing is "unrecognized" and the bot shows the menu, it never guesses.
 */
import type { Locale } from './conversation-types';

/** Intent of a free-text message; `locale` is the language the text is clearly written in, when it is. */
export type TextIntent =
  | { intent: 'greeting'; locale?: Locale; isMenuKeyword?: true }
  | { intent: 'book'; locale?: Locale }
  | { intent: 'appointments'; locale?: Locale }
  | { intent: 'handoff'; locale?: Locale }
  | { intent: 'emergency'; locale?: Locale }
  | { intent: 'opt_out' }
  | { intent: 'opt_in' }
  | { intent: 'language'; locale: Locale }
  | { intent: 'unrecognized'; detectedLocale?: Locale };

/** Options of classifyText. */
export interface ClassifyTextOptions {
  /** The business's emergency keywords; they replace DEFAULT_EMERGENCY_KEYWORDS when given. */
  emergencyKeywords?: readonly string[];
}

/** Emergency phrases per language: a match also tells the language to answer in. */
export const EMERGENCY_KEYWORDS_BY_LOCALE: Readonly<Record<Locale, readonly string[]>> = {
  en: ['chest pain', "can't breathe", 'cannot breathe', 'heart attack'],
  es: ['dolor en el pecho', 'dolor de pecho', 'no puedo respirar'],
  pt: ['dor no peito', 'não consigo respirar'],
};

/** Emergency phrases used when a business configured none. */
export const DEFAULT_EMERGENCY_KEYWORDS: readonly string[] = Object.values(EMERGENCY_KEYWORDS_BY_LOCALE).flat();

const HANDOFF_PHRASES = [
  'agent', 'human', 'person', 'real person', 'operator', 'receptionist', 'talk to us', 'talk to someone', 'speak to someone',
  'persona', 'humano', 'agente', 'recepcion', 'hablar con alguien', 'hablar con una persona',
  'atendente', 'pessoa', 'falar com alguem', 'falar com uma pessoa',
];

// Compliance keywords only count as the whole message: "stop" inside a sentence is not an opt-out.
const OPT_OUT_MESSAGES = ['stop', 'stop all', 'unsubscribe', 'baja', 'dar de baja', 'darme de baja', 'parar', 'cancelar inscricao'];
const OPT_IN_MESSAGES = ['start', 'unstop', 'subscribe', 'alta', 'dar de alta', 'darme de alta', 'voltar'];

const LANGUAGE_MESSAGES: ReadonlyArray<readonly [string, Locale]> = [
  ['english', 'en'], ['in english', 'en'], ['ingles', 'en'], ['en ingles', 'en'], ['em ingles', 'en'],
  ['espanol', 'es'], ['en espanol', 'es'], ['spanish', 'es'], ['in spanish', 'es'], ['castellano', 'es'], ['em espanhol', 'es'], ['espanhol', 'es'],
  ['portugues', 'pt'], ['em portugues', 'pt'], ['en portugues', 'pt'], ['portuguese', 'pt'], ['in portuguese', 'pt'],
];

// The whole message asks for the bot's menu: also the way back from a hand-off.
const MENU_KEYWORDS = ['menu', 'bot', 'robot', 'robo', 'assistant', 'asistente', 'assistente', 'back to the bot', 'volver al bot', 'voltar ao bot'];

const GREETINGS: ReadonlyArray<readonly [string, Locale | undefined]> = [
  ['hi', 'en'], ['hello', 'en'], ['hey', 'en'], ['good morning', 'en'], ['good afternoon', 'en'], ['good evening', 'en'],
  ['hola', 'es'], ['buenas', 'es'], ['buenos dias', 'es'], ['buenas tardes', 'es'], ['buenas noches', 'es'],
  ['ola', 'pt'], ['oi', 'pt'], ['bom dia', 'pt'], ['boa tarde', 'pt'], ['boa noite', 'pt'],
];

// Words about an existing appointment: "cancel my appointment" manages, it does not book.
const MANAGE_WORDS = [
  'cancel', 'reschedule', 'move', 'my appointment', 'my appointments', 'my booking', 'my bookings',
  'cancelar', 'anular', 'cambiar', 'mover', 'reprogramar', 'mi cita', 'mis citas',
  'remarcar', 'reagendar', 'desmarcar', 'meu agendamento', 'meus agendamentos', 'minha consulta',
];
// Words asking for a new appointment.
const BOOK_WORDS = [
  'book', 'appointment', 'booking', 'schedule',
  'cita', 'reservar', 'reserva', 'pedir hora', 'turno',
  'agendar', 'marcar', 'agendamento', 'horario',
];

// Words that give a language away; words shared by two of them (de, la, que, para, no…) are left out on purpose.
const LANGUAGE_WORDS: Record<Locale, ReadonlySet<string>> = {
  en: new Set([
    'hi', 'hello', 'hey', 'want', 'book', 'appointment', 'please', 'thanks', 'thank', 'you', 'my', 'the', 'morning', 'would', 'like',
    'i', 'can', 'is', 'are', 'what', 'when', 'how', 'where', 'with', 'for', 'have', 'need', 'tomorrow', 'today', 'and', 'it', 'this',
    'next', 'week', 'time', 'do', 'does', 'an', 'of', 'to', 'your', 'there', 'help', 'yes', 'price', 'much',
  ]),
  es: new Set([
    'hola', 'buenas', 'buenos', 'quiero', 'cita', 'reservar', 'gracias', 'necesito', 'una', 'tardes', 'noches', 'usted', 'puedo',
    'el', 'los', 'las', 'y', 'con', 'un', 'mi', 'mis', 'tengo', 'estoy', 'manana', 'hoy', 'cuando', 'donde', 'cual', 'muy', 'hacer',
    'ayuda', 'puede', 'hay', 'si', 'pecho', 'dolor', 'semana', 'proxima', 'quisiera', 'esta', 'tiene', 'precio', 'cuanto', 'cuesta',
  ]),
  pt: new Set([
    'ola', 'oi', 'bom', 'boa', 'quero', 'marcar', 'agendar', 'horario', 'obrigado', 'obrigada', 'voce', 'preciso', 'uma', 'noite', 'posso',
    'um', 'com', 'meu', 'minha', 'tenho', 'estou', 'amanha', 'hoje', 'quando', 'onde', 'qual', 'muito', 'fazer', 'ajuda', 'pode', 'sim',
    'nao', 'peito', 'dor', 'proxima', 'gostaria', 'tem', 'e', 'o', 'os', 'ao', 'consigo', 'agendamento', 'preco', 'quanto', 'custa',
  ]),
};

/**
 * Classifies a customer's free text. Order matters: an emergency beats everything, then the
 * compliance keywords, language names, hand-off words, appointment words and greetings.
 * @example classifyText('Hola!') // { intent: 'greeting', locale: 'es' }
 */
export function classifyText(text: string, options: ClassifyTextOptions = {}): TextIntent {
  const normalized = normalizeText(text);
  const padded = ` ${normalized} `;
  const containsPhrase = (phrase: string): boolean => {
    const needle = normalizePhrase(phrase);
    return needle !== '' && padded.includes(` ${needle} `);
  };
  const withLocale = <T extends object>(intent: T, locale: Locale | undefined): T | (T & { locale: Locale }) => (locale ? { ...intent, locale } : intent);
  const emergency = (options.emergencyKeywords ?? DEFAULT_EMERGENCY_KEYWORDS).find(containsPhrase);
  // The keyword tells the language ("dolor en el pecho"); a business's own keyword leans on the other words.
  if (emergency !== undefined) return withLocale({ intent: 'emergency' as const }, findKeywordLocale(emergency) ?? detectLeaningLanguage(normalized));
  if (OPT_OUT_MESSAGES.includes(normalized)) return { intent: 'opt_out' };
  if (OPT_IN_MESSAGES.includes(normalized)) return { intent: 'opt_in' };
  const language = LANGUAGE_MESSAGES.find(([phrase]) => phrase === normalized);
  if (language) return { intent: 'language', locale: language[1] };
  if (MENU_KEYWORDS.includes(normalized)) return { intent: 'greeting', isMenuKeyword: true };
  const clearLocale = detectNormalizedLanguage(normalized);
  if (HANDOFF_PHRASES.some(containsPhrase)) return withLocale({ intent: 'handoff' as const }, clearLocale);
  if (MANAGE_WORDS.some(containsPhrase)) return withLocale({ intent: 'appointments' as const }, clearLocale);
  const greeting = GREETINGS.find(([phrase]) => padded.startsWith(` ${phrase} `));
  if (BOOK_WORDS.some(containsPhrase)) return withLocale({ intent: 'book' as const }, clearLocale ?? greeting?.[1]);
  if (greeting) return withLocale({ intent: 'greeting' as const }, greeting[1] ?? clearLocale);
  return clearLocale ? { intent: 'unrecognized', detectedLocale: clearLocale } : { intent: 'unrecognized' };
}

/**
 * The language a text is clearly written in, from telltale words; undefined when unsure: fewer
 * than two words, fewer than two telltale words, or another language close behind.
 * @example detectLanguage('Olá, bom dia') // 'pt'
 */
export function detectLanguage(text: string): Locale | undefined {
  return detectNormalizedLanguage(normalizeText(text));
}

function scoreLanguages(normalized: string): Array<readonly [Locale, number]> {
  const words = normalized.split(' ').filter((word) => word !== '');
  return (Object.keys(LANGUAGE_WORDS) as Locale[])
    .map((locale) => [locale, words.filter((word) => LANGUAGE_WORDS[locale].has(word)).length] as const)
    .sort((a, b) => b[1] - a[1]);
}

function detectNormalizedLanguage(normalized: string): Locale | undefined {
  if (normalized.split(' ').length < 2) return undefined;
  const [best, second] = scoreLanguages(normalized);
  if (!best || best[1] < 2) return undefined;
  // Clear means at least twice the runner-up: "I want una cita" stays undecided.
  return best[1] >= 2 * (second?.[1] ?? 0) && best[1] > (second?.[1] ?? 0) ? best[0] : undefined;
}

// For an emergency any lean is better than the business default: one telltale word decides.
function detectLeaningLanguage(normalized: string): Locale | undefined {
  const [best, second] = scoreLanguages(normalized);
  return best && best[1] > 0 && best[1] > (second?.[1] ?? 0) ? best[0] : undefined;
}

function findKeywordLocale(keyword: string): Locale | undefined {
  const normalized = normalizePhrase(keyword);
  const locales = (Object.keys(EMERGENCY_KEYWORDS_BY_LOCALE) as Locale[]).filter((locale) => EMERGENCY_KEYWORDS_BY_LOCALE[locale].some((k) => normalizePhrase(k) === normalized));
  return locales.length === 1 ? locales[0] : undefined;
}

// Keyword phrases are few (the lists above plus each business's emergency keywords) but were
// normalized again for every message: ~18 µs of a webhook turn. The cap only guards against a
// caller passing ever-new phrases.
const normalizedPhrases = new Map<string, string>();
const MAX_NORMALIZED_PHRASES = 10_000;

function normalizePhrase(phrase: string): string {
  let normalized = normalizedPhrases.get(phrase);
  if (normalized === undefined) {
    if (normalizedPhrases.size >= MAX_NORMALIZED_PHRASES) normalizedPhrases.clear();
    normalized = normalizeText(phrase);
    normalizedPhrases.set(phrase, normalized);
  }
  return normalized;
}

/**
 * Lower case, accents and apostrophes removed, punctuation turned into spaces, so "Can’t BREATHE!"
 * and "cant breathe" compare equal and "Español" matches "espanol".
 */
export function normalizeText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/['’‘`´]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
