/** Wall clock in a zone ↔ UTC, for request times (date + HH:mm + zone) and answers (ISO with offset). */
import { formatInTimeZone, fromZonedTime } from 'date-fns-tz';
import { ApiError } from './api-error';

/** ISO 8601 with the zone's offset, e.g. 2026-03-31T09:00:00+02:00. */
export function formatWithOffset(instant: Date, timeZone: string): string {
  return formatInTimeZone(instant, timeZone, "yyyy-MM-dd'T'HH:mm:ssXXX").replace(/Z$/, '+00:00');
}

/** Local date and HH:mm of an instant in the zone. */
export function toLocalDateTime(instant: Date, timeZone: string): { date: string; time: string } {
  const [date, time] = formatInTimeZone(instant, timeZone, 'yyyy-MM-dd HH:mm').split(' ');
  return { date: date!, time: time! };
}

/**
 * The UTC instant of a local wall-clock time; a time skipped by a DST change (02:30 on the spring
 * forward night) does not exist there and is refused instead of silently moved.
 */
export function fromLocalDateTime(params: { date: string; time: string; timeZone: string }): Date {
  const instant = fromZonedTime(`${params.date}T${params.time}:00`, params.timeZone);
  const roundTrip = toLocalDateTime(instant, params.timeZone);
  if (Number.isNaN(instant.getTime()) || roundTrip.date !== params.date || roundTrip.time !== params.time) {
    throw new ApiError(422, 'validation_failed', `${params.date} ${params.time} does not exist in ${params.timeZone} (the clocks skip it for a DST change). Pick another time.`, {
      field: 'time',
    });
  }
  // Fall-back night: the wall time happens twice; take the first, as the availability engine does.
  for (const shiftMinutes of [60, 30]) {
    const earlier = new Date(instant.getTime() - shiftMinutes * 60_000);
    const local = toLocalDateTime(earlier, params.timeZone);
    if (local.date === params.date && local.time === params.time) return earlier;
  }
  return instant;
}
