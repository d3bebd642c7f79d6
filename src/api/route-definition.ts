/**
 * One declaration per route: method, path, role family, the zod schemas that validate its
 * path, query and body, its response schema and an example. The router and the OpenAPI
 * document are both built from these, so the documentation cannot drift from the validation.
 */
import type { Request } from 'express';
import type { z } from 'zod';
import type { ApiAuth, RouteFamily } from './auth';

/** HTTP methods the API uses. */
export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** What a handler receives: validated input and the caller. */
export interface RouteContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** The caller; absent only on public routes. */
  auth: ApiAuth;
  req: Request;
}

/** A handler's answer when it needs another status, a non-JSON body or headers of its own. */
export class RouteResponse {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly contentType?: string,
    readonly headers?: Record<string, string>,
  ) {}
}

/** A route declaration. */
export interface ApiRoute<P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType> {
  method: HttpMethod;
  /** OpenAPI-style path, e.g. /v1/appointments/{id}. */
  path: string;
  family: RouteFamily;
  summary: string;
  description?: string;
  params?: P;
  query?: Q;
  body?: B;
  /** Example request body (validated against `body` by a test). */
  bodyExample?: z.input<B>;
  /** Further named examples (OpenAPI `examples`), each validated against `body` by a test. */
  bodyExamples?: Record<string, { summary: string; value: z.input<B> }>;
  /** Status of a successful answer. */
  status: number;
  response?: z.ZodType;
  responseDescription?: string;
  /** Content type of the success body (JSON by default). */
  produces?: string;
  /** Only admin keys, whatever the family says. */
  isAdminOnly?: boolean;
  /** No API key needed (the calendar link, the document itself). */
  isPublic?: boolean;
  /** Error statuses worth documenting beyond 400/401/403/429. */
  errors?: number[];
  handle(ctx: RouteContext<z.output<P>, z.output<Q>, z.output<B>>): Promise<unknown>;
}

/** A route of any input types, as stored in the route list. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyApiRoute = ApiRoute<any, any, any>;

/** Declares a route with its input types inferred from the schemas. */
export function defineRoute<P extends z.ZodType = z.ZodType<Record<string, never>>, Q extends z.ZodType = z.ZodType<Record<string, never>>, B extends z.ZodType = z.ZodType<undefined>>(
  route: ApiRoute<P, Q, B>,
): AnyApiRoute {
  return route as AnyApiRoute;
}

/** /v1/appointments/{id} → /v1/appointments/:id (Express path syntax). */
export function toExpressPath(path: string): string {
  return path.replace(/\{([A-Za-z0-9_]+)\}/g, ':$1');
}
