/**
 * Property-based fuzzing of POST /webhook (fast-check, fixed seed): real Meta and library payloads
 * from the fixtures, signed, with any field replaced by a wrong type, a huge or hostile string, an
 * edge number or deep nesting. Meta retries every 5xx for days, so the property is: every request
 * is answered, below 500, and nothing rejects unhandled.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import request from 'supertest';
import { createApp } from '../../src/app';
import { migrateJobQueue } from '../../src/jobs';
import { createLogger, loadConfig, systemClock } from '../../src/platform';
import { signBody } from '../../src/whatsapp';
import { collectUnhandledRejections, FUZZ_SEED, listPaths, mutatedFrom } from '../support/hostile-json';
import { setupDemo } from '../support/demo';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const SECRET = 'fuzz-app-secret';
const RUNS = 2500;
const FIXTURE_DIRS = [path.join(__dirname, '..', 'fixtures', 'webhooks')];

/** Every JSON payload of the fixture folders (copies of real Meta and library payloads). */
function loadFixtures(): unknown[] {
  const seen = new Set<string>();
  const payloads: unknown[] = [];
  for (const root of FIXTURE_DIRS) {
    for (const sub of fs.readdirSync(root).filter((name) => fs.statSync(path.join(root, name)).isDirectory())) {
      for (const file of fs.readdirSync(path.join(root, sub)).filter((name) => name.endsWith('.json') && !name.startsWith('_'))) {
        const text = fs.readFileSync(path.join(root, sub, file), 'utf8');
        if (seen.has(text)) continue;
        seen.add(text);
        payloads.push(JSON.parse(text));
      }
    }
  }
  return payloads;
}

describe('webhook fuzz: mutated real payloads never get a 5xx or hang', () => {
  let db: TestDatabase;
  let app: ReturnType<typeof createApp>;
  const fixtures = loadFixtures();

  beforeAll(async () => {
    db = await createTestDatabase();
    const demo = await setupDemo(db.prisma);
    await migrateJobQueue(db.url);
    // Route every fixture's number to the demo business, so mutated messages reach the database.
    const numbers = new Set<string>();
    for (const fixture of fixtures) {
      for (const keys of listPaths(fixture)) if (keys[keys.length - 1] === 'phone_number_id') numbers.add(String(keys.reduce<any>((node, key) => node[key], fixture))); // eslint-disable-line @typescript-eslint/no-explicit-any
    }
    for (const phoneNumberId of numbers) {
      await db.prisma.whatsAppNumber.upsert({ where: { phoneNumberId }, create: { businessId: demo.businessId, phoneNumberId }, update: {} });
    }
    const config = loadConfig({ DATABASE_URL: db.url, WHATSAPP_APP_SECRET: SECRET });
    app = createApp({ config, prisma: db.prisma, logger: createLogger('silent'), clock: systemClock });
  });
  afterAll(async () => db.drop());

  it(`answers ${RUNS} mutated, signed fixtures below 500 within 10 s each`, async () => {
    expect(fixtures.length).toBeGreaterThan(40);
    const statuses = new Map<number, number>();
    const unhandled = await collectUnhandledRejections(() =>
      fc.assert(
        fc.asyncProperty(fc.constantFrom(...fixtures).chain(mutatedFrom), async (payload) => {
          const raw = JSON.stringify(payload) ?? 'null';
          const res = await request(app).post('/webhook').set('content-type', 'application/json').set('x-hub-signature-256', signBody(SECRET, raw)).timeout(10_000).send(raw);
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          expect(res.status).toBeLessThan(500);
        }),
        { seed: FUZZ_SEED, numRuns: RUNS },
      ),
    );
    expect(unhandled).toEqual([]);
    // Most mutations leave a webhook envelope: the fuzz reaches parsing and storage, not only the 400 of a broken envelope.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(RUNS / 2);
    expect(await db.prisma.inboxMessage.count()).toBeGreaterThan(20);
  });
});
