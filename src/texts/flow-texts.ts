/**
 * Texts of the booking Flow and of the message that opens it, in English, Spanish and Portuguese.
 * Every visible text of booking.flow.json is `${data.…}`, so the endpoint sends these per customer.
 * Limits (flows/README.md): Dropdown/TextInput/TextArea labels ≤ 20, RadioButtonsGroup/CheckboxGroup labels ≤ 30,
 * CalendarPicker label ≤ 40, Footer ≤ 35, headings ≤ 80, the Flow CTA ≤ 20.
 */
import type { Locale } from './locale';

const en = {
  serviceHeading: 'Book an appointment',
  rescheduleHeading: 'Move your {service}',
  serviceLabel: 'Service',
  continueLabel: 'Continue',
  staffHeading: 'Who would you like?',
  staffLabel: 'Staff member',
  anyStaff: 'Any available',
  dateHeading: 'Pick a day',
  dateLabel: 'Date',
  timeHeading: '{day} ({zone})',
  timeLabel: 'Time',
  detailsHeading: 'Your details',
  nameLabel: 'Name',
  noteLabel: 'Note (optional)',
  reviewLabel: 'Review booking',
  addOnsLabel: 'Add extras (optional)',
  addOnsSummary: '+ {addOns}',
  errorAddOnsDontFit: 'With these extras the visit no longer fits at that time. Remove some, or go back and pick another time.',
  summaryHeading: 'Check and confirm',
  rescheduleSummaryHeading: 'Check your new time',
  summaryStaff: 'with {staff}',
  confirmLabel: 'Confirm booking',
  rescheduleConfirmLabel: 'Confirm new time',
  noPrice: '—',
  errorSlotTaken: 'Sorry, that time was just taken. Please pick another one.',
  errorDayFull: 'That day has just filled up. Please pick another day.',
  errorNoDays: 'There are no free days for this service in the coming weeks.',
  errorNameRequired: 'Please enter your name.',
  errorChooseOption: 'Please choose one of the options.',
  errorTokenInvalid: 'This form has expired. Please ask for a new one in the chat.',
  errorBookingNotChangeable: 'This appointment can no longer be changed here.',
  messageBody: 'Hi {name}! Tap *Book now* to choose a service, day and time at {business}.',
  messageBodyAnonymous: 'Tap *Book now* to choose a service, day and time at {business}.',
  messageCta: 'Book now',
  rescheduleMessageBody: 'Hi {name}! Tap *Change time* to pick a new day and time for your {service}.',
  rescheduleMessageBodyAnonymous: 'Tap *Change time* to pick a new day and time for your {service}.',
  rescheduleMessageCta: 'Change time',
};

/** The key set every language has. */
export type FlowTexts = typeof en;

const es: FlowTexts = {
  serviceHeading: 'Reservar una cita',
  rescheduleHeading: 'Cambiar tu {service}',
  serviceLabel: 'Servicio',
  continueLabel: 'Continuar',
  staffHeading: '¿Con quién quieres la cita?',
  staffLabel: 'Profesional',
  anyStaff: 'Cualquiera disponible',
  dateHeading: 'Elige un día',
  dateLabel: 'Fecha',
  timeHeading: '{day} ({zone})',
  timeLabel: 'Hora',
  detailsHeading: 'Tus datos',
  nameLabel: 'Nombre',
  noteLabel: 'Nota (opcional)',
  reviewLabel: 'Revisar la reserva',
  addOnsLabel: 'Añadir extras (opcional)',
  addOnsSummary: '+ {addOns}',
  errorAddOnsDontFit: 'Con estos extras la cita ya no cabe a esa hora. Quita alguno o vuelve atrás y elige otra hora.',
  summaryHeading: 'Revisa y confirma',
  rescheduleSummaryHeading: 'Revisa tu nueva hora',
  summaryStaff: 'con {staff}',
  confirmLabel: 'Confirmar la reserva',
  rescheduleConfirmLabel: 'Confirmar la nueva hora',
  noPrice: '—',
  errorSlotTaken: 'Lo sentimos, esa hora se acaba de ocupar. Elige otra, por favor.',
  errorDayFull: 'Ese día se acaba de llenar. Elige otro día, por favor.',
  errorNoDays: 'No hay días libres para este servicio en las próximas semanas.',
  errorNameRequired: 'Escribe tu nombre, por favor.',
  errorChooseOption: 'Elige una de las opciones, por favor.',
  errorTokenInvalid: 'Este formulario ha caducado. Pide uno nuevo en el chat.',
  errorBookingNotChangeable: 'Esta cita ya no se puede cambiar aquí.',
  messageBody: '¡Hola, {name}! Toca *Reservar* para elegir servicio, día y hora en {business}.',
  messageBodyAnonymous: 'Toca *Reservar* para elegir servicio, día y hora en {business}.',
  messageCta: 'Reservar',
  rescheduleMessageBody: '¡Hola, {name}! Toca *Cambiar hora* para elegir un nuevo día y hora para tu {service}.',
  rescheduleMessageBodyAnonymous: 'Toca *Cambiar hora* para elegir un nuevo día y hora para tu {service}.',
  rescheduleMessageCta: 'Cambiar hora',
};

const pt: FlowTexts = {
  serviceHeading: 'Marcar uma consulta',
  rescheduleHeading: 'Alterar a sua {service}',
  serviceLabel: 'Serviço',
  continueLabel: 'Continuar',
  staffHeading: 'Com quem prefere?',
  staffLabel: 'Profissional',
  anyStaff: 'Qualquer disponível',
  dateHeading: 'Escolha um dia',
  dateLabel: 'Data',
  timeHeading: '{day} ({zone})',
  timeLabel: 'Hora',
  detailsHeading: 'Os seus dados',
  nameLabel: 'Nome',
  noteLabel: 'Nota (opcional)',
  reviewLabel: 'Rever a marcação',
  addOnsLabel: 'Adicionar extras (opcional)',
  addOnsSummary: '+ {addOns}',
  errorAddOnsDontFit: 'Com estes extras a consulta já não cabe a essa hora. Retire algum ou volte atrás e escolha outra hora.',
  summaryHeading: 'Verifique e confirme',
  rescheduleSummaryHeading: 'Verifique o novo horário',
  summaryStaff: 'com {staff}',
  confirmLabel: 'Confirmar marcação',
  rescheduleConfirmLabel: 'Confirmar novo horário',
  noPrice: '—',
  errorSlotTaken: 'Lamentamos, esse horário acabou de ser ocupado. Escolha outro, por favor.',
  errorDayFull: 'Esse dia acabou de ficar cheio. Escolha outro dia, por favor.',
  errorNoDays: 'Não há dias livres para este serviço nas próximas semanas.',
  errorNameRequired: 'Escreva o seu nome, por favor.',
  errorChooseOption: 'Escolha uma das opções, por favor.',
  errorTokenInvalid: 'Este formulário expirou. Peça um novo na conversa.',
  errorBookingNotChangeable: 'Esta marcação já não pode ser alterada aqui.',
  messageBody: 'Olá, {name}! Toque em *Marcar* para escolher serviço, dia e hora em {business}.',
  messageBodyAnonymous: 'Toque em *Marcar* para escolher serviço, dia e hora em {business}.',
  messageCta: 'Marcar',
  rescheduleMessageBody: 'Olá, {name}! Toque em *Mudar horário* para escolher um novo dia e hora para a sua {service}.',
  rescheduleMessageBodyAnonymous: 'Toque em *Mudar horário* para escolher um novo dia e hora para a sua {service}.',
  rescheduleMessageCta: 'Mudar horário',
};

/** Every language's Flow texts. */
export const FLOW_TEXTS: Readonly<Record<Locale, FlowTexts>> = { en, es, pt };

/**
 * Fills `{name}` placeholders.
 * @example fillText('with {staff}', { staff: 'Ana' }) // 'with Ana'
 */
export function fillText(text: string, params: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => params[name] ?? whole);
}
