/** Lists who performs the chosen service. */
import { findStaffForService } from '../effect-repository';
import { namesOf } from './booking-summary';
import { defineEffect } from './effect-context';

/** The loadStaff effect. */
export const loadStaff = defineEffect<'loadStaff'>({
  changesBookings: false,
  async run(ctx, params) {
    const staff = await findStaffForService(ctx.tx, ctx.business.id, params.serviceId);
    return { type: 'STAFF_LOADED', staff: staff.map((s) => ({ id: s.id, name: s.name, ...namesOf(s.names) })) };
  },
});
