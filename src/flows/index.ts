/** Public API of the flows component: endpoint crypto and router, flow tokens, the Flow message, completion, management API, the offline Flow JSON checker and test-client crypto. */
export {
  decryptRequest,
  encryptResponse,
  FlowDecryptError,
  generateFlowsKeyPair,
  invertBits,
  loadPrivateKey,
  type DecryptedFlowRequest,
  type EncryptedFlowRequestBody,
  type FlowDecryptFailure,
} from './crypto';
export { createKeyUnwrapThreads, type KeyUnwrapThreads } from './key-unwrap-threads';
export { decryptResponseLikeWhatsApp, encryptRequestLikeWhatsApp } from './test-client-crypto';
export { checkFlowJson, listFlowsInDocument, type CheckFlowJsonOptions } from './flow-json-checker';
export type { FlowJsonRule, FlowJsonViolation } from './flow-json-violation';
export { issueFlowToken, resolveFlowToken, findFlowToken, hashFlowToken, markFlowTokenUsed, type FlowTokenMode, type FlowTokenProblem, type FlowTokenRow, type ResolvedFlowToken } from './flow-tokens';
export { createFlowsRouter, readFlowsPrivateKey, type FlowsRouterDeps } from './endpoint-route';
export { handleFlowRequest, flowRequestSchema, type FlowEndpointDeps, type FlowEndpointResult, type FlowRequest } from './handle-flow-request';
export { buildBookingFlowMessage, buildBookingFlowTemplate, type BookingFlowMessageInput } from './flow-message';
export {
  completeBookingFlow,
  isBookingFlowResponse,
  toFlowIdempotencyKey,
  bookingCompletionSchema,
  type FlowCompletion,
  type FlowCompletionRejection,
} from './complete-flow';
export { uploadBusinessPublicKey, publishFlow, formatValidationErrors, type FlowValidationError, type MetaManagementOptions, type PublishFlowResult } from './meta-management';
export { runFlowsCli, type FlowsCliOutput } from './flows-cli';
// The WhatsApp client's Flow logic, for the simulator page and the terminal chat.
export * as flowRenderer from './renderer';
