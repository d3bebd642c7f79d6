/**
 * `/simulator`: a WhatsApp chat on a phone, in the browser, as a customer of the business. Open in
 * sandbox mode (the demo business); otherwise for console admins only (their business). Every
 * action becomes what a customer's WhatsApp would send (signed webhooks to /webhook, encrypted
 * requests to the Flows endpoint); what the server sends back is read from its outbox.
 */
import path from 'node:path';
import { createPublicKey } from 'node:crypto';
import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { escapeHtml } from '@kitajs/html';
import { z } from 'zod';
import { flowRenderer, readFlowsPrivateKey } from '../../flows';
import type { AppConfig } from '../../platform/config';
import type { Clock } from '../../platform/clock';
import type { PrismaClient } from '../../platform/database';
import { resolveSession } from '../auth/accounts';
import { readCookie, sessionCookieName } from '../http/cookies';
import { setConsoleSecurityHeaders } from '../http/security-headers';
import { Head } from '../views/layout';
import { renderChat, renderListSheet } from './chat-view';
import { readPostedForm, renderFlowSheet, screenStamp } from './flow-view';
import { phoneTexts, PHONE_LOCALES } from './phone-texts';
import { actOnFlow, dismissRefusedFlow, openFlow, phoneOf, readFlowJsonFile, readInbox, sendFromPhone, type PhoneDeps, type PhoneState } from './simulated-phone';
import { findSimulatedBusiness, listMessagesTo, type SimulatedBusiness } from './simulator-repository';

/** What the simulator needs. */
export interface SimulatorRouterDeps {
  prisma: PrismaClient;
  clock: Clock;
  config: AppConfig;
  /** The Flow JSON shown for a Flow message; default flows/booking.flow.json (the file the server publishes), read on every open. */
  flowJsonFile?: string;
}

/** The booking Flow's JSON, the version the server sends to Meta. */
export const DEFAULT_FLOW_JSON_FILE = path.join(__dirname, '..', '..', '..', 'flows', 'booking.flow.json');

const identitySchema = z.object({
  phone: z.string().regex(/^\d{6,15}$/, 'a WhatsApp number is 6–15 digits, country code first, no +').default('34600123456'),
  name: z.string().trim().min(1).max(100).default('Simulator Customer'),
  lang: z.enum(PHONE_LOCALES).default('en'),
});

type Identity = z.infer<typeof identitySchema>;

interface SimulatorContext {
  business: SimulatedBusiness;
  identity: Identity;
  phone: PhoneState;
}

/** Builds the /simulator router. */
export function createSimulatorRouter(deps: SimulatorRouterDeps): Router {
  const router = Router();
  const flowJsonFile = deps.flowJsonFile ?? DEFAULT_FLOW_JSON_FILE;
  const privateKey = readFlowsPrivateKey(deps.config.flows);
  const publicKey = privateKey ? createPublicKey(privateKey) : undefined;

  // The server calls itself on the address the request came in on: that one is reachable for sure.
  const phoneDepsFor = (req: Request): PhoneDeps => {
    const host = req.socket.localAddress ?? '127.0.0.1';
    const origin = `http://${host.includes(':') ? `[${host}]` : host}:${req.socket.localPort}`;
    return {
      prisma: deps.prisma,
      webhook: { url: `${origin}/webhook`, appSecret: deps.config.whatsapp.appSecret },
      ...(publicKey ? { flowsEndpoint: { url: `${origin}${deps.config.flows.endpointPath}`, publicKey, appSecret: deps.config.whatsapp.appSecret } } : {}),
      loadFlowJson: () => readFlowJsonFile(flowJsonFile),
      now: () => deps.clock.now(),
    };
  };

  router.use('/simulator', setConsoleSecurityHeaders(), express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 200 }));
  router.use('/simulator', resolveBusiness(deps));
  router.use('/simulator', (req, res, next) => {
    // Requests that change something come from htmx on our own page: a cross-site form cannot set
    // HX-Request without a CORS preflight, which this server never grants.
    if (req.method !== 'GET' && req.get('hx-request') !== 'true') {
      res.status(403).type('text/plain').send('The simulator accepts changes only from its own page (HX-Request header missing).');
      return;
    }
    const source = req.method === 'GET' ? req.query : { ...req.query, ...(req.body as Record<string, unknown>) };
    const parsed = identitySchema.safeParse({ phone: first(source.phone), name: first(source.name), lang: first(source.lang) });
    if (!parsed.success) {
      res.status(400).type('text/plain').send(`Check who you are: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
      return;
    }
    const business = res.locals.simulatorBusiness as SimulatedBusiness;
    const context: SimulatorContext = { business, identity: parsed.data, phone: phoneOf(business, { waId: parsed.data.phone, name: parsed.data.name }, parsed.data.lang) };
    res.locals.simulator = context;
    next();
  });

  router.get('/simulator', async (req, res) => {
    const context = contextOf(res);
    const chat = await buildChat(phoneDepsFor(req), context);
    res.type('html').send(renderPage(context, chat.html));
  });

  router.get('/simulator/chat', async (req, res) => {
    const chat = await buildChat(phoneDepsFor(req), contextOf(res));
    if (req.query.v === chat.version) {
      res.status(204).end();
      return;
    }
    res.type('html').send(chat.html);
  });

  router.post('/simulator/send', async (req, res) => {
    const context = contextOf(res);
    const text = String((req.body as Record<string, unknown>).text ?? '').trim();
    if (text) await sendFromPhone(phoneDepsFor(req), context.business, context.phone, { type: 'text', text: { body: text.slice(0, 4096) } }, text);
    const chat = await buildChat(phoneDepsFor(req), context);
    res.type('html').send(chat.html);
  });

  router.post('/simulator/reply', async (req, res) => {
    const context = contextOf(res);
    const body = req.body as Record<string, string | undefined>;
    const id = String(body.id ?? '');
    const title = String(body.title ?? '');
    if (!id || (body.kind !== 'button' && body.kind !== 'list')) {
      res.status(400).type('text/plain').send('A reply needs kind=button|list, id and title.');
      return;
    }
    const interactive = body.kind === 'button'
      ? { type: 'button_reply', button_reply: { id, title } }
      : { type: 'list_reply', list_reply: { id, title, ...(body.description ? { description: body.description } : {}) } };
    await sendFromPhone(phoneDepsFor(req), context.business, context.phone, { type: 'interactive', interactive }, title);
    const chat = await buildChat(phoneDepsFor(req), context);
    // The list's sheet closes once a row is sent.
    res.type('html').send(`${chat.html}<div id="sheet" class="sheet-host" hx-swap-oob="true"></div>`);
  });

  router.get('/simulator/list', async (req, res) => {
    const context = contextOf(res);
    const row = await findReceived(deps.prisma, context, String(req.query.seq ?? ''));
    if (!row || (row.payload as { interactive?: { type?: string } }).interactive?.type !== 'list') {
      res.status(404).type('text/plain').send('No list message with that sequence in this chat.');
      return;
    }
    res.type('html').send(renderListSheet({ row, t: phoneTexts(context.identity.lang) }));
  });

  router.get('/simulator/sheet/close', (_req, res) => {
    res.type('html').send('');
  });

  router.post('/simulator/flow/open', async (req, res) => {
    const context = contextOf(res);
    const row = await findReceived(deps.prisma, context, String((req.body as Record<string, unknown>).seq ?? ''));
    if (!row) {
      res.status(404).type('text/plain').send('No Flow message with that sequence in this chat.');
      return;
    }
    let open;
    try {
      open = await openFlow(phoneDepsFor(req), context.phone, row);
    } catch (error) {
      // A Flow JSON that cannot be read is the developer's to fix: say so where the Flow would be.
      res.type('html').send(`<section class="sheet flow" role="dialog" aria-label="Flow JSON"><header class="sheet-head"><button type="button" class="icon" hx-get="/simulator/sheet/close" hx-target="#sheet" aria-label="Close">✕</button><h2>Flow JSON</h2></header><div class="schema-errors" role="alert"><p class="schema-title">${escapeHtml((error as Error).message)}</p></div></section>`);
      return;
    }
    if (!open) {
      res.status(409).type('text/plain').send('This Flow cannot be opened: it is not a Flow message, or WhatsApp disabled its button.');
      return;
    }
    sendFlowSheet(res, context);
  });

  router.post('/simulator/flow/act', async (req, res) => {
    const context = contextOf(res);
    const open = context.phone.flow;
    if (!open) {
      res.setHeader('HX-Trigger', 'chat-changed');
      res.type('html').send('');
      return;
    }
    const body = req.body as Record<string, unknown>;
    const act = String(body.act ?? 'change');
    if (open.state.closed) {
      dismissRefusedFlow(context.phone);
      res.setHeader('HX-Trigger', 'chat-changed');
      res.type('html').send('');
      return;
    }
    // A late change event for a screen already left must not touch the next one.
    if (body.at !== undefined && String(body.at) !== screenStamp(open)) {
      sendFlowSheet(res, context);
      return;
    }
    const phoneDeps = phoneDepsFor(req);
    if (act === 'close' || act === 'back') await actOnFlow(phoneDeps, context.business, context.phone, { kind: act });
    else if (act.startsWith('link:')) await runEmbeddedLink(phoneDeps, context, Number(act.slice(5)), readPostedForm(open, body));
    else await actOnFlow(phoneDeps, context.business, context.phone, { kind: act === 'footer' ? 'footer' : 'change', values: readPostedForm(open, body) });
    sendFlowSheet(res, context);
  });

  return router;
}

async function runEmbeddedLink(phoneDeps: PhoneDeps, context: SimulatorContext, index: number, values: Record<string, unknown>): Promise<void> {
  const open = context.phone.flow!;
  await actOnFlow(phoneDeps, context.business, context.phone, { kind: 'change', values });
  const component = flowRenderer.currentScreen(open.flow, open.state)?.components[index];
  if (component?.type !== 'EmbeddedLink' || !component.action) return;
  open.state = await flowRenderer.runAction(open.flow, open.state, component.action, async () => ({ kind: 'failed', message: flowRenderer.GENERIC_FLOW_ERROR }));
}

function sendFlowSheet(res: Response, context: SimulatorContext): void {
  const open = context.phone.flow;
  // Closed (completed, dismissed): the sheet goes and the chat refreshes at once.
  res.setHeader('HX-Trigger', 'chat-changed');
  res.type('html').send(open ? renderFlowSheet({ open, t: phoneTexts(context.identity.lang) }) : '');
}

function first(value: unknown): string | undefined {
  if (Array.isArray(value)) return value[0] === undefined ? undefined : String(value[0]);
  return value === undefined || value === '' ? undefined : String(value);
}

function contextOf(res: Response): SimulatorContext {
  return res.locals.simulator as SimulatorContext;
}

async function findReceived(prisma: PrismaClient, context: SimulatorContext, seq: string) {
  if (!/^\d{1,19}$/.test(seq)) return undefined;
  const rows = await listMessagesTo(prisma, { businessId: context.business.id, recipient: context.phone.customer.waId });
  return rows.find((row) => row.sequence.toString() === seq && row.kind !== 'read_receipt');
}

async function buildChat(phoneDeps: PhoneDeps, context: SimulatorContext) {
  const { received, readUpTo } = await readInbox(phoneDeps, context.business, context.phone);
  return renderChat({ phone: context.phone, received, readUpTo, t: phoneTexts(context.identity.lang), businessName: context.business.name });
}

// Sandbox mode: the demo (oldest) business, no sign-in. Otherwise a signed-in console admin's business.
function resolveBusiness(deps: SimulatorRouterDeps): RequestHandler {
  return async (req, res, next) => {
    const token = readCookie(req, sessionCookieName(req));
    const user = token ? await resolveSession(deps.prisma, token, deps.clock.now()) : null;
    if (!user && !deps.config.whatsapp.isSandbox) {
      if (req.method === 'GET' && req.path === '/') res.redirect(303, `/admin/sign-in?next=${encodeURIComponent('/simulator')}`);
      else res.status(401).type('text/plain').send('Sign in to the staff console as an admin to use the simulator.');
      return;
    }
    if (user && user.role !== 'admin' && !deps.config.whatsapp.isSandbox) {
      res.status(403).type('text/plain').send(`The simulator is for admins; you are signed in as ${user.role}.`);
      return;
    }
    const business = await findSimulatedBusiness(deps.prisma, user && user.role === 'admin' ? user.businessId : undefined);
    if (!business) {
      res.status(409).type('text/plain').send('The business has no WhatsApp number yet: add one (API: POST /v1/whatsapp-numbers) so the simulator knows where to write.');
      return;
    }
    res.locals.simulatorBusiness = business;
    next();
  };
}

function renderPage(context: SimulatorContext, chatHtml: string): string {
  const { identity, business } = context;
  const t = phoneTexts(identity.lang);
  const vals = JSON.stringify({ phone: identity.phone, name: identity.name, lang: identity.lang });
  return (
    '<!doctype html>' +
    (
      <html lang={identity.lang}>
        <Head title={`${t.title} · ${business.name}`} />
        <body class="simulator">
          <main class="sim-layout">
            <section class="sim-setup" aria-labelledby="who">
              <h1 safe>{t.title}</h1>
              <p safe>{t.explain}</p>
              <form method="get" action="/simulator">
                <h2 id="who" safe>{t.whoAmI}</h2>
                <label for="sim-name" safe>{t.name}</label>
                <input id="sim-name" name="name" value={identity.name} maxlength="100" required />
                <label for="sim-phone" safe>{t.number}</label>
                <input id="sim-phone" name="phone" value={identity.phone} inputmode="numeric" pattern="\d{6,15}" required />
                <label for="sim-lang" safe>{t.language}</label>
                <select id="sim-lang" name="lang">
                  <option value="en" selected={identity.lang === 'en'}>English</option>
                  <option value="es" selected={identity.lang === 'es'}>Español</option>
                  <option value="pt" selected={identity.lang === 'pt'}>Português</option>
                </select>
                <button type="submit" safe>{t.apply}</button>
              </form>
            </section>
            <section class="phone" aria-label={`${identity.name} · +${identity.phone}`} hx-vals={vals}>
              <header class="chat-head">
                <span class="avatar" aria-hidden="true" safe>{business.name.slice(0, 1)}</span>
                <span>
                  <strong safe>{business.name}</strong>
                  <small safe>{t.businessAccount}</small>
                </span>
              </header>
              {chatHtml as 'safe'}
              <form class="composer" hx-post="/simulator/send" hx-target="#chat" hx-swap="outerHTML">
                <label for="sim-text" class="visually-hidden" safe>{t.message}</label>
                <input id="sim-text" name="text" autocomplete="off" placeholder={t.message} maxlength="4096" />
                <button type="submit" safe>{t.send}</button>
              </form>
              <div id="sheet" class="sheet-host"></div>
            </section>
          </main>
          <link rel="stylesheet" href="/admin/assets/simulator.css" />
          <script src="/admin/assets/simulator.js" defer></script>
        </body>
      </html>
    )
  );
}
