/**
 * Sliding-window order counters, as explicit immutable state: the times of recent events per key.
 * Keys are `strategy:<id>` and `portfolio:<id>` (see `strategyKey`, `portfolioKey`).
 */
export interface RateLimitState {
  readonly events: Readonly<Record<string, readonly number[]>>;
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

/** Inserts `t` into the sorted `times`, in place (at the end unless the clock went backwards). */
function insertSorted(times: number[], t: number): void {
  if (times.length === 0 || times[times.length - 1]! <= t) times.push(t);
  else times.splice(upperBound(times, t), 0, t);
}

/** Events under `key` in the window `(now - windowMs, now]`; times are kept sorted, so this is a binary search. */
export function countInWindow(state: RateLimitState, key: string, now: number, windowMs: number): number {
  const times = state.events[key];
  if (times === undefined) return 0;
  return upperBound(times, now) - upperBound(times, now - windowMs);
}

/** A new state with an event at `now` under each key, and every key's events older than the window dropped. */
export function recordEvent(state: RateLimitState, keys: readonly string[], now: number, windowMs: number): RateLimitState {
  const events: Record<string, readonly number[]> = {};
  for (const [key, times] of Object.entries(state.events)) {
    const kept = times.filter((t) => t > now - windowMs);
    if (kept.length > 0) events[key] = kept;
  }
  for (const key of keys) {
    const times = [...(events[key] ?? [])];
    insertSorted(times, now);
    events[key] = times;
  }
  return Object.freeze({ events: Object.freeze(events) });
}

/** Stale events a key may hold before they are dropped in bulk. */
const COMPACT_AFTER_STALE = 64;

/**
 * The engine's working form of `RateLimitState`: the same sorted times per key, appended in place, so an
 * approval costs O(log n) however many orders the window holds. `view()` is a `RateLimitState` over the
 * live arrays (read it, never keep it); `state()` is a frozen copy for snapshots.
 */
export class RateCounter {
  readonly #events: Record<string, number[]> = {};
  readonly #view: RateLimitState = { events: this.#events };
  #lastNow = Number.NEGATIVE_INFINITY;
  #windowMs = 0;

  /** A counter holding the events of `state`. */
  static from(state: RateLimitState): RateCounter {
    const counter = new RateCounter();
    for (const [key, times] of Object.entries(state.events)) {
      const copy = [...times].sort((a, b) => a - b);
      counter.#events[key] = copy;
      if (copy.length > 0) counter.#lastNow = Math.max(counter.#lastNow, copy[copy.length - 1]!);
    }
    return counter;
  }

  /** Records an event at `now` under each key. */
  record(keys: readonly string[], now: number, windowMs: number): void {
    this.#lastNow = Math.max(this.#lastNow, now);
    this.#windowMs = windowMs;
    for (const key of keys) {
      let times = this.#events[key];
      if (times === undefined) this.#events[key] = times = [];
      insertSorted(times, now);
      const stale = upperBound(times, now - windowMs);
      if (stale >= COMPACT_AFTER_STALE && stale * 2 >= times.length) times.splice(0, stale);
    }
  }

  /** The live state, for `countInWindow` and the checks. */
  view(): RateLimitState {
    return this.#view;
  }

  /** A frozen copy without the events older than the window of the latest event. */
  state(): RateLimitState {
    const events: Record<string, readonly number[]> = {};
    const from = this.#windowMs > 0 ? this.#lastNow - this.#windowMs : Number.NEGATIVE_INFINITY;
    for (const [key, times] of Object.entries(this.#events)) {
      const kept = times.slice(upperBound(times, from));
      if (kept.length > 0) events[key] = Object.freeze(kept);
    }
    return Object.freeze({ events: Object.freeze(events) });
  }
}
