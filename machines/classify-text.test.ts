import { classifyText, detectLanguage, normalizeText, type TextIntent } from './classify-text';

const CASES: Array<[text: string, expected: TextIntent]> = [
  // greetings, with the language they give away
  ['hi', { intent: 'greeting', locale: 'en' }],
  ['Hello!', { intent: 'greeting', locale: 'en' }],
  ['Good morning, I want to book', { intent: 'book', locale: 'en' }],
  ['MENU', { intent: 'greeting', isMenuKeyword: true }],
  ['menú', { intent: 'greeting', isMenuKeyword: true }],
  ['bot', { intent: 'greeting', isMenuKeyword: true }],
  ['¡Hola!', { intent: 'greeting', locale: 'es' }],
  ['buenas tardes', { intent: 'greeting', locale: 'es' }],
  ['Olá', { intent: 'greeting', locale: 'pt' }],
  ['oi', { intent: 'greeting', locale: 'pt' }],
  ['Bom dia!', { intent: 'greeting', locale: 'pt' }],
  // hand-off
  ['Can I talk to a human?', { intent: 'handoff', locale: 'en' }],
  ['agent', { intent: 'handoff' }],
  ['talk to us', { intent: 'handoff' }],
  ['Quiero hablar con una persona', { intent: 'handoff', locale: 'es' }],
  ['HUMANO', { intent: 'handoff' }],
  ['quero falar com um atendente', { intent: 'handoff', locale: 'pt' }],
  ['hola, quiero una persona', { intent: 'handoff', locale: 'es' }],
  // emergencies beat everything, and their keyword tells the language to answer in
  ['I have chest pain', { intent: 'emergency', locale: 'en' }],
  ['I CAN’T BREATHE', { intent: 'emergency', locale: 'en' }],
  ['cannot breathe help', { intent: 'emergency', locale: 'en' }],
  ['Hola, tengo dolor en el pecho', { intent: 'emergency', locale: 'es' }],
  ['Tengo dolor en el pecho', { intent: 'emergency', locale: 'es' }],
  ['no puedo respirar', { intent: 'emergency', locale: 'es' }],
  ['estou com dor no peito', { intent: 'emergency', locale: 'pt' }],
  ['Estou com dor no peito', { intent: 'emergency', locale: 'pt' }],
  ['Não consigo respirar', { intent: 'emergency', locale: 'pt' }],
  ['nao consigo respirar', { intent: 'emergency', locale: 'pt' }],
  // asking to book (or about an existing appointment) starts that path, in the text's language
  ['Hola, quiero una cita', { intent: 'book', locale: 'es' }],
  ['necesito una cita para mañana', { intent: 'book', locale: 'es' }],
  ['preciso marcar um horário', { intent: 'book', locale: 'pt' }],
  ['I want to cancel my appointment', { intent: 'appointments', locale: 'en' }],
  ['I want una cita', { intent: 'book' }],
  // opt-out / opt-in: the keyword alone
  ['STOP', { intent: 'opt_out' }],
  ['stop.', { intent: 'opt_out' }],
  ['Unsubscribe', { intent: 'opt_out' }],
  ['BAJA', { intent: 'opt_out' }],
  ['parar', { intent: 'opt_out' }],
  ['START', { intent: 'opt_in' }],
  ['Alta', { intent: 'opt_in' }],
  ['voltar', { intent: 'opt_in' }],
  ['please stop sending me the wrong time', { intent: 'unrecognized', detectedLocale: 'en' }],
  // language switch, accent- and case-insensitive
  ['English', { intent: 'language', locale: 'en' }],
  ['ESPAÑOL', { intent: 'language', locale: 'es' }],
  ['espanol', { intent: 'language', locale: 'es' }],
  ['en español', { intent: 'language', locale: 'es' }],
  ['Português', { intent: 'language', locale: 'pt' }],
  ['portugues', { intent: 'language', locale: 'pt' }],
  // nothing matched: never a guess, at most a language hint
  ['what is the wifi password', { intent: 'unrecognized', detectedLocale: 'en' }],
  ['wifi?', { intent: 'unrecognized' }],
  ['cuánto cuesta la consulta', { intent: 'unrecognized', detectedLocale: 'es' }],
  ['quanto custa a consulta', { intent: 'unrecognized', detectedLocale: 'pt' }],
  ['can you tell me the price', { intent: 'unrecognized', detectedLocale: 'en' }],
  // one word, or mixed words, never decide a language
  ['obrigado', { intent: 'unrecognized' }],
  ['gracias', { intent: 'unrecognized' }],
  ['ok thanks gracias', { intent: 'unrecognized' }],
  ['', { intent: 'unrecognized' }],
  ['👍', { intent: 'unrecognized' }],
];

describe('classifyText', () => {
  it.each(CASES)('%j → %j', (text, expected) => {
    expect(classifyText(text)).toEqual(expected);
  });

  it("a business's emergency keywords replace the defaults", () => {
    const options = { emergencyKeywords: ['sangrado', 'bleeding'] };
    expect(classifyText('Tengo un sangrado', options)).toEqual({ intent: 'emergency', locale: 'es' });
    expect(classifyText('Heavy BLEEDING', options)).toEqual({ intent: 'emergency' });
    expect(classifyText('chest pain', options)).toEqual({ intent: 'unrecognized' });
    expect(classifyText('chest pain', { emergencyKeywords: [] })).toEqual({ intent: 'unrecognized' });
  });

  it('keywords match whole words only', () => {
    expect(classifyText('personal trainer session')).toEqual({ intent: 'unrecognized' });
    expect(classifyText('history')).toEqual({ intent: 'unrecognized' });
    expect(classifyText('oil change')).toEqual({ intent: 'unrecognized' });
  });
});

describe('detectLanguage / normalizeText', () => {
  it.each([
    ['Quiero reservar una cita por favor', 'es'],
    ['Olá, quero agendar', 'pt'],
    ['I would like an appointment please', 'en'],
    ['12345', undefined],
  ] as const)('%j → %s', (text, locale) => {
    expect(detectLanguage(text)).toBe(locale);
  });

  it('removes accents, case, apostrophes and punctuation', () => {
    expect(normalizeText('  ¡Can’t BREATHE, São Paulo!  ')).toBe('cant breathe sao paulo');
  });
});
