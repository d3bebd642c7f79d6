/** "New booking": find or create the customer by phone, pick service, staff (or any) and a free time from live availability. */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { localDayRange, toLocalDate } from '../../scheduling';
import type { ConsoleUser } from '../auth/accounts';
import { findBookingChoices, findBookingUid, findOrCreateCustomer } from '../bookings/booking-detail-repository';
import { findStaffChangeNotice, NOTICE_TEXT } from '../bookings/customer-notices';
import { createTranslate } from '../i18n';
import { renderNewBookingForm, type NewBookingValues } from '../views/new-booking-form';
import { actorOf, sendBookingPanel, toOfferedSlots, type BookingRouteDeps } from './booking-routes';
import { renderCalendarFor } from './calendar-routes';
import { consoleUserOf, isHtmxRequest, requireAction, requireCsrfToken } from './console-session';

const formSchema = z.object({
  phone: z.string().trim().max(40).catch(''),
  name: z.string().trim().max(200).catch(''),
  serviceId: z.string().uuid().or(z.literal('')).catch(''),
  staffId: z.string().uuid().or(z.literal('')).catch(''),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).or(z.literal('')).catch(''),
  start: z.iso.datetime().or(z.literal('')).catch(''),
});

/** A phone number typed by staff as E.164 and its WhatsApp id, or null when it is not one. */
export function parsePhone(typed: string): { e164: string; waId: string } | null {
  const digits = typed.replace(/[\s().-]/g, '');
  if (!/^\+?[1-9]\d{7,14}$/.test(digits)) return null;
  const waId = digits.replace(/^\+/, '');
  return { e164: `+${waId}`, waId };
}

/** Builds the new-booking routes (behind requireSignedIn). */
export function createNewBookingRoutes(deps: BookingRouteDeps): Router {
  const router = Router();

  const send = async (req: Request, res: Response, user: ConsoleUser, values: NewBookingValues, status = 200) => {
    const choices = await findBookingChoices(deps.prisma, user.businessId);
    const form = renderNewBookingForm({ user, t: createTranslate(user.locale), values, ...choices });
    if (isHtmxRequest(req)) res.status(status).type('html').send(form);
    else res.status(status).type('html').send(await renderCalendarFor(deps, user, { view: 'day', date: values.date || undefined, panel: form }));
  };

  const findTimes = async (user: ConsoleUser, values: NewBookingValues) => {
    if (!values.serviceId || !values.date) return undefined;
    const range = localDayRange(values.date, user.timeZone);
    const found = await deps.bookings.findSlots({ businessId: user.businessId, serviceId: values.serviceId, staffId: values.staffId || undefined, from: range.start, to: range.end });
    return toOfferedSlots(found.slots, user.timeZone);
  };

  router.get('/admin/bookings/new', requireAction('manage_bookings'), async (req, res) => {
    const user = consoleUserOf(res);
    const form = formSchema.parse(req.query);
    const values: NewBookingValues = { ...form, date: form.date || toLocalDate(deps.clock.now(), user.timeZone) };
    values.slots = req.query.find !== undefined ? await findTimes(user, values) : undefined;
    await send(req, res, user, values);
  });

  router.post('/admin/bookings', requireCsrfToken(), requireAction('manage_bookings'), async (req, res) => {
    const user = consoleUserOf(res);
    const t = createTranslate(user.locale);
    const values: NewBookingValues = formSchema.parse(req.body ?? {});
    const phone = parsePhone(values.phone);
    if (!phone) return send(req, res, user, { ...values, error: t('new.badPhone') }, 422);
    if (!values.serviceId || !values.start) return send(req, res, user, { ...values, error: t('error.generic', { message: 'pick a service and a time' }) }, 422);
    const customer = await findOrCreateCustomer(deps.prisma, { businessId: user.businessId, waId: phone.waId, phoneE164: phone.e164, name: values.name || null });
    try {
      const result = await deps.bookings.confirmSlot({
        businessId: user.businessId,
        customerId: customer.id,
        serviceId: values.serviceId,
        staffId: values.staffId || undefined,
        start: new Date(values.start),
        source: 'admin',
        actor: actorOf(user),
      });
      if (!result.ok) return send(req, res, user, { ...values, error: t('booking.taken'), slots: toOfferedSlots(result.alternatives, user.timeZone, true) }, 409);
      const uid = (await findBookingUid(deps.prisma, { businessId: user.businessId, bookingId: result.booking.id }))!;
      const told = await findStaffChangeNotice(deps.prisma, { businessId: user.businessId, customerId: customer.id, now: deps.clock.now() });
      const notice = `${t('booking.done.created')} ${t(NOTICE_TEXT[told])}`;
      await sendBookingPanel(deps, req, res, uid, { notice });
    } catch (error) {
      const message = error instanceof Error && 'code' in error ? error.message : undefined;
      if (!message) throw error;
      return send(req, res, user, { ...values, error: t('error.generic', { message }) }, 409);
    }
  });
  return router;
}
