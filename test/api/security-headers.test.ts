/**
 * Security headers of the app as mounted: /docs and every other response carry a
 * Content-Security-Policy with no inline allowance and no framing, nosniff and no referrer; the
 * /docs page needs nothing the policy forbids (no inline script, style or handler; every asset
 * from this server, answered with its own type).
 */
import request from 'supertest';
import { createApiTestContext, type ApiTestContext } from './api-test-kit';

describe('security headers', () => {
  let ctx: ApiTestContext;

  beforeAll(async () => {
    ctx = await createApiTestContext();
  });
  afterAll(async () => ctx.db.drop());

  it('/docs sends a Content-Security-Policy without inline allowances, frame-ancestors none, nosniff and DENY', async () => {
    const res = await request(ctx.app).get('/docs');
    expect(res.status).toBe(200);
    const policy = Object.fromEntries(
      String(res.headers['content-security-policy'])
        .split(';')
        .map((directive) => directive.trim().split(/\s+/))
        .map(([name, ...values]) => [name, values.join(' ')]),
    );
    expect(policy).toEqual({
      'default-src': "'self'",
      'base-uri': "'none'",
      'connect-src': "'self'",
      'font-src': "'self'",
      'form-action': "'self'",
      'frame-ancestors': "'none'",
      'img-src': "'self' data:",
      'object-src': "'none'",
      'script-src': "'self'",
      'script-src-attr': "'none'",
      'style-src': "'self'",
    });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });

  it('the /docs page uses nothing the policy forbids, and its assets are served with their types', async () => {
    const html = (await request(ctx.app).get('/docs')).text;
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=|javascript:/i);
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/\ssrc="\/[^/]/);
      expect(body!.trim()).toBe('');
    }
    const assets = [...html.matchAll(/\s(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    expect(assets.sort()).toEqual(['/docs/docs.css', '/docs/docs.js']);
    const script = await request(ctx.app).get('/docs/docs.js');
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    const style = await request(ctx.app).get('/docs/docs.css');
    expect(style.headers['content-type']).toBe('text/css; charset=utf-8');
    // The script itself adds no inline style or handler to the page it renders.
    expect(script.text).not.toMatch(/style=|\son[a-z]+=|\.style\.|eval\(|new Function/);
    // What the script fetches is same-origin (connect-src 'self').
    expect(script.text).toContain("fetch(content.getAttribute('data-document-url'))");
  });

  it.each([
    ['a JSON API answer', '/v1/openapi.json', 200],
    ['a 401', '/v1/services', 401],
    ['a 404', '/nothing-here', 404],
    ['the health check', '/health', 200],
  ])('%s carries the headers too', async (_name, path, status) => {
    const res = await request(ctx.app).get(path);
    expect(res.status).toBe(status);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });
});
