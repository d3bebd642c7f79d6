/**
 * DETAILS: the customer's name (prefilled from what we know, usually the WhatsApp profile name)
 * and an optional note. Footer: `{ screen_action: "submit_details", name, note, service_id,
 * staff_id, slot_start, hold_id }` → SUMMARY.
 */
import { isUuid } from './flow-repository';
import { isWithinBookingWindow, readString, resolveFlowService, resolveFlowStaff, FlowRequestError, type FlowScreenAnswer, type FlowSession } from './flow-session';
import { buildSummaryScreen } from './summary-screen';

// The TextInput allows 80 characters and the TextArea 300 (booking.flow.json); a forged request gets cut.
const NAME_MAX = 80;
const NOTE_MAX = 300;

/** What DETAILS carries forward, unseen by the customer. */
export interface ChosenSlot {
  serviceId: string;
  /** The resolved staff member (never "any"). */
  staffId: string;
  slotStart: string;
  holdId: string;
  /** Prefill of the name field. */
  name: string;
}

/** The DETAILS screen. */
export function buildDetailsScreen(session: FlowSession, chosen: ChosenSlot, errorMessage?: string): FlowScreenAnswer {
  const { texts } = session;
  return {
    screen: 'DETAILS',
    data: {
      heading: texts.detailsHeading,
      name_label: texts.nameLabel,
      customer_name: [...chosen.name].slice(0, NAME_MAX).join(''),
      note_label: texts.noteLabel,
      footer_label: texts.reviewLabel,
      service_id: chosen.serviceId,
      staff_id: chosen.staffId,
      slot_start: chosen.slotStart,
      hold_id: chosen.holdId,
      ...(errorMessage ? { error_message: errorMessage } : {}),
    },
  };
}

/** submit_details: the summary to confirm, or DETAILS again without a name. */
export async function handleSubmitDetails(session: FlowSession, data: Record<string, unknown>): Promise<FlowScreenAnswer> {
  const service = resolveFlowService(session, data.service_id);
  const staffId = resolveFlowStaff(service, data.staff_id, { isAnyAllowed: false });
  const slotStart = readString(data, 'slot_start');
  if (Number.isNaN(Date.parse(slotStart))) throw new FlowRequestError('The Flow request lacks the chosen slot (slot_start).');
  // TIME only offers times inside the booking window: any other slot_start was forged.
  if (!isWithinBookingWindow(session, new Date(slotStart))) throw new FlowRequestError('The Flow request names a slot_start outside the booking window.');
  const holdId = isUuid(data.hold_id) ? data.hold_id : '';
  const name = [...readString(data, 'name').trim()].slice(0, NAME_MAX).join('');
  const note = [...readString(data, 'note').trim()].slice(0, NOTE_MAX).join('');
  const chosen = { serviceId: service.id, staffId, slotStart: new Date(slotStart).toISOString(), holdId, name };
  if (name === '') return buildDetailsScreen(session, chosen, session.texts.errorNameRequired);
  return buildSummaryScreen(session, { service, chosen, note });
}
