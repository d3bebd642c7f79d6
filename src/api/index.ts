/** REST API v1: routes, API keys, rate limit, idempotency, OpenAPI document. */
export { createApiRouter, buildApiRoutes, type ApiRouterDeps } from './api-router';
export { createApiOperations, type ApiOperations, type OperationCaller, type OperationOutcome, type OperationIssue } from './in-process';
export { ensureBootstrapAdminKey, createApiKey, createBusiness, findDefaultBusinessId, revokeApiKey } from './api-key-repository';
export { generateApiKey, hashApiKey, API_KEY_ROLES, type ApiKeyRole } from './api-key';
export { buildOpenApiDocument } from './openapi';
export { runCli, type CliDeps, type CliOutput } from './cli';
export { findAccessTokenForNumber } from './whatsapp-number-repository';
export { DELETED_CLIENT_WA_ID } from './client-repository';
