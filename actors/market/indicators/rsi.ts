import type { Indicator } from './types.js';
import { requireFiniteInput, requireInteger } from './params.js';
import { WilderAverage } from './wilder.js';

/** Wilder's original RSI look-back, in bars. */
export const DEFAULT_RSI_PERIOD_BARS = 14;

/**
 * Relative Strength Index with Wilder smoothing, in [0, 100].
 *
 * Each input after the first gives a change `d`; gain = max(d, 0), loss = max(-d, 0). The average
 * gain and loss are seeded with the simple mean of the first `period` changes and then smoothed
 * with `avg = (avg * (period - 1) + x) / period`. `RSI = 100 - 100 / (1 + avgGain / avgLoss)`,
 * 100 when avgLoss is 0, and 50 when both averages are 0 (a flat series). First value after
 * `period + 1` inputs.
 *
 * @example
 * ```ts
 * const rsi = new RSI(14);
 * for (const bar of bars) {
 *   const r = rsi.update(bar.close);
 *   if (r !== undefined && r < 30) { ... } // oversold
 * }
 * ```
 */
export class RSI implements Indicator<number, number> {
  readonly warmup: number;
  private readonly gains: WilderAverage;
  private readonly losses: WilderAverage;
  private prev: number | undefined;
  private current: number | undefined;

  /** @param period number of changes averaged, an integer >= 1 */
  constructor(readonly period: number = DEFAULT_RSI_PERIOD_BARS) {
    requireInteger('RSI', 'period', period);
    this.warmup = period + 1;
    this.gains = new WilderAverage(period);
    this.losses = new WilderAverage(period);
  }

  update(value: number): number | undefined {
    requireFiniteInput('RSI', 'value', value);
    const prev = this.prev;
    this.prev = value;
    if (prev === undefined) return this.current;
    const change = value - prev;
    const gain = this.gains.update(change > 0 ? change : 0);
    const loss = this.losses.update(change < 0 ? -change : 0);
    if (gain === undefined || loss === undefined) return this.current;
    if (loss === 0) this.current = gain === 0 ? 50 : 100;
    else this.current = 100 - 100 / (1 + gain / loss);
    return this.current;
  }

  get value(): number | undefined {
    return this.current;
  }

  get ready(): boolean {
    return this.current !== undefined;
  }

  reset(): void {
    this.gains.reset();
    this.losses.reset();
    this.prev = undefined;
    this.current = undefined;
  }
}
