/**
 * The latency a customer feels at a realistic load, for bench:webhook: many business numbers at
 * Meta's default tier, each with a few customers who each write about once every 10 s, and the
 * time from the webhook's acknowledgement to the bot's reply reaching the (fake) Graph API.
 */
import http from 'node:http';
import { Client } from 'pg';
import { DEMO } from '../../prisma/seed';
import { signBody } from '../../src/whatsapp';
import { pickPercentile } from './report';

/** The shape of the realistic load. */
export interface RealisticLoad {
  numbers: number;
  customersPerNumber: number;
  /** Seconds between two messages of one customer (each starts at a random point of the first period). */
  periodSeconds: number;
  seconds: number;
  /** The first seconds warm the processes up (JIT, prepared statements, pools): their messages are not measured. */
  warmupSeconds: number;
}

/** What the phase measured. */
export interface RealisticResult {
  offeredPerSecond: number;
  acked: number;
  replied: number;
  /** Replies to messages after the warm-up: the latencies below. */
  measured: number;
  non2xx: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Adds `count - 1` numbers to the demo business next to the seeded one, all at Meta's default 80 messages/s. */
export async function addNumbers(url: string, count: number): Promise<string[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const ids = Array.from({ length: count - 1 }, (_, index) => `bench-number-${index + 1}`);
    await client.query(
      `INSERT INTO whatsapp_numbers (business_id, phone_number_id, display_phone, send_rate_per_second)
       SELECT business_id, u.phone_id, '+3490000' || lpad(u.n::text, 4, '0'), 80 FROM whatsapp_numbers, unnest($2::text[]) WITH ORDINALITY AS u(phone_id, n)
        WHERE phone_number_id = $1`,
      [DEMO.phoneNumberId, ids],
    );
    await client.query('UPDATE whatsapp_numbers SET send_rate_per_second = 80 WHERE phone_number_id = $1', [DEMO.phoneNumberId]);
    return [DEMO.phoneNumberId, ...ids];
  } finally {
    await client.end();
  }
}

/** A signed single-message webhook: customer `from` writes "hi" to `phoneNumberId`. */
function signedHi(secret: string, phoneNumberId: string, from: string, sequence: number): { body: string; signature: string } {
  const body = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: 'bench', changes: [{ field: 'messages', value: {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: DEMO.displayPhone, phone_number_id: phoneNumberId },
      contacts: [{ profile: { name: 'Bench' }, wa_id: from }],
      messages: [{ from, id: `wamid.bench.real.${sequence}`, timestamp: String(1796000000 + sequence), type: 'text', text: { body: 'hi' } }],
    } }] }],
  });
  return { body, signature: signBody(secret, body) };
}

function post(agent: http.Agent, port: number, body: string, signature: string): Promise<number> {
  return new Promise((resolve) => {
    const request = http.request(
      { host: '127.0.0.1', port, path: '/webhook', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-hub-signature-256': signature } },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('error', () => resolve(0));
    request.end(body);
  });
}

/**
 * Runs the load: every customer (a new wa_id per customer) writes "hi" to their number once per
 * period, from a random start; then waits until every acknowledged message has its reply (or 60 s)
 * and pairs acks and replies per customer by position.
 */
export async function runRealisticLoad(
  options: { port: number; secret: string; phoneNumberIds: string[]; load: RealisticLoad; replies: Map<string, number[]> },
): Promise<RealisticResult> {
  const { load } = options;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  const customers = options.phoneNumberIds.flatMap((phoneNumberId, n) =>
    Array.from({ length: load.customersPerNumber }, (_, c) => ({ phoneNumberId, from: String(34710000000 + n * load.customersPerNumber + c), acks: [] as number[] })),
  );
  let sequence = 0;
  let non2xx = 0;
  const posts: Array<Promise<void>> = [];
  const started = performance.now();
  const timers = customers.map((customer) => {
    const send = () => {
      const signed = signedHi(options.secret, customer.phoneNumberId, customer.from, ++sequence);
      posts.push(post(agent, options.port, signed.body, signed.signature).then((status) => {
        if (status === 200) customer.acks.push(performance.now());
        else non2xx += 1;
      }));
    };
    const first = Math.random() * load.periodSeconds * 1000;
    return setTimeout(() => {
      send();
      const interval = setInterval(() => (performance.now() - started < load.seconds * 1000 ? send() : clearInterval(interval)), load.periodSeconds * 1000);
    }, first);
  });
  await new Promise((resolve) => setTimeout(resolve, load.seconds * 1000 + 100));
  timers.forEach(clearTimeout);
  await Promise.all(posts);
  const acked = customers.reduce((sum, customer) => sum + customer.acks.length, 0);
  const repliedCount = () => customers.reduce((sum, customer) => sum + Math.min(customer.acks.length, options.replies.get(customer.from)?.length ?? 0), 0);
  const deadline = Date.now() + 60_000;
  while (repliedCount() < acked && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  agent.destroy();
  const measuredFrom = started + load.warmupSeconds * 1000;
  const latencies = customers.flatMap((customer) => {
    const replies = options.replies.get(customer.from) ?? [];
    return customer.acks.flatMap((ack, index) => (replies[index] === undefined || ack < measuredFrom ? [] : [replies[index]! - ack]));
  });
  latencies.sort((a, b) => a - b);
  return {
    offeredPerSecond: customers.length / load.periodSeconds,
    acked,
    replied: repliedCount(),
    measured: latencies.length,
    non2xx,
    p50Ms: pickPercentile(latencies, 50),
    p99Ms: pickPercentile(latencies, 99),
    maxMs: latencies.at(-1) ?? 0,
  };
}

/** The phase's table, for the bench report. */
export function describeRealisticLoad(load: RealisticLoad, result: RealisticResult): string[] {
  const met = result.p99Ms < 300 ? 'met' : '**missed**';
  return [
    '## Latency at a realistic load',
    '',
    `${load.numbers} business numbers at Meta's default 80 messages/s, ${load.customersPerNumber} customers each, every customer writing "hi" about once every ${load.periodSeconds} s (≈ ${result.offeredPerSecond.toFixed(0)} turns/s) for ${load.seconds} s; time from the webhook's 200 to the reply accepted by the fake Graph API, for the messages after the first ${load.warmupSeconds} s (warm-up: JIT, prepared statements, pools).`,
    '',
    '| measure | value | target |',
    '|---|---:|---:|',
    `| messages acknowledged / replies received / non-2xx | ${result.acked} / ${result.replied} / ${result.non2xx} | equal / 0 |`,
    `| replies measured (messages after the warm-up) | ${result.measured} | — |`,
    `| ack → reply, p50 | ${result.p50Ms.toFixed(0)} ms | — |`,
    `| ack → reply, p99 | ${result.p99Ms.toFixed(0)} ms | < 300 ms (${met}) |`,
    `| ack → reply, max | ${result.maxMs.toFixed(0)} ms | — |`,
    '',
  ];
}
