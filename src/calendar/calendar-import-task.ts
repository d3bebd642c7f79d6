/**
 * The durable job `import_external_calendars`: without a payload it imports every feed and then
 * plans its own next run 15 minutes later under one job key, so exactly one round is ever
 * pending however many app instances start; with `calendarId` it imports just that feed (right
 * after it was added).
 */
import { addJobInTransaction } from '../jobs';
import type { Db } from '../platform/database';
import { importAllExternalCalendars, importExternalCalendar, type ExternalCalendarImportDeps } from './external-calendar-import';

/** Task name of the import job. */
export const IMPORT_EXTERNAL_CALENDARS_TASK = 'import_external_calendars';
/** Minutes between two rounds (Google refreshes secret addresses every few hours at best, Outlook faster). */
export const IMPORT_INTERVAL_MINUTES = 15;
const ROUND_JOB_KEY = 'import-external-calendars';

/** Payload of import_external_calendars. */
export interface ImportExternalCalendarsPayload {
  calendarId?: string;
}

/** Plans a full round at `runAt` (replacing any planned one). Call at startup with now. */
export async function scheduleExternalCalendarImport(db: Db, runAt: Date): Promise<void> {
  await addJobInTransaction(db, IMPORT_EXTERNAL_CALENDARS_TASK, {}, { jobKey: ROUND_JOB_KEY, runAt, maxAttempts: 3, priority: 5 });
}

/** Plans an import of one calendar now (after it was added). */
export async function scheduleOneCalendarImport(db: Db, calendarId: string): Promise<void> {
  await addJobInTransaction(db, IMPORT_EXTERNAL_CALENDARS_TASK, { calendarId }, { jobKey: `import-external-calendar:${calendarId}`, maxAttempts: 3, priority: 5 });
}

/** Runs the job. */
export async function runImportExternalCalendarsTask(deps: ExternalCalendarImportDeps, payload: ImportExternalCalendarsPayload): Promise<void> {
  if (payload.calendarId) {
    await importExternalCalendar(deps, payload.calendarId);
    return;
  }
  try {
    await importAllExternalCalendars(deps);
  } finally {
    // Planned even when the round crashed, so one bad night does not stop imports for good.
    await scheduleExternalCalendarImport(deps.prisma, new Date(deps.clock.now().getTime() + IMPORT_INTERVAL_MINUTES * 60_000));
  }
}
