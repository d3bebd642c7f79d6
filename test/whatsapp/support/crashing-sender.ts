/**
 * A sender process for test/whatsapp/outbox-crash-recovery.test.ts: sends one recipient's queued
 * outbox rows to the Graph API at GRAPH_URL, as a send_outbox job does. The test kills it with
 * SIGKILL while the fake Graph API holds its post, so it dies between Meta's acceptance and the save.
 */
import { createLogger, createPrismaClient, systemClock } from '../../../src/platform';
import { createGraphClient, sendQueuedForRecipient } from '../../../src/whatsapp';

async function main(): Promise<void> {
  const prisma = createPrismaClient({ url: process.env.DATABASE_URL!, poolSize: 2 });
  const graph = createGraphClient({ baseUrl: process.env.GRAPH_URL!, accessToken: 'test-token' });
  await sendQueuedForRecipient(
    { prisma, clock: systemClock, logger: createLogger('silent'), graph },
    { businessId: process.env.BUSINESS_ID!, recipient: process.env.RECIPIENT! },
  );
  // Reaching this line means the test did not kill us in time.
  process.stdout.write('finished\n');
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
