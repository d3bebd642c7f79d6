/**
 * One conversation step, one path: lock the sender's conversation → restore the machine → run
 * the machine and its effects until quiet → one save; then send what the step queued.
 *
 * A step runs READ COMMITTED (the sender's row lock already orders their messages). An effect
 * that changes bookings needs the booking core's SERIALIZABLE re-check: the step rolls back before
 * running it and runs again SERIALIZABLE (most steps only read: lists, menus).
 */
import type { SnapshotFrom } from 'xstate';
import { LOCALES, type ConversationEvent, type LocalizedNames } from '../../machines/conversation-types';
import { CONVERSATION_MACHINE_VERSION, conversationMachine, toConversationEffects } from '../../machines/conversation.machine';
import { createPureTransitions } from '../../machines/pure-transition';
import { runSerializable, type BookingService } from '../booking';
import { addJobInTransaction } from '../jobs';
import type { Clock } from '../platform/clock';
import type { Prisma, PrismaClient } from '../platform/database';
import type { Logger } from '../platform/logger';
import { maskPhone, SEND_OUTBOX_TASK, sendJobKey, sendQueuedForRecipient, type OutboxSenderDeps, type SendOutboxPayload } from '../whatsapp';
import { openConversation, saveConversationStep, type ConversationBusiness, type ConversationChanges, type OpenedConversation } from './conversation-repository';
import { changesBookings, runEffect, type EffectContext, type FlowSendingOptions, type HandoffListener } from './effects';
import { queueForCustomer } from './effects/effect-context';
import { funnelEventsFor, type FunnelEventInput } from './funnel-events';
import { insertFunnelEvents } from './funnel-event-repository';
import { chooseLocale } from './locale';
import { renderMessage } from './render-message';

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
  /** Told inside the step when a conversation is handed to a person (the staff alert). */
  onHandoff?: HandoffListener;
  /**
   * Sends a step's messages right after its commit, in the same job (graph clients and hooks of
   * the outbox sender). Without it a send_outbox job, added in the step's transaction, sends them.
   */
  sender?: Omit<OutboxSenderDeps, 'prisma' | 'clock' | 'logger'>;
}

/** A running step: the machine's snapshot, what effects may touch, and the inbox outcomes. */
export interface Turn {
  snapshot: ConversationSnapshot;
  ctx: EffectContext;
  isSerializable: boolean;
  /** True when the machine started fresh (first contact, or a reset): its snapshot must be saved. */
  isFresh: boolean;
  /** Inbox messages this step handled, with their outcomes (written by the save). */
  processed: Array<{ inboxId: string; outcome: string }>;
  /** Booking-funnel facts of the step's transitions (KPI reports), saved with the step. */
  funnel: FunnelEventInput[];
}

// An answer loop longer than this means the machine and runtime disagree; stop rather than spin.
const MAX_EVENTS_PER_STEP = 25;

/** Rolls a READ COMMITTED step back before an effect that changes bookings: the step runs again SERIALIZABLE. */
class NeedsSerializableStep extends Error {
  override readonly name = 'NeedsSerializableStep';
}

/** Feeds `first` to the machine and runs its effects, feeding their answers back until the machine is quiet. */
export async function runEvents(turn: Turn, first: ConversationEvent): Promise<void> {
  const queue: ConversationEvent[] = [first];
  for (let handled = 0; queue.length > 0; handled += 1) {
    if (handled >= MAX_EVENTS_PER_STEP) throw new Error(`conversation step did not settle after ${MAX_EVENTS_PER_STEP} events`);
    const event = queue.shift()!;
    const [next, actions] = machineSteps.transition(turn.snapshot, event);
    turn.funnel.push(...funnelEventsFor(turn.snapshot, next, event));
    turn.snapshot = next;
    for (const effect of toConversationEffects(actions)) {
      if (changesBookings(effect) && !turn.isSerializable) throw new NeedsSerializableStep(`effect ${effect.type} changes bookings`);
      const answer = await runEffect(turn.ctx, effect);
      if (answer) queue.push(answer);
    }
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

/**
 * The saved snapshot; one from an older machine version that no longer fits is undefined (the
 * sender starts over and hears an apology), never a crash. The Flow setting follows the
 * configuration, not the day the conversation started.
 */
function restoreSnapshot(opened: OpenedConversation, overrides: { isFlowEnabled: boolean; emergencyTexts: LocalizedNames }): ConversationSnapshot | undefined {
  if (opened.isNew || opened.row.machineVersion !== CONVERSATION_MACHINE_VERSION) return undefined;
  try {
    const saved = opened.row.snapshot as { value: unknown; context: Record<string, unknown> };
    const snapshot = conversationMachine.resolveState({ value: saved.value as never, context: { ...saved.context, ...overrides } as never });
    return snapshot.status === 'active' ? snapshot : undefined;
  } catch {
    return undefined;
  }
}

/** Restores the sender's machine (fresh on first contact or after a version reset) with the effect context around `tx`. */
async function restoreTurn(deps: ConversationDeps, tx: Prisma.TransactionClient, opened: OpenedConversation, isSerializable: boolean): Promise<Turn> {
  const { business, customer, row } = opened;
  // The saved choice, else the business's language; the customer's own words switch it.
  const locale = chooseLocale({ saved: customer.locale, businessDefault: business.defaultLocale });
  const isFlowEnabled = Boolean(deps.flows?.bookingFlowId);
  const emergencyTexts = resolveEmergencyTexts(business);
  const input = { isFlowEnabled, businessName: business.name, locale, ...(customer.name ? { customerName: customer.name } : {}), emergencyTexts };
  const [fresh, initialActions] = machineSteps.initialTransition(input);
  const restored = restoreSnapshot(opened, { isFlowEnabled, emergencyTexts });
  const ctx: EffectContext = {
    tx,
    clock: deps.clock,
    bookings: deps.bookings,
    business,
    customer: { id: customer.id, waId: customer.waId, name: customer.name, username: customer.username },
    conversation: row,
    conversationChanges: {},
    outbound: [],
    ...(deps.flows ? { flows: deps.flows } : {}),
    ...(deps.publicBaseUrl ? { publicBaseUrl: deps.publicBaseUrl } : {}),
    ...(deps.onHandoff ? { onHandoff: deps.onHandoff } : {}),
  };
  const turn: Turn = { snapshot: restored ?? fresh, ctx, isSerializable, isFresh: !restored, processed: [], funnel: [] };
  if (restored) return turn;
  for (const effect of toConversationEffects(initialActions)) await runEffect(ctx, effect);
  if (!opened.isNew) {
    // The saved dialogue belongs to an older version of the bot: start over and say so.
    queueForCustomer(ctx, 'reply', renderMessage({ descriptor: { kind: 'text', key: 'system.resetApology' }, locale, to: customer.waId, timeZone: business.timeZone }));
  }
  return turn;
}

/** The step's one save: snapshot and columns, messages, inbox outcomes. Without an inline sender, the send job joins the same transaction. */
async function saveTurn(deps: ConversationDeps, turn: Turn, extra: ConversationChanges): Promise<SendOutboxPayload | null> {
  const { ctx, snapshot } = turn;
  const at = deps.clock.now();
  const queued = await saveConversationStep(ctx.tx, {
    row: ctx.conversation,
    changes: { ...ctx.conversationChanges, ...extra, stateValue: JSON.stringify(snapshot.value).slice(0, 200), machineVersion: CONVERSATION_MACHINE_VERSION },
    snapshot: { value: snapshot.value, context: snapshot.context } as unknown as Prisma.InputJsonValue,
    outbound: ctx.outbound,
    outboundTo: { customerId: ctx.customer.id, phoneNumberId: ctx.business.phoneNumberId, recipient: ctx.customer.waId },
    processed: turn.processed,
    at,
  });
  await insertFunnelEvents(ctx.tx, { businessId: ctx.business.id, customerId: ctx.customer.id, events: turn.funnel, at });
  if (queued === 0) return null;
  const job: SendOutboxPayload = { businessId: ctx.business.id, recipient: ctx.customer.waId };
  if (!deps.sender) await addJobInTransaction(ctx.tx, SEND_OUTBOX_TASK, job, { jobKey: sendJobKey(job.businessId, job.recipient), maxAttempts: 50 });
  return job;
}

/** What a step's work decides: its result, and columns to save besides the effects' changes. */
export interface TurnWork<T> {
  result: T;
  changes?: ConversationChanges;
  /** Nothing happened (another step took the job's messages along): nothing to save, unless the machine started fresh. */
  isIdle?: boolean;
}

/**
 * Runs one step for a sender: lock → restore → `work` → save, READ COMMITTED first and again
 * SERIALIZABLE when an effect changes bookings (a confirm that raced past the checks hits the
 * exclusion constraint, 23P01; that run sees the winner and answers "taken"). Sends the step's
 * messages after the commit when an inline sender is configured; a crash before that send leaves
 * them queued for the outbox sweep. Null when the business, customer or number is gone.
 */
export async function runTurn<T>(deps: ConversationDeps, sender: { businessId: string; customerId: string }, work: (turn: Turn) => Promise<TurnWork<T>>): Promise<T | null> {
  const attempt = async (tx: Prisma.TransactionClient, isSerializable: boolean) => {
    const opened = await openConversation(tx, { ...sender, machineVersion: CONVERSATION_MACHINE_VERSION });
    if (!opened) return null;
    const turn = await restoreTurn(deps, tx, opened, isSerializable);
    const { result, changes, isIdle } = await work(turn);
    if (isIdle && !turn.isFresh) return { result, sendTo: null };
    const sendTo = await saveTurn(deps, turn, changes ?? {});
    deps.logger.debug({ customer: maskPhone(opened.customer.waId), state: JSON.stringify(turn.snapshot.value).slice(0, 200), isSerializable }, 'conversation step');
    return { result, sendTo };
  };
  let outcome: Awaited<ReturnType<typeof attempt>>;
  try {
    // PostgreSQL's default isolation is READ COMMITTED; naming it would cost a round trip per step.
    outcome = await deps.prisma.$transaction((tx) => attempt(tx, false), { maxWait: 30_000, timeout: 30_000 });
  } catch (error) {
    if (!(error instanceof NeedsSerializableStep)) throw error;
    outcome = await runSerializable(deps.prisma, (tx) => attempt(tx, true), { retryOnStates: ['23P01'], ...deps.bookings.retryBounds });
  }
  if (!outcome) return null;
  if (outcome.sendTo && deps.sender) await sendQueuedForRecipient({ ...deps.sender, prisma: deps.prisma, clock: deps.clock, logger: deps.logger }, outcome.sendTo);
  return outcome.result;
}
