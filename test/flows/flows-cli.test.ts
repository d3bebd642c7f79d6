/**
 * `npm run flows -- keys | upload-key | publish` against a Graph API faked with nock (which
 * intercepts the global fetch): what is sent to Meta, what the operator reads, the exit codes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nock from 'nock';
import { loadPrivateKey, runFlowsCli } from '../../src/flows';
import { loadConfig } from '../../src/platform';

const ORIGIN = 'https://graph.test';
const GRAPH = `${ORIGIN}/v25.0`;
const ROOT = path.join(__dirname, '../..');

function setup(env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const config = loadConfig({ WHATSAPP_ACCESS_TOKEN: 'tok', WHATSAPP_APP_SECRET: 'secret', WHATSAPP_GRAPH_URL: GRAPH, WHATSAPP_BUSINESS_ACCOUNT_ID: 'waba1', ...env });
  const run = (argv: string[], cwd = ROOT) => runFlowsCli(argv, { config, cwd, output: { out: (line) => out.push(line), err: (line) => err.push(line) } });
  return { run, out, err };
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('npm run flows -- keys', () => {
  it('writes an encrypted private key (owner-only) and the public key, and never prints the private key', async () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'flows-keys-'));
    const { run, out, err } = setup();
    expect(await run(['keys', '--out', directory])).toBe(0);
    const privatePem = fs.readFileSync(path.join(directory, 'flows-private.pem'), 'utf8');
    const passphrase = fs.readFileSync(path.join(directory, 'flows-private.passphrase'), 'utf8').trim();
    expect(privatePem).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
    expect(fs.readFileSync(path.join(directory, 'flows-public.pem'), 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(fs.statSync(path.join(directory, 'flows-private.pem')).mode & 0o777).toBe(0o600);
    expect(loadPrivateKey({ pem: privatePem, passphrase }).asymmetricKeyDetails?.modulusLength).toBe(2048);
    const printed = [...out, ...err].join('\n');
    expect(printed).not.toMatch(/PRIVATE KEY-----|BEGIN/);
    expect(printed).not.toContain(passphrase);
    // A second run does not silently replace a key Meta already has.
    expect(await run(['keys', '--out', directory])).toBe(1);
    expect(err.join('\n')).toMatch(/--force/);
  });
});

describe('npm run flows -- upload-key', () => {
  it('posts the public key as the form field business_public_key for the phone number', async () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'flows-keys-'));
    const { run, out } = setup();
    await run(['keys', '--out', directory]);
    const publicPem = fs.readFileSync(path.join(directory, 'flows-public.pem'), 'utf8');
    let sent = '';
    const scope = nock(ORIGIN, { reqheaders: { authorization: 'Bearer tok' } })
      .post('/v25.0/1234567/whatsapp_business_encryption', (body) => {
        sent = typeof body === 'string' ? body : JSON.stringify(body);
        return true;
      })
      .reply(200, { success: true });
    expect(await run(['upload-key', '--phone-number-id', '1234567', '--public-key', path.join(directory, 'flows-public.pem')])).toBe(0);
    scope.done();
    expect(sent).toMatch(/name="business_public_key"/);
    expect(sent).toContain(publicPem.trim().split('\n')[1]);
    expect(out.join('\n')).toMatch(/uploaded for phone number 1234567/);
  });

  it('explains what is missing instead of calling Meta', async () => {
    const { run, err } = setup();
    expect(await run(['upload-key'])).toBe(1);
    expect(err.join('\n')).toMatch(/--phone-number-id/);
    const noToken = setup({ WHATSAPP_ACCESS_TOKEN: '' });
    expect(await noToken.run(['upload-key', '--phone-number-id', '1'])).toBe(1);
    expect(noToken.err.join('\n')).toMatch(/WHATSAPP_ACCESS_TOKEN/);
  });

  it('reports Meta\'s error', async () => {
    const { run, err } = setup();
    nock(ORIGIN).post('/v25.0/1234567/whatsapp_business_encryption').reply(400, { error: { message: 'Invalid public key', code: 100 } });
    expect(await run(['upload-key', '--phone-number-id', '1234567', '--public-key', 'test/fixtures/flows/test-public.pem'])).toBe(1);
    expect(err.join('\n')).toMatch(/HTTP 400, code 100\): Invalid public key/);
  });
});

describe('npm run flows -- publish', () => {
  it('creates the Flow, uploads flows/booking.flow.json as flow.json and publishes it', async () => {
    const { run, out } = setup();
    let asset = '';
    const scope = nock(ORIGIN, { reqheaders: { authorization: 'Bearer tok' } })
      .get('/v25.0/waba1/flows')
      .query(true)
      .reply(200, { data: [{ id: 'other', name: 'survey' }] })
      .post('/v25.0/waba1/flows', { name: 'tapbook_booking', categories: ['APPOINTMENT_BOOKING'], endpoint_uri: 'https://book.example.com/flows/endpoint' })
      .reply(200, { id: 'flow77' })
      .post('/v25.0/flow77/assets', (body) => {
        asset = typeof body === 'string' ? body : JSON.stringify(body);
        return true;
      })
      .reply(200, { success: true, validation_errors: [] })
      .post('/v25.0/flow77/publish')
      .reply(200, { success: true });
    expect(await run(['publish', '--endpoint-uri', 'https://book.example.com/flows/endpoint'])).toBe(0);
    scope.done();
    expect(asset).toMatch(/name="file"; filename="flow.json"/);
    expect(asset).toMatch(/name="asset_type"\r\n\r\nFLOW_JSON/);
    expect(asset).toContain('"routing_model"');
    expect(out).toEqual(['Created Flow flow77.', 'Published.', 'Set BOOKING_FLOW_ID=flow77 so "Book appointment" sends this Flow.']);
  });

  it('updates the configured Flow and prints Meta\'s validation errors readably without publishing', async () => {
    const { run, out, err } = setup({ BOOKING_FLOW_ID: 'flow77' });
    const scope = nock(ORIGIN)
      .post('/v25.0/flow77/assets')
      .reply(200, {
        success: true,
        validation_errors: [
          { error: 'INVALID_PROPERTY_VALUE', error_type: 'FLOW_JSON_ERROR', message: 'Invalid value found for property "type".', line_start: 10, line_end: 10, column_start: 21, column_end: 34, pointers: [{ path: 'screens[0].layout.children[1].type' }] },
          { error: 'MISSING_FOOTER', message: 'Terminal screen needs a Footer.' },
        ],
      });
    expect(await run(['publish'])).toBe(1);
    scope.done();
    expect(out).toEqual(['Updated Flow flow77.']);
    expect(err).toEqual([
      'Meta reported 2 validation error(s); the Flow stays a draft:',
      '  line 10:21 INVALID_PROPERTY_VALUE: Invalid value found for property "type". (at screens[0].layout.children[1].type)',
      '  MISSING_FOOTER: Terminal screen needs a Footer.',
    ]);
  });

  it('refuses a file that fails the offline checker before calling Meta', async () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'flows-publish-'));
    const broken = path.join(directory, 'broken.json');
    fs.writeFileSync(broken, JSON.stringify({ version: '7.3', screens: [] }));
    const { run, err } = setup();
    expect(await run(['publish', '--file', broken])).toBe(1);
    expect(err[0]).toMatch(/offline checker/);
  });

  it('needs a WhatsApp Business Account id to create a Flow', async () => {
    const { run, err } = setup({ WHATSAPP_BUSINESS_ACCOUNT_ID: '' });
    expect(await run(['publish'])).toBe(1);
    expect(err.join('\n')).toMatch(/WHATSAPP_BUSINESS_ACCOUNT_ID/);
  });
});
