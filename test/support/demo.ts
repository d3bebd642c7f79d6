/** The demo business loaded into a test database, with handles tests refer to. */
import { DEMO, seedDemoBusinessIfEmpty } from '../../prisma/seed';
import type { PrismaClient } from '../../src/platform/database';

/** Ids of the demo business's rows. */
export interface DemoHandles {
  businessId: string;
  services: { consultation: string; followUp: string; physio: string };
  staff: { ana: string; ben: string; carla: string };
  /** Creates customers with distinct WhatsApp ids; returns their ids. */
  createCustomers(count: number, prefix?: string): Promise<string[]>;
}

/** Seeds the demo business into an empty test database and returns its ids. */
export async function setupDemo(prisma: PrismaClient): Promise<DemoHandles> {
  await seedDemoBusinessIfEmpty(prisma);
  // The seed's staff alert number would queue a staff message at every booking and hand-off, timed
  // by the tests' future clocks (so never due): tests that look at staff alerts set a number themselves.
  await prisma.staff.updateMany({ where: { whatsappNumber: DEMO.staffAlertNumber }, data: { whatsappNumber: null } });
  const business = await prisma.business.findFirstOrThrow({ where: { name: DEMO.businessName }, include: { services: true, staff: true } });
  const service = (uid: string) => business.services.find((s) => s.uid === uid)!.id;
  const staff = (name: string) => business.staff.find((s) => s.name === name)!.id;
  let counter = 0;
  return {
    businessId: business.id,
    services: { consultation: service('consultation'), followUp: service('follow-up'), physio: service('physio') },
    staff: { ana: staff(DEMO.staff.ana), ben: staff(DEMO.staff.ben), carla: staff(DEMO.staff.carla) },
    async createCustomers(count, prefix = '3460000') {
      const rows = Array.from({ length: count }, () => {
        counter += 1;
        const waId = `${prefix}${String(counter).padStart(4, '0')}`;
        return { businessId: business.id, waId, phoneE164: `+${waId}`, name: `Customer ${counter}` };
      });
      const created = await prisma.customer.createManyAndReturn({ data: rows, select: { id: true } });
      return created.map((row) => row.id);
    },
  };
}
