/**
 * `npm run cli -- user create|reset-password`: console users with a one-time password printed
 * once, and the demo admin of sandbox mode.
 */
import type { PrismaClient } from '../platform/database';
import { createStaffUser, resetStaffPassword } from './auth/accounts';
import { findStaffUserByEmail, isStaffRole, STAFF_ROLES } from './auth/staff-user-repository';

/** The demo admin's sign-in address (sandbox mode only). */
export const DEMO_ADMIN_EMAIL = 'admin@demo.tapbook.local';

/** What the user commands need from the CLI around them. */
export interface UserCliDeps {
  out(line: string): void;
  err(line: string): void;
  /** Runs with a database (the CLI's: DATABASE_URL, a running server's embedded one, or its own). */
  withDatabase<T>(run: (prisma: PrismaClient) => Promise<T>): Promise<T>;
  /** Resolves `default` or a business id to an existing business id (throws with advice when none). */
  resolveBusinessId(prisma: PrismaClient, business: string): Promise<string>;
}

/** The user commands' usage lines. */
export const USER_USAGE = `  npm run cli -- user create --business <id|default> --email <email> --role <${STAFF_ROLES.join('|')}> [--locale en|es|pt]
  npm run cli -- user reset-password --email <email>`;

/** A usage mistake of a user command (the CLI prints the usage and exits with 2 for errors named "UsageError"). */
export class UserUsageError extends Error {
  override name = 'UsageError';
}

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,189}\.[^\s@]{2,}$/;

/** Runs `user create` or `user reset-password` with parsed flags; returns the exit code. */
export async function runUserCli(verb: string | undefined, flags: Record<string, string>, deps: UserCliDeps): Promise<number> {
  const email = flags.email?.trim().toLowerCase();
  if (!email || !EMAIL.test(email) || email.length > 254) throw new UserUsageError('--email must be an email address.');
  if (verb === 'create') {
    const role = flags.role ?? '';
    if (!isStaffRole(role)) throw new UserUsageError(`--role must be one of ${STAFF_ROLES.join(', ')}.`);
    const locale = flags.locale ?? 'en';
    if (locale !== 'en' && locale !== 'es' && locale !== 'pt') throw new UserUsageError('--locale must be en, es or pt.');
    const business = flags.business;
    if (!business) throw new UserUsageError('--business must be a business id or "default".');
    return deps.withDatabase(async (prisma) => {
      const businessId = await deps.resolveBusinessId(prisma, business);
      if (await findStaffUserByEmail(prisma, email)) {
        deps.err(`A user with ${email} exists already. Give them a new password with \`npm run cli -- user reset-password --email ${email}\`.`);
        return 1;
      }
      const created = await createStaffUser(prisma, { businessId, email, role, locale });
      deps.out(created.password);
      deps.err(`Created ${role} user ${email} for business ${businessId}. The line above is their one-time password: pass it on now, it is shown only once. Sign in at /admin.`);
      return 0;
    });
  }
  if (verb === 'reset-password') {
    return deps.withDatabase(async (prisma) => {
      const reset = await resetStaffPassword(prisma, email);
      if (!reset) {
        deps.err(`No console user ${email}. Create one with \`npm run cli -- user create\`.`);
        return 1;
      }
      deps.out(reset.password);
      deps.err(`New one-time password for ${email} (shown only once); their open sessions were ended.`);
      return 0;
    });
  }
  throw new UserUsageError(`Unknown command "user ${verb ?? ''}".`);
}

/**
 * Sandbox mode: makes sure the demo business has the demo admin and gives it a fresh password,
 * returned for the start line (a development convenience; never called in live mode).
 */
export async function ensureDemoAdmin(prisma: PrismaClient, businessId: string): Promise<{ email: string; password: string }> {
  const existing = await findStaffUserByEmail(prisma, DEMO_ADMIN_EMAIL);
  if (!existing) {
    const created = await createStaffUser(prisma, { businessId, email: DEMO_ADMIN_EMAIL, role: 'admin' });
    return { email: DEMO_ADMIN_EMAIL, password: created.password };
  }
  const reset = await resetStaffPassword(prisma, DEMO_ADMIN_EMAIL);
  return { email: DEMO_ADMIN_EMAIL, password: reset!.password };
}
