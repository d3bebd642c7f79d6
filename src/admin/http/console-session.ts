/**
 * Per-request console identity: the session from the cookie, the CSRF check on every
 * state-changing request, and the role check of each action. Handlers read the user from
 * `res.locals.consoleUser` and scope every query to its businessId.
 */
import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Clock } from '../../platform/clock';
import type { PrismaClient } from '../../platform/database';
import { resolveSession, type ConsoleUser } from '../auth/accounts';
import { canPerform, type ConsoleAction } from '../auth/permissions';
import { createTranslate } from '../i18n';
import { renderMessagePage } from '../views/message-page';
import { readCookie, sessionCookieName } from './cookies';

/** The signed-in user of this request (only behind requireSignedIn). */
export function consoleUserOf(res: Response): ConsoleUser {
  const user = res.locals.consoleUser as ConsoleUser | undefined;
  if (!user) throw new Error('consoleUserOf called outside requireSignedIn');
  return user;
}

/** True when htmx sent the request (answer with a fragment instead of a page). */
export function isHtmxRequest(req: Request): boolean {
  return req.get('hx-request') === 'true';
}

/** Resolves the session cookie; sends people without a live session to the sign-in page. */
export function requireSignedIn(deps: { prisma: PrismaClient; clock: Clock }): RequestHandler {
  return async (req, res, next) => {
    const token = readCookie(req, sessionCookieName(req));
    const user = token ? await resolveSession(deps.prisma, token, deps.clock.now()) : null;
    if (!user) {
      const target = `/admin/sign-in${req.method === 'GET' && req.originalUrl !== '/admin' ? `?next=${encodeURIComponent(req.originalUrl)}` : ''}`;
      if (isHtmxRequest(req)) {
        res.setHeader('HX-Redirect', target);
        res.status(401).end();
        return;
      }
      if (req.method === 'GET') res.redirect(303, target);
      else res.status(401).type('html').send(renderMessagePage({ t: createTranslate('en'), title: 'Sign in', message: 'Your session ended. Sign in again.', status: 401 }));
      return;
    }
    res.locals.consoleUser = user;
    next();
  };
}

function isSameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Refuses a state-changing request whose CSRF token (form field `_csrf` or header X-CSRF-Token)
 * is not the session's, or whose Origin is another site.
 */
export function requireCsrfToken(): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method === 'GET' || req.method === 'HEAD') return next();
    const user = consoleUserOf(res);
    const body = req.body as Record<string, unknown> | undefined;
    const given = (typeof body?._csrf === 'string' ? body._csrf : undefined) ?? req.get('x-csrf-token') ?? '';
    const origin = req.get('origin');
    const isForeignOrigin = origin !== undefined && origin !== 'null' && safeHost(origin) !== req.get('host');
    if (isForeignOrigin || !isSameToken(given, user.csrfToken)) {
      const t = createTranslate(user.locale);
      res.status(403).type('html').send(renderMessagePage({ t, title: '403', message: t('error.csrf'), status: 403 }));
      return;
    }
    next();
  };
}

function safeHost(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

/** Refuses (403) unless the user's role may perform the action. */
export function requireAction(action: ConsoleAction): RequestHandler {
  return (_req, res, next) => {
    const user = consoleUserOf(res);
    if (canPerform(user.role, action)) return next();
    const t = createTranslate(user.locale);
    res.status(403).type('html').send(renderMessagePage({ t, title: '403', message: t('error.forbidden', { role: user.role }), status: 403 }));
  };
}
