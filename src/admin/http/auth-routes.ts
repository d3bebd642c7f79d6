/** Sign-in, sign-out and the user's language. */
import { randomBytes } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Clock } from '../../platform/clock';
import type { PrismaClient } from '../../platform/database';
import { signIn, signOut } from '../auth/accounts';
import { CONSOLE_LOCALES, updateStaffUserLocale } from '../auth/staff-user-repository';
import { createTranslate } from '../i18n';
import { renderSignInPage } from '../views/sign-in-page';
import { clearConsoleCookie, readCookie, sessionCookieName, setConsoleCookie, signInCookieName } from './cookies';
import { consoleUserOf, requireCsrfToken, requireSignedIn } from './console-session';

// Anything odd (a repeated field, an overlong value) becomes an empty value: the answer is "wrong email or password", never a 500.
const signInSchema = z.object({
  email: z.string().trim().max(254).catch(''),
  password: z.string().max(1000).catch(''),
  _form: z.string().max(200).catch(''),
  next: z.string().max(2000).catch(''),
});

const SIGN_IN_FORM_MS = 60 * 60_000;

/** Only a path of the console itself: an open redirect would send people anywhere after sign-in. */
function safeNext(next: string): string {
  return /^\/admin(\/[A-Za-z0-9/_\-?=&.%]*)?$/.test(next) && !next.startsWith('//') ? next : '/admin/calendar';
}

/** Builds the sign-in/out and language routes. */
export function createAuthRoutes(deps: { prisma: PrismaClient; clock: Clock }): Router {
  const router = Router();
  const t = createTranslate('en');

  const showForm = (req: Request, res: Response, extra: { email?: string; error?: string; next?: string; status?: number }) => {
    const formToken = randomBytes(24).toString('base64url');
    setConsoleCookie(req, res, signInCookieName(req), formToken, SIGN_IN_FORM_MS);
    res.status(extra.status ?? 200).type('html').send(renderSignInPage({ t, formToken, ...extra }));
  };

  router.get('/admin/sign-in', (req, res) => {
    showForm(req, res, { next: typeof req.query.next === 'string' ? safeNext(req.query.next) : undefined });
  });

  router.post('/admin/sign-in', async (req, res) => {
    const form = signInSchema.parse(req.body ?? {});
    const expected = readCookie(req, signInCookieName(req));
    // Double-submit token: a sign-in form posted from another site cannot know the cookie's value.
    if (!expected || expected !== form._form) {
      showForm(req, res, { email: form.email, error: t('signIn.expired'), next: form.next, status: 403 });
      return;
    }
    const result = await signIn(deps.prisma, {
      email: form.email,
      password: form.password,
      address: req.ip ?? 'unknown',
      now: deps.clock.now(),
      previousToken: readCookie(req, sessionCookieName(req)),
    });
    if (!result.ok) {
      const error = result.reason === 'throttled' ? t('signIn.throttled', { minutes: result.retryAfterMinutes }) : t('signIn.invalid');
      showForm(req, res, { email: form.email, error, next: form.next, status: result.reason === 'throttled' ? 429 : 401 });
      return;
    }
    clearConsoleCookie(req, res, signInCookieName(req));
    setConsoleCookie(req, res, sessionCookieName(req), result.token);
    res.redirect(303, safeNext(form.next));
  });

  router.post('/admin/sign-out', requireSignedIn(deps), requireCsrfToken(), async (req, res) => {
    await signOut(deps.prisma, consoleUserOf(res).sessionId);
    clearConsoleCookie(req, res, sessionCookieName(req));
    res.redirect(303, '/admin/sign-in');
  });

  router.post('/admin/account/language', requireSignedIn(deps), requireCsrfToken(), async (req, res) => {
    const user = consoleUserOf(res);
    const parsed = z.object({ locale: z.enum(CONSOLE_LOCALES) }).safeParse(req.body);
    if (parsed.success) await updateStaffUserLocale(deps.prisma, { businessId: user.businessId, userId: user.userId, locale: parsed.data.locale });
    const back = req.get('referer');
    res.redirect(303, back && safeHostPath(back) ? safeHostPath(back)! : '/admin/calendar');
  });

  return router;
}

function safeHostPath(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    const path = parsed.pathname + parsed.search;
    return path.startsWith('/admin/') ? path : undefined;
  } catch {
    return undefined;
  }
}

