/**
 * SUMMARY (terminal): what will be booked, with price. Its Footer runs `complete`, so the booking
 * itself happens in the conversation step that receives the `nfm_reply` (complete-flow.ts).
 */
import { addUpPrice } from '../booking';
import { toLocalDate } from '../scheduling';
import { fillText, formatFlowDay, formatFlowPrice, formatFlowTime, formatFlowZone } from '../texts';
import { toLocalName, type FlowService } from './flow-repository';
import type { FlowScreenAnswer, FlowSession } from './flow-session';
import type { ChosenSlot } from './details-screen';

/** An add-on as the summary shows it. */
export interface SummaryAddOn {
  name: string;
  durationMinutes: number;
  price: string;
}

/** The SUMMARY screen of a chosen slot, with the add-ons that lengthen it and add to its price. */
export function buildSummaryScreen(session: FlowSession, input: { service: FlowService; chosen: ChosenSlot; note: string; addOns?: SummaryAddOn[] }): FlowScreenAnswer {
  const { texts, locale, business } = session;
  const { service, chosen, note } = input;
  const addOns = input.addOns ?? [];
  const minutes = addOns.reduce((total, addOn) => total + addOn.durationMinutes, service.durationMinutes);
  const price = addUpPrice(service.price, addOns);
  const start = new Date(chosen.slotStart);
  const end = new Date(start.getTime() + minutes * 60_000);
  const member = service.staff.find((candidate) => candidate.id === chosen.staffId);
  const staffName = member ? toLocalName(member, locale) : '';
  const isReschedule = session.booking !== null;
  const date = formatFlowDay(toLocalDate(start, business.timeZone), locale, { withYear: true });
  return {
    screen: 'SUMMARY',
    data: {
      heading: isReschedule ? texts.rescheduleSummaryHeading : texts.summaryHeading,
      service_text: toLocalName(service, locale),
      has_add_ons: addOns.length > 0,
      add_ons_text: addOns.length > 0 ? fillText(texts.addOnsSummary, { addOns: addOns.map((addOn) => addOn.name).join(', ') }) : '',
      staff_text: fillText(texts.summaryStaff, { staff: staffName }),
      date_text: date,
      time_text: `${formatFlowTime(start, business.timeZone)} – ${formatFlowTime(end, business.timeZone)} (${formatFlowZone(start, business.timeZone, locale)})`,
      price_text: Number(price) > 0 ? formatFlowPrice(price, service.currency, locale) : texts.noPrice,
      name_text: chosen.name,
      footer_label: isReschedule ? texts.rescheduleConfirmLabel : texts.confirmLabel,
      service_id: service.id,
      staff_id: chosen.staffId,
      slot_start: chosen.slotStart,
      hold_id: chosen.holdId,
      customer_name: chosen.name,
      note,
      add_on_ids: chosen.addOnIds ?? [],
    },
  };
}
