/**
 * The send gate: Meta's throughput limit per business phone number (default 80 messages/s; more
 * is answered with 130429), enforced right before each Graph API call, by every sender.
 *
 * One cursor per number (`whatsapp_numbers.pace_cursor_at`) holds the next free slot; slots are
 * 1/rate apart. A sender claims the next slot in one atomic UPDATE (so several worker processes
 * on one database share it), sleeps in-process until it, and sends. Two rules keep the limit
 * whatever stalls happen:
 *  - a slot more than MAX_WAIT_MS ahead is not claimed: the message is rescheduled as a job, so a
 *    backlog waits in the queue, never in a reserved slot that could fire late in a burst;
 *  - a sender that wakes up late (CPU starved, GC, a slow statement) by half a slot or more
 *    throws its slot away and claims a fresh one. A missed slot is a pause, never a burst.
 * So sends leave within half a slot after their slots: at most `rate` + 1 in any 1-s window.
 * Above 100 messages/s half a slot is under 5 ms, less than a busy event loop's timer jitter:
 * senders missed nearly every slot and re-claimed in a loop (bench:webhook at 1,000/s: the claim
 * was a third of the worker's database traffic). There a sender may be up to 5 ms late, so a
 * 1-s window holds at most `rate` × 1.005 + 1 (1,006 at Meta's top tier of 1,000/s; at the
 * default 80/s the half-slot rule still applies: 81).
 * A claim may also book the slot after its own for the sender's next row (a read receipt and its
 * reply: one claim). The sender asks for it only while the Graph API answers quickly enough for
 * the next row to be ready in that slot (outbox-sender.ts); Meta, over the internet, does not, and
 * a booked slot the reply misses is lost to every sender of the number.
 * Claims of one number from one process that arrive while another is in flight go to the
 * database together, as one statement (send-gate-claims.ts): the cursor row is the gate's cost.
 * A claim books its slot a little ahead of now, by its own expected round trip (claimLeadMs), so the
 * answer's delay does not make the sender late. The cursor never falls behind `now`, so a quiet
 * period does not store up a burst. Slots are in
 * the database's clock (one time source for every process, whatever the hosts' clock skew); the
 * in-process wait is measured locally from just before the claim's statement was sent (the shared
 * one's, for claims that went together), so a sender may err early only by the time that statement
 * takes to reach the database (a fraction of a millisecond on one machine).
 */
import type { Clock } from '../platform/clock';
import type { PgClient } from '../platform/database';
import { claimSlot, type ClaimedRow } from './send-gate-claims';

/** The most a claim books ahead of now to absorb its own round trip (see claimLeadMs). */
const MAX_LEAD_MS = 20;

/**
 * The claim's round trip, smoothed over this process's recent claims. A sender is late by at least
 * the time the claim's answer takes to reach it, so a slot claimed for "now" is late on arrival
 * whenever the database or this process is busy (a few ms): under load most senders gave their
 * slot up and claimed again, a round trip each. Claiming the slot that far ahead instead (twice
 * the smoothed round trip, at most MAX_LEAD_MS) lets the sender arrive in time; the rate, the
 * cursor rules and the lateness rule are unchanged, a message just leaves that much later.
 */
const claimRoundTrip = { smoothedMs: 1 };

function claimLeadMs(): number {
  return Math.min(MAX_LEAD_MS, 2 * claimRoundTrip.smoothedMs);
}

function recordClaimRoundTrip(ms: number): void {
  claimRoundTrip.smoothedMs += (ms - claimRoundTrip.smoothedMs) * 0.1;
}

/** How far ahead a sender may claim a slot and wait for it in-process. */
export const MAX_WAIT_MS = 2_000;
/** A sender later than this fraction of a slot after its slot takes a new one. */
const LATE_SLOT_FRACTION = 0.5;
/** …but never less than this (see the header: high rates). The sender books a row's next slot only for answers quicker than this. */
export const LATE_FLOOR_MS = 5;

/** What the gate needs: a way to wait, and optionally a clock that replaces the database's. */
export interface SendGateDeps {
  /** Runs the gate on this clock instead of the database's (a test that simulates time with a fixed clock and a `wait` that moves it). */
  clock?: Clock;
  wait: (ms: number) => Promise<void>;
  /** Called when a sender woke up too late for its slot and claims another (a metric: each is a lost slot). */
  onSlotMissed?: () => void;
}

/** An outbox row as the gate sees it: `attempts` is the attempt about to be made, `previousStatus` the status read. */
export interface GateRow {
  id: string;
  phoneNumberId: string;
  attempts: number;
  previousStatus: string;
}

/**
 * The slot after this row's, claimed and marked for the caller's next row in the same statement
 * (one claim for a read receipt and the reply behind it). The caller passes it back with that row,
 * or unmarks the row (unmarkReservation) when it will not send it now.
 */
export interface SlotReservation {
  row: GateRow;
  /** The slot in the database's clock, epoch ms; null when the number is not paced. */
  slotMs: number | null;
  rate: number | null;
  /** The database's clock at the claim, and the local time just before it was sent. */
  nowMs: number;
  sentAt: number;
}

/**
 * The outcome: go now (with a reservation for the next row when one was asked for and granted);
 * come back in `retryAfterMs` (the number's slots are taken that far ahead); or the row is no
 * longer as the caller read it (another sender sent it meanwhile): read it again.
 */
export type SendGateResult = { pass: true; reservation?: SlotReservation } | { pass: false; retryAfterMs: number } | { pass: false; isStale: true };

/** Waits `ms` on the real timer. */
export function waitOnTimer(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Claims a send slot for one outbox row of `phoneNumberId`, waits for it and returns when the row
 * may be posted. The same statement marks the row `sending` with its attempt count (committed
 * before the HTTP call, the exactly-once bookkeeping), but only when a slot was claimed.
 * When the gate does not pass, the row is left as it was (queued). The claim only counts while the
 * row is still as the caller read it (`previousStatus`, `attempts` − 1): a caller that read it
 * before taking the recipient's lock may have seen a row that was sent since.
 * `options.next` asks for the following slot for the caller's next row as well (a reservation, in
 * the answer); `options.reservation` is such a slot, used instead of a claim while on time.
 */
export async function passSendGate(
  deps: SendGateDeps,
  client: PgClient,
  row: GateRow,
  options: { next?: GateRow; reservation?: SlotReservation } = {},
): Promise<SendGateResult> {
  let isMarked = false;
  const reserved = options.reservation;
  if (reserved && reserved.row.id === row.id && reserved.row.attempts === row.attempts) {
    if (reserved.slotMs === null || (await waitForSlot(deps, reserved.slotMs, reserved.rate!, reserved.nowMs, reserved.sentAt))) return { pass: true };
    // Late for the reserved slot: claim a fresh one like any late sender (the row is already marked).
    isMarked = true;
  }
  let next = isMarked ? undefined : options.next;
  let granted: SlotReservation | undefined;
  // A reservation granted by a claim this sender then missed stands; it is handed out with the pass.
  const passed = (): SendGateResult => ({ pass: true, ...(granted ? { reservation: granted } : {}) });
  const refuseWith = async (result: SendGateResult): Promise<SendGateResult> => {
    if (granted) await unmark(client, granted.row);
    return result;
  };
  for (;;) {
    // The claim reads the database's clock somewhere between now and its answer; a slow answer
    // (a wait for the cursor's row lock, the commit's flush) is time already spent. So time is
    // measured from before the claim: the wait is shorter by the answer's delay, and the late
    // check sees the whole delay (lateness is never underestimated).
    const claim = await claimSlot(client, {
      phoneNumberId: row.phoneNumberId,
      row: toClaimedRow(row, isMarked),
      next: next && toClaimedRow(next, false),
      // On a simulated clock the claim's round trip takes no time, so there is nothing to absorb.
      leadMs: deps.clock ? 0 : claimLeadMs(),
      maxWaitMs: MAX_WAIT_MS,
      now: deps.clock?.now() ?? null,
    });
    // A claim that waited for another to finish went with the next statement: its time counts from that one's sending.
    const { sentAt } = claim;
    recordClaimRoundTrip(performance.now() - sentAt);
    if (!claim.isCurrent) return refuseWith({ pass: false, isStale: true });
    if (next && claim.isNextMarked) granted = { row: next, slotMs: claim.nextSlotMs, rate: claim.rate, nowMs: claim.nowMs, sentAt };
    // A re-claim (after a late wake-up) books this row alone.
    next = undefined;
    if (!claim.isPaced) return passed();
    isMarked ||= claim.isMarked;
    if (claim.slotMs === null) {
      if (isMarked) await unmark(client, row);
      // Come back when the slot we would get is about half the in-process wait away.
      return refuseWith({ pass: false, retryAfterMs: Math.max(0, claim.cursorMs! - claim.nowMs - MAX_WAIT_MS / 2) });
    }
    if (await waitForSlot(deps, claim.slotMs, claim.rate!, claim.nowMs, sentAt)) return passed();
  }
}

/** The row as the claim checks and marks it: as read, or already marked `sending` by this sender's earlier claim. */
function toClaimedRow(row: GateRow, isMarked: boolean): ClaimedRow {
  const expected = isMarked ? { status: 'sending', attempts: row.attempts } : { status: row.previousStatus, attempts: row.attempts - 1 };
  return { id: row.id, attempts: row.attempts, expected };
}

/**
 * Waits until `slot` (database clock; `now` was the database's clock at the claim, `sentAt` the local
 * time just before it) and says whether the sender is still on time for it (see LATE_FLOOR_MS).
 */
async function waitForSlot(deps: SendGateDeps, slot: number, rate: number, now: number, sentAt: number): Promise<boolean> {
  // A simulated clock only moves when the test's `wait` moves it; time since the claim is read off
  // it (a reservation is used one send after its claim, when the clock has moved on).
  const elapsed = () => (deps.clock ? deps.clock.now().getTime() - now : performance.now() - sentAt);
  const waitMs = slot - now - elapsed();
  if (waitMs > 0) await deps.wait(waitMs);
  const lateMs = elapsed() + now - slot;
  if (lateMs < Math.max(LATE_FLOOR_MS, (1000 / rate) * LATE_SLOT_FRACTION)) return true;
  deps.onSlotMissed?.();
  return false;
}

/** Puts a reserved row back as it was read, when its sender will not use the reservation. */
export async function unmarkReservation(client: PgClient, reservation: SlotReservation): Promise<void> {
  await unmark(client, reservation.row);
}

// A late sender's second claim found the number booked up: the row goes back to how it was, so
// the next run does not mistake it for a send that may have happened.
async function unmark(client: PgClient, row: { id: string; attempts: number; previousStatus: string }): Promise<void> {
  await client.query({
    name: 'send-gate-unmark',
    text: `UPDATE outbox_messages SET status = $2, attempts = $3, updated_at = now() WHERE id = $1::uuid AND status = 'sending'`,
    values: [row.id, row.previousStatus, row.attempts - 1],
  });
}
