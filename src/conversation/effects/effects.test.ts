import { CONVERSATION_EFFECTS } from '.';

describe('the effect registry', () => {
  it('marks exactly the effects that change bookings or holds, which the step runs SERIALIZABLE', () => {
    const changing = Object.entries(CONVERSATION_EFFECTS).filter(([, effect]) => effect.changesBookings).map(([name]) => name).sort();
    expect(changing).toEqual(['cancelBooking', 'completeFlow', 'confirmBooking', 'confirmPendingBooking', 'holdSlot', 'rescheduleBooking']);
  });
});
