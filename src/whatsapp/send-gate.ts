/**
 * The send gate: Meta's throughput limit per business phone number (default 80 messages/s; more
 * is answered with 130429), enforced right before each Graph API call, by every sender.
 *
 * One cursor per number (`whatsapp_numbers.pace_cursor_at`) holds the next free slot; slots are
 * 1/rate apart. A sender claims the next slot in one atomic UPDATE (so several worker processes
 * on one database share it), sleeps in-process until it, and sends. Two rules keep the limit
 * whatever stalls happen:
 *  - the maximum wait: a slot more than MAX_WAIT_MS ahead is not claimed; the message is
 *    rescheduled as a job, so a backlog waits in the queue, never in a claimed slot that could
 *    fire late in a burst;
 *  - the late-slot rule: a sender that wakes up late (CPU starved, GC, a slow statement) by half a
 *    slot or more (never less than LATE_FLOOR_MS) throws its slot away and claims a fresh one, so
 *    a missed slot is a pause, never a burst. The fresh slot is booked at least twice that lateness
 *    ahead of now: a sender is late by at least its claim's own round trip, and under load a slot
 *    claimed for "now" would be missed again and again.
 * So sends leave within half a slot after their slots: at most `rate` + 1 in any 1-s window at
 * Meta's default tier. Above 100 messages/s half a slot is shorter than a busy event loop's timer
 * jitter, so the floor lets a sender be up to LATE_FLOOR_MS late there (rate × 1.005 + 1 at most).
 * The cursor never falls behind `now`, so a quiet period does not store up a burst. Slots are in
 * the database's clock (one time source for every process, whatever the hosts' clock skew); the
 * in-process wait is measured locally from just before the claim was sent, so a sender may err
 * early only by the time the statement takes to reach the database.
 */
import type { Clock } from '../platform/clock';
import type { PgClient } from '../platform/database';
import { querySql, type SqlStatement } from '../platform/sql';

/** How far ahead a sender may claim a slot and wait for it in-process. */
export const MAX_WAIT_MS = 2_000;
/** A sender later than this fraction of a slot after its slot takes a new one. */
const LATE_SLOT_FRACTION = 0.5;
/** …but never less than this: at high rates half a slot is within ordinary timer jitter. */
const LATE_FLOOR_MS = 5;
/** The most a fresh claim after a missed slot books ahead of now. */
const MAX_LEAD_MS = 1_000;

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
 * The outcome: go now; come back in `retryAfterMs` (the number's slots are taken that far ahead);
 * or the row is no longer as the caller read it (another sender sent it meanwhile): read it again.
 */
export type SendGateResult = { pass: true } | { pass: false; retryAfterMs: number } | { pass: false; isStale: true };

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
 */
export async function passSendGate(deps: SendGateDeps, client: PgClient, row: GateRow): Promise<SendGateResult> {
  let isMarked = false;
  let leadMs = 0;
  for (;;) {
    // Time is measured from before the claim: a slow answer (a wait for the cursor's row lock) is
    // time already spent, so the wait is shorter by it and lateness is never underestimated.
    const sentAt = performance.now();
    const expected: { status: string; attempts: number } = isMarked ? { status: 'sending', attempts: row.attempts } : { status: row.previousStatus, attempts: row.attempts - 1 };
    const [claim]: ClaimAnswer[] = await querySql<ClaimAnswer>(client, CLAIM_SQL, [
      row.phoneNumberId,
      deps.clock?.now() ?? null,
      MAX_WAIT_MS / 1000,
      leadMs / 1000,
      row.id,
      expected.status,
      expected.attempts,
      row.attempts,
    ]);
    if (!claim!.is_current) return { pass: false, isStale: true };
    if (!claim!.is_paced) return { pass: true };
    isMarked ||= claim!.is_marked;
    if (claim!.slot_ms === null) {
      if (isMarked) await unmark(client, row);
      // Come back when the slot we would get is about half the in-process wait away.
      return { pass: false, retryAfterMs: Math.max(0, claim!.cursor_ms! - claim!.now_ms - MAX_WAIT_MS / 2) };
    }
    const lateMs = await waitForSlot(deps, claim!, sentAt);
    if (lateMs === null) return { pass: true };
    leadMs = Math.min(MAX_LEAD_MS, 2 * lateMs);
  }
}

/** The claim's answer: times are epoch milliseconds with their fraction (a Date would cut 12.5 ms slots to whole ms). */
interface ClaimAnswer {
  is_current: boolean;
  is_marked: boolean;
  is_paced: boolean;
  now_ms: number;
  slot_ms: number | null;
  rate: number | null;
  cursor_ms: number | null;
}

/**
 * Waits until the claimed slot (database clock; `now_ms` was the database's clock at the claim,
 * `sentAt` the local time just before it): null when the sender is on time for it, else how late it is.
 */
async function waitForSlot(deps: SendGateDeps, claim: ClaimAnswer, sentAt: number): Promise<number | null> {
  // A simulated clock only moves when the test's `wait` moves it.
  const elapsed = () => (deps.clock ? deps.clock.now().getTime() - claim.now_ms : performance.now() - sentAt);
  const slot = claim.slot_ms!;
  const waitMs = slot - claim.now_ms - elapsed();
  if (waitMs > 0) await deps.wait(waitMs);
  const lateMs = elapsed() + claim.now_ms - slot;
  if (lateMs < Math.max(LATE_FLOOR_MS, (1000 / claim.rate!) * LATE_SLOT_FRACTION)) return null;
  deps.onSlotMissed?.();
  return lateMs;
}

// A late sender's second claim found the number booked up: the row goes back to how it was, so
// the next run does not mistake it for a send that may have happened.
async function unmark(client: PgClient, row: GateRow): Promise<void> {
  await client.query({
    name: 'send-gate-unmark',
    text: `UPDATE outbox_messages SET status = $2, attempts = $3, updated_at = now() WHERE id = $1::uuid AND status = 'sending'`,
    values: [row.id, row.previousStatus, row.attempts - 1],
  });
}

/**
 * The claim (exported for the plan test): checks the row is still as read, moves the number's
 * cursor one slot on from max(cursor, now + lead) unless it is more than the maximum wait ahead, and
 * marks the row `sending`, only when a slot was booked (or the number is not paced at all).
 * GREATEST ignores NULL: a number that never sent starts at now.
 */
export const CLAIM_SQL: SqlStatement = {
  name: 'send-gate-claim',
  text: `WITH clock AS (SELECT COALESCE($2::timestamptz, clock_timestamp()) AS now),
           found AS (SELECT 1 FROM outbox_messages WHERE id = $5::uuid AND status = $6 AND attempts = $7),
           gate AS (
             UPDATE whatsapp_numbers
                SET pace_cursor_at = GREATEST(pace_cursor_at, (SELECT now FROM clock) + make_interval(secs => $4::double precision)) + make_interval(secs => 1.0 / send_rate_per_second)
              WHERE phone_number_id = $1 AND (pace_cursor_at IS NULL OR pace_cursor_at <= (SELECT now FROM clock) + make_interval(secs => $3::double precision))
                AND EXISTS (SELECT 1 FROM found)
             RETURNING pace_cursor_at - make_interval(secs => 1.0 / send_rate_per_second) AS slot, send_rate_per_second AS rate),
           number AS (SELECT pace_cursor_at AS cursor FROM whatsapp_numbers WHERE phone_number_id = $1),
           mark AS (
             -- attempted_at is on the gate's clock (the database's, but for a test that simulates time): recovery's grace period runs on it.
             UPDATE outbox_messages SET status = 'sending', attempts = $8, attempted_at = (SELECT now FROM clock), updated_at = now()
              WHERE id = $5::uuid AND EXISTS (SELECT 1 FROM found) AND (EXISTS (SELECT 1 FROM gate) OR NOT EXISTS (SELECT 1 FROM number))
             RETURNING id)
         SELECT EXISTS (SELECT 1 FROM found) AS is_current, EXISTS (SELECT 1 FROM mark) AS is_marked, EXISTS (SELECT 1 FROM number) AS is_paced,
                extract(epoch FROM (SELECT now FROM clock))::float8 * 1000 AS now_ms,
                extract(epoch FROM (SELECT slot FROM gate))::float8 * 1000 AS slot_ms,
                (SELECT rate FROM gate) AS rate,
                extract(epoch FROM (SELECT cursor FROM number))::float8 * 1000 AS cursor_ms`,
};
