/**
 * One SQL statement, run either on node-postgres (a pool or a checked-out client; hot paths: prepared once per connection,
 * ~0.1 ms of CPU) or on a Prisma client or transaction (everything inside a Prisma transaction).
 * The statement text is written once, with $1… parameters, whichever runs it.
 */
import type { Pool, PoolClient } from 'pg';
import type { Db } from './database';

/** Where a statement can run: a Prisma client or transaction, a pg pool, or a checked-out pg client (inside its BEGIN … COMMIT). */
export type SqlTarget = Db | Pool | PoolClient;

/** A statement with a name (the prepared statement's name on each pg connection) and $n parameters. */
export interface SqlStatement {
  name: string;
  text: string;
}

/** Runs the statement and returns its rows (column names as the SQL aliases them). */
export async function querySql<Row>(target: SqlTarget, statement: SqlStatement, values: unknown[]): Promise<Row[]> {
  if ('$queryRawUnsafe' in target) return target.$queryRawUnsafe<Row[]>(statement.text, ...values);
  return (await target.query<Row & object>({ name: statement.name, text: statement.text, values })).rows;
}
