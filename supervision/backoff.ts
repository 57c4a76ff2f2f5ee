import type { BackoffOptions } from './strategy.js';

/**
 * Delay before the `attempt`-th restart of a child within the intensity window (attempt counts from 1).
 * The first restart is immediate; the k-th (k >= 2) waits `minMs × factor^(k-2)`, capped at `maxMs`,
 * spread by ±jitter using `random` (a number in [0, 1)), and never more than `maxMs`.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number): number {
  if (attempt <= 1 || options.minMs === 0) return 0;
  const base = Math.min(options.maxMs, options.minMs * options.factor ** (attempt - 2));
  const spread = options.jitter === 0 ? 1 : 1 - options.jitter + 2 * options.jitter * random();
  return Math.min(options.maxMs, Math.max(0, Math.round(base * spread)));
}
