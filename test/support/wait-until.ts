/**
 * Waiting for a condition instead of sleeping: tests wait for what they expect, never for a guessed time.
 */

/** Polls `condition` (every 10 ms, at most `timeoutMs`) until it holds; throws naming `what` when it never does. */
export async function waitUntil(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting after ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
