/** Sends a message the machine built, with the business's opening hours filled in when it names them. */
import type { MessageDescriptor } from '../../../machines/conversation-types';
import { findWorkingHourRanges } from '../effect-repository';
import { toOpeningHours } from '../opening-hours';
import { renderMessage } from '../render-message';
import { defineEffect, queueForCustomer, type EffectContext } from './effect-context';

/** The reply effect. */
export const reply = defineEffect<'reply'>({
  changesBookings: false,
  async run(ctx, params) {
    const descriptor = await fillOpeningHours(ctx, params.message);
    queueForCustomer(ctx, 'reply', renderMessage({ descriptor, locale: params.locale, to: ctx.customer.waId, timeZone: ctx.business.timeZone }));
    return undefined;
  },
});

// The machine does not know the hours: a hand-off notice asks for them by an empty parameter.
async function fillOpeningHours(ctx: EffectContext, message: MessageDescriptor): Promise<MessageDescriptor> {
  const params = message.params;
  const asksForHours = (param: unknown) => typeof param === 'object' && param !== null && (param as { kind?: string }).kind === 'openingHours';
  if (!params || !Object.values(params).some((param) => asksForHours(param) && !(param as { hours?: unknown }).hours)) return message;
  const hours = toOpeningHours(await findWorkingHourRanges(ctx.tx, ctx.business.id));
  const filled = Object.fromEntries(Object.entries(params).map(([name, param]) => [name, asksForHours(param) ? { ...(param as object), hours } : param]));
  return { ...message, params: filled } as MessageDescriptor;
}
