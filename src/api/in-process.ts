/**
 * The API's operations as plain function calls, for the staff console's settings pages. A call
 * runs exactly what a request to the route runs (the storable-input rule, the route's zod schemas,
 * the role check and its handler with the same repositories), without HTTP, keys or rate limits,
 * so the console can never hold its own copy of a rule. Outcomes are values, never thrown.
 */
import type { z } from 'zod';
import { findUnsafeInput } from '../platform/input-safety';
import { toApiHttpError } from './api-error';
import type { ApiKeyRole } from './api-key';
import { canRoleAccess } from './auth';
import { buildApiRoutes, type ApiRouterDeps } from './api-router';
import { RouteResponse, type AnyApiRoute, type HttpMethod } from './route-definition';

/** Who acts: the business every query is scoped to, and the role checked like an API key's. */
export interface OperationCaller {
  businessId: string;
  role: ApiKeyRole;
  /** Names the caller where the API names its key (audit actors). */
  actorId: string;
}

/** One field the operation refused, with the route's own message. */
export interface OperationIssue {
  field: string;
  message: string;
}

/** What an operation answered: the route's success body, or its refusal with the status and code it would send. */
export type OperationOutcome =
  | { ok: true; status: number; body: unknown }
  | { ok: false; status: number; code: string; message: string; issues: OperationIssue[] };

/** Input of one call; `params` fill the {placeholders} of the route path. */
export interface OperationInput {
  params?: Record<string, string>;
  query?: Record<string, unknown>;
  body?: unknown;
  /** Formats zod's own messages (not the routes' custom ones), e.g. in the console user's language. */
  errorMap?: z.core.$ZodErrorMap;
}

/** Runs API operations in-process. */
export interface ApiOperations {
  /** Runs the route declared as `method path` (e.g. 'put', '/v1/staff/{id}/working-hours'). */
  run(method: HttpMethod, path: string, caller: OperationCaller, input?: OperationInput): Promise<OperationOutcome>;
}

/** Builds the operations from the same route declarations the HTTP API mounts. */
export function createApiOperations(deps: ApiRouterDeps): ApiOperations {
  const routes = new Map<string, AnyApiRoute>(buildApiRoutes(deps).map((route) => [`${route.method} ${route.path}`, route]));
  return {
    async run(method, path, caller, input = {}) {
      const route = routes.get(`${method} ${path}`);
      if (!route) throw new Error(`no API route ${method} ${path}`);
      if (!canRoleAccess({ role: caller.role, family: route.family, method, isAdminOnly: route.isAdminOnly })) {
        return { ok: false, status: 403, code: 'forbidden', message: `A ${caller.role} may not change ${route.family}.`, issues: [] };
      }
      const issues: OperationIssue[] = [];
      for (const [location, value] of [
        ['path', input.params],
        ['query', input.query],
        ['body', input.body],
      ] as const) {
        const unsafe = findUnsafeInput(value);
        if (unsafe) issues.push({ field: location === 'body' ? unsafe.path : `${location}.${unsafe.path}`, message: unsafe.message });
      }
      if (issues.length > 0) return { ok: false, status: 400, code: 'invalid_input', message: issues[0]!.message, issues };
      const parse = (schema: z.ZodType | undefined, value: unknown, prefix: string): unknown => {
        if (!schema) return undefined;
        const result = schema.safeParse(value, input.errorMap ? { error: input.errorMap } : undefined);
        if (result.success) return result.data;
        for (const issue of result.error.issues) issues.push({ field: `${prefix}${issue.path.join('.')}`, message: issue.message });
        return undefined;
      };
      const params = parse(route.params, input.params ?? {}, 'path.');
      const query = parse(route.query, input.query ?? {}, 'query.');
      const body = parse(route.body, input.body, '');
      if (issues.length > 0) return { ok: false, status: 400, code: 'invalid_request', message: issues.map((issue) => issue.message).join('; '), issues };
      try {
        const auth = { keyId: caller.actorId, businessId: caller.businessId, role: caller.role };
        // Routes read `req` only to build absolute URLs of things they create; the console shows none of those.
        const req = { protocol: 'http', get: () => undefined } as never;
        const result = await route.handle({ params, query, body, auth, req });
        return result instanceof RouteResponse ? { ok: true, status: result.status, body: result.body } : { ok: true, status: route.status, body: result };
      } catch (error) {
        const shape = toApiHttpError(error);
        if (shape.status >= 500) throw error;
        return { ok: false, status: shape.status, code: shape.code, message: shape.message, issues: toIssues(shape.details) };
      }
    },
  };
}

function toIssues(details: unknown): OperationIssue[] {
  if (!Array.isArray(details)) return [];
  return details
    .filter((detail): detail is { field: string; message: string } => typeof detail?.field === 'string' && typeof detail?.message === 'string')
    .map((detail) => ({ field: detail.field, message: detail.message }));
}
