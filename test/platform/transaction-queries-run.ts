/**
 * Run by transaction-queries.test.ts in a process of its own (pg's deprecation warnings go to the
 * real process, once): reads several relations of a row inside an interactive transaction and
 * books an appointment, as the server does. DATABASE_URL names a database with the demo business.
 */
import { createBookingService } from '../../src/booking';
import { createFixedClock, createPrismaClient, disconnectPrisma } from '../../src/platform';

async function main(): Promise<void> {
  const prisma = createPrismaClient({ url: process.env.DATABASE_URL!, poolSize: 2 });
  try {
    const business = await prisma.business.findFirstOrThrow({ include: { staff: true, services: true } });
    const staff = await prisma.$transaction((tx) =>
      tx.staff.findUniqueOrThrow({ where: { id: business.staff[0]!.id }, include: { services: true, workingHours: true, dateOverrides: true } }),
    );
    const customer = await prisma.customer.create({ data: { businessId: business.id, waId: '34699000001', phoneE164: '+34699000001', name: 'Warning check' } });
    const bookings = createBookingService({ prisma, clock: createFixedClock('2026-03-30T06:00:00.000Z') });
    const result = await bookings.confirmSlot({
      businessId: business.id,
      customerId: customer.id,
      serviceId: staff.services[0]!.serviceId,
      staffId: staff.id,
      start: new Date('2026-03-31T08:00:00.000Z'),
      source: 'api',
      actor: 'test',
    });
    process.stdout.write(`relations ${staff.workingHours.length > 0 && staff.services.length > 0} booked ${result.ok}\n`);
  } finally {
    await disconnectPrisma(prisma);
  }
}

void main();
