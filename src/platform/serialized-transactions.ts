/**
 * A Prisma driver-adapter factory whose interactive transactions send their queries one at a time.
 *
 * Why: Prisma's query interpreter loads the sibling relations of one query (`include: { a, b }`)
 * side by side. Over the pool each goes to a connection of its own; inside a transaction they all
 * go to the transaction's single connection, where node-postgres queues the overlap and prints
 * "Calling client.query() when the client is already executing a query" (a deprecation: pg@9 will
 * refuse it). Tracked upstream as prisma/orm#29407 (fix proposed in prisma/orm#29979); drop this
 * wrapper once @prisma/adapter-pg serializes its transactions itself. Waiting here costs nothing:
 * one connection runs one query at a time anyway. Queries over the pool are left untouched.
 *
 * Built on the public driver-adapter interfaces of @prisma/driver-adapter-utils only.
 */
import type { SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery, SqlResultSet, Transaction } from '@prisma/driver-adapter-utils';

/** `target` with the given members replaced; every other member is the target's own (methods bound to it). */
function withMembers<T extends object>(target: T, members: Partial<T>): T {
  return new Proxy(target, {
    get(object, property) {
      if (Object.prototype.hasOwnProperty.call(members, property)) return members[property as keyof T];
      const value: unknown = Reflect.get(object, property, object);
      return typeof value === 'function' ? value.bind(object) : value;
    },
  });
}

/** The transaction with its queries run in the order they were asked for, each after the previous one settled. */
function serializeQueries(transaction: Transaction): Transaction {
  let tail: Promise<unknown> = Promise.resolve();
  const inTurn = <R>(run: () => Promise<R>): Promise<R> => {
    const result = tail.then(run, run);
    tail = result.catch(() => undefined);
    return result;
  };
  return withMembers(transaction, {
    queryRaw: (query: SqlQuery): Promise<SqlResultSet> => inTurn(() => transaction.queryRaw(query)),
    executeRaw: (query: SqlQuery): Promise<number> => inTurn(() => transaction.executeRaw(query)),
  });
}

/**
 * Wraps an adapter factory (e.g. `new PrismaPg(pool)`) so every transaction it starts runs its queries in turn.
 * @example new PrismaClient({ adapter: withSerializedTransactions(new PrismaPg(pool)) })
 */
export function withSerializedTransactions<F extends SqlDriverAdapterFactory>(factory: F): F {
  return withMembers(factory, {
    connect: async (): Promise<SqlDriverAdapter> => {
      const adapter = await factory.connect();
      return withMembers(adapter, {
        startTransaction: async (...args: Parameters<SqlDriverAdapter['startTransaction']>) => serializeQueries(await adapter.startTransaction(...args)),
      });
    },
  } as Partial<F>);
}
