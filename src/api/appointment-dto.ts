/** Maps booking rows to the appointment JSON integrators know from Whautomate. */
import type { Slot } from '../scheduling';
import type { AppointmentView } from './appointment-repository';
import type { AppointmentDto } from './appointment-schemas';
import { formatWithOffset, toLocalDateTime } from './zoned-time';

/** The appointment JSON of a booking, in the booking's zone. */
export function toAppointmentDto(row: AppointmentView): AppointmentDto {
  const local = toLocalDateTime(row.startsAt, row.timeZone);
  // The booking's price is the total; the service's own share is what the add-ons leave.
  const addOnCents = row.addOns.reduce((total, addOn) => total + Math.round(Number(addOn.price) * 100), 0);
  return {
    id: row.uid,
    location: row.location ? { id: row.location.id, title: row.location.name } : row.locationText ? { id: null, title: row.locationText } : null,
    client: { id: row.customer.id, fullName: row.customer.name, phone: row.customer.phoneE164 },
    staff: { id: row.staff.id, name: row.staff.name },
    date: local.date,
    time: local.time,
    timezone: row.timeZone,
    startTimeUTC: row.startsAt.toISOString(),
    startTime: formatWithOffset(row.startsAt, row.timeZone),
    endTimeUTC: row.endsAt.toISOString(),
    endTime: formatWithOffset(row.endsAt, row.timeZone),
    service: {
      id: row.service.id,
      uid: row.service.uid,
      name: row.service.name,
      durationMinutes: row.service.durationMinutes,
      sellingPrice: (Math.round(Number(row.price) * 100) - addOnCents) / 100,
      currency: row.currency,
    },
    addOnServices: row.addOns.map((addOn) => ({
      id: addOn.service.id,
      uid: addOn.service.uid,
      name: addOn.service.name,
      durationMinutes: addOn.durationMinutes,
      sellingPrice: Number(addOn.price.toFixed(2)),
    })),
    totalPrice: Number(row.price.toFixed(2)),
    bookedFrom: row.source,
    status: row.status,
    appointmentType: 'in_person',
    paymentStatus: 'unpaid',
    notes: row.notes,
    metadata: (row.metadata as Record<string, unknown> | null) ?? null,
    rating: row.rating,
    rescheduleCount: row.rescheduleCount,
    cancellationReason: row.cancellationReason,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** A slot offered instead of a taken one, in the caller's zone. */
export function toAlternativeDto(slot: Slot, timeZone: string): { startTime: string; endTime: string; staffId: string } {
  return { startTime: formatWithOffset(slot.start, timeZone), endTime: formatWithOffset(slot.end, timeZone), staffId: slot.staffIds[0] ?? '' };
}
