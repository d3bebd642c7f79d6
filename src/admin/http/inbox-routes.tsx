/**
 * The inbox: list, one conversation, staff reply (free text inside the 24-hour window, an approved
 * template outside it), take over from the bot and hand back, and the server-sent event stream
 * that makes the list live.
 */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { CONVERSATION_EVENT_TASK, type ConversationEventPayload } from '../../conversation';
import { addJobInTransaction } from '../../jobs';
import type { Clock } from '../../platform/clock';
import type { PrismaClient } from '../../platform/database';
import { buildTemplateMessage, buildTextMessage, buildTranscript, describeInboundMessage, enqueueOutbound, findCustomerSendingNumber, isInsideServiceWindow } from '../../whatsapp';
import type { ConsoleUser } from '../auth/accounts';
import { createTranslate } from '../i18n';
import { inboxNotifierOf } from '../inbox/inbox-notifier';
import {
  findInboxConversation,
  findLatestInboundTexts,
  findTranscriptRows,
  listConfiguredTemplates,
  listInboxConversations,
  type InboxConversation,
} from '../inbox/inbox-repository';
import { ConversationView, InboxList, renderInboxPage } from '../views/inbox-page';
import { consoleUserOf, isHtmxRequest, requireAction, requireCsrfToken } from './console-session';

const HEARTBEAT_MS = 25_000;
const searchSchema = z.string().trim().max(100).optional().catch(undefined);
const idSchema = z.string().uuid();
const templateFormSchema = z.object({
  template: z.string().max(600),
  param: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value])),
});

/** Builds the inbox routes (behind requireSignedIn). */
export function createInboxRoutes(deps: { prisma: PrismaClient; clock: Clock }): Router {
  const router = Router();

  const findLatest = async (user: ConsoleUser, waiting: InboxConversation[]) => {
    const messages = await findLatestInboundTexts(deps.prisma, { businessId: user.businessId, customerIds: waiting.map((c) => c.customer.id) });
    return new Map([...messages].map(([customerId, message]) => [customerId, describeInboundMessage(message, 'rich') ?? '']));
  };

  const renderConversation = async (user: ConsoleUser, conversation: InboxConversation, messages: { notice?: string; error?: string } = {}) => {
    const isWithinWindow = isInsideServiceWindow({ lastInboundAt: conversation.customer.lastInboundAt, sendAt: deps.clock.now() });
    const [rows, templates] = await Promise.all([
      findTranscriptRows(deps.prisma, { businessId: user.businessId, customerId: conversation.customer.id }),
      isWithinWindow ? [] : listConfiguredTemplates(deps.prisma, user.businessId),
    ]);
    return (
      <ConversationView
        t={createTranslate(user.locale)}
        user={user}
        conversation={conversation}
        lines={buildTranscript(rows, 'rich')}
        isWithinWindow={isWithinWindow}
        templates={templates}
        {...messages}
      />
    ) as string;
  };

  router.get('/admin/inbox', async (req, res) => {
    const user = consoleUserOf(res);
    const t = createTranslate(user.locale);
    const search = searchSchema.parse(req.query.q);
    const selected = idSchema.safeParse(req.query.c);
    const { waiting, others } = await listInboxConversations(deps.prisma, { businessId: user.businessId, search });
    const conversation = selected.success ? await findInboxConversation(deps.prisma, { businessId: user.businessId, conversationId: selected.data }) : null;
    const list = (<InboxList t={t} user={user} waiting={waiting} others={others} latest={await findLatest(user, waiting)} selectedId={conversation?.id} search={search} />) as string;
    res
      .status(selected.success && !conversation ? 404 : 200)
      .type('html')
      .send(renderInboxPage({ t, user, list, search, waitingCount: waiting.length, conversation: conversation ? await renderConversation(user, conversation) : undefined }));
  });

  router.get('/admin/inbox/list', async (req, res) => {
    const user = consoleUserOf(res);
    const search = searchSchema.parse(req.query.q);
    const { waiting, others } = await listInboxConversations(deps.prisma, { businessId: user.businessId, search });
    res.type('html').send((<InboxList t={createTranslate(user.locale)} user={user} waiting={waiting} others={others} latest={await findLatest(user, waiting)} search={search} />) as string);
  });

  router.get('/admin/inbox/events', (req, res) => {
    const user = consoleUserOf(res);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write('retry: 3000\n\n');
    const unsubscribe = inboxNotifierOf(deps.prisma).subscribe(user.businessId, () => res.write('event: inbox\ndata: changed\n\n'));
    // A comment now and then keeps proxies from closing an idle stream.
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    req.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  });

  const act = async (req: Request, res: Response, run: (user: ConsoleUser, conversation: InboxConversation) => Promise<{ notice?: string; error?: string; status?: number }>) => {
    const user = consoleUserOf(res);
    const t = createTranslate(user.locale);
    const id = idSchema.safeParse(req.params.id);
    const conversation = id.success ? await findInboxConversation(deps.prisma, { businessId: user.businessId, conversationId: id.data }) : null;
    if (!conversation) {
      res.status(404).type('html').send(`<p class="error" role="alert">${t('error.notFound')}</p>`);
      return;
    }
    const outcome = await run(user, conversation);
    if (!isHtmxRequest(req)) {
      res.redirect(303, `/admin/inbox?c=${conversation.id}`);
      return;
    }
    const fresh = (await findInboxConversation(deps.prisma, { businessId: user.businessId, conversationId: conversation.id }))!;
    res.status(outcome.status ?? 200).type('html').send(await renderConversation(user, fresh, outcome));
  };

  const writes = Router();
  writes.use('/admin/inbox', requireCsrfToken(), requireAction('handle_conversations'));

  writes.post('/admin/inbox/:id/reply', (req, res) =>
    act(req, res, async (user, conversation) => {
      const t = createTranslate(user.locale);
      const text = z.string().trim().min(1).max(4096).safeParse((req.body as Record<string, unknown>)?.text);
      if (!text.success) return { error: t('error.generic', { message: 'write a reply of 1–4096 characters' }), status: 422 };
      if (!isInsideServiceWindow({ lastInboundAt: conversation.customer.lastInboundAt, sendAt: deps.clock.now() })) return { error: t('inbox.outsideWindow'), status: 409 };
      const phoneNumberId = await findCustomerSendingNumber(deps.prisma, { businessId: user.businessId, customerId: conversation.customer.id });
      if (!phoneNumberId) return { error: t('error.generic', { message: 'this business has no WhatsApp number to send from' }), status: 409 };
      await deps.prisma.$transaction((tx) =>
        enqueueOutbound(tx, {
          businessId: user.businessId,
          customerId: conversation.customer.id,
          phoneNumberId,
          recipient: conversation.customer.waId,
          kind: 'staff_reply',
          payload: buildTextMessage({ to: conversation.customer.waId, text: text.data }),
          createdAt: deps.clock.now(),
        }),
      );
      return { notice: t('inbox.sent') };
    }),
  );

  writes.post('/admin/inbox/:id/template', (req, res) =>
    act(req, res, async (user, conversation) => {
      const t = createTranslate(user.locale);
      // A template is never an answer to the customer: an opted-out customer gets none.
      if (conversation.customer.isOptedOut) return { error: t('inbox.optedOutNoTemplates'), status: 409 };
      const form = templateFormSchema.safeParse(req.body ?? {});
      const templates = await listConfiguredTemplates(deps.prisma, user.businessId);
      const template = form.success ? templates.find((candidate) => `${candidate.name}|${candidate.language}` === form.data.template) : undefined;
      if (!form.success || !template) return { error: t('inbox.unknownTemplate'), status: 422 };
      const values = form.data.param.map((value) => value.trim());
      if (values.length !== template.parameters.length || values.some((value) => value === '' || value.length > 1000)) {
        return { error: t('inbox.templateParameters', { count: template.parameters.length }), status: 422 };
      }
      const phoneNumberId = await findCustomerSendingNumber(deps.prisma, { businessId: user.businessId, customerId: conversation.customer.id });
      if (!phoneNumberId) return { error: t('error.generic', { message: 'this business has no WhatsApp number to send from' }), status: 409 };
      await deps.prisma.$transaction((tx) =>
        enqueueOutbound(tx, {
          businessId: user.businessId,
          customerId: conversation.customer.id,
          phoneNumberId,
          recipient: conversation.customer.waId,
          kind: 'staff_reply',
          payload: buildTemplateMessage({ to: conversation.customer.waId, name: template.name, languageCode: template.language, bodyParameters: values }),
          createdAt: deps.clock.now(),
        }),
      );
      return { notice: t('inbox.templateSent') };
    }),
  );

  writes.post('/admin/inbox/:id/take-over', (req, res) =>
    act(req, res, async (user, conversation) => {
      const t = createTranslate(user.locale);
      if (conversation.isHandoff && conversation.handoffReason === 'staff') return { notice: t('inbox.tookOver') };
      const payload: ConversationEventPayload = { businessId: user.businessId, customerId: conversation.customer.id, event: { type: 'STAFF_TAKE_OVER' } };
      await deps.prisma.$transaction((tx) => addJobInTransaction(tx, CONVERSATION_EVENT_TASK, payload));
      return { notice: t('inbox.tookOver') };
    }),
  );

  writes.post('/admin/inbox/:id/hand-back', (req, res) =>
    act(req, res, async (user, conversation) => {
      const t = createTranslate(user.locale);
      if (!conversation.isHandoff) return { notice: t('inbox.withBot') };
      const payload: ConversationEventPayload = { businessId: user.businessId, customerId: conversation.customer.id, event: { type: 'HANDOFF_RELEASED' } };
      await deps.prisma.$transaction((tx) => addJobInTransaction(tx, CONVERSATION_EVENT_TASK, payload));
      return { notice: t('inbox.handedBack') };
    }),
  );

  router.use(writes);
  return router;
}
