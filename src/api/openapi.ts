/**
 * The OpenAPI 3.1 document, generated from the route declarations and the very zod schemas that
 * validate requests (zod 4's JSON Schema output is draft 2020-12, which OpenAPI 3.1 uses).
 */
import { z } from 'zod';
import { errorBodySchema } from './common-schemas';
import type { AnyApiRoute } from './route-definition';

type JsonSchema = Record<string, unknown>;

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed input: details lists each field and what is wrong with it.',
  401: 'Missing, unknown or revoked API key.',
  403: 'The key’s role may not do this.',
  404: 'No such resource in the business of this key.',
  409: 'Conflicts with the current state (slot taken, final status, duplicate, idempotency key in use).',
  422: 'Understood but refused by a rule of the business (notice, hours, unsupported option, reused idempotency key).',
  429: 'Too many requests for this key, or too many failed authentications from this address; wait Retry-After seconds.',
};

/** A zod schema as JSON Schema for the document (request side: what callers may send). */
export function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  delete json.$schema;
  return json;
}

function buildParameters(route: AnyApiRoute): JsonSchema[] {
  const parameters: JsonSchema[] = [];
  for (const [location, schema] of [['path', route.params], ['query', route.query]] as const) {
    if (!schema) continue;
    const json = toJsonSchema(schema, 'input');
    const required = new Set((json.required as string[] | undefined) ?? []);
    for (const [name, property] of Object.entries((json.properties as Record<string, JsonSchema> | undefined) ?? {})) {
      const { description, ...propertySchema } = property;
      parameters.push({
        name,
        in: location,
        required: location === 'path' || required.has(name),
        ...(description ? { description } : {}),
        schema: propertySchema,
      });
    }
  }
  if (route.method === 'post' && !route.isPublic) {
    parameters.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description: 'Same key and body → the first response is replayed; same key with another body → 422 idempotency_key_reused.',
      schema: { type: 'string', minLength: 1, maxLength: 200 },
    });
  }
  return parameters;
}

function buildOperation(route: AnyApiRoute): JsonSchema {
  const responses: JsonSchema = {};
  const successContent = route.response
    ? { content: { [route.produces ?? 'application/json']: { schema: toJsonSchema(route.response, 'output') } } }
    : route.produces
      ? { content: { [route.produces]: { schema: { type: 'string' } } } }
      : {};
  responses[String(route.status)] = { description: route.responseDescription ?? 'Success.', ...successContent };
  const errorStatuses = new Set([400, ...(route.isPublic ? [] : [401, 403, 429]), ...(route.errors ?? [])]);
  if (!route.params && !route.query && !route.body) errorStatuses.delete(400);
  for (const status of [...errorStatuses].sort()) {
    responses[String(status)] = { description: ERROR_DESCRIPTIONS[status] ?? 'Error.', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  }
  const operation: JsonSchema = {
    operationId: toOperationId(route),
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.family],
    parameters: buildParameters(route),
    responses,
    ...(route.isPublic ? { security: [] } : {}),
  };
  if (route.body) {
    operation.requestBody = {
      required: true,
      content: {
        'application/json': {
          schema: toJsonSchema(route.body, 'input'),
          // OpenAPI makes `example` and `examples` mutually exclusive: named examples win.
          ...(route.bodyExamples ? { examples: route.bodyExamples } : route.bodyExample !== undefined ? { example: route.bodyExample } : {}),
        },
      },
    };
  }
  return operation;
}

/** A stable operationId from method and path: post /v1/appointments/{id}/no-show → postAppointmentsIdNoShow. */
export function toOperationId(route: Pick<AnyApiRoute, 'method' | 'path'>): string {
  const words = route.path
    .replace(/^\/v1\//, '/')
    .split(/[/{}\-.]+/)
    .filter(Boolean)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1));
  return `${route.method}${words.join('')}`;
}

/** Builds the whole document. */
export function buildOpenApiDocument(routes: AnyApiRoute[]): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    paths[route.path] ??= {};
    paths[route.path]![route.method] = buildOperation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tapbook API',
      version: '1.0.0',
      description:
        'REST API v1 of Tapbook, the self-hosted WhatsApp appointment-booking server. Send your key in the x-api-key header. ' +
        'Every POST accepts an Idempotency-Key header. Errors are {"error":{"code","message","details"}}.',
    },
    servers: [{ url: '/' }],
    security: [{ ApiKeyAuth: [] }],
    tags: [...new Set(routes.map((route) => route.family))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: { ApiKeyAuth: { type: 'apiKey', in: 'header', name: 'x-api-key' } },
      schemas: { Error: toJsonSchema(errorBodySchema, 'output') },
    },
  };
}
