/** A cancellable timer handle. */
export interface Cancellable {
  cancel(): void;
}

/**
 * Where actors get time. Production uses {@link SystemClock}; tests and backtests use
 * {@link SimulatedClock} and advance it by hand, so nothing depends on wall time.
 */
export interface Clock {
  /** Current time in epoch milliseconds. */
  now(): number;
  /** Runs `fn` once after `delayMs` of this clock's time. */
  setTimer(delayMs: number, fn: () => void): Cancellable;
}

/** Wall-clock time and Node timers. Timers do not keep the process alive. */
export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }

  setTimer(delayMs: number, fn: () => void): Cancellable {
    const handle = setTimeout(fn, Math.max(0, delayMs));
    handle.unref();
    return new NodeTimer(handle);
  }
}

/**
 * A Node timer as a `Cancellable`. A class, not `{ cancel: () => clearTimeout(handle) }`: tsx's
 * keep-names transform wraps every named closure in a `defineProperty` of its name, which costs about
 * 0.3 µs and turns the function into a dictionary-mode object, once per timer.
 */
class NodeTimer implements Cancellable {
  constructor(private readonly handle: NodeJS.Timeout) {}

  cancel(): void {
    clearTimeout(this.handle);
  }
}

/** A timer of a {@link SimulatedClock}; it is its own handle. */
class SimTimer implements Cancellable {
  cancelled = false;

  constructor(
    readonly due: number,
    readonly seq: number,
    readonly fn: () => void,
  ) {}

  cancel(): void {
    this.cancelled = true;
  }
}

/**
 * A clock that moves only when told to. Timers fire in due-time order (ties in creation order)
 * during {@link SimulatedClock.advance}; a timer set by a firing timer fires in the same advance
 * when it falls due within it.
 *
 * @example
 * const clock = new SimulatedClock(Date.UTC(2024, 0, 2));
 * clock.setTimer(1_000, () => console.log('one second later'));
 * clock.advance(1_000);
 */
export class SimulatedClock implements Clock {
  #now: number;
  #seq = 0;
  #timers: SimTimer[] = [];
  /** At most the due time of every live timer (a cancel leaves it low): below it, nothing can fire. */
  #earliestDue = Number.POSITIVE_INFINITY;

  constructor(startMs = 0) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  setTimer(delayMs: number, fn: () => void): Cancellable {
    const timer = new SimTimer(this.#now + Math.max(0, delayMs), this.#seq++, fn);
    this.#timers.push(timer);
    if (timer.due < this.#earliestDue) this.#earliestDue = timer.due;
    return timer;
  }

  /** Number of timers not yet fired or cancelled. */
  get pendingTimers(): number {
    return this.#timers.filter((t) => !t.cancelled).length;
  }

  /** Whether a timer not yet fired or cancelled falls due at or before `timeMs`. Cheap while none can. */
  hasTimerDueBy(timeMs: number): boolean {
    if (timeMs < this.#earliestDue) return false;
    this.#prune();
    return this.#earliestDue <= timeMs;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`cannot advance a clock by ${ms} ms`);
    this.advanceTo(this.#now + ms);
  }

  /** Moves time to `timeMs` (never backwards), firing due timers in order. */
  advanceTo(timeMs: number): void {
    if (timeMs < this.#now) throw new RangeError(`cannot move a clock back from ${this.#now} to ${timeMs}`);
    // A backtest moves the clock once per time slice, almost always with no timer due: no scan then.
    if (timeMs < this.#earliestDue) {
      this.#now = timeMs;
      return;
    }
    for (;;) {
      let next: SimTimer | undefined;
      for (const t of this.#timers) {
        if (!t.cancelled && t.due <= timeMs && (next === undefined || t.due < next.due || (t.due === next.due && t.seq < next.seq))) next = t;
      }
      if (next === undefined) break;
      next.cancelled = true;
      this.#now = next.due;
      next.fn();
    }
    this.#prune();
    this.#now = timeMs;
  }

  /** Drops fired and cancelled timers and recomputes the earliest due time. */
  #prune(): void {
    this.#timers = this.#timers.filter((t) => !t.cancelled);
    let earliest = Number.POSITIVE_INFINITY;
    for (const t of this.#timers) if (t.due < earliest) earliest = t.due;
    this.#earliestDue = earliest;
  }
}
