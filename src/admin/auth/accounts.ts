/**
 * Console accounts: creating users with a one-time password, signing in with throttling per
 * account and per address, and sessions with an idle and an absolute end. The cookie carries a
 * random token; the database keeps only its SHA-256, so a leaked table cannot be replayed.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../../platform/database';
import { generateOneTimePassword, hashPassword, UNUSABLE_PASSWORD_HASH, verifyPassword } from './password';
import {
  clearSignInFailures,
  countSignInFailures,
  deleteExpiredSessions,
  deleteSession,
  findSessionByTokenHash,
  findStaffUserByEmail,
  insertSession,
  insertStaffUser,
  isStaffRole,
  recordSignInFailure,
  replacePasswordHash,
  touchSession,
  touchStaffUserSignIn,
  type ConsoleLocale,
  type StaffRole,
  type StoredSession,
} from './staff-user-repository';

/** How long sessions live: ended after this long without a request, and after this long in any case. */
export const SESSION_POLICY = { idleMinutes: 120, absoluteHours: 12 } as const;

/** Sign-in throttling: at most this many failures per account and per address within the window. */
export const SIGN_IN_THROTTLE = { windowMinutes: 15, perAccount: 5, perAddress: 30 } as const;

// Writing last_seen_at on every request would turn each page view into a write.
const TOUCH_INTERVAL_MS = 60_000;
const MINUTE_MS = 60_000;

/** The signed-in user as every console page sees them. */
export interface ConsoleUser {
  sessionId: string;
  userId: string;
  businessId: string;
  businessName: string;
  timeZone: string;
  email: string;
  role: StaffRole;
  locale: ConsoleLocale;
  csrfToken: string;
}

/** The SHA-256 hex of a session token. */
export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Creates a console user with a one-time password (returned once, stored only hashed). */
export async function createStaffUser(db: Db, params: { businessId: string; email: string; role: StaffRole; locale?: ConsoleLocale }): Promise<{ userId: string; password: string }> {
  const password = generateOneTimePassword();
  const user = await insertStaffUser(db, { ...params, passwordHash: await hashPassword(password) });
  return { userId: user.id, password };
}

/** Gives a user a new one-time password and signs them out everywhere; null when no such user. */
export async function resetStaffPassword(db: Db, email: string): Promise<{ password: string; businessId: string } | null> {
  const user = await findStaffUserByEmail(db, email);
  if (!user) return null;
  const password = generateOneTimePassword();
  await replacePasswordHash(db, user.id, await hashPassword(password));
  return { password, businessId: user.businessId };
}

/** The outcome of a sign-in attempt. */
export type SignInResult =
  | { ok: true; token: string; userId: string }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'throttled'; retryAfterMinutes: number };

/**
 * Checks the password and opens a new session (a fresh token every time: the session id rotates
 * at sign-in, so a token planted before sign-in is worth nothing). `previousToken` is ended.
 */
export async function signIn(db: Db, params: { email: string; password: string; address: string; now: Date; previousToken?: string }): Promise<SignInResult> {
  const since = new Date(params.now.getTime() - SIGN_IN_THROTTLE.windowMinutes * MINUTE_MS);
  const failures = await countSignInFailures(db, { email: params.email, address: params.address, since });
  if (failures.byEmail >= SIGN_IN_THROTTLE.perAccount || failures.byAddress >= SIGN_IN_THROTTLE.perAddress) {
    return { ok: false, reason: 'throttled', retryAfterMinutes: SIGN_IN_THROTTLE.windowMinutes };
  }
  const user = await findStaffUserByEmail(db, params.email);
  // Unknown accounts cost the same scrypt run, so timing does not tell which addresses exist.
  const isValid = await verifyPassword(params.password, user?.passwordHash ?? UNUSABLE_PASSWORD_HASH);
  if (!user || !isValid || user.disabledAt || !isStaffRole(user.role)) {
    await recordSignInFailure(db, { email: params.email, address: params.address, now: params.now, pruneBefore: since });
    return { ok: false, reason: 'invalid' };
  }
  if (params.previousToken) {
    const previous = await findSessionByTokenHash(db, hashSessionToken(params.previousToken));
    if (previous) await deleteSession(db, previous.id);
  }
  await clearSignInFailures(db, user.email);
  await deleteExpiredSessions(db, { now: params.now, idleSince: new Date(params.now.getTime() - SESSION_POLICY.idleMinutes * MINUTE_MS) });
  const token = randomBytes(32).toString('base64url');
  await insertSession(db, {
    tokenHash: hashSessionToken(token),
    businessId: user.businessId,
    userId: user.id,
    csrfToken: randomBytes(32).toString('base64url'),
    now: params.now,
    expiresAt: new Date(params.now.getTime() + SESSION_POLICY.absoluteHours * 60 * MINUTE_MS),
  });
  await touchStaffUserSignIn(db, user.id, params.now);
  return { ok: true, token, userId: user.id };
}

/** The live session of a token, or null when unknown, idle too long, past its end, or its user is disabled. */
export async function resolveSession(db: Db, token: string, now: Date): Promise<ConsoleUser | null> {
  const session = await findSessionByTokenHash(db, hashSessionToken(token));
  if (!session) return null;
  if (isSessionOver(session, now)) {
    await deleteSession(db, session.id);
    return null;
  }
  if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) await touchSession(db, session.id, now);
  const { user } = session;
  if (!isStaffRole(user.role)) return null;
  return {
    sessionId: session.id,
    userId: user.id,
    businessId: session.businessId,
    businessName: user.business.name,
    timeZone: user.business.timeZone,
    email: user.email,
    role: user.role,
    locale: (['en', 'es', 'pt'] as const).find((locale) => locale === user.locale) ?? 'en',
    csrfToken: session.csrfToken,
  };
}

/** Ends a session. */
export async function signOut(db: Db, sessionId: string): Promise<void> {
  await deleteSession(db, sessionId);
}

function isSessionOver(session: StoredSession, now: Date): boolean {
  if (session.user.disabledAt) return true;
  if (session.expiresAt.getTime() <= now.getTime()) return true;
  return now.getTime() - session.lastSeenAt.getTime() >= SESSION_POLICY.idleMinutes * MINUTE_MS;
}
