/**
 * Sends that cannot succeed until someone fixes the number's set-up (its access token, the
 * encryption key it was stored with, Meta's verdict on the token). Retrying them only hides the
 * problem: the row fails at once, the failure is logged at error and shown on the number.
 */

/** What is wrong with the set-up; shown as the number's `status.lastError.code`. */
export type SendConfigurationCode =
  /** The token has characters no Graph API token has: no HTTP header can carry it. */
  | 'access_token_invalid'
  /** A token is stored but cannot be decrypted (DATA_ENCRYPTION_KEY missing or another key). */
  | 'access_token_unreadable'
  /** The request could not be built for another reason of configuration (a header, the URL). */
  | 'request_unbuildable'
  /** Meta refused the token (error code 190 or 0): expired, revoked or for another app. */
  | 'access_token_rejected';

/** A send that fails for a reason of configuration: a permanent failure of its row, never retried. */
export class SendConfigurationError extends Error {
  override readonly name = 'SendConfigurationError';
  constructor(
    readonly code: SendConfigurationCode,
    message: string,
  ) {
    super(message);
  }
}

/** Graph API tokens are printable ASCII without spaces (letters, digits, a few marks such as `|`). */
const TOKEN_CHARACTER = /^[\x21-\x7e]$/;

/**
 * Why a string cannot be a Graph API access token, or undefined when it may be one. Names the
 * first bad character by position and code point, never the token itself (it is a secret).
 * @example describeAccessTokenProblem('EAAG\u200babc') // 'has the character U+200B at position 5; …'
 */
export function describeAccessTokenProblem(token: string): string | undefined {
  if (token.length === 0) return 'is empty';
  let position = 0;
  for (const character of token) {
    position += 1;
    if (TOKEN_CHARACTER.test(character)) continue;
    const codePoint = `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
    return (
      `has the character ${codePoint} at position ${position}; a Graph API access token contains only printable ASCII ` +
      '(letters, digits and marks such as - _ . |, no spaces, no accented or invisible characters): copy it again from Meta Business Manager'
    );
  }
  return undefined;
}
