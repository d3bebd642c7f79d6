/**
 * A loopback fake of the Graph API's /messages endpoint: records every request and answers as
 * Meta does ({"messages":[{"id":"wamid..."}]}), or with a scripted error.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake received. */
export interface FakeGraphRequest {
  phoneNumberId: string;
  authorization: string | undefined;
  body: Record<string, unknown>;
  /** When the request arrived (Date.now()), for tests of the send rate. */
  receivedAt: number;
}

/** A running fake Graph API. */
export interface FakeGraph {
  baseUrl: string;
  requests: FakeGraphRequest[];
  /** BSUIDs by phone: a send to one of these phones is answered with `contacts[0].user_id`, as Meta does. */
  userIds: Map<string, string>;
  /** Messages (not read receipts) received, in order. */
  messages(): Array<Record<string, unknown>>;
  /** The next n requests answer with this status and Meta error body. */
  failNext(count: number, status: number, error: { code: number; message: string }): void;
  /** The next n message posts (read receipts pass) answer with this status and Meta error body. */
  failNextMessages(count: number, status: number, error: { code: number; message: string }): void;
  close(): Promise<void>;
}

/** Options of startFakeGraph. */
export interface FakeGraphOptions {
  /**
   * Runs when a message post (not a read receipt) arrives, after the fake has accepted it (recorded,
   * message id assigned) and before it answers: a test can kill the sender right there.
   */
  beforeAnswer?: (request: FakeGraphRequest, messageId: string) => Promise<void> | void;
}

/** Starts the fake on 127.0.0.1 with a random port. */
export async function startFakeGraph(options: FakeGraphOptions = {}): Promise<FakeGraph> {
  const requests: FakeGraphRequest[] = [];
  const failures: Array<{ status: number; error: { code: number; message: string } }> = [];
  const messageFailures: typeof failures = [];
  let counter = 0;
  const userIds = new Map<string, string>();
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const receivedAt = Date.now();
      const match = /\/([^/]+)\/messages$/.exec(req.url ?? '');
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      const received = { phoneNumberId: match?.[1] ?? '', authorization: req.headers.authorization, body, receivedAt };
      requests.push(received);
      res.setHeader('content-type', 'application/json');
      const failure = failures.shift() ?? (body.status === 'read' ? undefined : messageFailures.shift());
      if (failure) {
        res.statusCode = failure.status;
        res.end(JSON.stringify({ error: { message: failure.error.message, type: 'OAuthException', code: failure.error.code, fbtrace_id: 'test' } }));
        return;
      }
      if (body.status === 'read') {
        res.end(JSON.stringify({ success: true }));
        return;
      }
      counter += 1;
      const messageId = `wamid.fake.${counter}`;
      // Meta echoes the address it was given: a phone comes back as wa_id, a BSUID (`recipient`) as user_id.
      const known = typeof body.to === 'string' ? userIds.get(body.to) : undefined;
      const contact = body.to === undefined ? { input: body.recipient, user_id: body.recipient } : { input: body.to, wa_id: body.to, ...(known ? { user_id: known } : {}) };
      const answer = () => res.end(JSON.stringify({ messaging_product: 'whatsapp', contacts: [contact], messages: [{ id: messageId }] }));
      if (!options.beforeAnswer) return answer();
      // The sender may be gone by the time the hook returns: its socket closed, the answer goes nowhere.
      void Promise.resolve(options.beforeAnswer(received, messageId)).finally(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v25.0`,
    requests,
    userIds,
    messages: () => requests.filter((r) => r.body.status !== 'read').map((r) => r.body),
    failNext: (count, status, error) => {
      for (let i = 0; i < count; i += 1) failures.push({ status, error });
    },
    failNextMessages: (count, status, error) => {
      for (let i = 0; i < count; i += 1) messageFailures.push({ status, error });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
