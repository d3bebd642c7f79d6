/**
 * The Cloud API webhook. GET answers Meta's subscription check; POST verifies
 * X-Hub-Signature-256 over the raw bytes, parses into InboundEvents, stores messages and their
 * jobs in one transaction (shared with the webhooks that arrive together: inbox-writer.ts), and
 * only then answers 200. Nothing a client sends causes a 500.
 */
import express, { Router, type Request, type Response } from 'express';
import type { Clock } from '../platform/clock';
import { currentTraceparent } from '../platform/tracing';
import type { PrismaClient } from '../platform/database';
import type { Logger } from '../platform/logger';
import { sendError } from '../platform/http-errors';
import type { InboundMessageEvent, InboundStatusEvent } from './inbound-event';
import { applyStatusUpdates, findBusinessIdByPhoneNumberId } from './inbox-repository';
import { linkCustomerIdentities } from './customer-identity';
import { createInboxWriter, type InboxWriter } from './inbox-writer';
import { maskPhone } from './mask';
import { parseWebhookPayload } from './parse-webhook';
import { verifySignature } from './signature';

/** Meta posts batches well under this; anything larger is not a webhook. */
export const WEBHOOK_BODY_LIMIT = '1mb';

/** What the webhook needs. */
export interface WebhookDeps {
  prisma: PrismaClient;
  logger: Logger;
  clock: Clock;
  appSecret: string;
  verifyToken: string | undefined;
}

/** Builds the /webhook router. */
export function createWebhookRouter(deps: WebhookDeps): Router {
  const router = Router();
  const log = deps.logger.child({ component: 'webhook' });
  // Webhooks arriving together commit together (group commit); each still answers after its commit.
  const inbox = createInboxWriter(deps.prisma);

  router.get('/webhook', (req: Request, res: Response) => {
    const mode = req.query['hub.mode'];
    const token = req.query['hub.verify_token'];
    const challenge = req.query['hub.challenge'];
    if (deps.verifyToken && mode === 'subscribe' && token === deps.verifyToken && typeof challenge === 'string') {
      res.status(200).type('text/plain').send(challenge);
      return;
    }
    res.status(403).type('text/plain').send('Forbidden: hub.mode must be "subscribe" and hub.verify_token must match WHATSAPP_VERIFY_TOKEN.');
  });

  router.post('/webhook', express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }), async (req: Request, res: Response) => {
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!verifySignature({ appSecret: deps.appSecret, rawBody, header: req.get('x-hub-signature-256') })) {
      log.warn({ hasHeader: Boolean(req.get('x-hub-signature-256')) }, 'webhook signature missing or wrong');
      sendError(res, 401, 'invalid_signature', 'X-Hub-Signature-256 is missing or does not match the body signed with the app secret.');
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(rawBody.toString('utf8'));
    } catch {
      sendError(res, 400, 'invalid_json', 'The webhook body is not valid JSON.');
      return;
    }
    const parsed = parseWebhookPayload(body, { receivedAt: deps.clock.now() });
    if (!parsed.ok) {
      sendError(res, 400, 'not_a_whatsapp_webhook', parsed.reason);
      return;
    }
    for (const systemError of parsed.systemErrors) log.warn({ code: systemError.code, title: systemError.title }, 'webhook reported an error');
    // Answered 200 all the same: Meta would redeliver a refused webhook for days, and the rest of it is good.
    for (const problem of parsed.problems) log.warn({ part: problem.part, action: problem.action, reason: problem.reason }, 'webhook input repaired or skipped');

    await storeEvents(deps, inbox, log, parsed.events);
    res.status(200).json({ status: 'ok' });
  });

  return router;
}

/** Stores a webhook's messages and applies its statuses, per business number; a number no business owns is logged and skipped. */
async function storeEvents(deps: WebhookDeps, inbox: InboxWriter, log: Logger, events: Array<InboundMessageEvent | InboundStatusEvent>): Promise<void> {
  const byNumber = new Map<string, { messages: InboundMessageEvent[]; statuses: InboundStatusEvent[] }>();
  for (const event of events) {
    const group = byNumber.get(event.phoneNumberId) ?? { messages: [], statuses: [] };
    if (event.kind === 'message') group.messages.push(event);
    else group.statuses.push(event);
    byNumber.set(event.phoneNumberId, group);
  }
  const receivedAt = deps.clock.now();
  for (const [phoneNumberId, group] of byNumber) {
    const businessId = await findBusinessIdByPhoneNumberId(deps.prisma, phoneNumberId);
    if (!businessId) {
      // Meta retries non-200s for days; a number that is not ours will never become ours by retrying.
      log.warn({ phoneNumberId, messages: group.messages.length }, 'webhook for a phone_number_id no business owns; ignored');
      continue;
    }
    const messages = await linkCustomerIdentities(deps.prisma, businessId, group.messages);
    const traceparent = currentTraceparent();
    const stored = await inbox.store({ businessId, phoneNumberId, events: messages, receivedAt, ...(traceparent ? { traceparent } : {}) });
    const updated = await applyStatusUpdates(deps.prisma, { businessId, events: group.statuses });
    log.debug(
      { businessId, stored, duplicates: group.messages.length - stored, statuses: updated, senders: group.messages.map((m) => maskPhone(m.senderKey)) },
      'webhook stored',
    );
  }
}
