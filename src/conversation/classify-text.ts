/**
 * Keyword classification of free text in English, Spanish and Portuguese. Deliberately small and
 * literal: a text that matches nothing is "unrecognized" and the bot shows the menu, it never guesses.
 */
import type { Locale } from '../../machines/conversation-types';

/** Intent of a free-text message. */
export type TextIntent =
  | { intent: 'greeting'; locale?: Locale }
  | { intent: 'handoff' }
  | { intent: 'emergency' }
  | { intent: 'opt_out' }
  | { intent: 'opt_in' }
  | { intent: 'language'; locale: Locale }
  | { intent: 'unrecognized'; detectedLocale?: Locale };

/** Options of classifyText. */
export interface ClassifyTextOptions {
  /** The business's emergency keywords; they replace DEFAULT_EMERGENCY_KEYWORDS when given. */
  emergencyKeywords?: readonly string[];
}

/** Emergency phrases used when a business configured none. */
export const DEFAULT_EMERGENCY_KEYWORDS: readonly string[] = [
  'chest pain',
  "can't breathe",
  'cannot breathe',
  'heart attack',
  'dolor en el pecho',
  'no puedo respirar',
  'dor no peito',
  'não consigo respirar',
];

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

const GREETINGS: ReadonlyArray<readonly [string, Locale | undefined]> = [
  ['menu', undefined], ['hi', 'en'], ['hello', 'en'], ['hey', 'en'], ['good morning', 'en'], ['good afternoon', 'en'], ['good evening', 'en'],
  ['hola', 'es'], ['buenas', 'es'], ['buenos dias', 'es'], ['buenas tardes', 'es'], ['buenas noches', 'es'],
  ['ola', 'pt'], ['oi', 'pt'], ['bom dia', 'pt'], ['boa tarde', 'pt'], ['boa noite', 'pt'],
];

// Words that give a language away; shared words (de, la, que…) are left out on purpose.
const LANGUAGE_WORDS: Record<Locale, readonly string[]> = {
  en: ['hi', 'hello', 'hey', 'want', 'book', 'appointment', 'please', 'thanks', 'thank', 'you', 'my', 'the', 'morning', 'would', 'like'],
  es: ['hola', 'buenas', 'buenos', 'quiero', 'cita', 'reservar', 'favor', 'gracias', 'necesito', 'una', 'tardes', 'noches', 'usted', 'puedo'],
  pt: ['ola', 'oi', 'bom', 'boa', 'quero', 'marcar', 'agendar', 'horario', 'obrigado', 'obrigada', 'voce', 'preciso', 'uma', 'noite', 'posso'],
};

/**
 * Classifies a customer's free text. Order matters: an emergency beats everything, then the
 * compliance keywords, language names, hand-off words and greetings.
 * @example classifyText('Hola!') // { intent: 'greeting', locale: 'es' }
 */
export function classifyText(text: string, options: ClassifyTextOptions = {}): TextIntent {
  const normalized = normalizeText(text);
  const padded = ` ${normalized} `;
  const containsPhrase = (phrase: string): boolean => {
    const needle = normalizePhrase(phrase);
    return needle !== '' && padded.includes(` ${needle} `);
  };
  if ((options.emergencyKeywords ?? DEFAULT_EMERGENCY_KEYWORDS).some(containsPhrase)) return { intent: 'emergency' };
  if (OPT_OUT_MESSAGES.includes(normalized)) return { intent: 'opt_out' };
  if (OPT_IN_MESSAGES.includes(normalized)) return { intent: 'opt_in' };
  const language = LANGUAGE_MESSAGES.find(([phrase]) => phrase === normalized);
  if (language) return { intent: 'language', locale: language[1] };
  if (HANDOFF_PHRASES.some(containsPhrase)) return { intent: 'handoff' };
  const greeting = GREETINGS.find(([phrase]) => padded.startsWith(` ${phrase} `));
  if (greeting) {
    const locale = greeting[1] ?? detectNormalizedLanguage(normalized);
    return locale ? { intent: 'greeting', locale } : { intent: 'greeting' };
  }
  const detectedLocale = detectNormalizedLanguage(normalized);
  return detectedLocale ? { intent: 'unrecognized', detectedLocale } : { intent: 'unrecognized' };
}

/**
 * Guesses the language of a short text from a few telltale words; undefined when unsure (a tie or no hit).
 * @example detectLanguage('Olá, bom dia') // 'pt'
 */
export function detectLanguage(text: string): Locale | undefined {
  return detectNormalizedLanguage(normalizeText(text));
}

function detectNormalizedLanguage(normalized: string): Locale | undefined {
  const words = normalized.split(' ');
  const scores = (Object.keys(LANGUAGE_WORDS) as Locale[]).map((locale) => [locale, words.filter((w) => LANGUAGE_WORDS[locale].includes(w)).length] as const);
  const best = Math.max(...scores.map(([, score]) => score));
  const winners = scores.filter(([, score]) => score === best);
  return best > 0 && winners.length === 1 ? winners[0]?.[0] : undefined;
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
