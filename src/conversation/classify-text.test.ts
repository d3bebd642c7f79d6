import { classifyText, detectLanguage, normalizeText, type TextIntent } from './classify-text';

const CASES: Array<[text: string, expected: TextIntent]> = [
  // greetings, with the language they give away
  ['hi', { intent: 'greeting', locale: 'en' }],
  ['Hello!', { intent: 'greeting', locale: 'en' }],
  ['Good morning, I want to book', { intent: 'greeting', locale: 'en' }],
  ['MENU', { intent: 'greeting' }],
  ['menú', { intent: 'greeting' }],
  ['¡Hola!', { intent: 'greeting', locale: 'es' }],
  ['buenas tardes', { intent: 'greeting', locale: 'es' }],
  ['Olá', { intent: 'greeting', locale: 'pt' }],
  ['oi', { intent: 'greeting', locale: 'pt' }],
  ['Bom dia!', { intent: 'greeting', locale: 'pt' }],
  // hand-off
  ['Can I talk to a human?', { intent: 'handoff' }],
  ['agent', { intent: 'handoff' }],
  ['talk to us', { intent: 'handoff' }],
  ['Quiero hablar con una persona', { intent: 'handoff' }],
  ['HUMANO', { intent: 'handoff' }],
  ['quero falar com um atendente', { intent: 'handoff' }],
  ['hola, quiero una persona', { intent: 'handoff' }],
  // emergencies beat everything
  ['I have chest pain', { intent: 'emergency' }],
  ['I CAN’T BREATHE', { intent: 'emergency' }],
  ['cannot breathe help', { intent: 'emergency' }],
  ['Hola, tengo dolor en el pecho', { intent: 'emergency' }],
  ['no puedo respirar', { intent: 'emergency' }],
  ['estou com dor no peito', { intent: 'emergency' }],
  ['Não consigo respirar', { intent: 'emergency' }],
  ['nao consigo respirar', { intent: 'emergency' }],
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
  ['necesito una cita para mañana', { intent: 'unrecognized', detectedLocale: 'es' }],
  ['preciso marcar um horário', { intent: 'unrecognized', detectedLocale: 'pt' }],
  ['', { intent: 'unrecognized' }],
  ['👍', { intent: 'unrecognized' }],
];

describe('classifyText', () => {
  it.each(CASES)('%j → %j', (text, expected) => {
    expect(classifyText(text)).toEqual(expected);
  });

  it("a business's emergency keywords replace the defaults", () => {
    const options = { emergencyKeywords: ['sangrado', 'bleeding'] };
    expect(classifyText('Tengo un sangrado', options)).toEqual({ intent: 'emergency' });
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
