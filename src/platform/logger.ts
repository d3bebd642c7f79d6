/**
 * Structured logging with pino. Personal data never reaches the log: known sensitive keys are
 * redacted here, and callers log masked phone numbers only (never message bodies).
 */
import pino from 'pino';

/** The logger type passed around the app. */
export type Logger = pino.Logger;

const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers["x-hub-signature-256"]',
  '*.accessToken',
  '*.access_token',
  '*.password',
  '*.body',
  '*.text',
  '*.phone',
  '*.phoneE164',
  '*.waId',
];

/** Creates the root logger at the given level. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: undefined }, destination);
}
