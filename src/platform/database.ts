/**
 * The Prisma client over node-postgres (`@prisma/adapter-pg`), and small helpers around it.
 * Only repository files import the client type from here.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import { Prisma, PrismaClient } from '../generated/prisma/client';

export { Prisma, PrismaClient };

/** A Prisma client, or the transaction client handed to `$transaction` callbacks. */
export type Db = PrismaClient | Prisma.TransactionClient;

/** Creates a Prisma client for the given connection string with a bounded pool. */
export function createPrismaClient(options: { url: string; poolSize: number }): PrismaClient {
  const adapter = new PrismaPg({ connectionString: options.url, max: options.poolSize });
  return new PrismaClient({ adapter });
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
