import type { Indicator } from './types.js';
import { InvalidIndicatorParamError } from '../errors.js';
import { requireFiniteInput, requireInteger } from './params.js';
import { EMA } from './ema.js';

/** Appel's MACD periods, in bars. */
export const DEFAULT_MACD_FAST_PERIOD_BARS = 12;
export const DEFAULT_MACD_SLOW_PERIOD_BARS = 26;
export const DEFAULT_MACD_SIGNAL_PERIOD_BARS = 9;

/** MACD line, its signal line and their difference. */
export interface MacdValue {
  /** EMA(fast) - EMA(slow). */
  readonly macd: number;
  /** EMA(signal) of the MACD line. */
  readonly signal: number;
  /** macd - signal. */
  readonly histogram: number;
}

/** MACD periods; each defaults to Appel's 12 / 26 / 9. */
export interface MacdParams {
  readonly fast?: number;
  readonly slow?: number;
  readonly signal?: number;
}

/**
 * Moving Average Convergence/Divergence. The MACD line is `EMA(fast) - EMA(slow)` of the input;
 * the signal line is an EMA of the MACD line; the histogram is their difference. Every EMA is
 * seeded with the SMA of its own first `period` inputs (see `EMA`), so the MACD line starts at
 * input `slow` and the first value (all three fields) comes at input `slow + signal - 1`
 * (34 with the defaults).
 *
 * @example
 * ```ts
 * const macd = new MACD({ fast: 12, slow: 26, signal: 9 });
 * for (const bar of bars) {
 *   const m = macd.update(bar.close);
 *   if (m && m.histogram > 0) { ... }
 * }
 * ```
 */
export class MACD implements Indicator<number, MacdValue> {
  readonly warmup: number;
  readonly fast: number;
  readonly slow: number;
  readonly signal: number;
  private readonly fastEma: EMA;
  private readonly slowEma: EMA;
  private readonly signalEma: EMA;
  private current: MacdValue | undefined;

  constructor(params: MacdParams = {}) {
    this.fast = requireInteger('MACD', 'fast', params.fast ?? DEFAULT_MACD_FAST_PERIOD_BARS);
    this.slow = requireInteger('MACD', 'slow', params.slow ?? DEFAULT_MACD_SLOW_PERIOD_BARS);
    this.signal = requireInteger('MACD', 'signal', params.signal ?? DEFAULT_MACD_SIGNAL_PERIOD_BARS);
    if (this.fast >= this.slow) {
      throw new InvalidIndicatorParamError('MACD', 'fast', this.fast, `less than slow (${this.slow})`);
    }
    this.warmup = this.slow + this.signal - 1;
    this.fastEma = new EMA(this.fast);
    this.slowEma = new EMA(this.slow);
    this.signalEma = new EMA(this.signal);
  }

  update(value: number): MacdValue | undefined {
    requireFiniteInput('MACD', 'value', value);
    const f = this.fastEma.update(value);
    const s = this.slowEma.update(value);
    if (f === undefined || s === undefined) return this.current;
    const macd = f - s;
    const signal = this.signalEma.update(macd);
    if (signal === undefined) return this.current;
    this.current = { macd, signal, histogram: macd - signal };
    return this.current;
  }

  get value(): MacdValue | undefined {
    return this.current;
  }

  get ready(): boolean {
    return this.current !== undefined;
  }

  reset(): void {
    this.fastEma.reset();
    this.slowEma.reset();
    this.signalEma.reset();
    this.current = undefined;
  }
}
