/** Database access of a service's reminder and follow-up rules. */
import type { Db, Prisma } from '../platform/database';

/** A rule row. */
export type ReminderRuleRow = Prisma.ReminderRuleGetPayload<Record<string, never>>;

/** The service's rules of one kind, by sequence. */
export async function listReminderRules(db: Db, params: { businessId: string; serviceId: string; kind: string }): Promise<ReminderRuleRow[]> {
  return db.reminderRule.findMany({ where: params, orderBy: { sequence: 'asc' } });
}

/** Finds one rule of the service and kind. */
export async function findReminderRule(db: Db, params: { businessId: string; serviceId: string; kind: string; ruleId: string }): Promise<ReminderRuleRow | null> {
  return db.reminderRule.findFirst({ where: { id: params.ruleId, businessId: params.businessId, serviceId: params.serviceId, kind: params.kind } });
}

/** Inserts a rule. */
export async function insertReminderRule(db: Db, data: Prisma.ReminderRuleUncheckedCreateInput): Promise<ReminderRuleRow> {
  return db.reminderRule.create({ data });
}

/** Updates a rule. */
export async function updateReminderRule(db: Db, ruleId: string, data: Prisma.ReminderRuleUncheckedUpdateInput): Promise<ReminderRuleRow> {
  return db.reminderRule.update({ where: { id: ruleId }, data });
}

/** Deletes a rule (planned reminders keep their row with rule_id null and are not sent). */
export async function deleteReminderRule(db: Db, ruleId: string): Promise<void> {
  await db.reminderRule.delete({ where: { id: ruleId } });
}
