/**
 * SERVICE, the entry screen: the bookable services with duration and price. Its Footer sends
 * `{ screen_action: "choose_service", service }` → STAFF, or DATE when one person does the service.
 */
import { formatFlowDuration, formatFlowPrice, shortenText } from '../texts';
import { buildDateScreen } from './date-screen';
import { findCatalogService, readString, type FlowScreenAnswer, type FlowSession } from './flow-session';
import { buildStaffScreen } from './staff-screen';
import { toLocalName } from './flow-repository';

// RadioButtonsGroup: 1–20 options, titles ≤ 30 characters (WHATSAPP.md §3.7).
const MAX_SERVICES = 20;
const TITLE_MAX = 30;

/** The SERVICE screen with every bookable service. */
export function buildServiceScreen(session: FlowSession, errorMessage?: string): FlowScreenAnswer {
  const { texts, locale } = session;
  const services = session.catalog.services.slice(0, MAX_SERVICES);
  return {
    screen: 'SERVICE',
    data: {
      heading: texts.serviceHeading,
      service_label: texts.serviceLabel,
      services: services.map((service) => ({
        id: service.id,
        title: shortenText(toLocalName(service, session.locale), TITLE_MAX),
        description: `${formatFlowDuration(service.durationMinutes)} · ${formatFlowPrice(service.price, service.currency, locale)}`,
      })),
      footer_label: texts.continueLabel,
      ...(errorMessage ? { error_message: errorMessage } : services.length === 0 ? { error_message: texts.errorNoDays } : {}),
    },
  };
}

/** choose_service: the staff list, or straight to the days when only one person does it. */
export async function handleChooseService(session: FlowSession, data: Record<string, unknown>): Promise<FlowScreenAnswer> {
  const service = findCatalogService(session, readString(data, 'service'));
  if (!service) return buildServiceScreen(session, session.texts.errorChooseOption);
  const [only] = service.staff;
  if (service.staff.length === 1 && only) return buildDateScreen(session, service, only.id);
  return buildStaffScreen(session, service);
}
