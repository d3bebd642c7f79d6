/**
 * WhatsApp's customer-service window: for 24 hours after a customer's last message the business
 * may send them free-form messages (text, buttons, lists); after that only approved templates.
 * Every sender that chooses between the two asks this file.
 */

/** 24 hours: the customer-service window after the customer's last message. */
export const SERVICE_WINDOW_MS = 24 * 60 * 60_000;

/**
 * True when a free-form message sent at `sendAt` still falls inside the window opened by the
 * customer's last message (the window is open while less than 24 hours have passed); `marginMs`
 * closes it that much earlier, for a message that may leave a little after `sendAt`.
 * @example isInsideServiceWindow({ lastInboundAt: new Date('2026-03-28T12:00:00Z'), sendAt: new Date('2026-03-29T11:59:59Z') }) // true
 */
export function isInsideServiceWindow(input: { lastInboundAt: Date | null; sendAt: Date; marginMs?: number }): boolean {
  if (!input.lastInboundAt) return false;
  return input.sendAt.getTime() - input.lastInboundAt.getTime() < SERVICE_WINDOW_MS - (input.marginMs ?? 0);
}
