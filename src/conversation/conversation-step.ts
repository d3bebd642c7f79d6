/**
 * One conversation step = one SERIALIZABLE transaction: lock the sender's conversation, restore
 * the machine snapshot, feed the event through XState's pure `transition`, execute the effects
 * (booking core, outbox, timers) and feed their answers back until the machine is quiet, save
 * the snapshot, mark the inbox message processed. A throw writes nothing; the job retries.
 */
import { randomUUID } from 'node:crypto';
import type { SnapshotFrom } from 'xstate';
import { LOCALES, type ConversationEvent, type Locale, type LocalizedNames } from '../../machines/conversation-types';
import { parseReplyId, toConversationEvent } from '../../machines/conversation-events';
import { CONVERSATION_MACHINE_VERSION, conversationMachine, toConversationEffects } from '../../machines/conversation.machine';
import { createPureTransitions } from '../../machines/pure-transition';
import { runSerializable, type BookingService } from '../booking';
import { addJobInTransaction } from '../jobs';
import type { Clock } from '../platform/clock';
import { poolOf, type Prisma, type PrismaClient } from '../platform/database';
import type { Logger } from '../platform/logger';
import { querySql, type SqlStatement } from '../platform/sql';
import {
  buildMarkReadMessage,
  buildTextMessage,
  maskPhone,
  SEND_OUTBOX_TASK,
  sendJobKey,
  sendQueuedForRecipient,
  type InboundMessage,
  type OutboxSenderDeps,
  type SendOutboxPayload,
} from '../whatsapp';
import { parseRatingReplyId, recordRatingReply, renderRatingThanks } from '../reminders';
import {
  closeConversationStep,
  findPendingInbox,
  openConversation,
  peekConversation,
  saveConversationStep,
  type ConversationBusiness,
  type ConversationChanges,
  type ConversationRow,
  type OpenedConversation,
  type PendingInboxMessage,
} from './conversation-repository';
import { chooseLocale } from './locale';
import { matchTypedChoice } from './match-choice';
import { toLocalDate } from '../scheduling';
import { executeEffect, queueForCustomer, SerializableStepRequired, type ConversationEventPayload, type EffectContext, type FlowSendingOptions } from './effect-executor';
import { DEFAULT_EMERGENCY_KEYWORDS } from './classify-text';
import { renderMessage } from './render-message';
import { completeTakenAlongJobs, takenAlongJobIds } from './taken-along-jobs';
import { funnelEventsFor, type FunnelEventInput } from './funnel-events'; // KPI funnel hook (issue 25)
import { insertFunnelEvents } from './funnel-event-repository'; // KPI funnel hook (issue 25)

type ConversationSnapshot = SnapshotFrom<typeof conversationMachine>;

// XState's transition() and initialTransition(), minus a throwaway actor per call (pure-transition.ts says why).
const machineSteps = createPureTransitions(conversationMachine);

/** What a step needs. */
export interface ConversationDeps {
  prisma: PrismaClient;
  clock: Clock;
  logger: Logger;
  bookings: BookingService;
  /** Booking Flow settings (pass `config.flows`); without a BOOKING_FLOW_ID the list path books. */
  flows?: FlowSendingOptions;
  /** Public base URL of this server, for "Add to calendar" links in confirmations. */
  publicBaseUrl?: string;
  /**
   * Sends a step's messages right after its commit, in the same job (graph clients and hooks of
   * the outbox sender). Without it a send_outbox job, added in the step's transaction, sends them.
   */
  sender?: Omit<OutboxSenderDeps, 'prisma' | 'clock' | 'logger'>;
}

// An answer loop longer than this means the machine and runtime disagree; stop rather than spin.
const MAX_EVENTS_PER_STEP = 25;
const MAX_INBOX_PER_STEP = 20;

interface StepState {
  snapshot: ConversationSnapshot;
  ctx: EffectContext;
  /** Inbox messages this step handled, with their outcomes (written when the step closes). */
  processed: Array<{ inboxId: string; outcome: string }>;
  /** Booking-funnel facts of the step's transitions, saved with the step (KPI funnel hook, issue 25). */
  funnel?: FunnelEventInput[];
}

async function runEvents(state: StepState, first: ConversationEvent): Promise<void> {
  const queue: ConversationEvent[] = [first];
  for (let handled = 0; queue.length > 0; handled += 1) {
    if (handled >= MAX_EVENTS_PER_STEP) throw new Error(`conversation step did not settle after ${MAX_EVENTS_PER_STEP} events`);
    const event = queue.shift()!;
    const [next, actions] = machineSteps.transition(state.snapshot, event);
    (state.funnel ??= []).push(...funnelEventsFor(state.snapshot, next, event)); // KPI funnel hook (issue 25)
    state.snapshot = next;
    for (const effect of toConversationEffects(actions)) {
      const answer = await executeEffect(state.ctx, effect);
      if (answer) queue.push(answer);
    }
  }
}

function persistable(snapshot: ConversationSnapshot) {
  return { value: snapshot.value, context: snapshot.context };
}

function stateLabel(snapshot: ConversationSnapshot): string {
  return JSON.stringify(snapshot.value).slice(0, 200);
}

/**
 * Restores the saved snapshot; one from an older machine version that no longer fits resets the
 * sender to a fresh machine (the caller apologises), never a crash.
 */
function restoreSnapshot(row: ConversationRow, isFlowEnabled: boolean, emergencyTexts: LocalizedNames): ConversationSnapshot | undefined {
  if (row.machineVersion !== CONVERSATION_MACHINE_VERSION) return undefined;
  try {
    const saved = row.snapshot as { value: unknown; context: Record<string, unknown> };
    // The Flow setting follows the configuration, not the day the conversation started.
    const context = { ...saved.context, isFlowEnabled, emergencyTexts };
    const snapshot = conversationMachine.resolveState({ value: saved.value as never, context: context as never });
    return snapshot.status === 'active' ? snapshot : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The business's emergency text per language, as the machine reads it: the texts set per language,
 * and the single text for the business's default language (it was written in that language).
 */
function resolveEmergencyTexts(business: ConversationBusiness): LocalizedNames {
  const texts: LocalizedNames = {};
  if (business.emergencyText?.trim()) texts[chooseLocale({ saved: null, businessDefault: business.defaultLocale })] = business.emergencyText;
  for (const locale of LOCALES) {
    const text = business.emergencyTexts[locale];
    if (typeof text === 'string' && text.trim()) texts[locale] = text;
  }
  return texts;
}

/** The step's starting point: the parties and the conversation row (locked, or as last committed). */
interface StepOrigin {
  business: ConversationBusiness;
  customer: OpenedConversation['customer'];
  row: ConversationRow;
  isNew: boolean;
}

/** Restores the sender's machine (fresh on first contact or after a version reset) and the effect context around `tx`. */
async function startStep(deps: ConversationDeps, tx: Prisma.TransactionClient, origin: StepOrigin, isSerializable: boolean): Promise<{ state: StepState; wasReset: boolean }> {
  const { business, customer, row, isNew } = origin;
  // The saved choice, else the business's language; the customer's own words switch it (the
  // machine detects Spanish and Portuguese). A guess from the number's country code was tried and
  // dropped: expats and tourists writing English would be answered in Spanish.
  const locale = chooseLocale({ saved: customer.locale, businessDefault: business.defaultLocale });
  const isFlowEnabled = Boolean(deps.flows?.bookingFlowId);
  const input = {
    isFlowEnabled,
    businessName: business.name,
    locale,
    ...(customer.name ? { customerName: customer.name } : {}),
    emergencyTexts: resolveEmergencyTexts(business),
  };
  const [fresh, initialActions] = machineSteps.initialTransition(input);
  const restored = isNew ? fresh : restoreSnapshot(row, isFlowEnabled, input.emergencyTexts);
  const ctx: EffectContext = {
    tx,
    isSerializable,
    clock: deps.clock,
    bookings: deps.bookings,
    business,
    customer: { id: customer.id, waId: customer.waId, name: customer.name, username: customer.username },
    conversation: row,
    conversationChanges: {},
    outbound: [],
    ...(deps.flows ? { flows: deps.flows } : {}),
    ...(deps.publicBaseUrl ? { publicBaseUrl: deps.publicBaseUrl } : {}),
  };
  const state: StepState = { snapshot: restored ?? fresh, ctx, processed: [] };
  if (isNew || !restored) {
    for (const effect of toConversationEffects(initialActions)) await executeEffect(ctx, effect);
  }
  if (!restored && !isNew) {
    // The saved dialogue belongs to an older version of the bot: start over and say so.
    queueForCustomer(ctx, 'reply', renderMessage({ descriptor: { kind: 'text', key: 'system.resetApology' }, locale, to: customer.waId, timeZone: business.timeZone }));
  }
  return { state, wasReset: !restored && !isNew };
}

async function openStep(
  deps: ConversationDeps,
  tx: Prisma.TransactionClient,
  params: { businessId: string; customerId: string },
  isSerializable: boolean,
): Promise<{ state: StepState; business: ConversationBusiness; wasReset: boolean; pending: PendingInboxMessage[] } | null> {
  const opened = await openConversation(tx, { ...params, machineVersion: CONVERSATION_MACHINE_VERSION, pendingLimit: MAX_INBOX_PER_STEP });
  if (!opened) return null;
  const { state, wasReset } = await startStep(deps, tx, opened, isSerializable);
  const pending = opened.pending ?? (await findPendingInbox(tx, { ...params, limit: MAX_INBOX_PER_STEP }));
  return { state, business: opened.business, wasReset, pending };
}

/**
 * Writes everything the step decided in one statement (messages, inbox outcomes, snapshot).
 * Without an inline sender, the recipient's send_outbox job is added in the same transaction.
 * Returns how many messages were queued.
 */
async function closeStep(deps: ConversationDeps, tx: Prisma.TransactionClient, state: StepState, extra: ConversationChanges = {}): Promise<number> {
  const { ctx } = state;
  const queued = await closeConversationStep(tx, {
    row: ctx.conversation,
    changes: { ...ctx.conversationChanges, ...extra },
    snapshot: persistable(state.snapshot),
    stateValue: stateLabel(state.snapshot),
    machineVersion: CONVERSATION_MACHINE_VERSION,
    outbound: ctx.outbound,
    outboundTo: { customerId: ctx.customer.id, phoneNumberId: ctx.business.phoneNumberId, recipient: ctx.customer.waId },
    processed: state.processed,
    at: deps.clock.now(),
  });
  await insertFunnelEvents(tx, { businessId: ctx.business.id, customerId: ctx.customer.id, events: state.funnel ?? [] }); // KPI funnel hook (issue 25)
  if (queued > 0 && !deps.sender) {
    const job: SendOutboxPayload = { businessId: ctx.business.id, recipient: ctx.customer.waId };
    await addJobInTransaction(tx, SEND_OUTBOX_TASK, job, { jobKey: sendJobKey(job.businessId, job.recipient), maxAttempts: 50 });
  }
  return queued;
}

/**
 * After the commit: sends the step's messages in this job when an inline sender is configured, and
 * completes the queued jobs of the messages the step took along (taken-along-jobs.ts).
 * A crash between the commit and this send leaves the rows queued; the outbox sweep (a cron job,
 * src/whatsapp/outbox-sweep.ts) hands them to a send_outbox job.
 */
async function sendAfterStep(deps: ConversationDeps, job: SendOutboxPayload | null, takenAlongJobs: readonly string[] = []): Promise<void> {
  // Alongside the send, not before it: the customer's reply does not wait for the bookkeeping.
  const completing = completeTakenAlongJobs(poolOf(deps.prisma), deps.logger, takenAlongJobs);
  if (job && deps.sender) await sendQueuedForRecipient({ ...deps.sender, prisma: deps.prisma, clock: deps.clock, logger: deps.logger }, job);
  await completing;
}

/** Outcome of flood control for one inbound message. */
type FloodVerdict = 'ok' | 'notify' | 'silent';

function checkFlood(row: ConversationRow, changes: ConversationChanges, business: ConversationBusiness, now: Date): FloodVerdict {
  const windowStart = changes.floodWindowStart ?? row.floodWindowStart;
  const count = changes.floodCount ?? row.floodCount;
  const cooldownUntil = changes.floodCooldownUntil === undefined ? row.floodCooldownUntil : changes.floodCooldownUntil;
  if (cooldownUntil && cooldownUntil > now) return 'silent';
  const isNewWindow = !windowStart || now.getTime() - windowStart.getTime() >= 60_000;
  const nextCount = isNewWindow ? 1 : count + 1;
  changes.floodWindowStart = isNewWindow ? now : windowStart;
  changes.floodCount = nextCount;
  if (nextCount > business.floodMessagesPerMinute) {
    changes.floodCooldownUntil = new Date(now.getTime() + business.floodCooldownMinutes * 60_000);
    changes.floodCount = 0;
    return 'notify';
  }
  return 'ok';
}

/**
 * Runs a step READ COMMITTED (the sender's row lock already serialises their messages); a step
 * whose effects change bookings is rolled back and run again SERIALIZABLE, so the booking core's
 * re-check holds. A confirm that raced past the checks hits the exclusion constraint (23P01);
 * that re-run sees the winner and answers "taken".
 */
async function runStepTransaction<T>(deps: ConversationDeps, work: (tx: Prisma.TransactionClient, isSerializable: boolean) => Promise<T>): Promise<T> {
  try {
    // No isolationLevel: PostgreSQL's default is READ COMMITTED, and naming it costs a separate
    // SET TRANSACTION round trip on every step. (A server configured for a stricter default runs
    // the step stricter: slower, never wrong.)
    return await deps.prisma.$transaction((tx) => work(tx, false), {
      maxWait: 30_000,
      timeout: 30_000,
    });
  } catch (error) {
    if (!(error instanceof SerializableStepRequired)) throw error;
    // Steps booking the same staff time queue for it before they start, instead of aborting each other.
    const claim = error.claim ? deps.bookings.claimStaffTime(error.claim) : undefined;
    return runSerializable(deps.prisma, (tx) => work(tx, true), { retryOnStates: ['23P01'], ...deps.bookings.retryBounds, claim });
  }
}

/** Payload of the process_inbox job (the inbox id is absent from jobs queued before it was added). */
export interface ProcessInboxParams {
  businessId: string;
  customerId: string;
  inboxId?: string;
}

/**
 * A sender's burst queues one job per message, but a step handles every pending message of its
 * sender: the jobs of messages it took along find theirs processed. Such a job goes on only when
 * the sender has other messages waiting (answering them now beats waiting for their own jobs);
 * else it stops after this one read by key. (Exported for the plan test: test/platform/plan-cache.test.ts.)
 */
export const INBOX_PENDING_SQL: SqlStatement = {
  name: 'conversation-inbox-pending',
  text: `SELECT own.processed_at IS NULL AS pending,
                EXISTS (SELECT 1 FROM inbox_messages other
                         WHERE other.customer_id = own.customer_id AND other.processed_at IS NULL AND other.business_id = own.business_id) AS has_other_pending
           FROM inbox_messages own WHERE own.id = $1::uuid AND own.business_id = $2::uuid`,
};

/**
 * Feeds a step's pending inbox messages to the machine, oldest first: read receipt, flood
 * control, rating taps, then the dialogue. Shared by the optimistic and the locked step.
 */
async function handlePending(deps: ConversationDeps, state: StepState, business: ConversationBusiness, pending: PendingInboxMessage[], tx: Prisma.TransactionClient): Promise<void> {
  const now = deps.clock.now();
  const handled = (inboxId: string, outcome: string) => state.processed.push({ inboxId, outcome });
  // One read receipt, for the newest message: WhatsApp marks the earlier ones of the thread read
  // with it (WHATSAPP.md §2.7), and each receipt is a request that counts against the number's rate.
  const newest = pending.at(-1);
  // Read receipts first: the customer sees the blue ticks before the answer.
  if (newest) queueForCustomer(state.ctx, 'read_receipt', buildMarkReadMessage(newest.waMessageId));
  for (const inbox of pending) {
    const message = inbox.message as InboundMessage;
    const flood = checkFlood(state.ctx.conversation, state.ctx.conversationChanges, business, now);
    if (flood !== 'ok') {
      if (flood === 'notify') {
        queueForCustomer(
          state.ctx,
          'reply',
          renderMessage({
            descriptor: { kind: 'text', key: 'system.floodNotice', params: { minutes: business.floodCooldownMinutes } },
            locale: state.snapshot.context.locale,
            to: state.ctx.customer.waId,
            timeZone: business.timeZone,
          }),
        );
      }
      handled(inbox.id, 'ignored_flood');
      continue;
    }
    // A tap on a follow-up's 1–5 rating is answered outside the dialogue: it stores the rating
    // whatever step the customer is in, and thanks them.
    const tapId = message.type === 'button_reply' || message.type === 'list_reply' ? message.id : message.type === 'template_button' ? message.payload : undefined;
    if (tapId && parseRatingReplyId(tapId)) {
      const result = await recordRatingReply(tx, { bookings: deps.bookings, businessId: business.id, customerId: state.ctx.customer.id, replyId: tapId });
      if (result.status === 'recorded') {
        queueForCustomer(state.ctx, 'reply', buildTextMessage({ to: state.ctx.customer.waId, text: renderRatingThanks(state.snapshot.context.locale, result.rating) }));
      }
      handled(inbox.id, `rating_${result.status}`);
      continue;
    }
    // A business's own keywords add to the defaults: losing "chest pain" must never be a setting.
    const event = toConversationEvent(message, { emergencyKeywords: [...DEFAULT_EMERGENCY_KEYWORDS, ...business.emergencyKeywords] });
    await runEvents(state, toTypedChoice(state.snapshot, message, event, business, now) ?? event);
    const isHandoff = state.ctx.conversationChanges.isHandoff ?? state.ctx.conversation.isHandoff;
    handled(inbox.id, isHandoff ? 'handled_during_handoff' : 'processed');
  }
}

/**
 * Free text that did not match a keyword may still answer the step on screen: a row number, a row
 * or button title, a day ("tomorrow"). A hand-off has no step on screen: the text is for a person.
 */
function toTypedChoice(snapshot: ConversationSnapshot, message: InboundMessage, event: ConversationEvent, business: ConversationBusiness, now: Date): ConversationEvent | undefined {
  if (message.type !== 'text' || event.type !== 'TEXT_UNRECOGNIZED' || snapshot.matches('handoff')) return undefined;
  const { lastStep, locale } = snapshot.context;
  if (!lastStep) return undefined;
  const id = matchTypedChoice({ text: message.text, step: lastStep, locale, timeZone: business.timeZone, today: toLocalDate(now, business.timeZone) });
  return id ? parseReplyId(id) : undefined;
}

/** Thrown inside an optimistic step by anything that needs the database: the turn runs locked instead. */
class StepNeedsLock extends Error {
  override readonly name = 'StepNeedsLock';
}

/**
 * The optimistic step's stand-in for a transaction: the first use of it (an effect that reads or
 * writes bookings, schedules a timer, stores a rating…) throws StepNeedsLock before anything is
 * written, so the turn is simply run again the locked way.
 */
const NO_TRANSACTION = new Proxy({} as Prisma.TransactionClient, {
  get(_target, property) {
    // Awaiting or inspecting the stand-in is not a database call.
    if (property === 'then' || typeof property === 'symbol') return undefined;
    throw new StepNeedsLock(`the turn uses the database (${String(property)})`);
  },
});

/** The conversation row a first contact's optimistic step creates when it saves. */
function firstContactRow(businessId: string, customerId: string, now: Date): ConversationRow {
  return {
    id: randomUUID(),
    businessId,
    customerId,
    machineVersion: CONVERSATION_MACHINE_VERSION,
    snapshot: {},
    version: 0,
    stateValue: '',
    isHandoff: false,
    handoffReason: null,
    handoffAt: null,
    inactivityDeadline: null,
    floodWindowStart: null,
    floodCount: 0,
    floodCooldownUntil: null,
    lastActivityAt: now,
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * The optimistic step, for turns that only answer: one read (parties, conversation, pending inbox),
 * the machine, then one statement that saves the snapshot, queues the messages and marks the inbox
 * only if the conversation's version is still the one read. No transaction, no row lock: two
 * statements instead of five, and a sender's messages still leave in order (a step that lost the
 * race writes nothing). Returns how many messages it handled, or 'needs_lock' when the turn must
 * run locked: a reset snapshot, an effect that uses the database, a lost race.
 */
async function tryOptimisticStep(deps: ConversationDeps, params: ProcessInboxParams): Promise<number | 'needs_lock'> {
  const peeked = await peekConversation(poolOf(deps.prisma), { ...params, pendingLimit: MAX_INBOX_PER_STEP });
  if (!peeked) return 0;
  // Nothing pending: an earlier step of this sender took this job's message along.
  if (peeked.pending.length === 0) return 0;
  const { business, pending } = peeked;
  // First contact: the save creates the row (and saves nothing if another step created it first).
  const isNew = peeked.row === null;
  const row = peeked.row ?? firstContactRow(business.id, peeked.customer.id, deps.clock.now());
  let state: StepState;
  try {
    const started = await startStep(deps, NO_TRANSACTION, { ...peeked, row, isNew }, false);
    if (started.wasReset) return 'needs_lock';
    state = started.state;
    await handlePending(deps, state, business, pending, NO_TRANSACTION);
  } catch (error) {
    if (error instanceof StepNeedsLock || error instanceof SerializableStepRequired) return 'needs_lock';
    throw error;
  }
  const { ctx } = state;
  // The single-statement save has no room for funnel facts: such a turn is saved by the locked step.
  if (state.funnel?.length) return 'needs_lock'; // KPI funnel hook (issue 25)
  const { isSaved, queued } = await saveConversationStep(poolOf(deps.prisma), {
    row: ctx.conversation,
    changes: { ...ctx.conversationChanges, lastActivityAt: deps.clock.now() },
    snapshot: persistable(state.snapshot),
    stateValue: stateLabel(state.snapshot),
    machineVersion: CONVERSATION_MACHINE_VERSION,
    outbound: ctx.outbound,
    outboundTo: { customerId: ctx.customer.id, phoneNumberId: business.phoneNumberId, recipient: ctx.customer.waId },
    processed: state.processed,
    at: deps.clock.now(),
  }, { isNew });
  // Another step of this sender committed since the read: run again, locked, on what is left.
  if (!isSaved) return 'needs_lock';
  deps.logger.debug({ customer: maskPhone(ctx.customer.waId), messages: pending.length, state: stateLabel(state.snapshot), isOptimistic: true }, 'conversation step');
  await sendAfterStep(deps, queued > 0 ? { businessId: business.id, recipient: ctx.customer.waId } : null, takenAlongJobIds(pending, params.inboxId));
  return pending.length;
}

/**
 * Processes every pending inbox message of one sender, in order (the process_inbox job), then
 * sends the step's messages when an inline sender is configured. Returns how many were handled.
 * Most turns only answer (a menu, a list from the catalog…): those run optimistically, without a
 * transaction (optimistic-step.ts); a turn that needs the database, or lost a race, runs locked.
 */
export async function processInbox(deps: ConversationDeps, params: ProcessInboxParams): Promise<number> {
  // After a burst most jobs find their message answered by an earlier step of the sender
  // (bench:webhook: ~85 % of the jobs of a 30 s burst): with nothing else waiting, one read by key
  // settles them instead of a step's opening read.
  if (params.inboxId) {
    const [inbox] = await querySql<{ pending: boolean; has_other_pending: boolean }>(poolOf(deps.prisma), INBOX_PENDING_SQL, [params.inboxId, params.businessId]);
    if (inbox && !inbox.pending && !inbox.has_other_pending) return 0;
  }
  if (deps.sender) {
    const optimistic = await tryOptimisticStep(deps, params);
    if (optimistic !== 'needs_lock') return optimistic;
  }
  const outcome = await runStepTransaction(deps, async (tx, isSerializable) => {
    const opened = await openStep(deps, tx, params, isSerializable);
    if (!opened) return { handled: 0, sendTo: null, takenAlong: [] };
    const { state, business, pending } = opened;
    // Another step took this job's messages along: nothing to answer, nothing to save (a row this
    // statement has just created is the exception: its placeholder snapshot must be replaced).
    if (pending.length === 0 && opened.state.ctx.conversation.version > 0 && !opened.wasReset) return { handled: 0, sendTo: null, takenAlong: [] };
    await handlePending(deps, state, business, pending, tx);
    const queued = await closeStep(deps, tx, state, { lastActivityAt: deps.clock.now() });
    deps.logger.debug({ customer: maskPhone(state.ctx.customer.waId), messages: pending.length, state: stateLabel(state.snapshot) }, 'conversation step');
    return { handled: pending.length, sendTo: queued > 0 ? { businessId: business.id, recipient: state.ctx.customer.waId } : null, takenAlong: takenAlongJobIds(pending, params.inboxId) };
  });
  await sendAfterStep(deps, outcome.sendTo, outcome.takenAlong);
  return outcome.handled;
}

/** Delivers a system event (timeout, release) from a durable job; stale timers are ignored. */
export async function deliverSystemEvent(deps: ConversationDeps, payload: ConversationEventPayload): Promise<boolean> {
  const outcome = await runStepTransaction(deps, async (tx, isSerializable) => {
    const opened = await openStep(deps, tx, payload, isSerializable);
    if (!opened) return { isDelivered: false, sendTo: null };
    const { state } = opened;
    const row = state.ctx.conversation;
    const now = deps.clock.now();
    const type = payload.event.type;
    const isStale =
      (type === 'SESSION_TIMED_OUT' && (!row.inactivityDeadline || row.inactivityDeadline.getTime() > now.getTime() || (payload.deadline !== undefined && row.inactivityDeadline.toISOString() !== payload.deadline))) ||
      ((type === 'HANDOFF_TIMED_OUT' || type === 'HANDOFF_RELEASED') && !row.isHandoff);
    if (!isStale) {
      if (type === 'SESSION_TIMED_OUT') state.ctx.conversationChanges.inactivityDeadline = null;
      await runEvents(state, { type });
    }
    const queued = await closeStep(deps, tx, state);
    return { isDelivered: !isStale, sendTo: queued > 0 ? { businessId: state.ctx.business.id, recipient: state.ctx.customer.waId } : null };
  });
  await sendAfterStep(deps, outcome.sendTo);
  return outcome.isDelivered;
}
