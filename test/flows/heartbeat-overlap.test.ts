/**
 * The busy-change listener's heartbeat never sends a query while the previous one is unanswered:
 * pg queues such a query, prints "Calling client.query() when the client is already executing a
 * query" (a deprecation; pg@9 refuses it), and an unanswered heartbeat already fails on its own.
 */
import { Client } from 'pg';
import { createBusyChangeListener } from '../../src/flows/busy-change-listener';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { waitUntil } from '../support/wait-until';

describe('busy-change listener heartbeat', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db.drop());

  it('sends no heartbeat while one is unanswered, so pg never queues one behind another', async () => {
    // pg's own condition for its deprecation warning: a query handed to a client whose queue is not empty.
    const queued: string[] = [];
    const original = Client.prototype.query;
    const spy = jest.spyOn(Client.prototype, 'query').mockImplementation(function (this: Client & { _queryQueue: unknown[] }, ...args: unknown[]) {
      if (this._queryQueue.length > 0) queued.push(String(args[0]));
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    } as never);
    const quick = createBusyChangeListener({ connectionString: db.url, retry: { firstMs: 50, maxMs: 200 }, heartbeat: { everyMs: 50, timeoutMs: 400 }, applicationName: 'test overlap listener' });
    try {
      quick.start();
      await quick.waitUntilListening();
      const [backend] = await db.prisma.$queryRaw<Array<{ pid: number }>>`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'test overlap listener'`;
      // A stopped backend keeps its socket open and silent: heartbeats go unanswered until the timeout.
      process.kill(backend!.pid, 'SIGSTOP');
      try {
        await waitUntil(() => !quick.isListening, 'the heartbeat notices the silence');
      } finally {
        process.kill(backend!.pid, 'SIGCONT');
      }
      await quick.waitUntilListening();
    } finally {
      await quick.close();
      spy.mockRestore();
    }
    expect(queued).toEqual([]);
  });
});
