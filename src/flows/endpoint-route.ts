/**
 * `POST /flows/endpoint` (path configurable): the encrypted data-exchange endpoint WhatsApp calls
 * while a customer fills the booking Flow. Order of checks, each with Meta's status code:
 * signature (432) → body JSON (400) → decryption (421) → request shape (400) → token (427) → 200.
 */
import { readFileSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import { createBookingService, TransactionRetriesExhausted, type BookingService } from '../booking';
import type { AppConfig } from '../platform/config';
import type { Clock } from '../platform/clock';
import { closeWithPrisma, poolOf, type PrismaClient } from '../platform/database';
import type { Logger } from '../platform/logger';
import { verifySignature } from '../whatsapp';
import { createKeyUnwrapper, decryptRequest, encryptResponse, FlowDecryptError, loadPrivateKey } from './crypto';
import { createKeyUnwrapThreads } from './key-unwrap-threads';
import { createFlowAvailability } from './flow-availability';
import { handleFlowRequest, type FlowEndpointDeps } from './handle-flow-request';

/** What the endpoint router needs. */
export interface FlowsRouterDeps {
  config: AppConfig;
  prisma: PrismaClient;
  logger: Logger;
  clock: Clock;
  /** Defaults to a booking core on `prisma` and `clock`. */
  bookings?: BookingService;
}

// Meta allows 10 MB; this Flow's requests are a few hundred bytes, so anything near the limit is not WhatsApp.
const BODY_LIMIT = '1mb';

/**
 * Reads the configured private key (FLOWS_PRIVATE_KEY text, else FLOWS_PRIVATE_KEY_FILE);
 * undefined when neither is set. Throws a readable Error for an unreadable file or a bad key.
 */
export function readFlowsPrivateKey(flows: AppConfig['flows']): KeyObject | undefined {
  let pem = flows.privateKeyPem;
  if (!pem && flows.privateKeyFile) {
    try {
      pem = readFileSync(flows.privateKeyFile, 'utf8');
    } catch (error) {
      throw new Error(`FLOWS_PRIVATE_KEY_FILE points to ${flows.privateKeyFile}, which cannot be read (${(error as Error).message}).`, { cause: error });
    }
  }
  if (!pem) return undefined;
  return loadPrivateKey({ pem, passphrase: flows.privateKeyPassphrase });
}

/**
 * The Flows endpoint router. Without a private key the path answers 503 saying which variable to
 * set; a configured but unusable key stops the server at startup (a misconfiguration, not a request error).
 */
export function createFlowsRouter(deps: FlowsRouterDeps): Router {
  const router = express.Router();
  const path = deps.config.flows.endpointPath;
  const privateKey = readFlowsPrivateKey(deps.config.flows);
  if (!privateKey) {
    router.post(path, (_req, res) => answerNotConfigured(res));
    return router;
  }
  const bookings = deps.bookings ?? createBookingService({ prisma: deps.prisma, clock: deps.clock });
  const { whatsapp, flows } = deps.config;
  const unwrapKey = flows.isKeyUnwrapOnThreads ? startKeyUnwrapThreads(deps.prisma, privateKey) : createKeyUnwrapper(privateKey);
  // The statements every request runs go straight to the pg pool as prepared statements (see poolOf).
  const liveReads = poolOf(deps.prisma);
  const handlerDeps = {
    prisma: deps.prisma,
    clock: deps.clock,
    logger: deps.logger,
    bookings,
    tokenReads: liveReads,
    availability: createFlowAvailability({ db: deps.prisma, liveReads, catalogTtlMs: flows.catalogCacheSeconds * 1000 }),
  };

  const endpoint = { whatsapp, logger: deps.logger, unwrapKey, handlerDeps };
  router.post(path, express.raw({ type: () => true, limit: BODY_LIMIT }), (req: Request, res: Response) => answerEndpointRequest(endpoint, req, res));
  return router;
}

/** What one endpoint request needs: the app secret, the key unwrapper and the request handler's deps. */
interface EndpointContext {
  whatsapp: AppConfig['whatsapp'];
  logger: Logger;
  unwrapKey: (encryptedKey: Buffer) => Promise<Buffer>;
  handlerDeps: FlowEndpointDeps;
}

/** Signature (432) → body JSON (400) → decryption (421) → the request's answer, encrypted. */
async function answerEndpointRequest({ whatsapp, logger, unwrapKey, handlerDeps }: EndpointContext, req: Request, res: Response): Promise<void> {
  const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  const header = req.get('x-hub-signature-256');
  // Sandbox mode's simulator may post unsigned requests; a signature that is sent is always checked.
  if ((header !== undefined || !whatsapp.isSandbox) && !verifySignature({ appSecret: whatsapp.appSecret, rawBody, header })) {
    sendPlainError(res, 432, 'invalid_signature', 'X-Hub-Signature-256 does not match the request body and the app secret.');
    return;
  }
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    sendPlainError(res, 400, 'invalid_json', 'The request body is not JSON.');
    return;
  }
  let decrypted;
  try {
    decrypted = await decryptRequest({ body, unwrapKey });
  } catch (error) {
    if (!(error instanceof FlowDecryptError)) throw error;
    if (error.reason === 'invalid_body') {
      sendPlainError(res, 400, 'invalid_flow_envelope', error.message);
      return;
    }
    logger.warn({ reason: error.reason }, 'Flows request could not be decrypted');
    sendPlainError(res, error.statusCode, 'decryption_failed', error.message);
    return;
  }
  try {
    const result = await handleFlowRequest(handlerDeps, decrypted.payload);
    if (result.kind === 'plain') {
      sendPlainError(res, result.status, result.code, result.message);
      return;
    }
    sendEncrypted(res, result.status, encryptResponse({ response: result.response, aesKey: decrypted.aesKey, iv: decrypted.iv }));
  } catch (error) {
    // Many customers holding times of one schedule at once: nothing was written, and the same tap
    // a moment later goes through. Busy, as the REST API says it, not our failure.
    if (error instanceof TransactionRetriesExhausted) {
      logger.warn({ attempts: error.attempts }, 'Flows request gave up on a busy schedule');
      sendPlainError(res, 503, 'busy', 'Too many changes to this schedule at once; nothing was written. Try again in a moment.');
      return;
    }
    // Only our own failures (database down…) get here; WhatsApp shows a generic error and retries later.
    logger.error({ err: error }, 'Flows request failed');
    sendPlainError(res, 500, 'internal_error', 'Something went wrong on our side.');
  }
}

function answerNotConfigured(res: Response): void {
  res.status(503).json({
    error: {
      code: 'flows_not_configured',
      message:
        'The WhatsApp Flows endpoint has no private key. Set FLOWS_PRIVATE_KEY (PEM text) or FLOWS_PRIVATE_KEY_FILE (path to the PEM), ' +
        'plus FLOWS_PRIVATE_KEY_PASSPHRASE when the key is encrypted. `npm run flows -- keys` generates a key pair.',
    },
  });
}

/** The option of unwrapping on threads; they end with the app's database client. */
function startKeyUnwrapThreads(prisma: PrismaClient, privateKey: KeyObject): (encryptedKey: Buffer) => Promise<Buffer> {
  const threads = createKeyUnwrapThreads(privateKey);
  closeWithPrisma(prisma, threads.close);
  return threads.unwrap;
}

// res.send would hash the body for an ETag nobody revalidates (a POST answer encrypted with a one-time key);
// base64 is ASCII, so its length is its byte length.
function sendEncrypted(res: Response, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': body.length }).end(body);
}

function sendPlainError(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: { code, message } });
}
