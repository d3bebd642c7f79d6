/**
 * Property-based fuzzing of the Flows data-exchange endpoint (fast-check, fixed seed), through the
 * real encryption and signature: Meta's example requests (test/fixtures/flows) and every request
 * of our booking Flow, with a valid token, then any field replaced by a wrong type, a huge or
 * hostile string, an edge number or deep nesting. Property: answered, below 500, no hang.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { addLocalDays, toLocalDate } from '../../src/scheduling';
import { nextMondayMorning } from '../support/channel-harness';
import { setupDemo } from '../support/demo';
import { collectUnhandledRejections, FUZZ_SEED, mutatedFrom } from '../support/hostile-json';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { exchange, init, issueToken, startFlowApp } from './flow-kit';
import { postRawFlow } from './raw-flow-client';

const RUNS = 2000;

describe('Flows endpoint fuzz: mutated real requests never get a 5xx or hang', () => {
  let db: TestDatabase;
  let flow: ReturnType<typeof startFlowApp>;
  let bases: unknown[];
  const now = nextMondayMorning(new Date('2026-06-01T00:00:00Z'));
  const tuesday = addLocalDays(toLocalDate(now, 'Europe/Madrid'), 1);

  beforeAll(async () => {
    db = await createTestDatabase();
    const demo = await setupDemo(db.prisma);
    flow = startFlowApp(db, now);
    const [customerId] = await demo.createCustomers(1);
    const token = await issueToken(db, { businessId: demo.businessId, customerId: customerId!, now, ttlMinutes: 24 * 60 });
    // Meta's own example requests, sent with our token so they get past the token check.
    const vectors = JSON.parse(fs.readFileSync(path.join(__dirname, '../fixtures/flows/meta-vectors.json'), 'utf8')) as { cases: Array<{ request_plaintext: string }> };
    const metaRequests = vectors.cases.map((c) => ({ ...(JSON.parse(c.request_plaintext) as Record<string, unknown>), flow_token: token }));
    const service = demo.services.consultation;
    const ana = demo.staff.ana;
    bases = [
      ...metaRequests,
      init(token),
      { version: '3.0', action: 'BACK', screen: 'TIME', data: {}, flow_token: token },
      exchange(token, 'SERVICE', { screen_action: 'choose_service', service }),
      exchange(token, 'STAFF', { screen_action: 'choose_staff', staff: 'any', service_id: service }),
      exchange(token, 'DATE', { screen_action: 'choose_date', date: tuesday, service_id: service, staff_id: ana }),
      exchange(token, 'TIME', { screen_action: 'choose_time', time: `${tuesday}T08:00:00.000Z`, service_id: service, staff_id: ana }),
      exchange(token, 'DETAILS', { screen_action: 'submit_details', name: 'Maria', note: 'hi', service_id: service, staff_id: ana, slot_start: `${tuesday}T08:00:00.000Z`, hold_id: '' }),
      exchange(token, 'TIME', { error: 'payload-schema-error', error_message: 'bad data' }),
    ];
  });
  afterAll(async () => db.drop());

  it(`answers ${RUNS} mutated, encrypted, signed requests below 500 within 10 s each`, async () => {
    const statuses = new Map<number, number>();
    const unhandled = await collectUnhandledRejections(() =>
      fc.assert(
        fc.asyncProperty(fc.constantFrom(...bases).chain(mutatedFrom), async (payload) => {
          const answer = await postRawFlow(flow.app, JSON.stringify(payload) ?? 'null', { timeoutMs: 10_000 });
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          expect(answer.status).toBeLessThan(500);
        }),
        { seed: FUZZ_SEED, numRuns: RUNS },
      ),
    );
    expect(unhandled).toEqual([]);
    // Meta's example requests name screens of another Flow (400), and a mutated token is refused (427); enough
    // requests still get past both for the fuzz to reach every screen handler.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(RUNS / 10);
  });
});
