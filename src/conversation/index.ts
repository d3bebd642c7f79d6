/** The per-sender conversation runtime around machines/conversation.machine.ts. */
export { processInbox, deliverSystemEvent, type ConversationDeps } from './conversation-step';
export { CONVERSATION_EVENT_TASK, type ConversationEventPayload, inactivityJobKey, handoffJobKey } from './effect-executor';
export { renderMessage, renderText } from './render-message';
export { classifyText, DEFAULT_EMERGENCY_KEYWORDS } from './classify-text';
export { formatDateTime, formatDayLabel, formatTimeLabel } from './format-time';
