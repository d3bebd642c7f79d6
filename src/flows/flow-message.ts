/**
 * The WhatsApp message that opens the booking Flow (interactive type "flow", data_exchange, so the
 * endpoint answers INIT in the customer's language) and the template with a FLOW button that
 * replaces it outside the 24-hour window.
 */
import { buildFlowMessage, buildTemplateMessage, type InteractiveMessageBody, type TemplateMessageBody } from '../whatsapp';
import { FLOW_TEXTS, fillText, normalizeLocale } from '../texts';

/** Input of buildBookingFlowMessage. */
export interface BookingFlowMessageInput {
  to: string;
  flowId: string;
  flowToken: string;
  locale: string;
  businessName: string;
  customerName?: string | null;
  /** Reschedule mode names the service being moved. */
  rescheduleServiceName?: string;
}

/**
 * The interactive Flow message: fresh token, localized "Book now" CTA, body with the customer's name.
 * @example buildBookingFlowMessage({ to: '34600000001', flowId: '123', flowToken, locale: 'es', businessName: 'Clínica Sol', customerName: 'Ana' })
 */
export function buildBookingFlowMessage(input: BookingFlowMessageInput): InteractiveMessageBody {
  const texts = FLOW_TEXTS[normalizeLocale(input.locale)];
  const name = input.customerName?.trim().split(/\s+/)[0] ?? '';
  const isReschedule = input.rescheduleServiceName !== undefined;
  const template = isReschedule
    ? name ? texts.rescheduleMessageBody : texts.rescheduleMessageBodyAnonymous
    : name ? texts.messageBody : texts.messageBodyAnonymous;
  const body = fillText(template, { name, business: input.businessName, service: input.rescheduleServiceName ?? '' });
  return buildFlowMessage({
    to: input.to,
    body,
    flowId: input.flowId,
    flowCta: isReschedule ? texts.rescheduleMessageCta : texts.messageCta,
    flowToken: input.flowToken,
    flowAction: 'data_exchange',
  });
}

/** The approved template whose only variable part is a FLOW button (index 0) carrying the token. */
export function buildBookingFlowTemplate(input: { to: string; templateName: string; languageCode: string; flowToken: string }): TemplateMessageBody {
  return buildTemplateMessage({
    to: input.to,
    name: input.templateName,
    languageCode: input.languageCode,
    buttons: [{ type: 'flow', index: 0, flowToken: input.flowToken }],
  });
}
