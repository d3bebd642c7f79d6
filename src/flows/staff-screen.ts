/**
 * STAFF: "Any available" first, then everyone who performs the service. Its Footer sends
 * `{ screen_action: "choose_staff", staff, service_id }` → DATE.
 */
import { shortenText } from '../texts';
import { buildDateScreen } from './date-screen';
import { toLocalName } from './flow-repository';
import type { ScheduledService } from './flow-availability';
import { ANY_STAFF, resolveFlowService, type FlowScreenAnswer, type FlowSession } from './flow-session';

// RadioButtonsGroup: 1–20 options including "any", titles ≤ 30 characters.
const MAX_STAFF = 19;
const TITLE_MAX = 30;

/** The STAFF screen of a service. */
export function buildStaffScreen(session: FlowSession, service: ScheduledService, errorMessage?: string): FlowScreenAnswer {
  const { texts } = session;
  return {
    screen: 'STAFF',
    data: {
      heading: texts.staffHeading,
      staff_label: texts.staffLabel,
      staff: [
        { id: ANY_STAFF, title: shortenText(texts.anyStaff, TITLE_MAX) },
        ...service.staff.slice(0, MAX_STAFF).map((member) => ({ id: member.id, title: shortenText(toLocalName(member, session.locale), TITLE_MAX) })),
      ],
      footer_label: texts.continueLabel,
      service_id: service.id,
      ...(errorMessage ? { error_message: errorMessage } : {}),
    },
  };
}

/** choose_staff: the days of that staff member (or of anyone). */
export async function handleChooseStaff(session: FlowSession, data: Record<string, unknown>): Promise<FlowScreenAnswer> {
  const service = resolveFlowService(session, data.service_id);
  const staffId = data.staff;
  if (staffId === ANY_STAFF || service.staff.some((member) => member.id === staffId)) return buildDateScreen(session, service, staffId as string);
  return buildStaffScreen(session, service, session.texts.errorChooseOption);
}
