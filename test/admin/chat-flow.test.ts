/**
 * `npm run chat` fills a Flow: the terminal walker, driven by scripted answers, walks the booking
 * Flow against the real encrypted endpoint (sandbox server on a loopback port) with the same
 * renderer as the simulator page: required inputs are asked again, Back works, and the completion
 * carries what the SUMMARY Footer sends.
 */
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { createPublicKey } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { walkFlowInTerminal, type TerminalIo } from '../../src/admin/chat-flow';
import { createApp } from '../../src/app';
import { flowRenderer, readFlowsPrivateKey } from '../../src/flows';
import { createFixedClock, createLogger, loadConfig } from '../../src/platform';
import { issueToken, PRIVATE_PEM } from '../flows/flow-kit';
import { nextMondayMorning } from '../support/channel-harness';
import { setupDemo, type DemoHandles } from '../support/demo';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const BOOKING = flowRenderer.parseFlowDocument(fs.readFileSync(path.join(__dirname, '..', '..', 'flows', 'booking.flow.json'), 'utf8'));

/** Answers prompts in order; remembers what was printed and asked. */
function scriptedIo(answers: string[]): TerminalIo & { printed: string[]; asked: string[] } {
  const printed: string[] = [];
  const asked: string[] = [];
  return {
    printed,
    asked,
    print: (line) => printed.push(line),
    async ask(question) {
      asked.push(question);
      const answer = answers.shift();
      if (answer === undefined) throw new Error(`no scripted answer for ${JSON.stringify(question)}; printed so far:\n${printed.join('\n')}`);
      return answer;
    },
  };
}

describe('npm run chat: filling a Flow in the terminal', () => {
  let db: TestDatabase;
  let demo: DemoHandles;
  let server: http.Server;
  let transport: flowRenderer.FlowTransport;
  const now = nextMondayMorning();

  beforeAll(async () => {
    db = await createTestDatabase();
    demo = await setupDemo(db.prisma);
    const config = loadConfig({ DATABASE_URL: db.url, FLOWS_PRIVATE_KEY: PRIVATE_PEM, FLOWS_PRIVATE_KEY_PASSPHRASE: 'oracle-test', BOOKING_FLOW_ID: '1' });
    server = http.createServer(createApp({ config, prisma: db.prisma, logger: createLogger('silent'), clock: createFixedClock(now) }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${config.flows.endpointPath}`;
    transport = flowRenderer.createEndpointTransport({ url, publicKey: createPublicKey(readFlowsPrivateKey(config.flows)!), appSecret: config.whatsapp.appSecret });
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await db.drop();
  });

  async function openBookingFlow(): Promise<{ state: flowRenderer.FlowRunState; token: string }> {
    const [customerId] = await demo.createCustomers(1, '3464400');
    const token = await issueToken(db, { businessId: demo.businessId, customerId: customerId!, now });
    return { state: await flowRenderer.openFlowRun({ flow: BOOKING, flowToken: token, flowAction: 'data_exchange', transport }), token };
  }

  it('walks SERVICE → STAFF → DATE → TIME → DETAILS → SUMMARY as numbered prompts and completes with the booking payload', async () => {
    const { state } = await openBookingFlow();
    const io = scriptedIo([
      '', '', // SERVICE: no choice, Footer → "Required", asked again
      '1', '', // SERVICE: Consultation
      '1', '', // STAFF: Any available
      'b', // Back to STAFF from DATE
      '', '', // STAFF: keep the choice
      '1', '', // DATE: first free day
      '2', '', // TIME: second time
      'Maria Silva', 'Window seat', '', '', // DETAILS: name, note, no add-ons
      '', // SUMMARY: confirm
    ]);
    const closed = await walkFlowInTerminal({ flow: BOOKING, state, transport, io });
    expect(io.printed).toContain('# Book an appointment');
    expect(io.printed.some((line) => line.includes('Service *: Required'))).toBe(true);
    expect(io.printed).toContain('    1. Consultation — 30 min · €60.00');
    expect(io.printed).toContain('# Check and confirm');
    expect(io.printed).toContain('Maria Silva');
    expect(io.asked.at(-1)).toBe('[Confirm booking] Enter to continue, b = back, q = close: ');
    expect(closed).toMatchObject({ kind: 'completed', response: { flow: 'booking', service_id: demo.services.consultation, customer_name: 'Maria Silva', note: 'Window seat', add_on_ids: [] } });
  });

  it('q closes the Flow without completing it', async () => {
    const { state } = await openBookingFlow();
    expect(await walkFlowInTerminal({ flow: BOOKING, state, transport, io: scriptedIo(['q']) })).toStrictEqual({ kind: 'dismissed' });
  });

  it('an unknown token closes the Flow with the endpoint\'s message (427)', async () => {
    const state = await flowRenderer.openFlowRun({ flow: BOOKING, flowToken: 'x'.repeat(43), flowAction: 'data_exchange', transport });
    expect(state.closed).toStrictEqual({ kind: 'refused', message: 'This form has expired. Please ask for a new one in the chat.' });
  });
});
