/**
 * The send gate's claim statement (send-gate.ts has the rules), and how concurrent claims of one
 * number from this process share it.
 *
 * Every sender of a number updates the same cursor row. At high rates that one row is the gate's
 * whole cost: each update leaves a row version that the next claims walk past, and they queue on
 * its lock (bench:webhook at 1,000/s: the claim was ~30 % of the database's time, and replacing
 * it with a plain mark gave ~20 % more turns/s). So claims of one number that arrive while one
 * of this process's claims is in flight wait for it and then go to the database together, as one
 * statement that books consecutive slots for all of them, in the order they arrived. Nothing
 * waits for company: a claim alone goes at once, as before. Measured in bench:webhook: 0.70 claim
 * statements per turn instead of 1.18 and ~19 % less database time in them; turns/s moved less
 * than that machine's run-to-run noise (six interleaved pairs, means 273 against 271). About half
 * of the claim's database time then was planning, since removed for every statement of the pool
 * (database.ts, PLANNER_SETTINGS).
 *
 * A shared statement that fails rejects every claim in it. That is safe to retry: a failed
 * statement books no slot and marks no row, so each sender's job simply runs again.
 */
import type { PgClient } from '../platform/database';
import { querySql, type SqlStatement } from '../platform/sql';

/** One row a claim asks a slot for: `expected` is how the caller read it, `attempts` the attempt it marks. */
export interface ClaimedRow {
  id: string;
  attempts: number;
  expected: { status: string; attempts: number };
}

/** One sender's claim: its row, and optionally its next row (booked the slot after, when its row is current). */
export interface ClaimRequest {
  phoneNumberId: string;
  row: ClaimedRow;
  next: ClaimedRow | undefined;
  /** How far ahead of now the first slot is booked (the claim's own expected round trip). */
  leadMs: number;
  /** How far ahead a slot may be booked at all; beyond that nothing is claimed. */
  maxWaitMs: number;
  /** A simulated clock's time (tests); null = the database's clock, the only case that is shared. */
  now: Date | null;
}

/** What one sender's claim found. */
export interface Claim {
  /** Whether the row was still as expected (nothing else was claimed or marked when it was not). */
  isCurrent: boolean;
  /** The instant the claim was made at (the database's clock unless the caller gave one), epoch ms. */
  nowMs: number;
  /** performance.now() just before the statement that made this claim was sent (a shared one's, for a claim that waited). */
  sentAt: number;
  isPaced: boolean;
  isMarked: boolean;
  /** This row's slot (epoch ms, database clock); null when not paced or when nothing could be claimed. */
  slotMs: number | null;
  /** The next row's slot when it was marked too. */
  nextSlotMs: number | null;
  rate: number | null;
  cursorMs: number | null;
  /** Whether the next row (when asked for) got the slot after this one and was marked too. */
  isNextMarked: boolean;
}

interface WaitingClaim {
  client: PgClient;
  request: ClaimRequest;
  resolve: (claim: Claim) => void;
  reject: (error: unknown) => void;
}

/** Claims of a number that arrived while one of its claims was in flight; a key is present while one is. */
const waitingByNumber = new Map<string, WaitingClaim[]>();

/**
 * Claims a slot (and the next row's, when asked) for one sender. On the database's clock, a claim
 * for a number that already has one in flight from this process waits and goes with the others that
 * arrived meanwhile, on the first one's connection (theirs are idle: their senders are waiting here).
 */
export function claimSlot(client: PgClient, request: ClaimRequest): Promise<Claim> {
  if (request.now !== null) return claimSlots(client, [request]).then(([claim]) => claim!);
  const waiting = waitingByNumber.get(request.phoneNumberId);
  if (waiting) return new Promise((resolve, reject) => waiting.push({ client, request, resolve, reject }));
  return new Promise((resolve, reject) => runInTurn(request.phoneNumberId, [{ client, request, resolve, reject }]));
}

function runInTurn(phoneNumberId: string, batch: WaitingClaim[]): void {
  waitingByNumber.set(phoneNumberId, []);
  claimSlots(batch[0]!.client, batch.map((claim) => claim.request)).then(
    (claims) => batch.forEach((claim, index) => claim.resolve(claims[index]!)),
    (error: unknown) => batch.forEach((claim) => claim.reject(error)),
  ).finally(() => {
    const next = waitingByNumber.get(phoneNumberId) ?? [];
    if (next.length === 0) waitingByNumber.delete(phoneNumberId);
    else runInTurn(phoneNumberId, next);
  });
}

/**
 * One statement for the claims of one number: checks each row is still as read, books one slot per
 * current row (a next row only when its sender's row is current) in the order given, and marks
 * those rows `sending`, but only when the slots were booked.
 *
 * The claim commits without waiting for its WAL flush (`synchronous_commit` off for this one
 * statement's transaction). Every sender of a number updates the same cursor row, and a row lock
 * is held until the commit: with the flush inside, claims queued behind each other's fsync, a few
 * milliseconds each on a VM disk, which capped a number at ~200 messages/s whatever its tier.
 * What a database crash can then lose is the last fraction of a second of claims: the cursor
 * (its slots were in the past by the time the database is back) and `sending` marks, whose rows
 * are then sent again like any row marked `sending` without an id, minus the duplicate warning.
 * An application crash loses nothing: the commit is visible at once; only its flush is deferred,
 * and the next ordinary commit of the same sender (the row's `accepted`) flushes it.
 */
async function claimSlots(client: PgClient, requests: ClaimRequest[]): Promise<Claim[]> {
  // The number, the clock and the booking window are the batch's: all its claims are for one number
  // from one process (claimLeadMs is process-wide), so the first claim's values stand for all.
  const [first] = requests;
  const rows = requests.flatMap((request, index) => [
    { row: request.row, request: index, isNext: false },
    ...(request.next ? [{ row: request.next, request: index, isNext: true }] : []),
  ]);
  const sentAt = performance.now();
  // GREATEST ignores NULL: a number that never sent starts at now (plus the lead).
  // Times as epoch milliseconds with their fraction: a Date would cut 12.5 ms slots to whole milliseconds.
  const answers = await querySql<{ is_current: boolean; is_marked: boolean; slot_index: string | null; now_ms: number; first_slot_ms: number | null; rate: number | null; cursor_ms: number | null; is_paced: boolean }>(client, CLAIM_SQL, [
    first!.phoneNumberId,
    first!.now,
    first!.maxWaitMs / 1000,
    first!.leadMs / 1000,
    rows.map(({ row }) => row.id),
    rows.map(({ row }) => row.expected.status),
    rows.map(({ row }) => row.expected.attempts),
    rows.map(({ row }) => row.attempts),
    rows.map(({ request }) => request),
    rows.map(({ isNext }) => isNext),
  ]);
  const { rate, first_slot_ms: firstSlotMs } = answers[0]!;
  const slotOf = (slotIndex: string | null) => (firstSlotMs === null || slotIndex === null ? null : firstSlotMs + (Number(slotIndex) * 1000) / rate!);
  // One answer row per input row, in input order: a sender's row, then its next row when it asked for one.
  let position = 0;
  return requests.map((request) => {
    const own = answers[position++]!;
    const next = request.next ? answers[position++]! : undefined;
    return {
      isCurrent: own.is_current,
      nowMs: own.now_ms,
      sentAt,
      isPaced: own.is_paced,
      isMarked: own.is_marked,
      slotMs: own.is_marked ? slotOf(own.slot_index) : null,
      nextSlotMs: next?.is_marked ? slotOf(next.slot_index) : null,
      rate,
      cursorMs: own.cursor_ms,
      isNextMarked: next?.is_marked ?? false,
    };
  });
}

/**
 * The claim statement (exported for the plan test: test/platform/plan-cache.test.ts). The ANY on
 * the ids in `found` makes every plan read the outbox by its key (database.ts, PLANNER_SETTINGS).
 */
export const CLAIM_SQL: SqlStatement = {
  name: 'send-gate-claim',
  text: `WITH async_commit AS (SELECT set_config('synchronous_commit', 'off', true) AS setting),
           clock AS (SELECT COALESCE($2::timestamptz, clock_timestamp()) AS now),
           input AS (SELECT * FROM unnest($5::uuid[], $6::text[], $7::int[], $8::int[], $9::int[], $10::bool[])
                       WITH ORDINALITY AS i(id, status, attempts, new_attempts, request, is_next, position)),
           found AS (SELECT i.* FROM input i
                      WHERE EXISTS (SELECT 1 FROM outbox_messages o WHERE o.id = ANY ($5::uuid[]) AND o.id = i.id AND o.status = i.status AND o.attempts = i.attempts)),
           booked AS (SELECT f.*, row_number() OVER (ORDER BY f.position) - 1 AS slot_index FROM found f
                       WHERE NOT f.is_next OR EXISTS (SELECT 1 FROM found own WHERE own.request = f.request AND NOT own.is_next)),
           slots AS (SELECT count(*) AS count FROM booked),
           gate AS (
             UPDATE whatsapp_numbers
                SET pace_cursor_at = GREATEST(pace_cursor_at, (SELECT now FROM clock) + make_interval(secs => $4::double precision))
                                     + make_interval(secs => (SELECT count FROM slots)::float8 / send_rate_per_second)
              WHERE phone_number_id = $1 AND (pace_cursor_at IS NULL OR pace_cursor_at <= (SELECT now FROM clock) + make_interval(secs => $3::double precision))
                AND EXISTS (SELECT 1 FROM booked)
             RETURNING pace_cursor_at - make_interval(secs => (SELECT count FROM slots)::float8 / send_rate_per_second) AS first_slot, send_rate_per_second AS rate),
           number AS (SELECT pace_cursor_at AS cursor FROM whatsapp_numbers WHERE phone_number_id = $1),
           -- The ANY on the ids is the mark's index condition: a join alone may plan a scan of the outbox.
           mark AS (
             -- attempted_at is on the gate's clock (the database's, but for a test that simulates time): recovery's grace period runs on it.
             UPDATE outbox_messages o SET status = 'sending', attempts = b.new_attempts, attempted_at = (SELECT now FROM clock), updated_at = now()
               FROM booked b
              WHERE o.id = ANY ($5::uuid[]) AND o.id = b.id AND (EXISTS (SELECT 1 FROM gate) OR NOT EXISTS (SELECT 1 FROM number))
             RETURNING o.id)
           SELECT EXISTS (SELECT 1 FROM found f WHERE f.position = i.position) AS is_current,
                  EXISTS (SELECT 1 FROM mark m WHERE m.id = i.id) AS is_marked, b.slot_index,
                  extract(epoch FROM (SELECT now FROM clock))::float8 * 1000 AS now_ms,
                  extract(epoch FROM (SELECT first_slot FROM gate))::float8 * 1000 AS first_slot_ms,
                  (SELECT rate FROM gate) AS rate, extract(epoch FROM (SELECT cursor FROM number))::float8 * 1000 AS cursor_ms,
                  EXISTS (SELECT 1 FROM number) AS is_paced,
                  -- Referenced so the CTE runs: a SELECT-only CTE nobody reads is never evaluated.
                  (SELECT setting FROM async_commit) AS commit_mode
             FROM input i LEFT JOIN booked b ON b.position = i.position
            ORDER BY i.position`,
};
