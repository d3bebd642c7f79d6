import { isInsideServiceWindow, SERVICE_WINDOW_MS } from './service-window';

const LAST = '2026-03-28T12:00:00.000Z';

describe('the 24-hour customer-service window', () => {
  it('lasts 24 hours', () => {
    expect(SERVICE_WINDOW_MS).toBe(86_400_000);
  });

  it.each([
    [null, '2026-03-29T12:00:00.000Z', undefined, false], // never wrote: only templates
    [LAST, LAST, undefined, true],
    [LAST, '2026-03-29T11:59:59.999Z', undefined, true], // the last millisecond inside
    [LAST, '2026-03-29T12:00:00.000Z', undefined, false], // exactly 24 hours later: closed
    [LAST, '2026-03-30T12:00:00.000Z', undefined, false],
    [LAST, '2026-03-29T11:49:59.999Z', 10 * 60_000, true], // the margin closes it 10 minutes earlier
    [LAST, '2026-03-29T11:50:00.000Z', 10 * 60_000, false],
    [LAST, '2026-03-29T11:55:00.000Z', 10 * 60_000, false],
  ])('last message %s, sending at %s, margin %s ms → inside: %s', (last, sendAt, marginMs, expected) => {
    expect(isInsideServiceWindow({ lastInboundAt: last ? new Date(last) : null, sendAt: new Date(sendAt), ...(marginMs === undefined ? {} : { marginMs }) })).toBe(expected);
  });
});
