/**
 * The OpenAPI document: every mounted route is in it, every request body has an example that
 * validates against the very schema the route validates with, and /docs renders it offline.
 */
import request from 'supertest';
import { buildApiRoutes, createApiRouter } from '../../src/api';
import { createLogger } from '../../src/platform';
import { createApiTestContext, type ApiTestContext } from './api-test-kit';

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
}

describe('OpenAPI document', () => {
  let ctx: ApiTestContext;
  let doc: { openapi: string; paths: Record<string, Record<string, Record<string, unknown>>> };

  beforeAll(async () => {
    ctx = await createApiTestContext();
    const res = await request(ctx.app).get('/v1/openapi.json');
    expect(res.status).toBe(200);
    doc = res.body;
  });
  afterAll(async () => ctx.db.drop());

  const routes = buildApiRoutes({ prisma: undefined as never, logger: createLogger('silent'), clock: undefined as never });

  it('is OpenAPI 3.1 and needs no key', () => {
    expect(doc.openapi).toBe('3.1.0');
  });

  it('documents every route the router mounts', () => {
    const router = createApiRouter({ prisma: undefined as never, logger: createLogger('silent'), clock: undefined as never }) as unknown as { stack: Layer[] };
    const mounted = router.stack
      .filter((layer) => layer.route)
      .flatMap((layer) => Object.keys(layer.route!.methods).map((method) => `${method} ${layer.route!.path.replace(/:(\w+)/g, '{$1}')}`));
    expect(mounted.length).toBeGreaterThan(40);
    const documented = Object.entries(doc.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method} ${path}`));
    expect(documented.sort()).toEqual([...new Set(mounted)].sort());
  });

  it.each(routes.filter((route) => route.body).map((route) => [`${route.method.toUpperCase()} ${route.path}`, route] as const))(
    '%s has a body example that its schema accepts',
    (_name, route) => {
      const operation = doc.paths[route.path]![route.method] as {
        requestBody: { content: { 'application/json': { example?: unknown; examples?: Record<string, { value: unknown }>; schema: unknown } } };
      };
      const media = operation.requestBody.content['application/json'];
      expect(media.schema).toBeDefined();
      const values = media.examples ? Object.values(media.examples).map((example) => example.value) : [media.example];
      expect(values.length).toBeGreaterThan(0);
      for (const value of values) {
        expect(value).toBeDefined();
        const parsed = route.body!.safeParse(value);
        expect(parsed.error?.issues ?? []).toEqual([]);
      }
    },
  );

  it.each([
    ['/v1/appointments', ['nested', 'existingClient', 'startTime', 'flat']],
    ['/v1/appointments/reschedule', ['nested', 'startTime', 'flat']],
    ['/v1/appointments/cancel', ['nested', 'flat']],
  ])("documents Whautomate's nested shape and the flat aliases of POST %s, each example valid", (path, names) => {
    const media = (doc.paths[path]!.post as { requestBody: { content: { 'application/json': { examples: Record<string, { value: Record<string, unknown> }> } } } })
      .requestBody.content['application/json'];
    expect(Object.keys(media.examples)).toEqual(names);
    const route = routes.find((candidate) => candidate.method === 'post' && candidate.path === path)!;
    for (const name of names) expect(route.body!.safeParse(media.examples[name]!.value).error?.issues ?? []).toEqual([]);
    expect(media.examples.nested!.value.location).toEqual({ id: expect.any(String) });
  });

  it('documents path and query parameters from the zod schemas', () => {
    const slots = doc.paths['/v1/appointments/slots']!.get as { parameters: Array<{ name: string; in: string; required: boolean; schema: { type?: string } }> };
    expect(slots.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'serviceId', in: 'query', required: true }),
        expect.objectContaining({ name: 'date', in: 'query', required: true }),
        expect.objectContaining({ name: 'timezone', in: 'query', required: false }),
        expect.objectContaining({ name: 'nextThreeDays', in: 'query', required: false, schema: expect.objectContaining({ enum: ['true', 'false'] }) }),
      ]),
    );
    const byId = doc.paths['/v1/appointments/{id}']!.get as { parameters: Array<{ name: string; in: string; required: boolean }> };
    expect(byId.parameters).toEqual([expect.objectContaining({ name: 'id', in: 'path', required: true })]);
    const post = doc.paths['/v1/appointments']!.post as { parameters: Array<{ name: string; in: string }>; responses: Record<string, unknown> };
    expect(post.parameters).toContainEqual(expect.objectContaining({ name: 'Idempotency-Key', in: 'header' }));
    expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '403', '404', '409', '422', '429']));
  });

  it('serves /docs as a self-contained page that loads the document', async () => {
    const res = await request(ctx.app).get('/docs');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('data-document-url="/v1/openapi.json"');
    // Its script and style come from this server (no CDN: installs may be offline).
    expect(res.text).not.toMatch(/<script[^>]+src="(?!\/)|<link[^>]+href="(?!\/)/);
    const script = await request(ctx.app).get('/docs/docs.js');
    expect(script.status).toBe(200);
    expect(script.text).toContain("fetch(content.getAttribute('data-document-url'))");
  });

  it('answers an unknown /v1 path with the JSON 404', async () => {
    const res = await request(ctx.app).get('/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});
