/** Jest global teardown: stops the run's embedded PostgreSQL and removes its folder. */
import fs from 'node:fs';
import type { EmbeddedDatabase } from '../../src/platform/embedded-database';

export default async function globalTeardown(): Promise<void> {
  const state = (globalThis as Record<string, unknown>).__TAPBOOK_TEST_DB__ as { db: EmbeddedDatabase; dataDir: string } | undefined;
  if (!state) return;
  await state.db.stop();
  fs.rmSync(state.dataDir, { recursive: true, force: true });
}
