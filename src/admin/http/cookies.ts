/** The console's cookies: the session token and the sign-in form's token, with the flags the issue asks for. */
import type { Request, Response } from 'express';

/** Cookie of the session token. `__Host-` (Secure, no Domain, Path=/) when the request came over https. */
export function sessionCookieName(req: Request): string {
  return req.secure ? '__Host-tapbook_session' : 'tapbook_session';
}

/** Cookie of the sign-in form's double-submit token. */
export function signInCookieName(req: Request): string {
  return req.secure ? '__Host-tapbook_signin' : 'tapbook_signin';
}

/** Reads one cookie from the Cookie header (no parsing library: two cookies of our own, base64url values). */
export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index < 0) continue;
    if (part.slice(0, index).trim() === name) {
      const value = part.slice(index + 1).trim();
      return /^[A-Za-z0-9_-]{1,200}$/.test(value) ? value : undefined;
    }
  }
  return undefined;
}

/** Sets a console cookie: HttpOnly, SameSite=Lax, Secure behind https, whole site. */
export function setConsoleCookie(req: Request, res: Response, name: string, value: string, maxAgeMs?: number): void {
  res.cookie(name, value, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/', ...(maxAgeMs ? { maxAge: maxAgeMs } : {}) });
}

/** Removes a console cookie. */
export function clearConsoleCookie(req: Request, res: Response, name: string): void {
  res.clearCookie(name, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/' });
}
