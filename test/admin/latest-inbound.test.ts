/**
 * The message shown under a waiting conversation in the console's inbox is the one that arrived
 * last, even when WhatsApp delivered it late with an older timestamp.
 */
import { findLatestInboundTexts } from '../../src/admin/inbox/inbox-repository';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

describe('latest inbound message per customer', () => {
  let db: TestDatabase;
  afterAll(async () => db.drop());

  it('is the last to arrive, per customer and only of the business asked for', async () => {
    db = await createTestDatabase();
    const { prisma } = db;
    const business = await prisma.business.create({ data: { name: 'Clinic', timeZone: 'Europe/Madrid', currency: 'EUR' } });
    const other = await prisma.business.create({ data: { name: 'Other', timeZone: 'Europe/Madrid', currency: 'EUR' } });
    const customer = async (businessId: string, waId: string) => (await prisma.customer.create({ data: { businessId, waId } })).id;
    const ana = await customer(business.id, '34600000001');
    const ben = await customer(business.id, '34600000002');
    const stranger = await customer(other.id, '34600000003');
    const at = (iso: string) => new Date(iso);
    const inbound = (businessId: string, customerId: string, id: string, text: string, sentAt: string, receivedAt: string) => ({
      businessId, customerId, waMessageId: id, type: 'text', message: { type: 'text', text }, sentAt: at(sentAt), receivedAt: at(receivedAt),
    });
    await prisma.inboxMessage.createMany({
      data: [
        inbound(business.id, ana, 'wamid.a1', 'Hola', '2026-03-30T09:00:00Z', '2026-03-30T09:00:01Z'),
        // Written offline the day before; it reached us after "Hola".
        inbound(business.id, ana, 'wamid.a2', 'I need a person', '2026-03-29T18:00:00Z', '2026-03-30T09:05:00Z'),
        inbound(business.id, ben, 'wamid.b1', 'Book', '2026-03-30T08:00:00Z', '2026-03-30T08:00:01Z'),
        inbound(other.id, stranger, 'wamid.s1', 'Not yours', '2026-03-30T10:00:00Z', '2026-03-30T10:00:01Z'),
      ],
    });
    const latest = await findLatestInboundTexts(prisma, { businessId: business.id, customerIds: [ana, ben, stranger] });
    expect(Object.fromEntries([...latest].map(([id, message]) => [id, (message as { text: string }).text]))).toEqual({ [ana]: 'I need a person', [ben]: 'Book' });
  });
});
