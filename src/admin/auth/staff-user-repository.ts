/** Database access of console users, their sessions and failed sign-ins. Every read of a user's data is scoped by business. */
import type { Db } from '../../platform/database';

/** Roles a console user can have: the same three as API keys. */
export const STAFF_ROLES = ['admin', 'front_desk', 'read_only'] as const;

/** A console user's role: admin (everything), front_desk (bookings and conversations), read_only (looks only). */
export type StaffRole = (typeof STAFF_ROLES)[number];

/** Console languages. */
export const CONSOLE_LOCALES = ['en', 'es', 'pt'] as const;

/** A console language. */
export type ConsoleLocale = (typeof CONSOLE_LOCALES)[number];

/** True when the value is one of the roles. */
export function isStaffRole(value: string): value is StaffRole {
  return (STAFF_ROLES as readonly string[]).includes(value);
}

/** True when the value is one of the console languages. */
export function isConsoleLocale(value: string): value is ConsoleLocale {
  return (CONSOLE_LOCALES as readonly string[]).includes(value);
}

/** A stored console user. */
export interface StoredStaffUser {
  id: string;
  businessId: string;
  email: string;
  role: string;
  passwordHash: string;
  locale: string;
  disabledAt: Date | null;
}

const USER_SELECT = { id: true, businessId: true, email: true, role: true, passwordHash: true, locale: true, disabledAt: true } as const;

/** Normalises an email address for storage and lookup. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Inserts a user; throws Prisma's P2002 when the email is taken. */
export async function insertStaffUser(db: Db, params: { businessId: string; email: string; role: StaffRole; passwordHash: string; locale?: ConsoleLocale }): Promise<StoredStaffUser> {
  return db.staffUser.create({ data: { ...params, email: normalizeEmail(params.email) }, select: USER_SELECT });
}

/** Finds a user by email (any business: the address identifies the account at sign-in). */
export async function findStaffUserByEmail(db: Db, email: string): Promise<StoredStaffUser | null> {
  return db.staffUser.findUnique({ where: { email: normalizeEmail(email) }, select: USER_SELECT });
}

/** Finds a user by id within a business. */
export async function findStaffUser(db: Db, businessId: string, userId: string): Promise<StoredStaffUser | null> {
  return db.staffUser.findFirst({ where: { id: userId, businessId }, select: USER_SELECT });
}

/** Replaces a user's password hash and ends all their sessions (a reset locks out whoever had the old one). */
export async function replacePasswordHash(db: Db, userId: string, passwordHash: string): Promise<void> {
  await db.staffUser.update({ where: { id: userId }, data: { passwordHash } });
  await db.staffSession.deleteMany({ where: { userId } });
}

/** Stores the user's console language. */
export async function updateStaffUserLocale(db: Db, params: { businessId: string; userId: string; locale: ConsoleLocale }): Promise<void> {
  await db.staffUser.updateMany({ where: { id: params.userId, businessId: params.businessId }, data: { locale: params.locale } });
}

/** Records a successful sign-in. */
export async function touchStaffUserSignIn(db: Db, userId: string, at: Date): Promise<void> {
  await db.staffUser.update({ where: { id: userId }, data: { lastSignInAt: at } });
}

/** A session with its user. */
export interface StoredSession {
  id: string;
  businessId: string;
  csrfToken: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  user: { id: string; email: string; role: string; locale: string; disabledAt: Date | null; business: { name: string; timeZone: string } };
}

/** Inserts a session row. */
export async function insertSession(db: Db, params: { tokenHash: string; businessId: string; userId: string; csrfToken: string; now: Date; expiresAt: Date }): Promise<void> {
  await db.staffSession.create({
    data: { tokenHash: params.tokenHash, businessId: params.businessId, userId: params.userId, csrfToken: params.csrfToken, createdAt: params.now, lastSeenAt: params.now, expiresAt: params.expiresAt },
  });
}

/** Finds a session by its token hash, with the user and their business. */
export async function findSessionByTokenHash(db: Db, tokenHash: string): Promise<StoredSession | null> {
  return db.staffSession.findUnique({
    where: { tokenHash },
    select: {
      id: true,
      businessId: true,
      csrfToken: true,
      createdAt: true,
      lastSeenAt: true,
      expiresAt: true,
      user: { select: { id: true, email: true, role: true, locale: true, disabledAt: true, business: { select: { name: true, timeZone: true } } } },
    },
  });
}

/** Moves a session's idle clock. */
export async function touchSession(db: Db, sessionId: string, at: Date): Promise<void> {
  await db.staffSession.update({ where: { id: sessionId }, data: { lastSeenAt: at } });
}

/** Deletes a session (sign-out, expiry). */
export async function deleteSession(db: Db, sessionId: string): Promise<void> {
  await db.staffSession.deleteMany({ where: { id: sessionId } });
}

/** Deletes sessions past their idle or absolute end (housekeeping on sign-in). */
export async function deleteExpiredSessions(db: Db, params: { now: Date; idleSince: Date }): Promise<void> {
  await db.staffSession.deleteMany({ where: { OR: [{ expiresAt: { lte: params.now } }, { lastSeenAt: { lte: params.idleSince } }] } });
}

/** Counts failed sign-ins since a moment, for an account and for an address. */
export async function countSignInFailures(db: Db, params: { email: string; address: string; since: Date }): Promise<{ byEmail: number; byAddress: number }> {
  const [byEmail, byAddress] = await Promise.all([
    db.signInFailure.count({ where: { email: normalizeEmail(params.email), createdAt: { gt: params.since } } }),
    db.signInFailure.count({ where: { address: params.address, createdAt: { gt: params.since } } }),
  ]);
  return { byEmail, byAddress };
}

/** Records a failed sign-in and prunes rows older than the window. */
export async function recordSignInFailure(db: Db, params: { email: string; address: string; now: Date; pruneBefore: Date }): Promise<void> {
  await db.signInFailure.create({ data: { email: normalizeEmail(params.email).slice(0, 254), address: params.address.slice(0, 64), createdAt: params.now } });
  await db.signInFailure.deleteMany({ where: { createdAt: { lt: params.pruneBefore } } });
}

/** Forgets an account's failures after a successful sign-in. */
export async function clearSignInFailures(db: Db, email: string): Promise<void> {
  await db.signInFailure.deleteMany({ where: { email: normalizeEmail(email) } });
}

/** The business's console users, for the admin's user list. */
export async function listStaffUsers(db: Db, businessId: string) {
  return db.staffUser.findMany({
    where: { businessId },
    select: { id: true, email: true, role: true, locale: true, lastSignInAt: true, disabledAt: true },
    orderBy: [{ email: 'asc' }],
  });
}
