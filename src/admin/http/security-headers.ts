/**
 * Security headers of console pages. The policy allows only our own scripts, styles and images
 * (no inline script or style: calendar positions are classes of the generated stylesheet), forbids
 * framing, and pins forms and the base URL to this server. Set per response in the console router,
 * so a global header middleware mounted before it (helmet) is overridden only where the console answers.
 */
import type { RequestHandler } from 'express';

/** The console's Content-Security-Policy. */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Middleware setting the console's headers on every console response. */
export function setConsoleSecurityHeaders(): RequestHandler {
  return (_req, res, next) => {
    res.setHeader('Content-Security-Policy', CONSOLE_CSP);
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    next();
  };
}
