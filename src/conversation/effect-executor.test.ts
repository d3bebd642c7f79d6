import { executeEffect, SerializableStepRequired, type EffectContext } from './effect-executor';

// Only what the escalation check reads; the effect must not run at all in a READ COMMITTED step.
const readCommittedStep = {
  isSerializable: false,
  business: { id: 'b' },
  customer: { id: 'c', waId: '34600000000' },
  bookings: { inTransaction: () => ({}) },
} as unknown as EffectContext;

describe('booking changes need a SERIALIZABLE step', () => {
  it.each([
    { type: 'confirmBooking', params: { serviceId: 's', start: '2030-01-01T09:00:00.000Z', staffId: 'any' } },
    { type: 'rescheduleBooking', params: { bookingId: 'bk', serviceId: 's', start: '2030-01-01T09:00:00.000Z', staffId: 'any' } },
    { type: 'cancelBooking', params: { bookingId: 'bk' } },
    { type: 'confirmPendingBooking', params: { bookingId: 'bk' } },
    { type: 'completeFlow', params: { flowToken: 't', response: {} } },
  ])('$type in a READ COMMITTED step asks for a serializable re-run before touching anything', async (effect) => {
    await expect(executeEffect(readCommittedStep, effect as never)).rejects.toBeInstanceOf(SerializableStepRequired);
  });
});
