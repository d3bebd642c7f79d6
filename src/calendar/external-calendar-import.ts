/**
 * The periodic import of external calendars: fetch each feed through safeFetch (https only, public
 * addresses checked at every connection and redirect, 10 s, 5 MB), expand its events for the next 60 days and replace that feed's busy blocks in one
 * transaction, so availability never sees a half-imported feed.
 */
import type { Clock } from '../platform/clock';
import type { PrismaClient } from '../platform/database';
import type { Logger } from '../platform/logger';
import { openSecret } from '../platform/secret-box';
import { findBusyIntervals } from './busy-times';
import { findCalendarForImport, listAllCalendarIds, recordImportFailure, replaceBusyBlocks } from './external-calendar-repository';
import { OutboundRequestError, safeFetch, type HostResolver } from '../platform/safe-fetch';

/** How far ahead events are expanded (beyond the usual booking window of 60 days). */
export const IMPORT_HORIZON_DAYS = 60;
/** A feed larger than this is refused (a personal calendar is a few hundred kB). */
export const MAX_FEED_BYTES = 5 * 1024 * 1024;
/** A feed that takes longer than this is abandoned until the next round. */
export const FEED_TIMEOUT_MS = 10_000;
const MAX_REDIRECTS = 3;

/** What the import needs. */
export interface ExternalCalendarImportDeps {
  prisma: PrismaClient;
  clock: Clock;
  logger: Logger;
  /** DATA_ENCRYPTION_KEY; undefined → nothing can be imported (URLs are stored sealed). */
  encryptionKey: Buffer | undefined;
  /** Tests only: lets feeds on loopback through (the running server never sets it). */
  allowsLoopback?: boolean;
  /** Resolves feed host names at connect time (default: system DNS). */
  resolveHost?: HostResolver;
}

/** The result of importing one calendar. */
export type ImportOutcome = { ok: true; blockCount: number; eventCount: number } | { ok: false; error: string };

/** Imports one calendar; a failure is recorded on the calendar and returned, never thrown. */
export async function importExternalCalendar(deps: ExternalCalendarImportDeps, calendarId: string): Promise<ImportOutcome> {
  const calendar = await findCalendarForImport(deps.prisma, calendarId);
  if (!calendar) return { ok: false, error: 'calendar no longer exists' };
  const now = deps.clock.now();
  const log = deps.logger.child({ component: 'calendar-import', calendarId });
  try {
    if (!deps.encryptionKey) throw new Error('DATA_ENCRYPTION_KEY is not set, so the stored feed address cannot be read. Set it to the key the address was saved with.');
    const url = openSecret(deps.encryptionKey, calendar.urlEncrypted);
    const text = await fetchFeed(deps, url);
    const { intervals, eventCount } = findBusyIntervals({
      icsText: text,
      from: now,
      to: new Date(now.getTime() + IMPORT_HORIZON_DAYS * 86_400_000),
      defaultTimeZone: calendar.business.timeZone,
    });
    await deps.prisma.$transaction((tx) => replaceBusyBlocks(tx, { calendar, intervals, eventCount, now }));
    log.debug({ blocks: intervals.length, events: eventCount }, 'external calendar imported');
    return { ok: true, blockCount: intervals.length, eventCount };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // The message never holds the URL: it is a secret address.
    log.warn({ err: message }, 'external calendar import failed');
    await recordImportFailure(deps.prisma, { calendarId, error: message, now });
    return { ok: false, error: message };
  }
}

/** Imports every calendar of every business, one after the other (a slow feed delays only itself by 10 s). */
export async function importAllExternalCalendars(deps: ExternalCalendarImportDeps): Promise<{ imported: number; failed: number }> {
  let imported = 0;
  let failed = 0;
  for (const id of await listAllCalendarIds(deps.prisma)) {
    const outcome = await importExternalCalendar(deps, id);
    if (outcome.ok) imported += 1;
    else failed += 1;
  }
  return { imported, failed };
}

async function fetchFeed(deps: ExternalCalendarImportDeps, url: string): Promise<string> {
  try {
    const response = await safeFetch(
      url,
      { method: 'GET', headers: { accept: 'text/calendar, */*;q=0.5', 'user-agent': 'Tapbook-Calendar/1' }, timeoutMs: FEED_TIMEOUT_MS, maxBytes: MAX_FEED_BYTES, maxRedirects: MAX_REDIRECTS },
      { allowsLoopback: deps.allowsLoopback === true, ...(deps.resolveHost ? { resolveHost: deps.resolveHost } : {}) },
    );
    if (response.status < 200 || response.status >= 300) throw new Error(`the feed answered HTTP ${response.status}`);
    return response.body;
  } catch (error) {
    if (!(error instanceof OutboundRequestError)) throw error;
    switch (error.kind) {
      case 'unsafe_url':
        throw new Error(`the feed address ${error.message}`);
      case 'timeout':
        throw new Error(`the feed did not answer within ${FEED_TIMEOUT_MS / 1000} s`);
      case 'too_large':
        throw new Error(`the feed is larger than ${MAX_FEED_BYTES / 1024 / 1024} MB`);
      case 'too_many_redirects':
        throw new Error(`the feed redirected more than ${MAX_REDIRECTS} times`);
      case 'network':
        throw new Error(`the feed could not be reached (${error.message})`);
    }
  }
}
