import type { HighLowClose, Indicator } from './types.js';
import { requireHighLowClose, requireInteger } from './params.js';
import { RollingExtreme } from './rolling-extreme.js';
import { RollingSum } from './rolling-sum.js';
import { TrueRange } from './true-range.js';

/** Dreiss's Choppiness Index look-back, in bars. */
export const DEFAULT_CHOP_PERIOD_BARS = 14;

/**
 * Choppiness Index (E. W. Dreiss), in [0, 100]: high when price wanders without progress, low when
 * it trends.
 *
 * `CHOP = 100 * log10(sum(TR, n) / (max(high, n) - min(low, n))) / log10(n)`, with TR the true range
 * (`high - low` for the very first bar, as ATR(1) has it). When the window's high equals its low
 * (no movement at all) the value is 100. First value after `period` bars; `period` must be >= 2
 * (log10(1) = 0).
 *
 * @example
 * ```ts
 * const chop = new ChoppinessIndex(14);
 * for (const bar of bars) {
 *   const c = chop.update(bar);
 *   if (c !== undefined && c > 61.8) { ... } // sideways: stand aside
 * }
 * ```
 */
export class ChoppinessIndex implements Indicator<HighLowClose, number> {
  readonly warmup: number;
  private readonly tr = new TrueRange();
  private readonly trSum: RollingSum;
  private readonly highs: RollingExtreme;
  private readonly lows: RollingExtreme;
  private readonly logPeriod: number;
  private current: number | undefined;

  /** @param period an integer >= 2 */
  constructor(readonly period: number = DEFAULT_CHOP_PERIOD_BARS) {
    requireInteger('ChoppinessIndex', 'period', period, 2);
    this.warmup = period;
    this.trSum = new RollingSum(period);
    this.highs = new RollingExtreme(period, 'max');
    this.lows = new RollingExtreme(period, 'min');
    this.logPeriod = Math.log10(period);
  }

  update(bar: HighLowClose): number | undefined {
    requireHighLowClose('ChoppinessIndex', bar);
    this.trSum.push(this.tr.update(bar));
    this.highs.push(bar.high);
    this.lows.push(bar.low);
    if (!this.trSum.full) return this.current;
    const range = this.highs.value! - this.lows.value!;
    this.current = range <= 0 ? 100 : (100 * Math.log10(this.trSum.sum / range)) / this.logPeriod;
    return this.current;
  }

  get value(): number | undefined {
    return this.current;
  }

  get ready(): boolean {
    return this.current !== undefined;
  }

  reset(): void {
    this.tr.reset();
    this.trSum.reset();
    this.highs.reset();
    this.lows.reset();
    this.current = undefined;
  }
}
