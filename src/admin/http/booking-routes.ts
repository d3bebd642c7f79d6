/**
 * The booking panel and its actions. Every change goes through the booking core (serializable
 * confirm, typed refusals with the nearest alternatives, listeners for reminders, events and the
 * customer's WhatsApp message); the audit log names the console user.
 */
import { formatInTimeZone } from 'date-fns-tz';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { BookingService } from '../../booking';
import type { Clock } from '../../platform/clock';
import type { PrismaClient } from '../../platform/database';
import { isDomainError } from '../../platform/errors';
import { localDayRange, type Slot } from '../../scheduling';
import type { ConsoleUser } from '../auth/accounts';
import { findBookingDetail } from '../bookings/booking-detail-repository';
import { CONSOLE_ACTOR_PREFIX, findStaffChangeNotice, NOTICE_TEXT } from '../bookings/customer-notices';
import { createTranslate, type ConsoleTextKey } from '../i18n';
import { renderBookingPanel, type OfferedSlot, type PanelMessages } from '../views/booking-panel';
import { renderCalendarFor } from './calendar-routes';
import { consoleUserOf, isHtmxRequest, requireAction, requireCsrfToken } from './console-session';

/** Dependencies of the booking routes. */
export interface BookingRouteDeps {
  prisma: PrismaClient;
  clock: Clock;
  bookings: BookingService;
}

const uidSchema = z.string().regex(/^bk_[0-9a-z]{16}$/);
const dateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** The audit actor of a console user. */
export function actorOf(user: ConsoleUser): string {
  return `${CONSOLE_ACTOR_PREFIX}${user.email}`.slice(0, 100);
}

/** Slots as buttons: ISO start and the local time label. */
export function toOfferedSlots(slots: Slot[], timeZone: string, withDate = false): OfferedSlot[] {
  return slots.map((slot) => ({ start: slot.start.toISOString(), label: formatInTimeZone(slot.start, timeZone, withDate ? 'EEE d MMM HH:mm' : 'HH:mm') }));
}

/** Answers with a booking's panel: the fragment for htmx, else the calendar page of its day with the panel open. */
export async function sendBookingPanel(deps: BookingRouteDeps, req: Request, res: Response, uid: string, messages?: PanelMessages, status = 200): Promise<void> {
  const user = consoleUserOf(res);
  const t = createTranslate(user.locale);
  const parsed = uidSchema.safeParse(uid);
  const booking = parsed.success ? await findBookingDetail(deps.prisma, { businessId: user.businessId, uid: parsed.data }) : null;
  if (!booking) {
    res.status(404).type('html').send(isHtmxRequest(req) ? `<p class="error" role="alert">${t('booking.notFound')}</p>` : await renderCalendarFor(deps, user, { view: 'day', panel: `<p class="error" role="alert">${t('booking.notFound')}</p>` }));
    return;
  }
  const panel = renderBookingPanel({ user, t, booking, messages });
  if (isHtmxRequest(req)) {
    // The calendar grid beside the panel refreshes itself on this event.
    if (req.method === 'POST') res.setHeader('HX-Trigger', 'booking-changed');
    res.status(status).type('html').send(panel);
    return;
  }
  const date = formatInTimeZone(booking.startsAt, user.timeZone, 'yyyy-MM-dd');
  res.status(status).type('html').send(await renderCalendarFor(deps, user, { view: 'day', date, panel }));
}

/** Builds the booking panel routes (behind requireSignedIn). */
export function createBookingRoutes(deps: BookingRouteDeps): Router {
  const router = Router();

  const doneMessage = async (user: ConsoleUser, key: ConsoleTextKey, uid: string, tellsCustomer: boolean): Promise<string> => {
    const t = createTranslate(user.locale);
    if (!tellsCustomer) return t(key);
    const booking = await findBookingDetail(deps.prisma, { businessId: user.businessId, uid });
    const notice = booking ? await findStaffChangeNotice(deps.prisma, { businessId: user.businessId, customerId: booking.customer.id, now: deps.clock.now() }) : 'outside_window';
    return `${t(key)} ${t(NOTICE_TEXT[notice])}`;
  };

  // Runs a core operation; a refusal (final state, change lock, validation) shows in the panel, not as a 500.
  const act = async (req: Request, res: Response, run: (user: ConsoleUser) => Promise<PanelMessages>) => {
    const user = consoleUserOf(res);
    const uid = String(req.params.uid);
    if (!uidSchema.safeParse(uid).success || !(await findBookingDetail(deps.prisma, { businessId: user.businessId, uid }))) {
      await sendBookingPanel(deps, req, res, uid);
      return;
    }
    try {
      const messages = await run(user);
      await sendBookingPanel(deps, req, res, uid, messages, messages.error ? 409 : 200);
    } catch (error) {
      if (!isDomainError(error)) throw error;
      await sendBookingPanel(deps, req, res, uid, { error: createTranslate(user.locale)('error.generic', { message: error.message }) }, 409);
    }
  };

  router.get('/admin/bookings/:uid', async (req, res) => {
    await sendBookingPanel(deps, req, res, String(req.params.uid));
  });

  router.get('/admin/bookings/:uid/times', requireAction('manage_bookings'), async (req, res) => {
    const user = consoleUserOf(res);
    const uid = String(req.params.uid);
    const date = dateSchema.safeParse(req.query.date);
    const booking = uidSchema.safeParse(uid).success ? await findBookingDetail(deps.prisma, { businessId: user.businessId, uid }) : null;
    if (!booking || !date.success) {
      await sendBookingPanel(deps, req, res, uid, booking ? { error: createTranslate(user.locale)('error.generic', { message: 'pick a date' }) } : undefined, booking ? 400 : 404);
      return;
    }
    const range = localDayRange(date.data, user.timeZone);
    const found = await deps.bookings.findSlots({
      businessId: user.businessId,
      serviceId: booking.serviceId,
      from: range.start,
      to: range.end,
      exceptBookingId: booking.id,
      exceptCustomerId: booking.customer.id,
    });
    await sendBookingPanel(deps, req, res, uid, { freeTimes: { date: date.data, slots: toOfferedSlots(found.slots, user.timeZone) } });
  });

  const writes = Router();
  writes.use('/admin/bookings', requireCsrfToken(), requireAction('manage_bookings'));

  const lifecycle = (path: string, event: 'CONFIRM' | 'COMPLETE' | 'MARK_NO_SHOW', key: ConsoleTextKey) =>
    writes.post(`/admin/bookings/:uid/${path}`, (req, res) =>
      act(req, res, async (user) => {
        const uid = String(req.params.uid);
        await deps.bookings.applyLifecycle({ businessId: user.businessId, bookingId: uid, event, actor: actorOf(user) });
        return { notice: createTranslate(user.locale)(key) };
      }),
    );
  lifecycle('confirm', 'CONFIRM', 'booking.done.confirmed');
  lifecycle('complete', 'COMPLETE', 'booking.done.completed');
  lifecycle('no-show', 'MARK_NO_SHOW', 'booking.done.no_show');

  writes.post('/admin/bookings/:uid/cancel', (req, res) =>
    act(req, res, async (user) => {
      const uid = String(req.params.uid);
      const reason = z.string().trim().max(500).catch('').parse((req.body as Record<string, unknown>)?.reason);
      await deps.bookings.cancel({ businessId: user.businessId, bookingId: uid, reason: reason || undefined, actor: actorOf(user) });
      return { notice: await doneMessage(user, 'booking.done.cancelled', uid, true) };
    }),
  );

  writes.post('/admin/bookings/:uid/notes', (req, res) =>
    act(req, res, async (user) => {
      const uid = String(req.params.uid);
      const notes = z.string().max(1000).catch('').parse((req.body as Record<string, unknown>)?.notes).trim();
      await deps.bookings.updateDetails({ businessId: user.businessId, bookingId: uid, notes: notes || null, actor: actorOf(user) });
      return { notice: createTranslate(user.locale)('booking.done.notes') };
    }),
  );

  writes.post('/admin/bookings/:uid/reschedule', (req, res) =>
    act(req, res, async (user) => {
      const uid = String(req.params.uid);
      const t = createTranslate(user.locale);
      const start = z.iso.datetime().safeParse((req.body as Record<string, unknown>)?.start);
      if (!start.success) return { error: t('error.generic', { message: 'pick one of the listed times' }) };
      const result = await deps.bookings.reschedule({ businessId: user.businessId, bookingId: uid, start: new Date(start.data), actor: actorOf(user) });
      if (!result.ok) return { error: t('booking.taken'), alternatives: toOfferedSlots(result.alternatives, user.timeZone, true) };
      return { notice: await doneMessage(user, 'booking.done.rescheduled', uid, true) };
    }),
  );

  router.use(writes);
  return router;
}
