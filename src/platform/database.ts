/**
 * The Prisma client over node-postgres (`@prisma/adapter-pg`), and small helpers around it.
 * Only repository files import the client type from here.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool, type PoolClient } from 'pg';
import { Prisma, PrismaClient } from '../generated/prisma/client';
import { withSerializedTransactions } from './serialized-transactions';

export { Prisma, PrismaClient };

/** A Prisma client, or the transaction client handed to `$transaction` callbacks. */
export type Db = PrismaClient | Prisma.TransactionClient;

/** Creates a Prisma client for the given connection string with a bounded pool. */
export function createPrismaClient(options: {
  url: string;
  poolSize: number;
  onIdleClientError?: (error: Error) => void;
}): PrismaClient {
  const pool = new Pool({ ...withSsdCostModel(options.url), max: options.poolSize });
  // An idle pooled connection that the server drops (restart, admin command) emits 'error' on
  // the pool; without a listener Node would crash the whole process.
  pool.on('error', options.onIdleClientError ?? (() => undefined));
  // Prisma's 5 s default lets a short transaction fail on a loaded host (a slow seed, a busy
  // CI machine) although nothing is wrong; a stuck one still ends, and the pool stays bounded.
  // Transactions send Prisma's side-by-side relation reads one at a time (why: serialized-transactions.ts).
  const client = new PrismaClient({
    adapter: withSerializedTransactions(new PrismaPg(pool)),
    transactionOptions: TRANSACTION_DEFAULTS,
  });
  pools.set(client, pool);
  return client;
}

const pools = new WeakMap<PrismaClient, Pool>();

/** Interactive transactions wait up to 10 s for a connection and may run up to 30 s. */
const TRANSACTION_DEFAULTS = { maxWait: 10_000, timeout: 30_000 } as const;

/**
 * Every pooled connection plans with `random_page_cost = 1.1`, the usual value for SSDs (PostgreSQL's
 * 4.0 models spinning disks). Why: a plan PostgreSQL keeps for a prepared statement is made with the
 * table sizes of that moment; made while the inbox and outbox were nearly empty (a new install, the
 * start of a load), the hot statements' plans scanned those whole tables until the next ANALYZE.
 * test/platform/plan-cache.test.ts checks those plans. Sent as the startup packet's `options`; a URL
 * with its own `options` keeps them (node-postgres lets the URL's value win, so ours are appended there).
 */
const SSD_COST_MODEL = '-c random_page_cost=1.1';

function withSsdCostModel(url: string): { connectionString: string; options: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { connectionString: url, options: SSD_COST_MODEL };
  }
  const own = parsed.searchParams.get('options');
  if (own === null) return { connectionString: url, options: SSD_COST_MODEL };
  parsed.searchParams.set('options', `${own} ${SSD_COST_MODEL}`);
  return { connectionString: parsed.toString(), options: SSD_COST_MODEL };
}

/**
 * The node-postgres pool under a client made by createPrismaClient. Hot paths (the Flows
 * endpoint, the webhook, the send loop) run their few statements on it directly: a prepared pg
 * statement costs several times less CPU than a Prisma call.
 */
export function poolOf(prisma: PrismaClient): Pool {
  const pool = pools.get(prisma);
  if (!pool) throw new Error('poolOf: this PrismaClient was not made by createPrismaClient');
  return pool;
}

/** A node-postgres connection checked out of `poolOf(prisma)` (hot paths run prepared statements on it). */
export type PgClient = PoolClient;

/**
 * Runs `work` between BEGIN and COMMIT on a checked-out client; any throw rolls back and rethrows.
 * The client stays checked out: session state (advisory locks) outlives the transaction on purpose.
 */
export async function inPgTransaction<T>(client: PgClient, work: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

const disconnectHooks = new WeakMap<PrismaClient, Array<() => Promise<void>>>();

/**
 * Has disconnectPrisma also close `close`'s resource: connections of their own that components open next
 * to the pool (the Flows endpoint's LISTEN connection) end with the client, so a stopping app or a test
 * leaves no socket behind.
 */
export function closeWithPrisma(prisma: PrismaClient, close: () => Promise<void>): void {
  const hooks = disconnectHooks.get(prisma) ?? [];
  hooks.push(close);
  disconnectHooks.set(prisma, hooks);
}

/** Disconnects the client and closes its connection pool (Prisma leaves a caller-owned pool open). */
export async function disconnectPrisma(prisma: PrismaClient): Promise<void> {
  const hooks = disconnectHooks.get(prisma) ?? [];
  disconnectHooks.delete(prisma);
  await Promise.all(hooks.map((close) => close().catch(() => undefined)));
  await prisma.$disconnect();
  await pools.get(prisma)?.end();
}

/** Answers whether the database accepts a trivial query (for /health). */
export async function checkDatabase(prisma: PrismaClient): Promise<{ ok: true } | { ok: false; reason: string }> {
  try {
    await prisma.$queryRaw`SELECT 1`;
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message.split('\n')[0]! : 'unknown error' };
  }
}
