import type { ConversationEvent } from '../../machines/conversation-types';
import { funnelEventsFor, type FunnelSnapshot } from './funnel-events';

const at = (value: unknown, context: FunnelSnapshot['context'] = { mode: 'book', isFlowEnabled: false }): FunnelSnapshot => ({ value, context });
const idle = at('idle');
const idleWithFlow = at('idle', { mode: 'book', isFlowEnabled: true });
const booking = (step: string, mode = 'book') => at({ booking: step }, { mode, isFlowEnabled: false });
const booked = { id: 'b1' } as never;

describe('funnelEventsFor', () => {
  it.each<[string, FunnelSnapshot, FunnelSnapshot, ConversationEvent, unknown[]]>([
    ['Book tapped without a Flow: intent and the list path', idle, booking('loadingServices'), { type: 'MENU_BOOK' }, [{ stage: 'booking_intent', path: 'list' }, { stage: 'list_started', path: 'list' }]],
    ['Book tapped with the Flow: an intent on the Flow path', idleWithFlow, idleWithFlow, { type: 'MENU_BOOK' }, [{ stage: 'booking_intent', path: 'flow' }]],
    ['Book during a hand-off is ignored', at('handoff'), at('handoff'), { type: 'MENU_BOOK' }, []],
    ['a time chosen from the list', booking('choosingSlot'), booking('holdingSlot'), { type: 'SLOT_CHOSEN', start: 's', staffId: 'a' }, [{ stage: 'slot_chosen', path: 'list' }]],
    ['a time chosen while rescheduling is no new booking', booking('choosingSlot', 'reschedule'), booking('holdingSlot', 'reschedule'), { type: 'SLOT_CHOSEN', start: 's', staffId: 'a' }, []],
    ['a time not offered changes nothing', booking('choosingSlot'), booking('choosingSlot'), { type: 'SLOT_CHOSEN', start: 's', staffId: 'a' }, []],
    ['confirmed on the list path', booking('confirming'), idle, { type: 'BOOKING_CONFIRMED', booking: booked }, [{ stage: 'booking_confirmed', path: 'list' }]],
    ['confirmed from the Flow: its submission chose the time', booking('completingFlow'), idle, { type: 'BOOKING_CONFIRMED', booking: booked }, [{ stage: 'slot_chosen', path: 'flow' }, { stage: 'booking_confirmed', path: 'flow' }]],
    ['attendance confirmed from a reminder', at({ managing: 'confirmingAttendance' }), idle, { type: 'BOOKING_CONFIRMED', booking: booked }, [{ stage: 'reminder_confirmed' }]],
    ['taken at confirmation (list)', booking('confirming'), booking('choosingSlot'), { type: 'SLOT_TAKEN', alternatives: [] }, [{ stage: 'slot_taken', path: 'list' }]],
    ['taken when holding is not "at confirmation"', booking('holdingSlot'), booking('choosingSlot'), { type: 'SLOT_TAKEN', alternatives: [] }, []],
    ['taken at the Flow\'s completion', booking('completingFlow'), booking('choosingSlot'), { type: 'FLOW_SLOT_TAKEN', alternatives: [], mode: 'book', service: {} as never, staffId: 'a', date: 'd' }, [{ stage: 'slot_chosen', path: 'flow' }, { stage: 'slot_taken', path: 'flow' }]],
    ['a path that times out on the summary: its hold expired', booking('reviewing'), idle, { type: 'SESSION_TIMED_OUT' }, [{ stage: 'path_abandoned', path: 'list', detail: 'hold_expired' }]],
    ['a path that times out earlier', booking('choosingDay'), idle, { type: 'SESSION_TIMED_OUT' }, [{ stage: 'path_abandoned', path: 'list', detail: 'timeout' }]],
    ['a path left back to the menu', booking('choosingService'), idle, { type: 'BACK' }, [{ stage: 'path_abandoned', path: 'list', detail: 'left' }]],
    ['a path left for a person', booking('choosingDay'), at('handoff'), { type: 'MENU_TALK' }, [{ stage: 'path_abandoned', path: 'list', detail: 'handoff' }, { stage: 'handoff', detail: 'asked' }]],
    ['an emergency hand-off', idle, at('handoff'), { type: 'INTENT_EMERGENCY' }, [{ stage: 'handoff', detail: 'emergency' }]],
    ['an emergency during a hand-off is no second hand-off', at('handoff'), at('handoff'), { type: 'INTENT_EMERGENCY' }, []],
    ['a message on the menu records nothing', idle, idle, { type: 'GREETING' }, []],
  ])('%s', (_name, before, after, event, expected) => {
    expect(funnelEventsFor(before, after, event)).toStrictEqual(expected);
  });
});
