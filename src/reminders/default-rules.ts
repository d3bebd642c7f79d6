/** Creates the default reminder and follow-up rules for services (used by the demo seed). */
import type { Db } from '../platform/database';
import { DEFAULT_RULES } from './reminder-rule';

/** Adds DEFAULT_RULES to each service that has no rules yet; returns how many rules were created. */
export async function createDefaultRules(db: Db, params: { businessId: string; serviceIds: string[] }): Promise<number> {
  let created = 0;
  for (const serviceId of params.serviceIds) {
    if ((await db.reminderRule.count({ where: { serviceId } })) > 0) continue;
    const result = await db.reminderRule.createMany({
      data: DEFAULT_RULES.map((rule) => ({ ...rule, templateParameters: [...rule.templateParameters], businessId: params.businessId, serviceId, isActive: true })),
    });
    created += result.count;
  }
  return created;
}
