import type { VenueClock } from '../venue-clock.js';

/**
 * Wall-clock time with timers that keep the process alive, as the socket does: a venue waiting to
 * reconnect or holding orders has work pending until `close()`.
 */
export const WALL_CLOCK: VenueClock = {
  now: () => Date.now(),
  setTimer: (ms, fn) => {
    const handle = setTimeout(fn, Math.max(0, ms));
    return { cancel: () => clearTimeout(handle) };
  },
};
