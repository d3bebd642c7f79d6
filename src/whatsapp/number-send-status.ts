/**
 * The send status a WhatsApp number shows staff (GET /v1/whatsapp-numbers → status): when a message
 * from it was last accepted by Meta, and the last failure of its set-up with how often it happened.
 */
import type { PrismaClient } from '../platform/database';
import { querySql, type SqlStatement, type SqlTarget } from '../platform/sql';
import type { SendConfigurationCode } from './send-configuration-error';

/**
 * A number's last successful send is written at most this often per process: it is for a person
 * looking at the number, and the number's row is the send gate's cursor, updated on every send.
 */
const SUCCESS_WRITE_INTERVAL_MS = 60_000;

/** Per database: when this process last wrote each number's last successful send (performance.now()). */
const successWrites = new WeakMap<PrismaClient, Map<string, number>>();

const NOTE_SUCCESS_SQL: SqlStatement = {
  name: 'whatsapp-number-note-success',
  text: `UPDATE whatsapp_numbers SET last_successful_send_at = GREATEST(last_successful_send_at, $2::timestamptz) WHERE phone_number_id = $1`,
};

/** Records that Meta accepted a message from the number (written at most once a minute per process). */
export async function noteSuccessfulSend(prisma: PrismaClient, db: SqlTarget, phoneNumberId: string, at: Date): Promise<void> {
  let writes = successWrites.get(prisma);
  if (!writes) successWrites.set(prisma, (writes = new Map()));
  const last = writes.get(phoneNumberId);
  const now = performance.now();
  if (last !== undefined && now - last < SUCCESS_WRITE_INTERVAL_MS) return;
  writes.set(phoneNumberId, now);
  await querySql(db, NOTE_SUCCESS_SQL, [phoneNumberId, at]);
}

const RECORD_FAILURE_SQL: SqlStatement = {
  name: 'whatsapp-number-record-failure',
  text: `UPDATE whatsapp_numbers
            SET last_error_count = CASE WHEN last_error_code = $2 THEN last_error_count + 1 ELSE 1 END,
                last_error_code = $2, last_error_message = $3, last_error_at = $4
          WHERE phone_number_id = $1`,
};

/** Records a send of the number that failed for a reason of its set-up (shown as status.lastError). */
export async function recordSendConfigurationFailure(
  prisma: PrismaClient,
  db: SqlTarget,
  phoneNumberId: string,
  failure: { code: SendConfigurationCode; message: string; at: Date },
): Promise<void> {
  await querySql(db, RECORD_FAILURE_SQL, [phoneNumberId, failure.code, failure.message.slice(0, 1000), failure.at]);
  // The next success after a failure is written at once, so staff see the number recover.
  successWrites.get(prisma)?.delete(phoneNumberId);
}
