/**
 * One conversation step = one SERIALIZABLE transaction: lock the sender's conversation, restore
 * the machine snapshot, feed the event through XState's pure `transition`, execute the effects
 * (booking core, outbox, timers) and feed their answers back until the machine is quiet, save
 * the snapshot, mark the inbox message processed. A throw writes nothing; the job retries.
 */
import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import type { ConversationEvent, Locale } from '../../machines/conversation-types';
import { toConversationEvent } from '../../machines/conversation-events';
import { CONVERSATION_MACHINE_VERSION, conversationMachine, toConversationEffects } from '../../machines/conversation.machine';
import { runSerializable, type BookingService } from '../booking';
import type { Clock } from '../platform/clock';
import { Prisma as PrismaNamespace, type Prisma, type PrismaClient } from '../platform/database';
import type { Logger } from '../platform/logger';
import { buildMarkReadMessage, buildTextMessage, maskPhone, type InboundMessage } from '../whatsapp';
import { parseRatingReplyId, recordRatingReply, renderRatingThanks } from '../reminders';
import {
  findStepParties,
  findPendingInbox,
  lockOrCreateConversation,
  markInboxProcessed,
  saveConversation,
  type ConversationBusiness,
  type ConversationRow,
} from './conversation-repository';
import { chooseLocale } from './locale';
import { executeEffect, queueForCustomer, SerializableStepRequired, type ConversationEventPayload, type EffectContext, type FlowSendingOptions } from './effect-executor';
import { DEFAULT_EMERGENCY_KEYWORDS } from './classify-text';
import { renderMessage } from './render-message';

type ConversationSnapshot = SnapshotFrom<typeof conversationMachine>;

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
}

// An answer loop longer than this means the machine and runtime disagree; stop rather than spin.
const MAX_EVENTS_PER_STEP = 25;
const MAX_INBOX_PER_STEP = 20;

interface StepState {
  snapshot: ConversationSnapshot;
  ctx: EffectContext;
}

async function runEvents(state: StepState, first: ConversationEvent): Promise<void> {
  const queue: ConversationEvent[] = [first];
  for (let handled = 0; queue.length > 0; handled += 1) {
    if (handled >= MAX_EVENTS_PER_STEP) throw new Error(`conversation step did not settle after ${MAX_EVENTS_PER_STEP} events`);
    const event = queue.shift()!;
    const [next, actions] = transition(conversationMachine, state.snapshot, event);
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
function restoreSnapshot(row: ConversationRow, isFlowEnabled: boolean): ConversationSnapshot | undefined {
  if (row.machineVersion !== CONVERSATION_MACHINE_VERSION) return undefined;
  try {
    const saved = row.snapshot as { value: unknown; context: Record<string, unknown> };
    // The Flow setting follows the configuration, not the day the conversation started.
    const context = { ...saved.context, isFlowEnabled };
    const snapshot = conversationMachine.resolveState({ value: saved.value as never, context: context as never });
    return snapshot.status === 'active' ? snapshot : undefined;
  } catch {
    return undefined;
  }
}

async function openStep(
  deps: ConversationDeps,
  tx: Prisma.TransactionClient,
  params: { businessId: string; customerId: string },
  isSerializable: boolean,
): Promise<{ state: StepState; business: ConversationBusiness; locale: Locale; wasReset: boolean } | null> {
  const parties = await findStepParties(tx, params);
  if (!parties) return null;
  const { business, customer } = parties;
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
    ...(business.emergencyText ? { emergencyText: business.emergencyText } : {}),
  };
  const [fresh, initialActions] = initialTransition(conversationMachine, input);
  const { row, isNew } = await lockOrCreateConversation(tx, {
    businessId: business.id,
    customerId: customer.id,
    machineVersion: CONVERSATION_MACHINE_VERSION,
    snapshot: persistable(fresh),
    stateValue: stateLabel(fresh),
  });
  const restored = isNew ? fresh : restoreSnapshot(row, isFlowEnabled);
  const ctx: EffectContext = {
    tx,
    isSerializable,
    clock: deps.clock,
    bookings: deps.bookings,
    business,
    customer: { id: customer.id, waId: customer.waId, name: customer.name },
    conversation: row,
    conversationChanges: {},
    ...(deps.flows ? { flows: deps.flows } : {}),
    ...(deps.publicBaseUrl ? { publicBaseUrl: deps.publicBaseUrl } : {}),
  };
  const state: StepState = { snapshot: restored ?? fresh, ctx };
  if (isNew || !restored) {
    for (const effect of toConversationEffects(initialActions)) await executeEffect(ctx, effect);
  }
  if (!restored && !isNew) {
    // The saved dialogue belongs to an older version of the bot: start over and say so.
    await queueForCustomer(ctx, 'reply', renderMessage({ descriptor: { kind: 'text', key: 'system.resetApology' }, locale, to: customer.waId, timeZone: business.timeZone }));
  }
  return { state, business, locale, wasReset: !restored && !isNew };
}

async function closeStep(tx: Prisma.TransactionClient, state: StepState, extra: Prisma.ConversationUncheckedUpdateInput = {}): Promise<void> {
  await saveConversation(tx, state.ctx.conversation, {
    ...state.ctx.conversationChanges,
    ...extra,
    snapshot: persistable(state.snapshot),
    stateValue: stateLabel(state.snapshot),
    machineVersion: CONVERSATION_MACHINE_VERSION,
  });
}

/** Outcome of flood control for one inbound message. */
type FloodVerdict = 'ok' | 'notify' | 'silent';

function checkFlood(row: ConversationRow, changes: Prisma.ConversationUncheckedUpdateInput, business: ConversationBusiness, now: Date): FloodVerdict {
  const windowStart = (changes.floodWindowStart as Date | undefined) ?? row.floodWindowStart;
  const count = (changes.floodCount as number | undefined) ?? row.floodCount;
  const cooldownUntil = (changes.floodCooldownUntil as Date | null | undefined) ?? row.floodCooldownUntil;
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
    return await deps.prisma.$transaction((tx) => work(tx, false), {
      isolationLevel: PrismaNamespace.TransactionIsolationLevel.ReadCommitted,
      maxWait: 30_000,
      timeout: 30_000,
    });
  } catch (error) {
    if (!(error instanceof SerializableStepRequired)) throw error;
  }
  return runSerializable(deps.prisma, (tx) => work(tx, true), { retryOnStates: ['23P01'] });
}

/** Processes every pending inbox message of one sender, in order (the process_inbox job). */
export async function processInbox(deps: ConversationDeps, params: { businessId: string; customerId: string }): Promise<number> {
  return runStepTransaction(deps, async (tx, isSerializable) => {
    const opened = await openStep(deps, tx, params, isSerializable);
    if (!opened) return 0;
    const { state, business } = opened;
    const pending = await findPendingInbox(tx, { ...params, limit: MAX_INBOX_PER_STEP });
    const now = deps.clock.now();
    for (const inbox of pending) {
      const message = inbox.message as unknown as InboundMessage;
      // Read receipts first: the customer sees the blue ticks before the answer.
      await queueForCustomer(state.ctx, 'read_receipt', buildMarkReadMessage(inbox.waMessageId));
      const flood = checkFlood(state.ctx.conversation, state.ctx.conversationChanges, business, now);
      if (flood !== 'ok') {
        if (flood === 'notify') {
          await queueForCustomer(
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
        await markInboxProcessed(tx, { inboxId: inbox.id, outcome: 'ignored_flood', at: now });
        continue;
      }
      // A tap on a follow-up's 1–5 rating is answered outside the dialogue: it stores the rating
      // whatever step the customer is in, and thanks them.
      const tapId = message.type === 'button_reply' || message.type === 'list_reply' ? message.id : message.type === 'template_button' ? message.payload : undefined;
      if (tapId && parseRatingReplyId(tapId)) {
        const result = await recordRatingReply(tx, { bookings: deps.bookings, businessId: business.id, customerId: params.customerId, replyId: tapId });
        if (result.status === 'recorded') {
          await queueForCustomer(state.ctx, 'reply', buildTextMessage({ to: state.ctx.customer.waId, text: renderRatingThanks(state.snapshot.context.locale, result.rating) }));
        }
        await markInboxProcessed(tx, { inboxId: inbox.id, outcome: `rating_${result.status}`, at: now });
        continue;
      }
      // A business's own keywords add to the defaults: losing "chest pain" must never be a setting.
      const event = toConversationEvent(message, { emergencyKeywords: [...DEFAULT_EMERGENCY_KEYWORDS, ...business.emergencyKeywords] });
      await runEvents(state, event);
      const isHandoff = (state.ctx.conversationChanges.isHandoff as boolean | undefined) ?? state.ctx.conversation.isHandoff;
      await markInboxProcessed(tx, { inboxId: inbox.id, outcome: isHandoff ? 'handled_during_handoff' : 'processed', at: now });
    }
    await closeStep(tx, state, { lastActivityAt: now });
    deps.logger.debug({ customer: maskPhone(state.ctx.customer.waId), messages: pending.length, state: stateLabel(state.snapshot) }, 'conversation step');
    return pending.length;
  });
}

/** Delivers a system event (timeout, release) from a durable job; stale timers are ignored. */
export async function deliverSystemEvent(deps: ConversationDeps, payload: ConversationEventPayload): Promise<boolean> {
  return runStepTransaction(deps, async (tx, isSerializable) => {
    const opened = await openStep(deps, tx, payload, isSerializable);
    if (!opened) return false;
    const { state } = opened;
    const row = state.ctx.conversation;
    const now = deps.clock.now();
    const type = payload.event.type;
    const isStale =
      (type === 'SESSION_TIMED_OUT' && (!row.inactivityDeadline || row.inactivityDeadline.getTime() > now.getTime() || (payload.deadline !== undefined && row.inactivityDeadline.toISOString() !== payload.deadline))) ||
      ((type === 'HANDOFF_TIMED_OUT' || type === 'HANDOFF_RELEASED') && !row.isHandoff);
    if (isStale) {
      await closeStep(tx, state);
      return false;
    }
    if (type === 'SESSION_TIMED_OUT') state.ctx.conversationChanges.inactivityDeadline = null;
    await runEvents(state, { type });
    await closeStep(tx, state);
    return true;
  });
}
