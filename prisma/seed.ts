/**
 * The demo business: what `npm start` puts into an empty database, and what tests build on.
 */
import type { PrismaClient } from '../src/platform/database';
import { createDefaultRules } from '../src/reminders';

/** Stable identifiers of the demo data, so tests and the terminal chat can refer to them. */
export const DEMO = {
  businessName: 'Demo Clinic',
  timeZone: 'Europe/Madrid',
  phoneNumberId: '100000000000001',
  displayPhone: '+34 600 000 001',
  services: {
    consultation: { uid: 'consultation', name: 'Consultation', durationMinutes: 30, price: '60.00', bufferAfterMinutes: 0 },
    followUp: { uid: 'follow-up', name: 'Follow-up visit', durationMinutes: 15, price: '35.00', bufferAfterMinutes: 0 },
    physio: { uid: 'physio', name: 'Physiotherapy session', durationMinutes: 45, price: '50.00', bufferAfterMinutes: 15 },
  },
  /** Offered only with a consultation (an add-on): lengthens it and adds to its price. */
  addOns: {
    bloodTest: { uid: 'blood-test', name: 'Blood test', durationMinutes: 15, price: '25.00', addOnOf: 'consultation' },
  },
  staff: { ana: 'Dr. Ana García', ben: 'Dr. Ben Okafor', carla: 'Carla Ruiz' },
  /**
   * Dr. Ana García's notification number: a sandbox number, so staff alerts (a hand-off, an
   * emergency, her bookings) can be read in the sandbox feed (`GET /sandbox/messages?waId=34600000099`).
   */
  staffAlertNumber: '+34600000099',
  /** Translations of the demo's service names, shown to customers writing Spanish or Portuguese. */
  serviceNames: {
    consultation: { es: 'Consulta', pt: 'Consulta' },
    followUp: { es: 'Revisión', pt: 'Retorno' },
    physio: { es: 'Sesión de fisioterapia', pt: 'Sessão de fisioterapia' },
  },
} as const;

const WEEKDAYS = [1, 2, 3, 4, 5];
const MORNING = { startMinute: 9 * 60, endMinute: 13 * 60 };
const AFTERNOON = { startMinute: 14 * 60, endMinute: 18 * 60 };
const SATURDAY_CARLA = { weekday: 6, startMinute: 10 * 60, endMinute: 14 * 60 };

/** Creates the demo business unless any business exists; returns its id, or null when skipped. */
export async function seedDemoBusinessIfEmpty(prisma: PrismaClient): Promise<string | null> {
  return prisma.$transaction(async (tx) => {
    // One seeding even when two processes start on one fresh database at the same moment.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('tapbook:seed-demo'))`;
    if ((await tx.business.count()) > 0) return null;
    const business = await tx.business.create({
      data: {
        name: DEMO.businessName,
        timeZone: DEMO.timeZone,
        defaultLocale: 'en',
        currency: 'EUR',
        slotStepMinutes: 15,
        minimumNoticeMinutes: 120,
        maxAdvanceDays: 60,
        holdMinutes: 10,
        changeLockMinutes: 120,
        whatsappNumbers: { create: { phoneNumberId: DEMO.phoneNumberId, displayPhone: DEMO.displayPhone } },
        locations: { create: { name: 'Demo Clinic', address: 'Calle Mayor 1, 28013 Madrid' } },
      },
    });
    const businessId = business.id;
    // Rows one at a time: a transaction has one connection, and pg refuses queries sent side by side on one.
    const services = [];
    for (const [index, key] of (Object.keys(DEMO.services) as Array<keyof typeof DEMO.services>).entries()) {
      services.push(await tx.service.create({ data: { ...DEMO.services[key], names: DEMO.serviceNames[key], businessId, currency: 'EUR', sortOrder: index } }));
    }
    const [consultation, followUp, physio] = services;
    for (const [index, { addOnOf, ...addOn }] of Object.values(DEMO.addOns).entries()) {
      const main = services.find((service) => service.uid === addOnOf)!;
      await tx.service.create({ data: { ...addOn, businessId, currency: 'EUR', sortOrder: services.length + index, addOnOf: { create: { serviceId: main.id } } } });
    }
    // Reminders 24 h and 2 h before, and a 1–5 rating request 2 h after a completed visit.
    await createDefaultRules(tx, { businessId, serviceIds: services.map((service) => service.id) });
    const staffRows = [];
    for (const name of Object.values(DEMO.staff)) {
      staffRows.push(await tx.staff.create({ data: { businessId, name, ...(name === DEMO.staff.ana ? { whatsappNumber: DEMO.staffAlertNumber } : {}) } }));
    }
    const [ana, ben, carla] = staffRows;
    await tx.staffService.createMany({
      data: [
        { businessId, staffId: ana!.id, serviceId: consultation!.id },
        { businessId, staffId: ana!.id, serviceId: followUp!.id },
        { businessId, staffId: ben!.id, serviceId: consultation!.id },
        { businessId, staffId: ben!.id, serviceId: followUp!.id },
        { businessId, staffId: carla!.id, serviceId: physio!.id },
      ],
    });
    const weekly = [ana!, ben!, carla!].flatMap((staff) =>
      WEEKDAYS.flatMap((weekday) => [MORNING, AFTERNOON].map((range) => ({ businessId, staffId: staff.id, weekday, ...range }))),
    );
    weekly.push({ businessId, staffId: carla!.id, ...SATURDAY_CARLA });
    await tx.workingHours.createMany({ data: weekly });
    return businessId;
    // Prisma's default of 5 s is too tight on a busy machine (tests in parallel, a slow first start); seeding runs once.
  }, { timeout: 30_000 });
}
