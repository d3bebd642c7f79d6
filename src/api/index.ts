/** REST API v1: routes, API keys, rate limit, idempotency, OpenAPI document. */
export { createApiRouter, buildApiRoutes, type ApiRouterDeps } from './api-router';
export { createApiOperations, type ApiOperations, type OperationCaller, type OperationOutcome, type OperationIssue } from './in-process';
export { ensureBootstrapAdminKey, createApiKey, createBusiness, findDefaultBusinessId, revokeApiKey } from './api-key-repository';
export { generateApiKey, hashApiKey, API_KEY_ROLES, type ApiKeyRole } from './api-key';
export { buildOpenApiDocument } from './openapi';
export { runCli, type CliDeps, type CliOutput } from './cli';
export { findAccessTokenForNumber } from './whatsapp-number-repository';
export { DELETED_CLIENT_WA_ID } from './client-repository';
// For the staff console's settings pages: the same repositories the REST API uses
export { listApiKeys } from './api-key-repository';
export { isApiKeyRole } from './api-key';
export { listWhatsAppNumbers, type WhatsAppNumberRow } from './whatsapp-number-repository';
export { listWebhookSubscriptions, countWebhookSubscriptions, deleteWebhookSubscription, MAX_SUBSCRIPTIONS_PER_BUSINESS, type WebhookSubscriptionRow } from './webhook-subscription-repository';
export { generateWebhookSecret } from './webhook-subscription-routes';
