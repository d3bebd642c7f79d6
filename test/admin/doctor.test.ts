/**
 * `npm run doctor` against a test database and a Graph API faked with nock (which intercepts the
 * global fetch): a complete set-up passes every line; each way a set-up can be incomplete fails
 * its own line with what to do, and the exit code is 1.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nock from 'nock';
import { runDoctor, runDoctorCli, type DoctorCheck } from '../../src/admin';
import { generateFlowsKeyPair } from '../../src/flows';
import { DEFAULT_RULES } from '../../src/reminders/reminder-rule';
import { loadConfig, MIGRATIONS_DIR } from '../../src/platform';
import { sealSecret } from '../../src/platform/secret-box';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const ORIGIN = 'https://graph.test';
const GRAPH = `${ORIGIN}/v25.0`;
const NUMBER_ID = '1098765432';
const OWN_TOKEN_NUMBER_ID = '2098765432';
const FLOW_ID = '777000111';
const PASSPHRASE = 'doctor-test-passphrase';
const KEY = randomBytes(32);
const { privateKeyPem, publicKeyPem } = generateFlowsKeyPair(PASSPHRASE);
const OTHER_PUBLIC_KEY = generateFlowsKeyPair('other').publicKeyPem;

let db: TestDatabase;

beforeAll(async () => {
  nock.disableNetConnect();
  db = await createTestDatabase();
  const business = await db.prisma.business.create({ data: { name: 'Clinica Sol', timeZone: 'Europe/Lisbon' } });
  await db.prisma.whatsAppNumber.create({ data: { businessId: business.id, phoneNumberId: NUMBER_ID } });
  await db.prisma.whatsAppNumber.create({ data: { businessId: business.id, phoneNumberId: OWN_TOKEN_NUMBER_ID, accessTokenEncrypted: sealSecret(KEY, 'own-number-token') } });
  const service = await db.prisma.service.create({ data: { businessId: business.id, uid: 'consult', name: 'Consultation', durationMinutes: 30, price: 50, currency: 'EUR' } });
  // The default rules: reminders with appointment_reminder/en, the rating follow-up with visit_rating/en.
  await db.prisma.reminderRule.createMany({ data: DEFAULT_RULES.map((rule) => ({ ...rule, templateParameters: [...rule.templateParameters], businessId: business.id, serviceId: service.id, isActive: true })) });
});
afterEach(() => nock.cleanAll());
afterAll(async () => {
  nock.enableNetConnect();
  await db.drop();
});

function liveEnv(overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: Record<string, string | undefined> = {
    NODE_ENV: 'production',
    DATABASE_URL: db.url,
    PUBLIC_BASE_URL: 'https://book.example-clinic.com',
    WHATSAPP_APP_SECRET: 'app-secret',
    WHATSAPP_VERIFY_TOKEN: 'verify-token',
    WHATSAPP_ACCESS_TOKEN: 'env-token',
    WHATSAPP_GRAPH_URL: GRAPH,
    WHATSAPP_BUSINESS_ACCOUNT_ID: 'waba1',
    FLOWS_PRIVATE_KEY: privateKeyPem,
    FLOWS_PRIVATE_KEY_PASSPHRASE: PASSPHRASE,
    BOOKING_FLOW_ID: FLOW_ID,
    DATA_ENCRYPTION_KEY: KEY.toString('base64'),
    BOOKING_FLOW_TEMPLATE_NAME: 'book_appointment',
    BOOKING_FLOW_TEMPLATE_LANGUAGE: 'en',
    ...overrides,
  };
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined)) as NodeJS.ProcessEnv;
}

/** Meta as it answers for a complete set-up; `overrides` replace single answers by path. */
function fakeMeta(overrides: Partial<Record<'account' | 'number' | 'ownNumber' | 'apps' | 'key' | 'ownKey' | 'flow' | 'reminderTemplate', [number, Record<string, unknown>]>> = {}) {
  const answer = (name: keyof typeof overrides, fallback: [number, Record<string, unknown>]) => overrides[name] ?? fallback;
  const env = nock(ORIGIN, { reqheaders: { authorization: 'Bearer env-token' } });
  env.get('/v25.0/waba1/phone_numbers').query(true).reply(...answer('account', [200, { data: [{ id: NUMBER_ID, display_phone_number: '+351 21 000 0000', verified_name: 'Clinica Sol' }] }]));
  env.get(`/v25.0/${NUMBER_ID}`).query(true).reply(...answer('number', [200, { display_phone_number: '+351 21 000 0000', verified_name: 'Clinica Sol', quality_rating: 'GREEN' }]));
  env.get('/v25.0/waba1/subscribed_apps').reply(...answer('apps', [200, { data: [{ whatsapp_business_api_data: { id: '55', name: 'Tapbook Clinic' } }] }]));
  env.get(`/v25.0/${NUMBER_ID}/whatsapp_business_encryption`).reply(...answer('key', [200, { data: [{ business_public_key: publicKeyPem, business_public_key_signature_status: 'VALID' }] }]));
  env.get(`/v25.0/${FLOW_ID}`).query({ fields: 'status,name' }).reply(...answer('flow', [200, { id: FLOW_ID, name: 'tapbook_booking', status: 'PUBLISHED' }]));
  const template = (name: string, status = 'APPROVED') => [200, { data: [{ name, language: 'en', status }, { name, language: 'pt_BR', status: 'PENDING' }] }] as [number, Record<string, unknown>];
  env.get('/v25.0/waba1/message_templates').query((query) => query.name === 'book_appointment').reply(...template('book_appointment'));
  env.get('/v25.0/waba1/message_templates').query((query) => query.name === 'appointment_reminder').reply(...answer('reminderTemplate', template('appointment_reminder')));
  env.get('/v25.0/waba1/message_templates').query((query) => query.name === 'visit_rating').reply(...template('visit_rating'));
  const own = nock(ORIGIN, { reqheaders: { authorization: 'Bearer own-number-token' } });
  own.get(`/v25.0/${OWN_TOKEN_NUMBER_ID}`).query(true).reply(...answer('ownNumber', [200, { display_phone_number: '+351 21 000 0001', verified_name: 'Clinica Sol Porto' }]));
  own.get(`/v25.0/${OWN_TOKEN_NUMBER_ID}/whatsapp_business_encryption`).reply(...answer('ownKey', [200, { data: [{ business_public_key: publicKeyPem, business_public_key_signature_status: 'VALID' }] }]));
}

function line(checks: DoctorCheck[], name: string): DoctorCheck {
  const found = checks.find((check) => check.name === name);
  if (!found) throw new Error(`no check named "${name}" in: ${checks.map((check) => check.name).join(', ')}`);
  return found;
}

function failures(checks: DoctorCheck[]): string[] {
  return checks.filter((check) => check.status === 'fail').map((check) => check.name);
}

const EXPIRED = [401, { error: { message: 'Error validating access token: Session has expired', type: 'OAuthException', code: 190 } }] as [number, Record<string, unknown>];

describe('npm run doctor', () => {
  it('passes every line of a complete set-up, prints them and exits 0', async () => {
    fakeMeta();
    const out: string[] = [];
    const code = await runDoctorCli({ config: loadConfig(liveEnv()), out: (text) => out.push(text) });
    const report = out.join('\n');
    expect(report).toMatch(/^PASS {2}database: reachable, all \d+ migrations applied$/m);
    expect(report).toMatch(/^PASS {2}app secret:/m);
    expect(report).toMatch(/^PASS {2}verify token:/m);
    expect(report).toMatch(/^PASS {2}access token: .*\+351 21 000 0000/m);
    expect(report).toMatch(new RegExp(`^PASS  number ${NUMBER_ID}: \\(Clinica Sol\\) sends as \\+351 21 000 0000 "Clinica Sol" with WHATSAPP_ACCESS_TOKEN`, 'm'));
    expect(report).toMatch(new RegExp(`^PASS  number ${OWN_TOKEN_NUMBER_ID}: .* with its own token`, 'm'));
    expect(report).toMatch(/^PASS {2}webhook subscription: .*Tapbook Clinic/m);
    expect(report).toMatch(/^WARN {2}webhook callback: .*\n {6}→ Check by hand: .*https:\/\/book\.example-clinic\.com\/webhook/m);
    expect(report).toMatch(new RegExp(`^PASS  flows key of ${NUMBER_ID}: .*matches`, 'm'));
    expect(report).toMatch(new RegExp(`^PASS  flows key of ${OWN_TOKEN_NUMBER_ID}: .*matches`, 'm'));
    expect(report).toMatch(/^PASS {2}booking flow: .*PUBLISHED/m);
    expect(report).toMatch(/^PASS {2}template book_appointment \(en\): APPROVED \(used by BOOKING_FLOW_TEMPLATE_NAME\)$/m);
    expect(report).toMatch(/^PASS {2}template appointment_reminder \(en\): APPROVED \(used by reminder and follow-up rules\)$/m);
    expect(report).toMatch(/^PASS {2}template visit_rating \(en\): APPROVED/m);
    expect(report).toMatch(/^PASS {2}public base url:/m);
    expect(report).toMatch(/^PASS {2}data encryption key:/m);
    expect(report).not.toMatch(/^FAIL/m);
    expect(code).toBe(0);
    expect(nock.isDone()).toBe(true);
    // Tokens are never printed.
    expect(report).not.toMatch(/env-token|own-number-token/);
  });

  it('fails on pending migrations and names them', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-migrations-'));
    fs.cpSync(MIGRATIONS_DIR, folder, { recursive: true });
    fs.mkdirSync(path.join(folder, '29991231000000_future'));
    fs.writeFileSync(path.join(folder, '29991231000000_future', 'migration.sql'), 'SELECT 1;');
    fakeMeta();
    const out: string[] = [];
    const code = await runDoctorCli({ config: loadConfig(liveEnv()), out: (text) => out.push(text), migrationsDir: folder });
    expect(out.join('\n')).toMatch(/^FAIL {2}database: reachable, but 1 of \d+ migrations are not applied \(29991231000000_future\)\n {6}→ Run `npm run db:migrate`/m);
    expect(code).toBe(1);
  });

  it('fails when the database cannot be reached', async () => {
    fakeMeta();
    const checks = await runDoctor({ config: loadConfig(liveEnv({ DATABASE_URL: 'postgresql://nobody:wrong@127.0.0.1:1/none' })) });
    expect(line(checks, 'database')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/^cannot connect/), fix: expect.stringMatching(/DATABASE_URL/) });
  });

  it('fails without DATABASE_URL: production runs on its own PostgreSQL', async () => {
    fakeMeta();
    const checks = await runDoctor({ config: loadConfig(liveEnv({ DATABASE_URL: undefined })) });
    expect(line(checks, 'database')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/DATABASE_URL is not set/), fix: expect.stringMatching(/DEPLOY\.md §2/) });
  });

  it('fails without the app secret, verify token and access token (sandbox mode)', async () => {
    const checks = await runDoctor({ config: loadConfig(liveEnv({ WHATSAPP_APP_SECRET: undefined, WHATSAPP_VERIFY_TOKEN: undefined, WHATSAPP_ACCESS_TOKEN: undefined, BOOKING_FLOW_ID: undefined })) });
    expect(line(checks, 'app secret')).toMatchObject({ status: 'fail', fix: expect.stringMatching(/App secret/) });
    expect(line(checks, 'verify token')).toMatchObject({ status: 'fail', fix: expect.stringMatching(/openssl rand -hex 32/) });
    expect(line(checks, 'access token')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/sandbox mode/), fix: expect.stringMatching(/system-user token/) });
  });

  it('fails an expired access token with how to make a new one', async () => {
    fakeMeta({ account: EXPIRED, number: EXPIRED });
    const checks = await runDoctor({ config: loadConfig(liveEnv()) });
    expect(line(checks, 'access token')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/code 190/), fix: expect.stringMatching(/Generate new token/) });
    expect(line(checks, `number ${NUMBER_ID}`)).toMatchObject({ status: 'fail', fix: expect.stringMatching(/Generate new token/) });
    expect(line(checks, `number ${OWN_TOKEN_NUMBER_ID}`).status).toBe('pass');
  });

  it('fails a phone number the token cannot use', async () => {
    fakeMeta({ ownNumber: [400, { error: { message: 'Unsupported get request. Object with ID does not exist', code: 100 } }] });
    const checks = await runDoctor({ config: loadConfig(liveEnv()) });
    expect(line(checks, `number ${OWN_TOKEN_NUMBER_ID}`)).toMatchObject({ status: 'fail', detail: expect.stringMatching(/its own token cannot use this phone number .*code 100/), fix: expect.stringMatching(/Phone number ID/) });
  });

  it('fails when no app is subscribed to the WhatsApp Business Account', async () => {
    fakeMeta({ apps: [200, { data: [] }] });
    const checks = await runDoctor({ config: loadConfig(liveEnv()) });
    expect(line(checks, 'webhook subscription')).toMatchObject({ status: 'fail', fix: expect.stringMatching(/POST .*waba1\/subscribed_apps/) });
  });

  it('fails when the key Meta holds for a number is not ours, or none is uploaded', async () => {
    fakeMeta({ key: [200, { data: [{ business_public_key: OTHER_PUBLIC_KEY, business_public_key_signature_status: 'VALID' }] }], ownKey: [200, { data: [] }] });
    const checks = await runDoctor({ config: loadConfig(liveEnv()) });
    expect(line(checks, 'flows key').status).toBe('pass');
    expect(line(checks, `flows key of ${NUMBER_ID}`)).toMatchObject({ status: 'fail', detail: expect.stringMatching(/does not match/), fix: expect.stringMatching(`npm run flows -- upload-key --phone-number-id ${NUMBER_ID}`) });
    expect(line(checks, `flows key of ${OWN_TOKEN_NUMBER_ID}`)).toMatchObject({ status: 'fail', detail: expect.stringMatching(/no public key is uploaded/) });
  });

  it('fails a Flows private key that cannot be loaded', async () => {
    fakeMeta();
    const checks = await runDoctor({ config: loadConfig(liveEnv({ FLOWS_PRIVATE_KEY_PASSPHRASE: 'wrong passphrase' })) });
    expect(line(checks, 'flows key')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/cannot be loaded/), fix: expect.stringMatching(/FLOWS_PRIVATE_KEY_PASSPHRASE/) });
  });

  it('fails a booking Flow that is still a draft, and warns when none is set', async () => {
    fakeMeta({ flow: [200, { id: FLOW_ID, name: 'tapbook_booking', status: 'DRAFT' }] });
    const draft = await runDoctor({ config: loadConfig(liveEnv()) });
    expect(line(draft, 'booking flow')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/DRAFT, not PUBLISHED/), fix: expect.stringMatching(/npm run flows -- publish/) });
    nock.cleanAll();
    fakeMeta();
    const unset = await runDoctor({ config: loadConfig(liveEnv({ BOOKING_FLOW_ID: undefined })) });
    expect(line(unset, 'booking flow')).toMatchObject({ status: 'warn', detail: expect.stringMatching(/BOOKING_FLOW_ID is not set/) });
  });

  it('fails a template that is not approved, or missing in the configured language', async () => {
    fakeMeta({ reminderTemplate: [200, { data: [{ name: 'appointment_reminder', language: 'en', status: 'REJECTED' }] }] });
    const rejected = await runDoctor({ config: loadConfig(liveEnv()) });
    expect(line(rejected, 'template appointment_reminder (en)')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/REJECTED, not APPROVED/), fix: expect.stringMatching(/Message templates/) });
    nock.cleanAll();
    fakeMeta();
    const otherLanguage = await runDoctor({ config: loadConfig(liveEnv({ BOOKING_FLOW_TEMPLATE_LANGUAGE: 'es' })) });
    expect(line(otherLanguage, 'template book_appointment (es)')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/no such template in this language/) });
  });

  it('fails a PUBLIC_BASE_URL that is not https', async () => {
    fakeMeta();
    const checks = await runDoctor({ config: loadConfig(liveEnv({ PUBLIC_BASE_URL: 'http://book.example-clinic.com' })) });
    expect(line(checks, 'public base url')).toMatchObject({ status: 'fail', fix: expect.stringMatching(/https/) });
  });

  it('fails a missing DATA_ENCRYPTION_KEY when a stored secret needs it', async () => {
    fakeMeta();
    const checks = await runDoctor({ config: loadConfig(liveEnv({ DATA_ENCRYPTION_KEY: undefined })) });
    expect(line(checks, 'data encryption key')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/1 secret\(s\) are stored/) });
    expect(line(checks, `number ${OWN_TOKEN_NUMBER_ID}`)).toMatchObject({ status: 'fail', detail: expect.stringMatching(/DATA_ENCRYPTION_KEY is not set/) });
    expect(failures(checks).sort()).toEqual(['data encryption key', `number ${OWN_TOKEN_NUMBER_ID}`].sort());
  });
});
