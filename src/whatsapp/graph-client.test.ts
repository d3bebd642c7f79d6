import http from 'node:http';
import net from 'node:net';
import nock from 'nock';
import { NetworkError, WhatsAppApiError } from '../platform/errors';
import { createGraphClient } from './graph-client';
import { SendConfigurationError } from './send-configuration-error';
import { buildTextMessage } from './message-builders';

const ORIGIN = 'http://127.0.0.1:9';
const BASE_URL = `${ORIGIN}/v25.0`;
const PHONE_NUMBER_ID = '106540352242922';
const TOKEN = 'test-token';
const message = buildTextMessage({ to: '+34600111222', text: 'Your booking is confirmed' });

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

function client() {
  return createGraphClient({ baseUrl: BASE_URL, accessToken: TOKEN });
}

async function captureError(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

describe('createGraphClient().sendMessage', () => {
  it('POSTs the JSON body with the bearer token and returns the wamid', async () => {
    const scope = nock(ORIGIN, { reqheaders: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' } })
      .post(`/v25.0/${PHONE_NUMBER_ID}/messages`, (body: unknown) => JSON.stringify(body) === JSON.stringify(message))
      .reply(200, {
        messaging_product: 'whatsapp',
        contacts: [{ input: '+34600111222', wa_id: '34600111222' }],
        messages: [{ id: 'wamid.OUT1' }],
      });
    await expect(client().sendMessage(PHONE_NUMBER_ID, message)).resolves.toStrictEqual({ messageId: 'wamid.OUT1' });
    expect(scope.isDone()).toBe(true);
  });

  it('returns the BSUID Meta names for the recipient (contacts[0].user_id), and ignores one that is not a string', async () => {
    const bsuidMessage = buildTextMessage({ to: 'US.13491208655302741918', text: 'Hi' });
    nock(ORIGIN)
      .post(`/v25.0/${PHONE_NUMBER_ID}/messages`, (body: unknown) => JSON.stringify(body) === JSON.stringify(bsuidMessage))
      .reply(200, { messaging_product: 'whatsapp', contacts: [{ input: 'US.13491208655302741918', user_id: 'US.13491208655302741918' }], messages: [{ id: 'wamid.B1' }] });
    await expect(client().sendMessage(PHONE_NUMBER_ID, bsuidMessage)).resolves.toStrictEqual({ messageId: 'wamid.B1', userId: 'US.13491208655302741918' });
    nock(ORIGIN).post(`/v25.0/${PHONE_NUMBER_ID}/messages`).reply(200, { contacts: [{ input: '+34600111222', user_id: 42 }], messages: [{ id: 'wamid.B2' }] });
    await expect(client().sendMessage(PHONE_NUMBER_ID, message)).resolves.toStrictEqual({ messageId: 'wamid.B2' });
  });

  it('ignores a trailing slash in the base URL', async () => {
    const scope = nock(ORIGIN).post(`/v25.0/${PHONE_NUMBER_ID}/messages`).reply(200, { messages: [{ id: 'wamid.OUT2' }] });
    await createGraphClient({ baseUrl: `${BASE_URL}/`, accessToken: TOKEN }).sendMessage(PHONE_NUMBER_ID, message);
    expect(scope.isDone()).toBe(true);
  });

  it('turns Meta’s error envelope into a WhatsAppApiError with code, method, payload and trace id', async () => {
    nock(ORIGIN)
      .post(`/v25.0/${PHONE_NUMBER_ID}/messages`)
      .reply(400, {
        error: {
          message: '(#131047) Re-engagement message',
          type: 'OAuthException',
          code: 131047,
          error_data: { messaging_product: 'whatsapp', details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.' },
          fbtrace_id: 'AbCdEf123',
        },
      });
    const error = await captureError(client().sendMessage(PHONE_NUMBER_ID, message));
    expect(error).toBeInstanceOf(WhatsAppApiError);
    expect(error).toMatchObject({ status: 400, code: 131047, method: 'POST /{id}/messages', payload: message, retryAfterMs: undefined });
    expect((error as Error).message).toBe(
      'WhatsApp POST /{id}/messages failed (HTTP 400, code 131047): (#131047) Re-engagement message — Message failed to send because more than 24 hours have passed since the customer last replied to this number. — fbtrace_id AbCdEf123',
    );
  });

  it('reads Retry-After (seconds) and the subcode', async () => {
    nock(ORIGIN)
      .post(`/v25.0/${PHONE_NUMBER_ID}/messages`)
      .reply(429, { error: { message: 'Too many calls', code: 80007, error_subcode: 2494055, fbtrace_id: 'x' } }, { 'Retry-After': '30' });
    const error = await captureError(client().sendMessage(PHONE_NUMBER_ID, message));
    expect(error).toMatchObject({ status: 429, code: 80007, subcode: 2494055, retryAfterMs: 30_000 });
  });

  it('keeps the HTTP status when the error body is not JSON', async () => {
    nock(ORIGIN).post(`/v25.0/${PHONE_NUMBER_ID}/messages`).reply(502, '<html>Bad gateway</html>');
    const error = await captureError(client().sendMessage(PHONE_NUMBER_ID, message));
    expect(error).toBeInstanceOf(WhatsAppApiError);
    expect(error).toMatchObject({ status: 502, code: undefined });
  });

  it('treats a 2xx without a message id as an API error', async () => {
    nock(ORIGIN).post(`/v25.0/${PHONE_NUMBER_ID}/messages`).reply(200, { messaging_product: 'whatsapp' });
    await expect(client().sendMessage(PHONE_NUMBER_ID, message)).rejects.toBeInstanceOf(WhatsAppApiError);
  });

  // Failures of the connection itself, on real loopback servers (nock fakes answers, not sockets).
  async function withLoopbackServer(onConnection: (socket: net.Socket) => void, run: (baseUrl: string) => Promise<void>): Promise<void> {
    nock.enableNetConnect('127.0.0.1');
    const sockets = new Set<net.Socket>();
    const server = net.createServer((socket) => {
      sockets.add(socket);
      onConnection(socket);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      await run(`http://127.0.0.1:${(server.address() as net.AddressInfo).port}/v25.0`);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
      nock.disableNetConnect();
    }
  }

  it('wraps a connection failure in a NetworkError', async () => {
    await withLoopbackServer(
      (socket) => socket.destroy(),
      async (baseUrl) => {
        const error = await captureError(createGraphClient({ baseUrl, accessToken: TOKEN }).sendMessage(PHONE_NUMBER_ID, message));
        expect(error).toBeInstanceOf(NetworkError);
        expect((error as NetworkError).cause).toBeDefined();
      },
    );
  });

  it('wraps a timeout in a NetworkError that says so', async () => {
    // The server reads the request and never answers.
    await withLoopbackServer(
      (socket) => socket.resume(),
      async (baseUrl) => {
        const error = await captureError(createGraphClient({ baseUrl, accessToken: TOKEN, timeoutMs: 50 }).sendMessage(PHONE_NUMBER_ID, message));
        expect(error).toBeInstanceOf(NetworkError);
        expect((error as Error).message).toContain('timed out after 50 ms');
      },
    );
  });
});

describe('createGraphClient().markRead', () => {
  it('POSTs a read receipt for the inbound message', async () => {
    const scope = nock(ORIGIN)
      .post(`/v25.0/${PHONE_NUMBER_ID}/messages`, { messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.IN' })
      .reply(200, { success: true });
    await expect(client().markRead(PHONE_NUMBER_ID, 'wamid.IN')).resolves.toBeUndefined();
    expect(scope.isDone()).toBe(true);
  });

  it('surfaces Meta errors', async () => {
    nock(ORIGIN).post(`/v25.0/${PHONE_NUMBER_ID}/messages`).reply(400, { error: { message: 'Invalid parameter', code: 100 } });
    await expect(client().markRead(PHONE_NUMBER_ID, 'wamid.IN')).rejects.toMatchObject({ code: 100, status: 400 });
  });
});

describe('createGraphClient with an access token no header can carry', () => {
  it.each([
    ['an accented letter', 'EAAGtokén0123456789abcdef'],
    ['a typographic quote pasted with it', 'EAAG0123456789abcdef\u2019'],
    ['a zero-width space', 'EAAG0123\u200b456789abcdef'],
  ])('fails each send with %s as a configuration error, before any request, never as a network error', async (_name, token) => {
    const scope = nock(ORIGIN).post(`/v25.0/${PHONE_NUMBER_ID}/messages`).reply(200, { messages: [{ id: 'wamid.never' }] });
    const error = await captureError(createGraphClient({ baseUrl: BASE_URL, accessToken: token }).sendMessage(PHONE_NUMBER_ID, message));
    expect(error).toBeInstanceOf(SendConfigurationError);
    expect(error).not.toBeInstanceOf(NetworkError);
    expect((error as SendConfigurationError).code).toBe('access_token_invalid');
    expect((error as Error).message).not.toContain(token);
    expect(scope.isDone()).toBe(false);
  });
});

describe('createGraphClient when node:http cannot build the request', () => {
  it('fails as a configuration error (not a network error to retry) when a header is refused', async () => {
    // What node:http throws for a header value it cannot send, e.g. a token pasted with a typographic quote.
    const refused = Object.assign(new TypeError('Invalid character in header content ["authorization"]'), { code: 'ERR_INVALID_CHAR' });
    const spy = jest.spyOn(http, 'request').mockImplementation(() => {
      throw refused;
    });
    try {
      const error = await captureError(client().sendMessage(PHONE_NUMBER_ID, message));
      expect(error).toBeInstanceOf(SendConfigurationError);
      expect(error).not.toBeInstanceOf(NetworkError);
      expect((error as SendConfigurationError).code).toBe('request_unbuildable');
      expect((error as Error).message).toContain('Invalid character in header content');
    } finally {
      spy.mockRestore();
    }
  });
});
