/**
 * Sliding-window order counters, as explicit immutable state: the times of recent events per key.
 * Keys are `strategy:<id>` and `portfolio:<id>` (see `strategyKey`, `portfolioKey`).
 */
export interface RateLimitState {
  readonly events: Readonly<Record<string, readonly number[]>>;
}

/** No events. */
export const EMPTY_RATE_LIMIT_STATE: RateLimitState = Object.freeze({ events: Object.freeze({}) });

/** The counter key of a strategy. */
export function strategyKey(strategyId: string): string {
  return `strategy:${strategyId}`;
}

/** The counter key of a portfolio. */
export function portfolioKey(portfolioId: string): string {
  return `portfolio:${portfolioId}`;
}

/** Events under `key` in the window `(now - windowMs, now]`. */
export function countInWindow(state: RateLimitState, key: string, now: number, windowMs: number): number {
  const times = state.events[key];
  if (times === undefined) return 0;
  let n = 0;
  for (const t of times) if (t > now - windowMs && t <= now) n += 1;
  return n;
}

/** A new state with an event at `now` under each key, and every key's events older than the window dropped. */
export function recordEvent(state: RateLimitState, keys: readonly string[], now: number, windowMs: number): RateLimitState {
  const events: Record<string, readonly number[]> = {};
  for (const [key, times] of Object.entries(state.events)) {
    const kept = times.filter((t) => t > now - windowMs);
    if (kept.length > 0) events[key] = kept;
  }
  for (const key of keys) events[key] = [...(events[key] ?? []), now];
  return Object.freeze({ events: Object.freeze(events) });
}
