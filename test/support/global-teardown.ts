/** Jest global teardown: stops the run's PostgreSQL server and removes its folder. */
import type { TestServerState } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  const state = (globalThis as Record<string, unknown>).__TAPBOOK_TEST_DB__ as TestServerState | undefined;
  if (!state) return;
  await state.stop();
}
