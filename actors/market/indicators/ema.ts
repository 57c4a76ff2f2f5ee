import type { Indicator } from './types.js';
import { requireFiniteInput, requireInteger } from './params.js';

/**
 * Exponential moving average with `alpha = 2 / (period + 1)`.
 *
 * Seeding: the first value is the simple mean of the first `period` inputs (so the EMA is ready
 * after `period` inputs, like the SMA); from then on `ema = ema + alpha * (x - ema)`. This is the
 * TA-Lib / StockCharts convention; seeding with the first input instead would make early values
 * depend heavily on one price.
 *
 * @example
 * ```ts
 * const fast = new EMA(12);
 * const slow = new EMA(26);
 * for (const bar of bars) {
 *   const f = fast.update(bar.close);
 *   const s = slow.update(bar.close);
 *   if (f !== undefined && s !== undefined && f > s) { ... }
 * }
 * ```
 */
export class EMA implements Indicator<number, number> {
  readonly warmup: number;
  /** Smoothing factor `2 / (period + 1)`. */
  readonly alpha: number;
  private seedSum = 0;
  private count = 0;
  private current: number | undefined;

  /** @param period an integer >= 1 */
  constructor(readonly period: number) {
    requireInteger('EMA', 'period', period);
    this.warmup = period;
    this.alpha = 2 / (period + 1);
  }

  update(value: number): number | undefined {
    requireFiniteInput('EMA', 'value', value);
    if (this.current !== undefined) {
      this.current += this.alpha * (value - this.current);
      return this.current;
    }
    this.seedSum += value;
    this.count += 1;
    if (this.count === this.period) this.current = this.seedSum / this.period;
    return this.current;
  }

  get value(): number | undefined {
    return this.current;
  }

  get ready(): boolean {
    return this.current !== undefined;
  }

  reset(): void {
    this.seedSum = 0;
    this.count = 0;
    this.current = undefined;
  }
}
