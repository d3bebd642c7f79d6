/**
 * Read-only Graph API calls of the go-live check. Uses the global fetch (tests intercept it with
 * nock); never sends a message and never prints a token.
 */

/** What a GET to the Graph API answered: the JSON body, or Meta's error in words. */
export type GraphAnswer = { ok: true; json: Record<string, unknown> } | { ok: false; status: number; code: number | undefined; message: string };

const TIMEOUT_MS = 10_000;

/** GET {graphUrl}/{path} with a bearer token; network failures and Meta's errors come back as { ok: false }. */
export async function graphGet(graphUrl: string, accessToken: string, path: string): Promise<GraphAnswer> {
  const url = `${graphUrl.replace(/\/+$/, '')}/${path}`;
  let response: Response;
  try {
    response = await fetch(url, { headers: { authorization: `Bearer ${accessToken}` }, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error) {
    return { ok: false, status: 0, code: undefined, message: `could not reach ${graphUrl} (${(error as Error).message})` };
  }
  const text = await response.text();
  let json: unknown = {};
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    json = {};
  }
  if (!response.ok) {
    const error = (json as { error?: { message?: unknown; code?: unknown } }).error ?? {};
    const code = typeof error.code === 'number' ? error.code : undefined;
    const message = typeof error.message === 'string' ? error.message : `HTTP ${response.status}`;
    return { ok: false, status: response.status, code, message: `HTTP ${response.status}${code !== undefined ? `, code ${code}` : ''}: ${message}` };
  }
  return { ok: true, json: json && typeof json === 'object' ? (json as Record<string, unknown>) : {} };
}

/** True when Meta's answer means the token itself is bad (expired, revoked, malformed). */
export function isTokenProblem(answer: GraphAnswer): boolean {
  return !answer.ok && (answer.status === 401 || answer.code === 190 || answer.code === 0);
}
