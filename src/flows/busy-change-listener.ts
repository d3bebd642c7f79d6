/**
 * What tells this process that a business's busy times or catalog changed: one dedicated PostgreSQL
 * connection (not from the pool) that LISTENs on the channels the triggers of migration
 * 20261121140000_busy_change_notify notify, with the business id as payload: busy times on every
 * write to bookings, holds, external busy blocks and used/deleted flow tokens, the catalog on every
 * write to business settings, services, staff, their services, working hours and date overrides.
 *
 * Caches built on it (flow-availability, flow-tokens) remember the generation of a business when
 * they read it and trust their copy only while the listener is listening and that generation has
 * not moved. Generations come from one counter for the whole process, and every gain or loss of the
 * connection starts a new epoch that moves every business's generation: while the connection is
 * down, or was down at any moment since a copy was read, nothing cached is trusted and the caches
 * read live, as they did before this existed. Reconnects with capped backoff on unref'd timers.
 * A connection that dies without a word (a network cut leaves no FIN) would keep "listening" while
 * nothing arrives: a heartbeat query every few seconds that gets no answer in time counts as a loss,
 * which bounds how long such a cut can leave copies trusted.
 */
import { Client } from 'pg';
import { closeWithPrisma, poolOf, type PrismaClient } from '../platform/database';

/** The channel the migration's busy-time triggers notify, payload a business id. */
export const BUSY_CHANGED_CHANNEL = 'tapbook_busy_changed';
/** The channel the migration's catalog triggers notify, payload a business id. */
export const CATALOG_CHANGED_CHANNEL = 'tapbook_catalog_changed';

/** Change notifications of busy times, as generations per business. */
export interface BusyChangeListener {
  /** Connected and LISTEN confirmed: a change committed from now on will be reported. */
  readonly isListening: boolean;
  /** Changes whenever the connection is established or lost (cached copies of an older epoch are not trusted). */
  readonly epoch: number;
  /** Moves on every reported change of any business and on every new epoch ("did anything happen since?"). */
  readonly changeCount: number;
  /** The business's busy-time generation: moves when its busy times are reported changed and on every new epoch. */
  generationOf(businessId: string): number;
  /** The business's catalog generation: moves when its catalog is reported changed and on every new epoch. */
  catalogGenerationOf(businessId: string): number;
  /** Records a change this process just committed, so its next read does not wait for the notification. */
  markChanged(businessId: string): void;
  /** Connects and listens unless already started (idempotent, returns at once). */
  start(): void;
  /** Resolves once listening (for tests and startup checks); rejects after `timeoutMs`. */
  waitUntilListening(timeoutMs?: number): Promise<void>;
  /** Stops listening and reconnecting; the connection is closed when the promise resolves. */
  close(): Promise<void>;
}

/** How the connection shows in pg_stat_activity (for operators, and tests that cut it). */
export const BUSY_LISTENER_APPLICATION_NAME = 'tapbook busy-change listener';

/** Reconnect delays: from the first to the cap, doubling. */
const DEFAULT_RETRY = { firstMs: 100, maxMs: 5_000 };
/** Heartbeat: a trivial query this often, lost when unanswered within timeoutMs. */
const DEFAULT_HEARTBEAT = { everyMs: 5_000, timeoutMs: 3_000 };

/**
 * A listener on its own connection to `connectionString`. Nothing connects before start().
 * @example const listener = createBusyChangeListener({ connectionString }); listener.start(); listener.generationOf(businessId)
 */
export function createBusyChangeListener(options: {
  connectionString: string;
  /** Told about a lost or refused connection (no personal data in it: a driver error). */
  onConnectionError?: (error: Error) => void;
  retry?: { firstMs: number; maxMs: number };
  heartbeat?: { everyMs: number; timeoutMs: number };
  applicationName?: string;
}): BusyChangeListener {
  const retry = options.retry ?? DEFAULT_RETRY;
  const heartbeat = options.heartbeat ?? DEFAULT_HEARTBEAT;
  let heartbeatTimer: NodeJS.Timeout | undefined;
  let changeCount = 0;
  let epoch = 0;
  let epochStartedAt = 0;
  const generations = new Map<string, number>();
  const catalogGenerations = new Map<string, number>();
  let client: Client | undefined;
  let isListening = false;
  let isStarted = false;
  let isClosed = false;
  let retryMs = retry.firstMs;
  let retryTimer: NodeJS.Timeout | undefined;
  let waiters: Array<() => void> = [];

  const markChanged = (businessId: string, marks = generations) => {
    changeCount += 1;
    marks.set(businessId, changeCount);
  };

  const startEpoch = () => {
    changeCount += 1;
    epoch += 1;
    epochStartedAt = changeCount;
    // Every generation is now at least epochStartedAt: the per-business marks say nothing more.
    generations.clear();
    catalogGenerations.clear();
  };

  const lose = (lost: Client, error?: Error) => {
    if (client !== lost) return;
    client = undefined;
    isListening = false;
    startEpoch();
    clearInterval(heartbeatTimer);
    void lost.end().catch(() => undefined);
    if (error) options.onConnectionError?.(error);
    if (!isClosed) scheduleConnect();
  };

  const scheduleConnect = () => {
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void connect();
    }, retryMs);
    retryTimer.unref();
    retryMs = Math.min(retry.maxMs, retryMs * 2);
  };

  const connect = async () => {
    const next = new Client({
      connectionString: options.connectionString,
      keepAlive: true,
      application_name: options.applicationName ?? BUSY_LISTENER_APPLICATION_NAME,
      // Every query of this connection (the heartbeat included) fails after this: a silent server is a lost one.
      query_timeout: heartbeat.timeoutMs,
    });
    client = next;
    next.on('notification', (message) => {
      if (!message.payload) return;
      if (message.channel === BUSY_CHANGED_CHANNEL) markChanged(message.payload);
      else if (message.channel === CATALOG_CHANGED_CHANNEL) markChanged(message.payload, catalogGenerations);
    });
    // Registered before connecting: a terminated backend emits 'error' then 'end'; either ends this connection.
    next.on('error', (error) => lose(next, error));
    next.on('end', () => lose(next));
    try {
      await next.connect();
      await next.query(`LISTEN ${BUSY_CHANGED_CHANNEL}; LISTEN ${CATALOG_CHANGED_CHANNEL}`);
    } catch (error) {
      lose(next, error as Error);
      return;
    }
    if (client !== next || isClosed) return;
    isListening = true;
    // Copies read before LISTEN took effect may have missed a notification: a new epoch distrusts them.
    startEpoch();
    let isBeating = false;
    heartbeatTimer = setInterval(() => {
      // One heartbeat at a time: an unanswered one fails at query_timeout by itself, and a second
      // would queue behind it on this connection (pg warns about that, and pg@9 refuses it).
      if (isBeating) return;
      isBeating = true;
      next.query('SELECT 1').then(
        () => {
          isBeating = false;
        },
        (error: Error) => lose(next, error),
      );
    }, heartbeat.everyMs);
    heartbeatTimer.unref();
    retryMs = retry.firstMs;
    for (const wake of waiters) wake();
    waiters = [];
  };

  return {
    get isListening() {
      return isListening;
    },
    get epoch() {
      return epoch;
    },
    get changeCount() {
      return changeCount;
    },
    generationOf(businessId) {
      return Math.max(generations.get(businessId) ?? 0, epochStartedAt);
    },
    catalogGenerationOf(businessId) {
      return Math.max(catalogGenerations.get(businessId) ?? 0, epochStartedAt);
    },
    markChanged: (businessId) => markChanged(businessId),
    start() {
      if (isStarted || isClosed) return;
      isStarted = true;
      void connect();
    },
    waitUntilListening(timeoutMs = 10_000) {
      if (isListening) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`not listening on ${BUSY_CHANGED_CHANNEL} after ${timeoutMs} ms`)), timeoutMs);
        timer.unref();
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
    async close() {
      isClosed = true;
      if (retryTimer) clearTimeout(retryTimer);
      const open = client;
      client = undefined;
      isListening = false;
      startEpoch();
      clearInterval(heartbeatTimer);
      await open?.end().catch(() => undefined);
    },
  };
}

const shared = new WeakMap<PrismaClient, BusyChangeListener>();

/**
 * The process's one listener for the database of `prisma` (created on first call, not started),
 * closed by disconnectPrisma: every app mounted on the same client shares one LISTEN connection.
 */
export function busyChangeListenerOf(prisma: PrismaClient, onConnectionError?: (error: Error) => void): BusyChangeListener {
  let listener = shared.get(prisma);
  if (!listener) {
    const connectionString = poolOf(prisma).options.connectionString;
    if (!connectionString) throw new Error('busyChangeListenerOf: the pool of this PrismaClient has no connection string');
    listener = createBusyChangeListener({ connectionString, ...(onConnectionError ? { onConnectionError } : {}) });
    shared.set(prisma, listener);
    closeWithPrisma(prisma, listener.close);
  }
  return listener;
}
