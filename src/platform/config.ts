/**
 * Configuration, parsed once from the environment with zod. Everything else receives the
 * parts it needs; nothing outside this file reads process.env.
 */
import path from 'node:path';
import { z } from 'zod';
import { parseEncryptionKey } from './secret-box';

const emptyToUndefined = (value: unknown) => (value === '' ? undefined : value);
const optionalString = z.preprocess(emptyToUndefined, z.string().optional());
const port = z.coerce.number().int().min(0).max(65535);

const envSchema = z.object({
  NODE_ENV: z.preprocess(emptyToUndefined, z.enum(['development', 'production', 'test']).default('development')),
  PORT: z.preprocess(emptyToUndefined, port.default(3000)),
  HOST: z.preprocess(emptyToUndefined, z.string().default('0.0.0.0')),
  PUBLIC_BASE_URL: z.preprocess(emptyToUndefined, z.url({ protocol: /^https?$/ }).optional()),
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
  DATABASE_URL: z.preprocess(emptyToUndefined, z.url({ protocol: /^postgres(ql)?$/ }).optional()),
  DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('.data')),
  EMBEDDED_POSTGRES_PORT: z.preprocess(emptyToUndefined, port.default(54329)),
  DATABASE_POOL_SIZE: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(200).default(10)),
  SEED_DEMO: z.preprocess(emptyToUndefined, z.enum(['true', 'false']).default('true')),
  MIGRATE_ON_START: z.preprocess(emptyToUndefined, z.enum(['true', 'false']).optional()),
  WHATSAPP_APP_SECRET: optionalString,
  WHATSAPP_VERIFY_TOKEN: optionalString,
  WHATSAPP_ACCESS_TOKEN: optionalString,
  WHATSAPP_GRAPH_URL: z.preprocess(emptyToUndefined, z.url().default('https://graph.facebook.com/v25.0')),
  ADMIN_API_KEY: optionalString,
  PROCESS_ROLE: z.preprocess(emptyToUndefined, z.enum(['all', 'web', 'worker']).default('all')),
  WORKER_CONCURRENCY: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(100).default(4)),
  WORKER_NICE: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(19).default(10)),
  FLOWS_PRIVATE_KEY: optionalString,
  FLOWS_PRIVATE_KEY_FILE: optionalString,
  FLOWS_PRIVATE_KEY_PASSPHRASE: optionalString,
  FLOWS_ENDPOINT_PATH: z.preprocess(emptyToUndefined, z.string().regex(/^\/[A-Za-z0-9/_.-]*$/, 'must be a path starting with /').default('/flows/endpoint')),
  FLOWS_CATALOG_CACHE_SECONDS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(3600).default(0)),
  FLOWS_KEY_UNWRAP_THREADS: z.preprocess(emptyToUndefined, z.enum(['true', 'false']).default('false')),
  BOOKING_FLOW_ID: optionalString,
  FLOW_TOKEN_TTL_MINUTES: z.preprocess(emptyToUndefined, z.coerce.number().int().min(5).max(10_080).default(60)),
  WHATSAPP_BUSINESS_ACCOUNT_ID: optionalString,
  BOOKING_FLOW_TEMPLATE_NAME: optionalString,
  BOOKING_FLOW_TEMPLATE_LANGUAGE: z.preprocess(emptyToUndefined, z.string().default('en')),
  METRICS_ENABLED: z.preprocess(emptyToUndefined, z.enum(['true', 'false'], { message: 'must be "true" or "false"' }).default('true')),
  METRICS_TOKEN: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[\x21-\x7e]{16,512}$/, 'must be 16–512 printable characters without spaces (for example the output of `openssl rand -hex 32`); Prometheus sends it as "Authorization: Bearer <token>"')
      .optional(),
  ),
  METRICS_PORT: z.preprocess(emptyToUndefined, z.coerce.number({ message: 'must be a port number (1–65535)' }).int().min(1, 'must be a port number (1–65535)').max(65535, 'must be a port number (1–65535)').optional()),
  METRICS_HOST: z.preprocess(emptyToUndefined, z.string().default('127.0.0.1')),
  OTEL_SERVICE_NAME: optionalString,
  OTEL_EXPORTER_OTLP_ENDPOINT: z.preprocess(emptyToUndefined, z.url({ protocol: /^https?$/, message: 'must be an http(s) URL of an OTLP/HTTP receiver, e.g. http://127.0.0.1:4318' }).optional()),
  DATA_ENCRYPTION_KEY: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .optional()
      .superRefine((value, ctx) => {
        if (value === undefined) return;
        const parsed = parseEncryptionKey(value);
        if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
      }),
  ),
});

/** The app secret sandbox mode uses when WHATSAPP_APP_SECRET is unset (never valid in live mode). */
export const SANDBOX_APP_SECRET = 'tapbook-sandbox-app-secret';

/** The typed, frozen configuration every component is handed. */
export interface AppConfig {
  env: 'development' | 'production' | 'test';
  /** publicBaseUrl: where customers reach this server (links in messages); default http://localhost:PORT. */
  http: { port: number; host: string; publicBaseUrl: string };
  logLevel: string;
  database: {
    /** Connection string of an external PostgreSQL; undefined → embedded PostgreSQL. */
    url: string | undefined;
    poolSize: number;
    embedded: { dataDir: string; port: number };
    /** Apply pending migrations at start (MIGRATE_ON_START; default: only with the embedded database), else refuse to start on an older schema. */
    migrateOnStart: boolean;
  };
  seedDemo: boolean;
  whatsapp: {
    /** Secret for X-Hub-Signature-256; in sandbox mode without WHATSAPP_APP_SECRET, SANDBOX_APP_SECRET. */
    appSecret: string;
    verifyToken: string | undefined;
    accessToken: string | undefined;
    graphUrl: string;
    /** No access token → outbound messages are stored, not posted (sandbox mode). */
    isSandbox: boolean;
  };
  adminApiKey: string | undefined;
  workerConcurrency: number;
  /** CPU priority a worker-only process gives itself (nice 0–19): on a shared host the webhook intake wins. */
  workerNice: number;
  /** all: HTTP and job workers; web: HTTP only; worker: job workers only (scale them apart). */
  processRole: 'all' | 'web' | 'worker';
  flows: {
    /** PEM text of the Flows endpoint's private key (FLOWS_PRIVATE_KEY). */
    privateKeyPem: string | undefined;
    /** Absolute path of a PEM file holding it (FLOWS_PRIVATE_KEY_FILE); used when the PEM text is unset. */
    privateKeyFile: string | undefined;
    privateKeyPassphrase: string | undefined;
    /** Path the encrypted data-exchange endpoint listens on. */
    endpointPath: string;
    /** Seconds a business's catalog is cached per process (0 = read per request; src/flows/flow-availability.ts names the trade-off). */
    catalogCacheSeconds: number;
    /** Unwrap requests' RSA keys on worker threads instead of the event loop (src/flows/key-unwrap-threads.ts names the trade-off). */
    isKeyUnwrapOnThreads: boolean;
    /** Published booking Flow; unset → "Book appointment" keeps the list-and-button path. */
    bookingFlowId: string | undefined;
    tokenTtlMinutes: number;
    /** WhatsApp Business Account id, for `npm run flows -- publish`. */
    businessAccountId: string | undefined;
    /** Approved template with a FLOW button, sent instead of the Flow outside the 24-hour window. */
    templateName: string | undefined;
    templateLanguage: string;
  };
  /**
   * Prometheus metrics and probes. `token`: GET /metrics on the main port needs it as a bearer
   * token (unset → 404 there); `port`: a second listener on `host` (default 127.0.0.1) serving
   * /metrics, /livez and /readyz (the only way to scrape a worker-only process).
   */
  metrics: { isEnabled: boolean; token: string | undefined; port: number | undefined; host: string };
  /** OTLP/HTTP endpoint for traces (OTEL_EXPORTER_OTLP_ENDPOINT); unset → no tracing is loaded. */
  tracing: { otlpEndpoint: string | undefined; serviceName: string | undefined };
  /** AES-256-GCM key for secrets at rest (DATA_ENCRYPTION_KEY); undefined → routes that store a secret refuse. */
  dataEncryptionKey: Buffer | undefined;
}

/** Parses the environment into AppConfig; throws one readable error listing every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid configuration. Fix these environment variables:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const isSandbox = !e.WHATSAPP_ACCESS_TOKEN;
  if (!isSandbox && !e.WHATSAPP_APP_SECRET) {
    throw new Error(
      'Invalid configuration. WHATSAPP_ACCESS_TOKEN is set, so WHATSAPP_APP_SECRET is required to verify the signature of every webhook Meta sends.',
    );
  }
  if (e.METRICS_PORT !== undefined && e.METRICS_PORT === e.PORT) {
    throw new Error(`Invalid configuration. METRICS_PORT (${e.METRICS_PORT}) must differ from PORT: it is a second listener for Prometheus (leave it unset to serve /metrics on PORT with METRICS_TOKEN).`);
  }
  const dataDir = path.resolve(cwd, e.DATA_DIR);
  return Object.freeze({
    env: e.NODE_ENV,
    http: { port: e.PORT, host: e.HOST, publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '') },
    logLevel: e.LOG_LEVEL,
    database: {
      url: e.DATABASE_URL,
      poolSize: e.DATABASE_POOL_SIZE,
      embedded: { dataDir: path.join(dataDir, 'postgres'), port: e.EMBEDDED_POSTGRES_PORT },
      // A shared server is migrated on purpose (`npm run db:migrate`), not by whichever process starts first.
      migrateOnStart: e.MIGRATE_ON_START === undefined ? !e.DATABASE_URL : e.MIGRATE_ON_START === 'true',
    },
    seedDemo: e.SEED_DEMO === 'true',
    whatsapp: {
      // Sandbox mode signs its own simulated webhooks; a fixed, documented secret keeps `npm run chat` zero-setup.
      appSecret: e.WHATSAPP_APP_SECRET ?? SANDBOX_APP_SECRET,
      verifyToken: e.WHATSAPP_VERIFY_TOKEN,
      accessToken: e.WHATSAPP_ACCESS_TOKEN,
      graphUrl: e.WHATSAPP_GRAPH_URL.replace(/\/+$/, ''),
      isSandbox,
    },
    adminApiKey: e.ADMIN_API_KEY,
    workerConcurrency: e.WORKER_CONCURRENCY,
    workerNice: e.WORKER_NICE,
    processRole: e.PROCESS_ROLE,
    flows: {
      privateKeyPem: e.FLOWS_PRIVATE_KEY,
      privateKeyFile: e.FLOWS_PRIVATE_KEY_FILE ? path.resolve(cwd, e.FLOWS_PRIVATE_KEY_FILE) : undefined,
      privateKeyPassphrase: e.FLOWS_PRIVATE_KEY_PASSPHRASE,
      endpointPath: e.FLOWS_ENDPOINT_PATH,
      catalogCacheSeconds: e.FLOWS_CATALOG_CACHE_SECONDS,
      isKeyUnwrapOnThreads: e.FLOWS_KEY_UNWRAP_THREADS === 'true',
      bookingFlowId: e.BOOKING_FLOW_ID,
      tokenTtlMinutes: e.FLOW_TOKEN_TTL_MINUTES,
      businessAccountId: e.WHATSAPP_BUSINESS_ACCOUNT_ID,
      templateName: e.BOOKING_FLOW_TEMPLATE_NAME,
      templateLanguage: e.BOOKING_FLOW_TEMPLATE_LANGUAGE,
    },
    metrics: { isEnabled: e.METRICS_ENABLED === 'true', token: e.METRICS_TOKEN, port: e.METRICS_PORT, host: e.METRICS_HOST },
    tracing: { otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: e.OTEL_SERVICE_NAME },
    dataEncryptionKey: e.DATA_ENCRYPTION_KEY === undefined ? undefined : toEncryptionKey(e.DATA_ENCRYPTION_KEY),
  });
}

function toEncryptionKey(text: string): Buffer {
  const parsed = parseEncryptionKey(text);
  if (!parsed.ok) throw new Error(`Invalid configuration. DATA_ENCRYPTION_KEY ${parsed.message}`);
  return parsed.key;
}
