import fs from 'node:fs';
import path from 'node:path';
import { parseWebhookPayload } from './parse-webhook';
import type { InboundStatusEvent } from './inbound-event';

const FIXTURES = path.join(__dirname, '..', '..', 'test', 'fixtures', 'webhooks', 'meta-postman');
const statusWith = (pricing: unknown) => ({
  object: 'whatsapp_business_account',
  entry: [{ id: 'waba', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { phone_number_id: '1' }, statuses: [{ id: 'wamid.1', status: 'delivered', timestamp: '1700000000', recipient_id: '34600000001', pricing }] } }] }],
});
const statusesOf = (body: unknown) => {
  const result = parseWebhookPayload(body);
  if (!result.ok) throw new Error(result.reason);
  return result.events.filter((event): event is InboundStatusEvent => event.kind === 'status');
};

describe('the pricing block of status webhooks', () => {
  it('keeps what Meta reported in its published example (the older billable flag, no type)', () => {
    const [status] = statusesOf(JSON.parse(fs.readFileSync(path.join(FIXTURES, 'status-message-sent-business-initiated.json'), 'utf8')));
    expect(status!.pricing).toStrictEqual({ category: 'business_initated', type: null, isBillable: true });
  });
  it.each([
    [{ billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'service' }, { category: 'service', type: 'free_customer_service', isBillable: false }],
    // pricing.type wins over the deprecated flag: `regular` is the billed type.
    [{ billable: false, pricing_model: 'PMP', type: 'regular', category: 'utility' }, { category: 'utility', type: 'regular', isBillable: true }],
    [{ category: 'marketing' }, { category: 'marketing', type: null, isBillable: null }],
  ])('reads %j', (pricing, expected) => {
    expect(statusesOf(statusWith(pricing))[0]!.pricing).toStrictEqual(expected);
  });
  it.each([[null], ['regular'], [{ category: 'utility; marketing' }], [{ category: 'x'.repeat(41), type: 7 }], [{}], [[{ category: 'utility' }]]])('ignores an unusable pricing %j and keeps the status', (pricing) => {
    const [status] = statusesOf(statusWith(pricing));
    expect(status!.status).toBe('delivered');
    expect(status!.pricing).toBeUndefined();
  });
});
