/** The per-sender conversation runtime around machines/conversation.machine.ts. */

// For the job runner (src/tasks.ts).
export { processInbox } from './process-inbox';
export { deliverSystemEvent } from './system-event';
export { type ConversationDeps } from './conversation-step';
export { CONVERSATION_EVENT_TASK, type ConversationEventPayload, type HandoffListener, inactivityJobKey, handoffJobKey } from './effects';

// Rendered bot messages and text classification for other components.
export { renderMessage, renderText } from './render-message';
export { classifyText, DEFAULT_EMERGENCY_KEYWORDS } from '../../machines/classify-text';
