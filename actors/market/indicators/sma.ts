import type { Indicator } from './types.js';
import { requireFiniteInput, requireInteger } from './params.js';
import { RollingSum } from './rolling-sum.js';

/**
 * Simple moving average: the mean of the last `period` values. First value after `period` inputs.
 *
 * @example
 * ```ts
 * const sma = new SMA(20);
 * for (const bar of bars) {
 *   const avg = sma.update(bar.close); // undefined for the first 19 bars
 *   if (avg !== undefined && bar.close > avg) { ... }
 * }
 * ```
 */
export class SMA implements Indicator<number, number> {
  readonly warmup: number;
  private readonly window: RollingSum;
  private current: number | undefined;

  /** @param period window length in inputs, an integer >= 1 */
  constructor(readonly period: number) {
    requireInteger('SMA', 'period', period);
    this.warmup = period;
    this.window = new RollingSum(period);
  }

  update(value: number): number | undefined {
    requireFiniteInput('SMA', 'value', value);
    this.window.push(value);
    if (this.window.full) this.current = this.window.sum / this.period;
    return this.current;
  }

  get value(): number | undefined {
    return this.current;
  }

  get ready(): boolean {
    return this.current !== undefined;
  }

  reset(): void {
    this.window.reset();
    this.current = undefined;
  }
}
