/**
 * The few fixed texts of automated messages (button labels, staff alert headlines, the thanks for
 * a rating), per language. Rule texts themselves are written by the business.
 */
import type { Locale } from './locale';

/** The fixed texts of one language. */
export interface ReminderLabels {
  confirm: string;
  reschedule: string;
  cancel: string;
  rateButton: string;
  ratingRows: [string, string, string, string, string];
  staffNew: string;
  staffRescheduled: string;
  staffCancelled: string;
  staffHandoff: string;
}

const LABELS: Record<Locale, ReminderLabels> = {
  en: {
    confirm: 'Confirm',
    reschedule: 'Reschedule',
    cancel: 'Cancel',
    rateButton: 'Rate',
    ratingRows: ['1 – Poor', '2 – Fair', '3 – Good', '4 – Very good', '5 – Excellent'],
    staffNew: 'New booking',
    staffRescheduled: 'Booking rescheduled',
    staffCancelled: 'Booking cancelled',
    staffHandoff: 'Customer asks for a person',
  },
  es: {
    confirm: 'Confirmar',
    reschedule: 'Cambiar hora',
    cancel: 'Cancelar',
    rateButton: 'Valorar',
    ratingRows: ['1 – Mala', '2 – Regular', '3 – Buena', '4 – Muy buena', '5 – Excelente'],
    staffNew: 'Nueva reserva',
    staffRescheduled: 'Reserva cambiada',
    staffCancelled: 'Reserva cancelada',
    staffHandoff: 'Un cliente pide hablar con una persona',
  },
  pt: {
    confirm: 'Confirmar',
    reschedule: 'Remarcar',
    cancel: 'Cancelar',
    rateButton: 'Avaliar',
    ratingRows: ['1 – Ruim', '2 – Regular', '3 – Boa', '4 – Muito boa', '5 – Excelente'],
    staffNew: 'Nova reserva',
    staffRescheduled: 'Reserva remarcada',
    staffCancelled: 'Reserva cancelada',
    staffHandoff: 'Cliente pede para falar com uma pessoa',
  },
};

/** The fixed texts of a language. */
export function findLabels(locale: Locale): ReminderLabels {
  return LABELS[locale];
}
