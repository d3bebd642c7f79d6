/** Public API of the flows component: endpoint crypto, the offline Flow JSON checker and test-client crypto. */
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
export { decryptResponseLikeWhatsApp, encryptRequestLikeWhatsApp } from './test-client-crypto';
export { checkFlowJson, listFlowsInDocument, type CheckFlowJsonOptions } from './flow-json-checker';
export type { FlowJsonRule, FlowJsonViolation } from './flow-json-violation';
