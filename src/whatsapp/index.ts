/**
 * Public API of the WhatsApp Cloud API layer: signature check, webhook parsing into our own
 * InboundEvent union, limit-respecting message builders, the Graph client and its retry policy.
 */
export { verifySignature, signBody, escapeNonAscii, type VerifySignatureInput } from './signature';
export type {
  InboundEvent,
  InboundMessageEvent,
  InboundStatusEvent,
  InboundMessage,
  InboundMediaType,
  InboundError,
  WebhookSystemError,
  ParseWebhookResult,
} from './inbound-event';
export { parseWebhookPayload, type ParseWebhookOptions } from './parse-webhook';
export { WHATSAPP_LIMITS, TEMPLATE_PARAM_MAX_CONSECUTIVE_SPACES } from './limits';
export { measureText, truncateText } from './text-length';
export {
  buildTextMessage,
  buildReplyButtonsMessage,
  buildListMessage,
  buildFlowMessage,
  buildMarkReadMessage,
  isBusinessScopedUserId,
  buildRequestContactMessage,
  type RecipientInput,
  type InteractiveTextInput,
  type ReplyButtonInput,
  type ListSectionInput,
  type FlowReference,
  type FlowMessageInput,
} from './message-builders';
export { buildTemplateMessage, toTemplateParamText, type TemplateButtonInput, type TemplateMessageInput } from './template-builder';
export { validateOutboundMessage } from './validate-outbound-message';
export { buildTranscript, describeInboundMessage, describeOutboundPayload, type TranscriptEntry, type TranscriptForm, type TranscriptRows } from './transcript';
export type {
  OutboundMessage,
  MessagesRequestBody,
  MarkReadBody,
  TextMessageBody,
  InteractiveMessageBody,
  TemplateMessageBody,
  TemplateComponent,
} from './outbound-message';
export { SendConfigurationError, describeAccessTokenProblem, type SendConfigurationCode } from './send-configuration-error';
export { createGraphClient, toWhatsAppApiError, type GraphClient, type GraphClientOptions } from './graph-client';
export {
  decideRetry,
  computeBackoffDelay,
  DEFAULT_RETRY_POLICY,
  META_ERROR_CODES,
  type RetryDecision,
  type RetryPolicy,
  type DecideRetryInput,
} from './retry-policy';
export { maskPhone } from './mask';
export { createWebhookRouter, WEBHOOK_BODY_LIMIT, type WebhookDeps } from './webhook-route';
export {
  applyStatusUpdates,
  findBusinessIdByPhoneNumberId,
  PROCESS_INBOX_TASK,
  type ProcessInboxPayload,
} from './inbox-repository';
export {
  enqueueOutbound,
  queueOutboundWithPg,
  tryLockRecipient,
  unlockRecipient,
  recipientLockKey,
  sendJobKey,
  SEND_OUTBOX_TASK,
  type SendOutboxPayload,
  type OutboxKind,
} from './outbox-repository';
export { sendQueuedForRecipient, sendQueuedHoldingLock, type OutboxSenderDeps } from './outbox-sender';
export { sweepOutbox, SWEEP_OUTBOX_TASK, SWEEP_OUTBOX_CRONTAB, STRANDED_AFTER_SECONDS } from './outbox-sweep';
export { passSendGate, waitOnTimer, MAX_WAIT_MS, type SendGateDeps, type SendGateResult } from './send-gate';
// Used by every component that messages customers: which number sends, and the 24-hour window.
export { customerSendingNumberSql, firstSendingNumberSql, findCustomerSendingNumber, findFirstSendingNumber } from './sending-number';
export { SERVICE_WINDOW_MS, isInsideServiceWindow } from './service-window';
