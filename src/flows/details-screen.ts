/**
 * DETAILS: the customer's name (prefilled from what we know, usually the WhatsApp profile name),
 * an optional note and, when the service offers add-ons, a choice of them. Footer:
 * `{ screen_action: "submit_details", name, note, add_on_ids, service_id, staff_id, slot_start, hold_id }` → SUMMARY.
 */
import { findBookingAddOns } from '../booking';
import { isDomainError } from '../platform/errors';
import { formatFlowDuration, formatFlowPrice, shortenText } from '../texts';
import type { FlowAddOn, ScheduledService } from './flow-availability';
import { isUuid } from './flow-repository';
import {
  findCatalogService,
  isWithinBookingWindow,
  readString,
  resolveFlowService,
  resolveFlowStaff,
  FlowRequestError,
  type FlowScreenAnswer,
  type FlowSession,
} from './flow-session';
import { OPTION_LIMITS } from './flow-json-limits';
import { buildSummaryScreen, type SummaryAddOn } from './summary-screen';

// The TextInput allows 80 characters and the TextArea 300 (booking.flow.json); a forged request gets cut.
const NAME_MAX = 80;
const NOTE_MAX = 300;
const CHECKBOX = OPTION_LIMITS.CheckboxGroup!;
// A hidden CheckboxGroup still needs a valid data-source (at least one option).
const NO_ADD_ONS = [{ id: 'none', title: '-' }];

/** What DETAILS carries forward, unseen by the customer. */
export interface ChosenSlot {
  serviceId: string;
  /** The resolved staff member (never "any"). */
  staffId: string;
  slotStart: string;
  holdId: string;
  /** Prefill of the name field. */
  name: string;
  /** Add-ons picked on DETAILS (ids of the service's add-ons), in the order offered. */
  addOnIds?: string[];
}

/** The add-ons a customer may pick on DETAILS: a new booking's, never while moving one (its add-ons stay). */
function findAddOnChoices(session: FlowSession, serviceId: string): FlowAddOn[] {
  if (session.booking) return [];
  return (findCatalogService(session, serviceId)?.addOns ?? []).slice(0, CHECKBOX.max);
}

/** The DETAILS screen. */
export function buildDetailsScreen(session: FlowSession, chosen: ChosenSlot, errorMessage?: string): FlowScreenAnswer {
  const { texts, locale } = session;
  const currency = findCatalogService(session, chosen.serviceId)?.currency ?? session.business.currency;
  const options = findAddOnChoices(session, chosen.serviceId).map((addOn) => ({
    id: addOn.id,
    title: shortenText(addOn.name, CHECKBOX.title!),
    description: `+${formatFlowDuration(addOn.durationMinutes)}${Number(addOn.price) > 0 ? ` · ${formatFlowPrice(addOn.price, currency, locale)}` : ''}`,
  }));
  return {
    screen: 'DETAILS',
    data: {
      heading: texts.detailsHeading,
      name_label: texts.nameLabel,
      customer_name: [...chosen.name].slice(0, NAME_MAX).join(''),
      note_label: texts.noteLabel,
      has_add_ons: options.length > 0,
      add_ons_label: texts.addOnsLabel,
      add_on_options: options.length > 0 ? options : NO_ADD_ONS,
      footer_label: texts.reviewLabel,
      service_id: chosen.serviceId,
      staff_id: chosen.staffId,
      slot_start: chosen.slotStart,
      hold_id: chosen.holdId,
      ...(errorMessage ? { error_message: errorMessage } : {}),
    },
  };
}

/**
 * Holds the slot for the visit lengthened by the add-ons; false when it no longer fits. A refused
 * hold drops the customer's hold, so the plain slot is held again for the customer to go on with.
 */
async function holdWithAddOns(session: FlowSession, service: ScheduledService, chosen: ChosenSlot, addOns: FlowAddOn[]): Promise<boolean> {
  const { business, customer } = session;
  const hold = { businessId: business.id, customerId: customer.id, serviceId: service.id, staffId: chosen.staffId, start: new Date(chosen.slotStart) };
  try {
    if ((await session.bookings.placeHold({ ...hold, addOnServiceIds: addOns.map((addOn) => addOn.id) })).ok) return true;
  } catch (error) {
    if (!isDomainError(error) || !(error.code.startsWith('slot_') || error.code === 'add_on_not_available')) throw error;
  }
  await session.bookings.placeHold(hold).catch((error: unknown) => {
    if (!isDomainError(error)) throw error;
  });
  return false;
}

/** submit_details: the summary to confirm, or DETAILS again without a name or when the add-ons do not fit. */
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
  const picked = Array.isArray(data.add_on_ids) ? data.add_on_ids.filter(isUuid) : [];
  const addOns = findAddOnChoices(session, service.id).filter((addOn) => picked.includes(addOn.id));
  const chosen: ChosenSlot = { serviceId: service.id, staffId, slotStart: new Date(slotStart).toISOString(), holdId, name, addOnIds: addOns.map((addOn) => addOn.id) };
  if (name === '') return buildDetailsScreen(session, chosen, session.texts.errorNameRequired);
  if (addOns.length > 0 && !(await holdWithAddOns(session, service, chosen, addOns))) {
    return buildDetailsScreen(session, chosen, session.texts.errorAddOnsDontFit);
  }
  // A booking being moved keeps its add-ons: the summary shows them and the time they take.
  const shown: SummaryAddOn[] = session.booking ? await findBookingAddOns(session.db, { businessId: session.business.id, bookingId: session.booking.id }) : addOns;
  return buildSummaryScreen(session, { service, chosen, note, addOns: shown });
}
