/**
 * Sandbox mode only: the messages the bot "sent" (stored instead of posted to Meta), so the
 * terminal chat and the simulator can show them. Not mounted when an access token is configured.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { PrismaClient } from '../platform/database';
import { sendError } from '../platform/http-errors';

const querySchema = z.object({
  waId: z.string().min(3).max(128),
  after: z.coerce.bigint().default(0n),
});

/** Builds the /sandbox router. */
export function createSandboxRouter(deps: { prisma: PrismaClient }): Router {
  const router = Router();
  router.get('/sandbox/messages', async (req, res) => {
    const parsed = querySchema.safeParse(req.query);
    if (!parsed.success) {
      sendError(res, 400, 'invalid_request', 'Give ?waId=<customer wa_id>&after=<last sequence seen>.', parsed.error.issues);
      return;
    }
    const rows = await deps.prisma.outboxMessage.findMany({
      where: { recipient: parsed.data.waId, sequence: { gt: parsed.data.after }, kind: { not: 'read_receipt' } },
      orderBy: { sequence: 'asc' },
      take: 100,
      select: { sequence: true, status: true, payload: true, createdAt: true },
    });
    res.json({ messages: rows.map((row) => ({ ...row, sequence: row.sequence.toString() })) });
  });
  return router;
}
