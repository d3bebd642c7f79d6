/**
 * The process_inbox job: a sender's pending messages, oldest first, through a chain of small
 * steps (mark read → flood guard → the machine), all in one conversation step.
 */
import type { ConversationEvent } from '../../machines/conversation-types';
import { parseReplyId, toConversationEvent } from '../../machines/conversation-events';
import { DEFAULT_EMERGENCY_KEYWORDS } from '../../machines/classify-text';
import { toLocalDate } from '../scheduling';
import { buildMarkReadMessage, type InboundMessage, type ProcessInboxPayload } from '../whatsapp';
import { poolOf } from '../platform/database';
import { awaitSenderWrites, findPendingInbox, type PendingInboxMessage } from './conversation-repository';
import { runEvents, runTurn, type ConversationDeps, type Turn } from './conversation-step';
import { queueForCustomer } from './effects';
import { matchTypedChoice } from './match-choice';
import { renderMessage } from './render-message';

// Bounds one transaction; a longer backlog is worked through in further steps of the same job.
const MAX_INBOX_PER_STEP = 20;

/** One link of the per-message chain: handles the message (returns its inbox outcome) or passes it on (undefined). */
type MessageStep = (turn: Turn, message: InboundMessage, now: Date) => Promise<string | undefined>;

/**
 * Flood control: past the business's messages per minute the sender is told once and then
 * ignored for the cooldown; the counters live on the conversation row.
 */
const guardFlood: MessageStep = async (turn, _message, now) => {
  const { ctx } = turn;
  const current = { ...ctx.conversation, ...ctx.conversationChanges };
  if (current.floodCooldownUntil && current.floodCooldownUntil > now) return 'ignored_flood';
  const isNewWindow = !current.floodWindowStart || now.getTime() - current.floodWindowStart.getTime() >= 60_000;
  const count = isNewWindow ? 1 : current.floodCount + 1;
  Object.assign(ctx.conversationChanges, { floodWindowStart: isNewWindow ? now : current.floodWindowStart, floodCount: count });
  if (count <= ctx.business.floodMessagesPerMinute) return undefined;
  Object.assign(ctx.conversationChanges, { floodCooldownUntil: new Date(now.getTime() + ctx.business.floodCooldownMinutes * 60_000), floodCount: 0 });
  const notice = { kind: 'text' as const, key: 'system.floodNotice', params: { minutes: ctx.business.floodCooldownMinutes } };
  queueForCustomer(ctx, 'reply', renderMessage({ descriptor: notice, locale: turn.snapshot.context.locale, to: ctx.customer.waId, timeZone: ctx.business.timeZone }));
  return 'ignored_flood';
};

/** The dialogue: the message as a machine event (a typed choice where free text answers the step on screen). */
const runMachine: MessageStep = async (turn, message, now) => {
  const { business } = turn.ctx;
  // A business's own keywords add to the defaults: losing "chest pain" must never be a setting.
  const event = toConversationEvent(message, { emergencyKeywords: [...DEFAULT_EMERGENCY_KEYWORDS, ...business.emergencyKeywords] });
  await runEvents(turn, toTypedChoice(turn, message, event, now) ?? event);
  const isHandoff = turn.ctx.conversationChanges.isHandoff ?? turn.ctx.conversation.isHandoff;
  return isHandoff ? 'handled_during_handoff' : 'processed';
};

/** The chain every message goes through, in order. */
const MESSAGE_STEPS: readonly MessageStep[] = [guardFlood, runMachine];

/**
 * Free text that did not match a keyword may still answer the step on screen: a row number, a row
 * or button title, a day ("tomorrow"). A hand-off has no step on screen: the text is for a person.
 */
function toTypedChoice(turn: Turn, message: InboundMessage, event: ConversationEvent, now: Date): ConversationEvent | undefined {
  const { snapshot, ctx } = turn;
  if (message.type !== 'text' || event.type !== 'TEXT_UNRECOGNIZED' || snapshot.matches('handoff')) return undefined;
  const { lastStep, locale } = snapshot.context;
  if (!lastStep) return undefined;
  const id = matchTypedChoice({ text: message.text, step: lastStep, locale, timeZone: ctx.business.timeZone, today: toLocalDate(now, ctx.business.timeZone) });
  return id ? parseReplyId(id) : undefined;
}

/** Runs the pending messages through the chain, after one read receipt for the newest. */
async function handlePending(turn: Turn, pending: PendingInboxMessage[], now: Date): Promise<void> {
  // One receipt, first: WhatsApp marks the thread's earlier messages read with it (WHATSAPP.md §2.7),
  // and the customer sees the blue ticks before the answer.
  const newest = pending.at(-1);
  if (newest) queueForCustomer(turn.ctx, 'read_receipt', buildMarkReadMessage(newest.waMessageId));
  for (const inbox of pending) {
    for (const step of MESSAGE_STEPS) {
      const outcome = await step(turn, inbox.message as InboundMessage, now);
      if (outcome) {
        turn.processed.push({ inboxId: inbox.id, outcome });
        break;
      }
    }
  }
}

/** Processes every pending inbox message of one sender, in order; returns how many it handled. */
export async function processInbox(deps: ConversationDeps, params: ProcessInboxPayload): Promise<number> {
  await awaitSenderWrites(poolOf(deps.prisma), params);
  let total = 0;
  for (;;) {
    const handled = await runTurn(deps, params, async (turn) => {
      const pending = await findPendingInbox(turn.ctx.tx, { ...params, limit: MAX_INBOX_PER_STEP });
      const now = deps.clock.now();
      await handlePending(turn, pending, now);
      return { result: pending.length, changes: { lastActivityAt: now }, isIdle: pending.length === 0 };
    });
    total += handled ?? 0;
    if (handled === null || handled < MAX_INBOX_PER_STEP) return total;
  }
}
