/**
 * Sliding-window order counters, as explicit immutable state: how many events each key saw at each recent time.
 * Keys are `strategy:<id>` and `portfolio:<id>` (see `strategyKey`, `portfolioKey`).
 *
 * Format (plain data, msgpack-encoded in the risk snapshot): `events[key]` holds times in ascending order and
 * `totals[key][i]` the running total of events under `key` at times up to and including `events[key][i]`, so
 * the events at `events[key][i]` number `totals[key][i] - totals[key][i - 1]` (`totals[key][0]` for the first).
 * A key without `totals` (and a state without `totals`, such as every snapshot written before it existed) has
 * one event per entry of `events[key]`, repeats included. `RateCounter.state()` writes each time once, so a
 * snapshot's size follows the distinct times in the window, not the orders: a backtest time slice or a burst
 * within one ms is one entry. Running totals rather than per-time counts let `countInWindow` answer with two
 * binary searches on any state, the engine's live view included.
 */
export interface RateLimitState {
  readonly events: Readonly<Record<string, readonly number[]>>;
  readonly totals?: Readonly<Record<string, readonly number[]>>;
}

/** No events. */
export const EMPTY_RATE_LIMIT_STATE: RateLimitState = Object.freeze({ events: Object.freeze({}) });

// Keys are looked up four times per order: each id's key is built once, so that a lookup neither builds
// nor hashes a new string. Cleared when full (a process sees a few strategies and portfolios).
const strategyKeys = new Map<string, string>();
const portfolioKeys = new Map<string, string>();
/** Keys remembered per kind at most. */
export const RATE_KEYS_KEPT = 1_024;

function memoKey(keys: Map<string, string>, prefix: string, id: string): string {
  if (typeof id !== 'string') return `${prefix}${id}`;
  let key = keys.get(id);
  if (key === undefined) {
    if (keys.size >= RATE_KEYS_KEPT) keys.clear();
    keys.set(id, (key = `${prefix}${id}`));
  }
  return key;
}

/** The counter key of a strategy. */
export function strategyKey(strategyId: string): string {
  return memoKey(strategyKeys, 'strategy:', strategyId);
}

/** The counter key of a portfolio. */
export function portfolioKey(portfolioId: string): string {
  return memoKey(portfolioKeys, 'portfolio:', portfolioId);
}

/** Keys the memos hold now (for tests of their bound). */
export function rateKeysHeld(): number {
  return strategyKeys.size + portfolioKeys.size;
}

/** Index of the first time in the sorted `times` that is greater than `t`. */
function upperBound(times: readonly number[], t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Events at the times before index `i` of a key's entries: the running total there, or `i` where each entry is one event. */
function totalBefore(totals: readonly number[] | undefined, i: number): number {
  if (i === 0) return 0;
  return totals === undefined ? i : totals[i - 1]!;
}

/**
 * Adds `n` events at `t` to a key's ascending `times` and running `totals`, in place, joining an equal time
 * rather than repeating it. At or after the latest time this is O(1); a clock gone backwards inserts and
 * shifts the later totals.
 */
function addEvents(times: number[], totals: number[], t: number, n: number): void {
  const last = times.length - 1;
  if (last >= 0 && times[last] === t) {
    totals[last]! += n;
  } else if (last < 0 || times[last]! < t) {
    totals.push(last < 0 ? n : totals[last]! + n);
    times.push(t);
  } else {
    let i = upperBound(times, t);
    if (i > 0 && times[i - 1] === t) i -= 1;
    else {
      times.splice(i, 0, t);
      totals.splice(i, 0, totalBefore(totals, i));
    }
    for (let j = i; j < totals.length; j += 1) totals[j]! += n;
  }
}

/** Drops a key's first `n` entries in place, rebasing the running totals on the entries left. */
function dropFirst(times: number[], totals: number[], n: number): void {
  const base = totals[n - 1]!;
  times.splice(0, n);
  totals.splice(0, n);
  for (let j = 0; j < totals.length; j += 1) totals[j]! -= base;
}

/** A key's events in the working form: ascending times and the running totals at them. */
interface Run {
  readonly times: number[];
  readonly totals: number[];
}

/** A copy of a key's sorted entries (of either form) after time `after`, with running totals that start there. */
function keptAfter(times: readonly number[], totals: readonly number[] | undefined, after: number): Run {
  const from = upperBound(times, after);
  const base = totalBefore(totals, from);
  const kept: Run = { times: times.slice(from), totals: [] };
  for (let i = from; i < times.length; i += 1) kept.totals.push(totalBefore(totals, i + 1) - base);
  return kept;
}

/** A frozen state of `runs`, leaving out empty keys and the totals of keys with one event per time (`totals` too when none has more). */
function frozenState(runs: Iterable<readonly [string, Run]>): RateLimitState {
  const events: Record<string, readonly number[]> = {};
  const totals: Record<string, readonly number[]> = {};
  let repeats = false;
  for (const [key, run] of runs) {
    if (run.times.length === 0) continue;
    events[key] = Object.freeze(run.times);
    if (run.totals[run.totals.length - 1] !== run.times.length) {
      totals[key] = Object.freeze(run.totals);
      repeats = true;
    }
  }
  return repeats ? Object.freeze({ events: Object.freeze(events), totals: Object.freeze(totals) }) : Object.freeze({ events: Object.freeze(events) });
}

/** Events under `key` in the window `(now - windowMs, now]`: two binary searches over its times and the totals there. */
export function countInWindow(state: RateLimitState, key: string, now: number, windowMs: number): number {
  const times = state.events[key];
  if (times === undefined) return 0;
  const totals = state.totals?.[key];
  return totalBefore(totals, upperBound(times, now)) - totalBefore(totals, upperBound(times, now - windowMs));
}

/** A new state with an event at `now` under each key, and every key's events older than the window dropped. */
export function recordEvent(state: RateLimitState, keys: readonly string[], now: number, windowMs: number): RateLimitState {
  const runs = new Map<string, Run>();
  for (const [key, times] of Object.entries(state.events)) runs.set(key, keptAfter(times, state.totals?.[key], now - windowMs));
  for (const key of keys) {
    let run = runs.get(key);
    if (run === undefined) runs.set(key, (run = { times: [], totals: [] }));
    addEvents(run.times, run.totals, now, 1);
  }
  return frozenState(runs);
}

/** Stale entries (distinct times) a key may hold before they are dropped in bulk. */
const COMPACT_AFTER_STALE = 64;

/**
 * The engine's working form of `RateLimitState`: every key with distinct sorted times and running totals,
 * added to in place, so an approval costs O(log n) however many orders the window holds and a burst within
 * one time adds nothing to the size. `view()` is a `RateLimitState` over the live arrays (read it, never keep
 * it); `state()` is a frozen copy for snapshots.
 */
export class RateCounter {
  // Each key's run, found with one lookup per approval; the records hold the same arrays for the view.
  readonly #runs = new Map<string, Run>();
  readonly #events: Record<string, number[]> = {};
  readonly #totals: Record<string, number[]> = {};
  readonly #view: RateLimitState = { events: this.#events, totals: this.#totals };
  #lastNow = Number.NEGATIVE_INFINITY;
  #windowMs = 0;

  /** A counter holding the events of `state`, of either form; entries out of order (early snapshots) are sorted in. */
  static from(state: RateLimitState): RateCounter {
    const counter = new RateCounter();
    for (const [key, times] of Object.entries(state.events)) {
      const totals = state.totals?.[key];
      for (let i = 0; i < times.length; i += 1) counter.#add(key, times[i]!, totalBefore(totals, i + 1) - totalBefore(totals, i));
    }
    return counter;
  }

  /** Records an event at `now` under each key, dropping a key's stale entries in bulk once they are half of it. */
  record(keys: readonly string[], now: number, windowMs: number): void {
    this.#windowMs = windowMs;
    for (const key of keys) {
      const run = this.#add(key, now, 1);
      const stale = upperBound(run.times, now - windowMs);
      if (stale >= COMPACT_AFTER_STALE && stale * 2 >= run.times.length) dropFirst(run.times, run.totals, stale);
    }
  }

  /** Adds `n` events at `t` under `key` and returns its run. */
  #add(key: string, t: number, n: number): Run {
    if (t > this.#lastNow) this.#lastNow = t;
    let run = this.#runs.get(key);
    if (run === undefined) {
      this.#runs.set(key, (run = { times: [], totals: [] }));
      this.#events[key] = run.times;
      this.#totals[key] = run.totals;
    }
    addEvents(run.times, run.totals, t, n);
    return run;
  }

  /** The live state, for `countInWindow` and the checks. */
  view(): RateLimitState {
    return this.#view;
  }

  /** A frozen copy without the events older than the window of the latest event, one entry per distinct time. */
  state(): RateLimitState {
    const from = this.#windowMs > 0 ? this.#lastNow - this.#windowMs : Number.NEGATIVE_INFINITY;
    return frozenState([...this.#runs].map(([key, run]) => [key, keptAfter(run.times, run.totals, from)] as const));
  }
}
