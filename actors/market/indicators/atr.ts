import type { HighLowClose, Indicator } from './types.js';
import { requireHighLowClose, requireInteger } from './params.js';
import { TrueRange } from './true-range.js';
import { WilderAverage } from './wilder.js';

/** Wilder's ATR look-back, in bars. */
export const DEFAULT_ATR_PERIOD_BARS = 14;

/**
 * Average True Range (Wilder). True range is `max(high, prevClose) - min(low, prevClose)`, and
 * `high - low` for the very first bar. ATR is seeded with the simple mean of the first `period`
 * true ranges, then `atr = (atr * (period - 1) + tr) / period`. First value after `period` bars.
 *
 * @example
 * ```ts
 * const atr = new ATR(14);
 * for (const bar of bars) {
 *   const a = atr.update(bar);
 *   if (a !== undefined) stop = bar.close - 3 * a;
 * }
 * ```
 */
export class ATR implements Indicator<HighLowClose, number> {
  readonly warmup: number;
  private readonly tr = new TrueRange();
  private readonly avg: WilderAverage;

  /** @param period an integer >= 1 */
  constructor(readonly period: number = DEFAULT_ATR_PERIOD_BARS) {
    requireInteger('ATR', 'period', period);
    this.warmup = period;
    this.avg = new WilderAverage(period);
  }

  update(bar: HighLowClose): number | undefined {
    requireHighLowClose('ATR', bar);
    return this.avg.update(this.tr.update(bar));
  }

  get value(): number | undefined {
    return this.avg.value;
  }

  get ready(): boolean {
    return this.avg.value !== undefined;
  }

  reset(): void {
    this.tr.reset();
    this.avg.reset();
  }
}
