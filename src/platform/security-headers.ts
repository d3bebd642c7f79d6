/**
 * The security headers of every response (helmet), set in one place so every page of the app,
 * the /docs page and the staff console alike, shares them: a Content-Security-Policy that allows
 * only the app's own scripts, styles, images and requests (no inline script or style, no CDN, no
 * framing), X-Content-Type-Options: nosniff, X-Frame-Options: DENY and Referrer-Policy: no-referrer.
 * A page that needs more must serve its script and style as files of its own rather than widen it.
 */
import type { RequestHandler } from 'express';
import helmet from 'helmet';

/** The Content-Security-Policy directives (helmet's names); exported so pages and tests can read what is allowed. */
export const CONTENT_SECURITY_POLICY_DIRECTIVES = {
  defaultSrc: ["'self'"],
  baseUri: ["'none'"],
  connectSrc: ["'self'"],
  fontSrc: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  imgSrc: ["'self'", 'data:'],
  objectSrc: ["'none'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'"],
} as const;

/** Builds the middleware; mount it first so errors and 404s carry the headers too. */
export function createSecurityHeaders(): RequestHandler {
  return helmet({
    // useDefaults false: helmet's defaults allow inline styles and https: sources, and upgrade-insecure-requests
    // would break a server reached over plain http on a local network.
    contentSecurityPolicy: { useDefaults: false, directives: { ...CONTENT_SECURITY_POLICY_DIRECTIVES } },
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // Only this host: the operator's other subdomains may not speak https.
    strictTransportSecurity: { maxAge: 180 * 24 * 60 * 60, includeSubDomains: false },
  }) as RequestHandler;
}
