/**
 * The phone's own words (WhatsApp's interface, not the business's messages), in the phone's
 * language: what a customer whose phone is set to Spanish or Portuguese sees around the chat.
 */

/** Languages the simulated phone can be set to. */
export const PHONE_LOCALES = ['en', 'es', 'pt'] as const;
/** One of PHONE_LOCALES. */
export type PhoneLocale = (typeof PHONE_LOCALES)[number];

const EN = {
  title: 'WhatsApp simulator',
  whoAmI: 'Who you are',
  name: 'Name',
  number: 'WhatsApp number',
  language: 'Phone language',
  apply: 'Use this phone',
  message: 'Message',
  send: 'Send',
  back: 'Back',
  close: 'Close',
  menu: 'View options',
  sendChoice: 'Send',
  businessAccount: 'Business account',
  flowClosed: 'This form is no longer available',
  rawRequest: 'Graph API request',
  required: 'Required',
  noFlowJson: 'No Flow JSON for this Flow',
  notDrawn: 'Not drawn by the simulator',
  ticksSent: 'Sent',
  ticksDelivered: 'Delivered',
  ticksRead: 'Read',
  ticksFailed: 'Not delivered',
  schemaTitle: 'WhatsApp would refuse this screen',
  explain: 'You are a customer of this business. Everything you do here is posted to this server exactly as WhatsApp would post it.',
};

/** The phone's texts. */
export type PhoneTexts = typeof EN;

const TEXTS: Record<PhoneLocale, PhoneTexts> = {
  en: EN,
  es: {
    ...EN,
    whoAmI: 'Quién eres',
    name: 'Nombre',
    number: 'Número de WhatsApp',
    language: 'Idioma del teléfono',
    apply: 'Usar este teléfono',
    message: 'Mensaje',
    send: 'Enviar',
    back: 'Atrás',
    close: 'Cerrar',
    menu: 'Ver opciones',
    sendChoice: 'Enviar',
    businessAccount: 'Cuenta de empresa',
    flowClosed: 'Este formulario ya no está disponible',
    required: 'Obligatorio',
    ticksSent: 'Enviado',
    ticksDelivered: 'Entregado',
    ticksRead: 'Leído',
    ticksFailed: 'No entregado',
  },
  pt: {
    ...EN,
    whoAmI: 'Quem você é',
    name: 'Nome',
    number: 'Número do WhatsApp',
    language: 'Idioma do telefone',
    apply: 'Usar este telefone',
    message: 'Mensagem',
    send: 'Enviar',
    back: 'Voltar',
    close: 'Fechar',
    menu: 'Ver opções',
    sendChoice: 'Enviar',
    businessAccount: 'Conta comercial',
    flowClosed: 'Este formulário não está mais disponível',
    required: 'Obrigatório',
    ticksSent: 'Enviada',
    ticksDelivered: 'Entregue',
    ticksRead: 'Lida',
    ticksFailed: 'Não entregue',
  },
};

/** The phone's texts in a language (English for any other). */
export function phoneTexts(locale: string): PhoneTexts {
  return TEXTS[(PHONE_LOCALES as readonly string[]).includes(locale) ? (locale as PhoneLocale) : 'en'];
}
