/** Lists the bookable services (the first step of booking). */
import { findBookableServices } from '../effect-repository';
import { namesOf } from './booking-summary';
import { defineEffect } from './effect-context';

/** The loadServices effect. */
export const loadServices = defineEffect<'loadServices'>({
  changesBookings: false,
  async run(ctx) {
    const services = await findBookableServices(ctx.tx, ctx.business.id);
    return {
      type: 'SERVICES_LOADED',
      services: services.map((s) => ({ id: s.id, name: s.name, ...namesOf(s.names), durationMinutes: s.durationMinutes, price: s.price.toFixed(2), currency: s.currency })),
    };
  },
});
