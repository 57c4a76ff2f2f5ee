/** A scheduled callback that can be called off. */
export interface TimerHandle {
  cancel(): void;
}

/**
 * The minimal clock a venue needs: the time and one-shot timers. The runtime's clock adapts to it; tests
 * and backtests use `ManualClock`.
 */
export interface VenueClock {
  /** Current time, epoch ms. */
  now(): number;
  /** Calls `fn` once, `ms` from now. */
  setTimer(ms: number, fn: () => void): TimerHandle;
}

interface Scheduled {
  readonly due: number;
  readonly seq: number;
  readonly fn: () => void;
  canceled: boolean;
}

/**
 * A deterministic clock that only moves when told to. Timers run in order of due time, then of
 * scheduling; a timer scheduled by a running timer for a time not after the target runs in the same advance.
 * @example
 * const clock = new ManualClock(0);
 * clock.setTimer(50, () => console.log('arrived'));
 * clock.advance(50); // logs 'arrived'
 */
export class ManualClock implements VenueClock {
  #now: number;
  #seq = 0;
  #timers: Scheduled[] = [];

  constructor(start = 0) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    const timer: Scheduled = { due: this.#now + Math.max(0, ms), seq: this.#seq++, fn, canceled: false };
    this.#timers.push(timer);
    return { cancel: () => { timer.canceled = true; } };
  }

  /** Moves the time forward by `ms`, running every timer that falls due. */
  advance(ms: number): void {
    this.advanceTo(this.#now + ms);
  }

  /** Moves the time to `time` (never backwards), running every timer due by then. */
  advanceTo(time: number): void {
    for (;;) {
      this.#timers = this.#timers.filter((t) => !t.canceled);
      const next = this.#timers.reduce<Scheduled | undefined>((best, t) => (t.due <= time && (best === undefined || t.due < best.due || (t.due === best.due && t.seq < best.seq)) ? t : best), undefined);
      if (next === undefined) break;
      this.#timers = this.#timers.filter((t) => t !== next);
      this.#now = Math.max(this.#now, next.due);
      next.fn();
    }
    this.#now = Math.max(this.#now, time);
  }

  /** Timers not yet run. */
  get pending(): number {
    return this.#timers.filter((t) => !t.canceled).length;
  }
}
