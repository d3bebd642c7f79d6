/** Lists the free times of one day, one page at a time. */
import type { SlotOption } from '../../../machines/conversation-types';
import { SLOTS_PAGE_SIZE } from '../../../machines/conversation.machine';
import { localDayRange, type Slot } from '../../scheduling';
import { findStaffNames } from '../effect-repository';
import { namesOf, staffFilter, toSlotOption } from './booking-summary';
import { defineEffect, type EffectContext } from './effect-context';

/** The loadSlots effect. */
export const loadSlots = defineEffect<'loadSlots'>({
  changesBookings: false,
  async run(ctx, params) {
    const day = localDayRange(params.date, ctx.business.timeZone);
    const { slots } = await ctx.bookings.inTransaction(ctx.tx).findSlots({
      businessId: ctx.business.id,
      serviceId: params.serviceId,
      staffId: staffFilter(params.staffId),
      from: day.start,
      to: day.end,
      exceptCustomerId: ctx.customer.id,
    });
    const offset = params.page * SLOTS_PAGE_SIZE;
    const page = slots.slice(offset, offset + SLOTS_PAGE_SIZE);
    const options = page.map((slot) => toSlotOption(slot, params.staffId));
    const shown = params.preferredStaffId ? await nameServingStaff(ctx, page, options, params.preferredStaffId) : options;
    return { type: 'SLOTS_LOADED', slots: shown, hasMore: slots.length > offset + SLOTS_PAGE_SIZE };
  },
});

/**
 * Names the staff member who would serve each "any available" time: the preferred one (a moved
 * booking keeps its staff member when free, as the booking core does), else the first free.
 */
async function nameServingStaff(ctx: EffectContext, slots: Slot[], options: SlotOption[], preferredStaffId: string): Promise<SlotOption[]> {
  const serving = slots.map((slot) => (slot.staffIds.includes(preferredStaffId) ? preferredStaffId : slot.staffIds[0]));
  const ids = [...new Set(serving.filter((id): id is string => id !== undefined))];
  const staff = await findStaffNames(ctx.tx, ctx.business.id, ids);
  return options.map((option, index) => {
    const member = staff.find((s) => s.id === serving[index]);
    if (!member) return option;
    const { names } = namesOf(member.names);
    return { ...option, staffName: member.name, ...(names ? { staffNames: names } : {}) };
  });
}
