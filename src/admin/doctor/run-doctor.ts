/**
 * The go-live check behind `npm run doctor`: reads the production configuration, the database
 * and Meta's Graph API (read-only) and returns one checklist line per requirement of
 * docs/DEPLOY.md. It spans every business on purpose: it checks the installation, not a tenant.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { readFlowsPrivateKey } from '../../flows';
import { MIGRATIONS_DIR, openSecret, SANDBOX_APP_SECRET, type AppConfig } from '../../platform';
import type { DoctorCheck } from './doctor-check';
import { graphGet, isTokenProblem, type GraphAnswer } from './graph-probe';

/** What the check reads besides the configuration (tests point it at their own folders). */
export interface DoctorDeps {
  config: AppConfig;
  /** prisma/migrations by default. */
  migrationsDir?: string;
}

interface NumberRow {
  phoneNumberId: string;
  businessName: string;
  sealedToken: string | null;
}

interface DatabaseFacts {
  numbers: NumberRow[];
  storedSecrets: number;
  /** Templates active reminder and follow-up rules send outside the 24-hour window. */
  ruleTemplates: Array<{ name: string; language: string }>;
}

const NEW_TOKEN_FIX = 'Make a new system-user token (Business Settings → System users → Generate new token, permissions whatsapp_business_messaging and whatsapp_business_management, expiry Never) and put it in WHATSAPP_ACCESS_TOKEN (docs/DEPLOY.md §6.4).';

/** Runs every check in order; never throws for anything the environment, the database or Meta can cause. */
export async function runDoctor(deps: DoctorDeps): Promise<DoctorCheck[]> {
  const { config } = deps;
  const checks: DoctorCheck[] = [];
  const facts = await checkDatabase(config, deps.migrationsDir ?? MIGRATIONS_DIR, checks);
  checks.push(...checkWebhookSecrets(config));
  const tokens = await checkAccessTokens(config, facts, checks);
  checks.push(...(await checkWebhookSubscription(config)));
  checks.push(...(await checkFlowsKey(config, tokens)));
  checks.push(await checkBookingFlow(config));
  checks.push(...(await checkTemplates(config, facts)));
  checks.push(checkPublicBaseUrl(config));
  checks.push(checkEncryptionKey(config, facts));
  return checks;
}

/** The fix for a refused Graph call: a network problem, a bad token, or the given advice. */
function graphFix(answer: GraphAnswer, otherwise: string): string {
  if (!answer.ok && answer.status === 0) return `Check that this server reaches the Graph API over HTTPS (DNS, firewall, proxy) and that WHATSAPP_GRAPH_URL is right.`;
  return isTokenProblem(answer) ? NEW_TOKEN_FIX : otherwise;
}

function listMigrationFolders(migrationsDir: string): string[] {
  return fs
    .readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(migrationsDir, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort();
}

async function checkDatabase(config: AppConfig, migrationsDir: string, checks: DoctorCheck[]): Promise<DatabaseFacts | undefined> {
  const url = config.database.url;
  if (!url) {
    checks.push({ status: 'fail', name: 'database', detail: 'DATABASE_URL is not set (the embedded PostgreSQL is for development)', fix: 'Create a PostgreSQL role and database and set DATABASE_URL (docs/DEPLOY.md §2).' });
    return undefined;
  }
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    checks.push({ status: 'fail', name: 'database', detail: `cannot connect (${(error as Error).message})`, fix: 'Check that PostgreSQL runs and that the host, port, role, password and database in DATABASE_URL are right.' });
    await client.end().catch(() => undefined);
    return undefined;
  }
  try {
    const expected = listMigrationFolders(migrationsDir);
    let applied: string[];
    try {
      const result = await client.query<{ migration_name: string }>('SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL');
      applied = result.rows.map((row) => row.migration_name);
    } catch {
      applied = [];
    }
    const pending = expected.filter((name) => !applied.includes(name));
    const unknown = applied.filter((name) => !expected.includes(name));
    if (pending.length > 0) {
      checks.push({ status: 'fail', name: 'database', detail: `reachable, but ${pending.length} of ${expected.length} migrations are not applied (${pending.join(', ')})`, fix: 'Run `npm run db:migrate` with this environment.' });
      return undefined;
    }
    if (unknown.length > 0) {
      checks.push({ status: 'warn', name: 'database', detail: `reachable and migrated, but it has ${unknown.length} migration(s) this code does not know (${unknown.join(', ')})`, fix: 'The database is newer than this checkout: deploy the matching code version.' });
    } else {
      checks.push({ status: 'pass', name: 'database', detail: `reachable, all ${expected.length} migrations applied` });
    }
    const numbers = await client.query<{ phone_number_id: string; access_token_encrypted: string | null; business_name: string }>(
      'SELECT w.phone_number_id, w.access_token_encrypted, b.name AS business_name FROM whatsapp_numbers w JOIN businesses b ON b.id = w.business_id ORDER BY w.created_at, w.phone_number_id',
    );
    const calendars = await client.query<{ count: string }>('SELECT count(*)::text AS count FROM external_calendars');
    const templates = await client.query<{ template_name: string; template_language: string }>(
      'SELECT DISTINCT template_name, template_language FROM reminder_rules WHERE is_active AND template_name IS NOT NULL AND template_language IS NOT NULL ORDER BY template_name, template_language',
    );
    return {
      ruleTemplates: templates.rows.map((row) => ({ name: row.template_name, language: row.template_language })),
      numbers: numbers.rows.map((row) => ({ phoneNumberId: row.phone_number_id, businessName: row.business_name, sealedToken: row.access_token_encrypted })),
      storedSecrets: numbers.rows.filter((row) => row.access_token_encrypted).length + Number(calendars.rows[0]?.count ?? 0),
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}

function checkWebhookSecrets(config: AppConfig): DoctorCheck[] {
  const hasSecret = Boolean(config.whatsapp.appSecret) && config.whatsapp.appSecret !== SANDBOX_APP_SECRET;
  return [
    hasSecret
      ? { status: 'pass', name: 'app secret', detail: 'WHATSAPP_APP_SECRET is set (webhook signatures are checked with it)' }
      : { status: 'fail', name: 'app secret', detail: 'WHATSAPP_APP_SECRET is not set: webhooks would be checked with the public sandbox secret', fix: 'Copy the App secret from the Meta App Dashboard (App settings → Basic) into WHATSAPP_APP_SECRET.' },
    config.whatsapp.verifyToken
      ? { status: 'pass', name: 'verify token', detail: 'WHATSAPP_VERIFY_TOKEN is set' }
      : { status: 'fail', name: 'verify token', detail: 'WHATSAPP_VERIFY_TOKEN is not set: Meta cannot verify the webhook URL', fix: 'Set WHATSAPP_VERIFY_TOKEN to a random string (`openssl rand -hex 32`) and type the same into the webhook configuration of the Meta app.' },
  ];
}

/** Which token each number sends with; undefined when it cannot be known. */
type NumberTokens = Array<{ phoneNumberId: string; token: string }>;

async function checkAccessTokens(config: AppConfig, facts: DatabaseFacts | undefined, checks: DoctorCheck[]): Promise<NumberTokens> {
  const envToken = config.whatsapp.accessToken;
  const graphUrl = config.whatsapp.graphUrl;
  if (!envToken) {
    checks.push({ status: 'fail', name: 'access token', detail: 'WHATSAPP_ACCESS_TOKEN is not set: sandbox mode, nothing is sent to WhatsApp', fix: NEW_TOKEN_FIX });
  } else {
    const waba = config.flows.businessAccountId;
    const answer = waba
      ? await graphGet(graphUrl, envToken, `${encodeURIComponent(waba)}/phone_numbers?fields=id,display_phone_number,verified_name`)
      : await graphGet(graphUrl, envToken, 'me?fields=id,name');
    if (answer.ok) {
      const listed = Array.isArray(answer.json.data) ? (answer.json.data as Array<Record<string, unknown>>) : [];
      const detail = waba
        ? `WHATSAPP_ACCESS_TOKEN is valid; WhatsApp Business Account ${waba} has ${listed.map((row) => `${String(row.display_phone_number ?? '?')} (id ${String(row.id ?? '?')})`).join(', ') || 'no phone numbers'}`
        : `WHATSAPP_ACCESS_TOKEN is valid (${String(answer.json.name ?? answer.json.id ?? 'token owner')})`;
      checks.push({ status: 'pass', name: 'access token', detail });
    } else {
      checks.push({
        status: 'fail',
        name: 'access token',
        detail: `the Graph API refused WHATSAPP_ACCESS_TOKEN${waba ? ` for WhatsApp Business Account ${waba}` : ''} (${answer.message})`,
        fix: graphFix(answer, 'Check WHATSAPP_BUSINESS_ACCOUNT_ID and that the system user has the WhatsApp account assigned with full control.'),
      });
    }
  }
  if (!facts) return [];
  if (facts.numbers.length === 0) {
    checks.push({ status: 'fail', name: 'whatsapp numbers', detail: 'no WhatsApp number is registered, so no business can receive or send messages', fix: 'Register the Phone number ID: POST /v1/whatsapp-numbers {"phoneNumberId": "…"} with an admin API key (docs/DEPLOY.md §6.6).' });
    return [];
  }
  const tokens: NumberTokens = [];
  for (const number of facts.numbers) {
    const name = `number ${number.phoneNumberId}`;
    let token = envToken;
    let tokenName = 'WHATSAPP_ACCESS_TOKEN';
    if (number.sealedToken) {
      if (!config.dataEncryptionKey) {
        checks.push({ status: 'fail', name, detail: `(${number.businessName}) has its own access token stored, but DATA_ENCRYPTION_KEY is not set to read it`, fix: 'Set DATA_ENCRYPTION_KEY to the key the token was stored with.' });
        continue;
      }
      try {
        token = openSecret(config.dataEncryptionKey, number.sealedToken);
        tokenName = 'its own token';
      } catch {
        checks.push({ status: 'fail', name, detail: `(${number.businessName}) has its own access token stored, but DATA_ENCRYPTION_KEY cannot decrypt it`, fix: 'Set DATA_ENCRYPTION_KEY to the key the token was stored with, or store the token again: PATCH /v1/whatsapp-numbers/{id} {"accessToken": "…"}.' });
        continue;
      }
    }
    if (!token) {
      checks.push({ status: 'fail', name, detail: `(${number.businessName}) has no access token: neither its own nor WHATSAPP_ACCESS_TOKEN`, fix: NEW_TOKEN_FIX });
      continue;
    }
    const answer = await graphGet(config.whatsapp.graphUrl, token, `${encodeURIComponent(number.phoneNumberId)}?fields=display_phone_number,verified_name,quality_rating`);
    if (answer.ok) {
      const quality = typeof answer.json.quality_rating === 'string' ? `, quality ${answer.json.quality_rating}` : '';
      checks.push({ status: 'pass', name, detail: `(${number.businessName}) sends as ${String(answer.json.display_phone_number ?? '?')} "${String(answer.json.verified_name ?? '?')}" with ${tokenName}${quality}` });
      tokens.push({ phoneNumberId: number.phoneNumberId, token });
    } else {
      checks.push({
        status: 'fail',
        name,
        detail: `(${number.businessName}) ${tokenName} cannot use this phone number (${answer.message})`,
        fix: graphFix(answer, 'Check the Phone number ID in WhatsApp Manager, and that the system user has the WhatsApp account that owns it assigned.'),
      });
    }
  }
  return tokens;
}

async function checkWebhookSubscription(config: AppConfig): Promise<DoctorCheck[]> {
  const callback = `${config.http.publicBaseUrl}/webhook`;
  const manual: DoctorCheck = {
    status: 'warn',
    name: 'webhook callback',
    detail: "cannot be read with a system-user token (GET /{app-id}/subscriptions needs the app's own access token)",
    fix: `Check by hand: Meta App Dashboard → WhatsApp → Configuration shows Callback URL ${callback}, verified, with the fields "messages" and "flows" subscribed.`,
  };
  const waba = config.flows.businessAccountId;
  const token = config.whatsapp.accessToken;
  if (!waba || !token) {
    return [
      { status: 'warn', name: 'webhook subscription', detail: 'not checked: needs WHATSAPP_BUSINESS_ACCOUNT_ID and WHATSAPP_ACCESS_TOKEN', fix: 'Set both, then run the doctor again.' },
      manual,
    ];
  }
  const answer = await graphGet(config.whatsapp.graphUrl, token, `${encodeURIComponent(waba)}/subscribed_apps`);
  if (!answer.ok) {
    return [{ status: 'fail', name: 'webhook subscription', detail: `could not read the apps subscribed to WhatsApp Business Account ${waba} (${answer.message})`, fix: graphFix(answer, 'Check WHATSAPP_BUSINESS_ACCOUNT_ID and the token\'s whatsapp_business_management permission.') }, manual];
  }
  const apps = Array.isArray(answer.json.data) ? (answer.json.data as Array<{ whatsapp_business_api_data?: { name?: unknown; id?: unknown } }>) : [];
  if (apps.length === 0) {
    return [
      { status: 'fail', name: 'webhook subscription', detail: `no app is subscribed to WhatsApp Business Account ${waba}: Meta sends its webhooks nowhere`, fix: `Subscribe the app: curl -X POST -H "Authorization: Bearer $WHATSAPP_ACCESS_TOKEN" ${config.whatsapp.graphUrl}/${waba}/subscribed_apps` },
      manual,
    ];
  }
  const names = apps.map((app) => String(app.whatsapp_business_api_data?.name ?? app.whatsapp_business_api_data?.id ?? '?')).join(', ');
  return [{ status: 'pass', name: 'webhook subscription', detail: `WhatsApp Business Account ${waba} sends its webhooks to app(s): ${names}` }, manual];
}

function publicKeyDer(key: KeyObject): string {
  return key.export({ type: 'spki', format: 'der' }).toString('base64');
}

async function checkFlowsKey(config: AppConfig, tokens: NumberTokens): Promise<DoctorCheck[]> {
  const flows = config.flows;
  if (!flows.privateKeyPem && !flows.privateKeyFile) {
    return [{
      status: flows.bookingFlowId ? 'fail' : 'warn',
      name: 'flows key',
      detail: `no Flows private key (FLOWS_PRIVATE_KEY_FILE or FLOWS_PRIVATE_KEY)${flows.bookingFlowId ? ', but BOOKING_FLOW_ID is set: the Flow cannot be answered' : ': booking uses lists and buttons'}`,
      fix: 'Run `npm run flows -- keys`, set FLOWS_PRIVATE_KEY_FILE and FLOWS_PRIVATE_KEY_PASSPHRASE, and upload the public key (docs/DEPLOY.md §6.7).',
    }];
  }
  let publicDer: string;
  try {
    const privateKey = readFlowsPrivateKey(flows);
    if (!privateKey) throw new Error('no key');
    publicDer = publicKeyDer(createPublicKey(privateKey));
  } catch (error) {
    return [{ status: 'fail', name: 'flows key', detail: `the Flows private key cannot be loaded (${(error as Error).message})`, fix: 'Check FLOWS_PRIVATE_KEY_FILE (readable by the service user) and FLOWS_PRIVATE_KEY_PASSPHRASE.' }];
  }
  const checks: DoctorCheck[] = [{ status: 'pass', name: 'flows key', detail: 'the Flows private key loads' }];
  for (const { phoneNumberId, token } of tokens) {
    const name = `flows key of ${phoneNumberId}`;
    const uploadFix = `Upload ours: npm run flows -- upload-key --phone-number-id ${phoneNumberId} --public-key <the flows-public.pem of this key>`;
    const answer = await graphGet(config.whatsapp.graphUrl, token, `${encodeURIComponent(phoneNumberId)}/whatsapp_business_encryption`);
    if (!answer.ok) {
      checks.push({ status: 'fail', name, detail: `could not read the uploaded public key (${answer.message})`, fix: uploadFix });
      continue;
    }
    const entry = Array.isArray(answer.json.data) ? (answer.json.data[0] as { business_public_key?: unknown; business_public_key_signature_status?: unknown } | undefined) : undefined;
    const uploaded = typeof entry?.business_public_key === 'string' ? entry.business_public_key : undefined;
    if (!uploaded) {
      checks.push({ status: 'fail', name, detail: 'no public key is uploaded for this number', fix: uploadFix });
      continue;
    }
    let uploadedDer: string | undefined;
    try {
      uploadedDer = publicKeyDer(createPublicKey(uploaded));
    } catch {
      uploadedDer = undefined;
    }
    if (uploadedDer !== publicDer) {
      checks.push({ status: 'fail', name, detail: 'the public key Meta holds for this number does not match our private key: WhatsApp cannot open the Flow', fix: uploadFix });
    } else if (entry?.business_public_key_signature_status !== 'VALID') {
      checks.push({ status: 'fail', name, detail: `the uploaded key matches ours but Meta's signature status is ${String(entry?.business_public_key_signature_status ?? 'missing')}`, fix: uploadFix });
    } else {
      checks.push({ status: 'pass', name, detail: 'the public key uploaded to Meta matches our private key (signature VALID)' });
    }
  }
  return checks;
}

async function checkBookingFlow(config: AppConfig): Promise<DoctorCheck> {
  const flowId = config.flows.bookingFlowId;
  const publishFix = 'Run `npm run flows -- publish --endpoint-uri <PUBLIC_BASE_URL>/flows/endpoint` and set BOOKING_FLOW_ID to the id it prints (docs/DEPLOY.md §6.8).';
  if (!flowId) return { status: 'warn', name: 'booking flow', detail: 'BOOKING_FLOW_ID is not set: "Book appointment" uses lists and buttons instead of the Flow form', fix: publishFix };
  const token = config.whatsapp.accessToken;
  if (!token) return { status: 'fail', name: 'booking flow', detail: `BOOKING_FLOW_ID is ${flowId}, but without WHATSAPP_ACCESS_TOKEN its status cannot be read`, fix: NEW_TOKEN_FIX };
  const answer: GraphAnswer = await graphGet(config.whatsapp.graphUrl, token, `${encodeURIComponent(flowId)}?fields=status,name`);
  if (!answer.ok) return { status: 'fail', name: 'booking flow', detail: `Flow ${flowId} could not be read (${answer.message})`, fix: `Check BOOKING_FLOW_ID. ${publishFix}` };
  const status = String(answer.json.status ?? 'unknown');
  if (status === 'PUBLISHED') return { status: 'pass', name: 'booking flow', detail: `Flow ${flowId} "${String(answer.json.name ?? '')}" is PUBLISHED` };
  return { status: 'fail', name: 'booking flow', detail: `Flow ${flowId} is ${status}, not PUBLISHED: customers cannot open it`, fix: status === 'DRAFT' ? publishFix : 'See the Flow in WhatsApp Manager → Flows for why Meta blocked or throttled it, fix that, and publish a new version.' };
}

async function checkTemplates(config: AppConfig, facts: DatabaseFacts | undefined): Promise<DoctorCheck[]> {
  const wanted = new Map<string, { name: string; language: string; usedBy: string }>();
  if (config.flows.templateName) {
    wanted.set(`${config.flows.templateName}/${config.flows.templateLanguage}`, { name: config.flows.templateName, language: config.flows.templateLanguage, usedBy: 'BOOKING_FLOW_TEMPLATE_NAME' });
  }
  for (const template of facts?.ruleTemplates ?? []) {
    const key = `${template.name}/${template.language}`;
    if (!wanted.has(key)) wanted.set(key, { ...template, usedBy: 'reminder and follow-up rules' });
  }
  if (wanted.size === 0) {
    return [{ status: 'warn', name: 'templates', detail: 'no template is configured: outside the 24-hour window no reminder and no booking invitation can be sent', fix: 'Submit the templates of docs/DEPLOY.md §6.9 and name them in BOOKING_FLOW_TEMPLATE_NAME and the reminder rules.' }];
  }
  const waba = config.flows.businessAccountId;
  const token = config.whatsapp.accessToken;
  if (!waba || !token) {
    return [{ status: 'warn', name: 'templates', detail: `not checked (${[...wanted.values()].map((t) => `${t.name}/${t.language}`).join(', ')}): needs WHATSAPP_BUSINESS_ACCOUNT_ID and WHATSAPP_ACCESS_TOKEN`, fix: 'Set both, then run the doctor again.' }];
  }
  const checks: DoctorCheck[] = [];
  for (const template of wanted.values()) {
    const name = `template ${template.name} (${template.language})`;
    const submitFix = `Submit "${template.name}" in language ${template.language} in WhatsApp Manager → Message templates and wait for approval (docs/DEPLOY.md §6.9), or change ${template.usedBy} to an approved template.`;
    const answer = await graphGet(config.whatsapp.graphUrl, token, `${encodeURIComponent(waba)}/message_templates?name=${encodeURIComponent(template.name)}&fields=name,language,status&limit=100`);
    if (!answer.ok) {
      checks.push({ status: 'fail', name, detail: `the templates of WhatsApp Business Account ${waba} could not be read (${answer.message})`, fix: graphFix(answer, 'Check WHATSAPP_BUSINESS_ACCOUNT_ID and the token\'s whatsapp_business_management permission.') });
      continue;
    }
    const rows = Array.isArray(answer.json.data) ? (answer.json.data as Array<{ name?: unknown; language?: unknown; status?: unknown }>) : [];
    const match = rows.find((row) => row.name === template.name && row.language === template.language);
    if (!match) checks.push({ status: 'fail', name, detail: `used by ${template.usedBy}, but WhatsApp Business Account ${waba} has no such template in this language`, fix: submitFix });
    else if (match.status !== 'APPROVED') checks.push({ status: 'fail', name, detail: `used by ${template.usedBy}, but its status is ${String(match.status)}, not APPROVED`, fix: submitFix });
    else checks.push({ status: 'pass', name, detail: `APPROVED (used by ${template.usedBy})` });
  }
  return checks;
}

function checkPublicBaseUrl(config: AppConfig): DoctorCheck {
  const url = config.http.publicBaseUrl;
  const host = new URL(url).hostname;
  if (url.startsWith('https://') && host !== 'localhost' && host !== '127.0.0.1') return { status: 'pass', name: 'public base url', detail: `PUBLIC_BASE_URL is ${url}` };
  return { status: 'fail', name: 'public base url', detail: `PUBLIC_BASE_URL is ${url}: Meta needs https on a public name, and customers get links to it`, fix: 'Set PUBLIC_BASE_URL to the https address of the reverse proxy, e.g. https://book.example-clinic.com (docs/DEPLOY.md §5).' };
}

function checkEncryptionKey(config: AppConfig, facts: DatabaseFacts | undefined): DoctorCheck {
  if (config.dataEncryptionKey) return { status: 'pass', name: 'data encryption key', detail: 'DATA_ENCRYPTION_KEY is set' };
  const makeKey = 'Set DATA_ENCRYPTION_KEY: node -e "console.log(require(\'crypto\').randomBytes(32).toString(\'base64\'))" (keep a copy off the server).';
  if (facts && facts.storedSecrets > 0) {
    return { status: 'fail', name: 'data encryption key', detail: `DATA_ENCRYPTION_KEY is not set, but ${facts.storedSecrets} secret(s) are stored encrypted (per-number tokens, calendar addresses) and cannot be read`, fix: 'Set DATA_ENCRYPTION_KEY to the key they were stored with.' };
  }
  return { status: 'warn', name: 'data encryption key', detail: 'DATA_ENCRYPTION_KEY is not set: the API refuses to store per-number tokens and external calendar addresses', fix: makeKey };
}
