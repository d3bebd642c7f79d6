/**
 * Meta's length and count limits for outbound messages (WHATSAPP.md §2.2–2.5). Where Meta's
 * docs disagree, the stricter value is used so a message is never rejected.
 */

/** Limits of the Cloud API `/messages` bodies we build, in characters (see measureText) or items. */
export const WHATSAPP_LIMITS = {
  /** text.body */
  textBody: 4096,
  /** interactive.body.text; the new list doc says 4096, older docs 1024 for every interactive body. */
  interactiveBody: 1024,
  /** interactive.header.text */
  headerText: 60,
  /** interactive.footer.text */
  footerText: 60,
  /** reply buttons per message */
  replyButtonsMax: 3,
  /** reply.id */
  buttonId: 256,
  /** reply.title */
  buttonTitle: 20,
  /** list action.button (the label that opens the list) */
  listButtonLabel: 20,
  /** sections per list */
  listSectionsMax: 10,
  /** rows across all sections */
  listRowsMax: 10,
  /** section title */
  listSectionTitle: 24,
  /** row id */
  listRowId: 200,
  /** row title */
  listRowTitle: 24,
  /** row description */
  listRowDescription: 72,
  /** flow_cta: the Sending-a-Flow guide advises ≤ 30, older reference and typings say max 20. */
  flowCta: 20,
} as const;

/** Max consecutive spaces Meta accepts inside a template text parameter (error "Param text cannot have … more than 4 consecutive spaces"). */
export const TEMPLATE_PARAM_MAX_CONSECUTIVE_SPACES = 4;
