import type { HighLowClose, Indicator } from './types.js';
import { requireHighLowClose, requireInteger } from './params.js';
import { TrueRange } from './true-range.js';
import { WilderAverage } from './wilder.js';

/** Wilder's ADX look-back, in bars. */
export const DEFAULT_ADX_PERIOD_BARS = 14;

/** Trend strength and direction. */
export interface AdxValue {
  /** Average Directional Index in [0, 100]: trend strength regardless of direction. */
  readonly adx: number;
  /** +DI in [0, 100]: upward directional movement as a share of true range. */
  readonly plusDI: number;
  /** -DI in [0, 100]: downward directional movement as a share of true range. */
  readonly minusDI: number;
}

/**
 * Average Directional Index with +DI and -DI (Wilder, 1978).
 *
 * From the second bar on: `up = high - prevHigh`, `down = prevLow - low`; `+DM = up` when
 * `up > down && up > 0`, else 0; `-DM = down` when `down > up && down > 0`, else 0; TR is the true
 * range. +DM, -DM and TR are Wilder-smoothed over `period` (seeded with the mean of the first
 * `period`), `+DI = 100 * +DM_s / TR_s`, `-DI = 100 * -DM_s / TR_s`,
 * `DX = 100 * |+DI - -DI| / (+DI + -DI)` (0 when both are 0), and ADX is the Wilder smoothing of DX,
 * seeded with the mean of the first `period` DX values. The first value comes at bar `2 * period`
 * (28 with the default 14): one bar for the first change, `period` changes for the first DI,
 * `period` DX values for the first ADX.
 *
 * @example
 * ```ts
 * const adx = new ADX(14);
 * for (const bar of bars) {
 *   const a = adx.update(bar);
 *   if (a && a.adx >= 25 && a.plusDI > a.minusDI) { ... } // strong uptrend
 * }
 * ```
 */
export class ADX implements Indicator<HighLowClose, AdxValue> {
  readonly warmup: number;
  private readonly tr = new TrueRange();
  private readonly plusDm: WilderAverage;
  private readonly minusDm: WilderAverage;
  private readonly trAvg: WilderAverage;
  private readonly dxAvg: WilderAverage;
  private prevHigh = 0;
  private prevLow = 0;
  private seen = 0;
  private current: AdxValue | undefined;

  /** @param period an integer >= 1 */
  constructor(readonly period: number = DEFAULT_ADX_PERIOD_BARS) {
    requireInteger('ADX', 'period', period);
    this.warmup = 2 * period;
    this.plusDm = new WilderAverage(period);
    this.minusDm = new WilderAverage(period);
    this.trAvg = new WilderAverage(period);
    this.dxAvg = new WilderAverage(period);
  }

  update(bar: HighLowClose): AdxValue | undefined {
    requireHighLowClose('ADX', bar);
    const tr = this.tr.update(bar);
    const first = this.seen === 0;
    const up = bar.high - this.prevHigh;
    const down = this.prevLow - bar.low;
    this.prevHigh = bar.high;
    this.prevLow = bar.low;
    this.seen += 1;
    if (first) return this.current;

    const plus = this.plusDm.update(up > down && up > 0 ? up : 0);
    const minus = this.minusDm.update(down > up && down > 0 ? down : 0);
    const range = this.trAvg.update(tr);
    if (plus === undefined || minus === undefined || range === undefined) return this.current;

    const plusDI = range === 0 ? 0 : (100 * plus) / range;
    const minusDI = range === 0 ? 0 : (100 * minus) / range;
    const diSum = plusDI + minusDI;
    const dx = diSum === 0 ? 0 : (100 * Math.abs(plusDI - minusDI)) / diSum;
    const adx = this.dxAvg.update(dx);
    if (adx === undefined) return this.current;
    this.current = { adx, plusDI, minusDI };
    return this.current;
  }

  get value(): AdxValue | undefined {
    return this.current;
  }

  get ready(): boolean {
    return this.current !== undefined;
  }

  reset(): void {
    this.tr.reset();
    this.plusDm.reset();
    this.minusDm.reset();
    this.trAvg.reset();
    this.dxAvg.reset();
    this.seen = 0;
    this.current = undefined;
  }
}
