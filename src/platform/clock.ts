/** Time source handed to domain code, so tests can fix or move "now". */
export interface Clock {
  /** The current instant. */
  now(): Date;
}

/** The real wall clock. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock that stays where a test puts it. */
export function createFixedClock(start: Date | string): Clock & { set(at: Date | string): void; advanceMinutes(minutes: number): void } {
  let current = new Date(start);
  return {
    now: () => new Date(current),
    set: (at) => {
      current = new Date(at);
    },
    advanceMinutes: (minutes) => {
      current = new Date(current.getTime() + minutes * 60_000);
    },
  };
}
