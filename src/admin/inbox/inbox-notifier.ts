/**
 * Live inbox updates across app processes: one dedicated PostgreSQL connection per process
 * LISTENs on tapbook_console_inbox (notified by the conversations triggers of migration
 * 20261207032639_console_staff_users, payload a business id) and tells the subscribed
 * server-sent-event streams of that business. Connects on the first subscriber, reconnects with
 * capped backoff, and closes with the Prisma client.
 */
import { Client } from 'pg';
import { closeWithPrisma, poolOf, type PrismaClient } from '../../platform/database';

/** The channel the triggers notify. */
export const CONSOLE_INBOX_CHANNEL = 'tapbook_console_inbox';

/** Subscriptions to one business's inbox changes. */
export interface InboxNotifier {
  /** Calls `onChange` on every change of the business's waiting conversations; returns the unsubscribe function. */
  subscribe(businessId: string, onChange: () => void): () => void;
  /** Resolves once the connection listens (tests wait for it before causing a change). */
  waitUntilListening(): Promise<void>;
}

const notifiers = new WeakMap<PrismaClient, InboxNotifier>();
const RETRY = { firstMs: 200, maxMs: 5_000 };

/** The process's notifier for this Prisma client's database. */
export function inboxNotifierOf(prisma: PrismaClient): InboxNotifier {
  const existing = notifiers.get(prisma);
  if (existing) return existing;
  const connectionString = poolOf(prisma).options.connectionString;
  if (!connectionString) throw new Error('inboxNotifierOf: the pool of this PrismaClient has no connection string');
  const subscribers = new Map<string, Set<() => void>>();
  let client: Client | undefined;
  let isClosed = false;
  let isStarted = false;
  let retryMs = RETRY.firstMs;
  let listening: Promise<void> | undefined;
  let resolveListening: (() => void) | undefined;

  const resetListening = () => {
    listening = new Promise<void>((resolve) => (resolveListening = resolve));
  };
  resetListening();

  const connect = async (): Promise<void> => {
    if (isClosed) return;
    const next = new Client({ connectionString, application_name: 'tapbook console inbox listener' });
    next.on('notification', (message) => {
      for (const onChange of subscribers.get(message.payload ?? '') ?? []) onChange();
    });
    next.on('error', () => undefined);
    next.on('end', () => {
      if (client !== next || isClosed) return;
      client = undefined;
      resetListening();
      setTimeout(() => void connect(), retryMs).unref();
      retryMs = Math.min(retryMs * 2, RETRY.maxMs);
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${CONSOLE_INBOX_CHANNEL}`);
      client = next;
      retryMs = RETRY.firstMs;
      resolveListening?.();
      // A change between a lost connection and this LISTEN went unheard: tell everyone to refresh.
      for (const set of subscribers.values()) for (const onChange of set) onChange();
    } catch {
      await next.end().catch(() => undefined);
      if (isClosed) return;
      setTimeout(() => void connect(), retryMs).unref();
      retryMs = Math.min(retryMs * 2, RETRY.maxMs);
    }
  };

  const notifier: InboxNotifier = {
    subscribe(businessId, onChange) {
      if (!isStarted) {
        isStarted = true;
        void connect();
      }
      const set = subscribers.get(businessId) ?? new Set();
      set.add(onChange);
      subscribers.set(businessId, set);
      return () => {
        set.delete(onChange);
        if (set.size === 0) subscribers.delete(businessId);
      };
    },
    waitUntilListening: () => listening!,
  };
  notifiers.set(prisma, notifier);
  closeWithPrisma(prisma, async () => {
    isClosed = true;
    await client?.end().catch(() => undefined);
  });
  return notifier;
}
