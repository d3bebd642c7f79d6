/**
 * SSRF through DNS rebinding, end to end for both callers: a webhook subscription and an external
 * calendar are saved through the API while their names resolve to a public address; when the
 * delivery or the import connects, the same names resolve to 127.0.0.1. Both are refused, the
 * failure is recorded, and the loopback listener sees no connection. Names that do not resolve and
 * literal internal forms are refused when saved (422 saying why).
 */
import express from 'express';
import net, { type AddressInfo } from 'node:net';
import request from 'supertest';
import { createApiRouter } from '../../src/api';
import { createBookingService } from '../../src/booking';
import { importExternalCalendar } from '../../src/calendar';
import { deliverEvent } from '../../src/events';
import { createLogger, type HostResolver } from '../../src/platform';
import { sendError } from '../../src/platform/http-errors';
import { createBookingListeners } from '../../src/reminders';
import { createApiTestContext, type ApiTestContext } from '../api/api-test-kit';

describe('DNS rebinding and unresolvable names', () => {
  let ctx: ApiTestContext;
  let app: express.Express;
  let listener: net.Server;
  let port: number;
  const state = { connections: 0 };
  /** What the names answer now: flipped to loopback after saving. */
  const dns: Record<string, string[]> = {};
  const resolveHost: HostResolver = async (host) => {
    const addresses = dns[host];
    if (!addresses) throw new Error(`getaddrinfo ENOTFOUND ${host}`);
    return addresses;
  };
  const api = (method: 'post' | 'get', path: string) => request(app)[method](path).set('x-api-key', ctx.keys.admin);

  beforeAll(async () => {
    ctx = await createApiTestContext();
    app = express();
    app.use(
      createApiRouter({
        prisma: ctx.db.prisma,
        logger: createLogger('silent'),
        clock: ctx.clock,
        bookings: createBookingService({ prisma: ctx.db.prisma, clock: ctx.clock, listeners: createBookingListeners({ clock: ctx.clock }) }),
        encryptionKey: ctx.encryptionKey,
        resolveHost,
      }),
    );
    app.use((req, res) => sendError(res, 404, 'not_found', `No route for ${req.method} ${req.path}.`));
    listener = net.createServer((socket) => {
      state.connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    port = (listener.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => listener.close(() => resolve()));
    await ctx.db.drop();
  });

  it('an event delivery to a name that now resolves to 127.0.0.1 is refused and logged; nothing connects', async () => {
    dns['hooks.rebind.example.net'] = ['93.184.215.20'];
    const saved = await api('post', '/v1/webhook-subscriptions').send({ url: `https://hooks.rebind.example.net:${port}/hook`, events: ['BOOKING_CREATED'] });
    expect(saved.status).toBe(201);
    const booked = await api('post', '/v1/appointments').send({
      fullName: 'Maria Lopez', countryCode: '+34', phone: '611 222 333', serviceId: 'consultation', staffId: ctx.demo.staff.ana, date: '2026-03-31', time: '09:00',
    });
    expect(booked.status).toBe(201);
    const delivery = await ctx.db.prisma.eventDelivery.findFirstOrThrow({ where: { subscriptionId: saved.body.id } });

    dns['hooks.rebind.example.net'] = ['127.0.0.1'];
    const outcome = await deliverEvent({ prisma: ctx.db.prisma, clock: ctx.clock, logger: createLogger('silent'), encryptionKey: ctx.encryptionKey, resolveHost }, { deliveryId: delivery.id });
    expect(outcome).toBe('retry_scheduled');
    const attempt = await ctx.db.prisma.eventDeliveryAttempt.findFirstOrThrow({ where: { deliveryId: delivery.id } });
    expect(attempt.statusCode).toBeNull();
    expect(attempt.error).toBe('OutboundRequestError: must point to a public address; hooks.rebind.example.net resolves to 127.0.0.1 (a loopback address)');
    expect(state.connections).toBe(0);
  });

  it('a calendar import from a name that now resolves to 127.0.0.1 is refused and recorded; nothing connects', async () => {
    dns['cal.rebind.example.net'] = ['93.184.215.21'];
    const saved = await api('post', `/v1/staff/${ctx.demo.staff.ana}/external-calendars`).send({ name: 'Personal', url: `https://cal.rebind.example.net:${port}/basic.ics` });
    expect(saved.status).toBe(201);

    dns['cal.rebind.example.net'] = ['127.0.0.1'];
    const deps = { prisma: ctx.db.prisma, clock: ctx.clock, logger: createLogger('silent'), encryptionKey: ctx.encryptionKey, resolveHost };
    expect(await importExternalCalendar(deps, saved.body.id)).toEqual({
      ok: false,
      error: 'the feed address must point to a public address; cal.rebind.example.net resolves to 127.0.0.1 (a loopback address)',
    });
    expect(state.connections).toBe(0);
  });

  it.each([
    ['a name that does not resolve', 'https://no-such-host.example.org/x', 'does not resolve: no-such-host.example.org has no address in DNS; check the host name'],
    ['localhost. (fully qualified)', 'https://localhost./x', 'must use a public host name, not an internal one (localhost.)'],
    ['127.0.0.1.nip.io (no answer when saved)', 'https://127.0.0.1.nip.io/x', 'does not resolve: 127.0.0.1.nip.io has no address in DNS; check the host name'],
    ['the IPv4-compatible [::127.0.0.1]', 'https://[::127.0.0.1]/x', 'must point to a public address, not [::7f00:1] (a reserved address)'],
    ['the 6to4 [2002:7f00:1::]', 'https://[2002:7f00:1::]/x', 'must point to a public address, not [2002:7f00:1::] (a 6to4 form of a loopback address)'],
    ['the NAT64 [64:ff9b::a9fe:a9fe]', 'https://[64:ff9b::a9fe:a9fe]/x', 'must point to a public address, not [64:ff9b::a9fe:a9fe] (a NAT64 form of a link-local address)'],
  ])('refuses %s when saved, with 422 saying why (webhooks and calendars)', async (_name, url, reason) => {
    const webhook = await api('post', '/v1/webhook-subscriptions').send({ url });
    expect(webhook.status).toBe(422);
    expect(webhook.body.error.code).toBe('unsafe_url');
    expect(webhook.body.error.details).toEqual([{ in: 'body', field: 'url', message: reason }]);
    const calendar = await api('post', `/v1/staff/${ctx.demo.staff.ana}/external-calendars`).send({ name: 'Other', url });
    expect(calendar.status).toBe(422);
    expect(calendar.body.error.details[0].message).toBe(reason);
  });
});
