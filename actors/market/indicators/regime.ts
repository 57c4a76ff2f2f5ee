import type { HighLowClose, Indicator } from './types.js';
import { InvalidIndicatorParamError } from '../errors.js';
import { ADX, DEFAULT_ADX_PERIOD_BARS } from './adx.js';
import { ChoppinessIndex, DEFAULT_CHOP_PERIOD_BARS } from './choppiness.js';

/** The market regimes `classifyRegime` tells apart. */
export const REGIMES = ['trending', 'ranging', 'choppy'] as const;
export type Regime = (typeof REGIMES)[number];

/** ADX at or above which a market is trending (Wilder's own threshold). */
export const DEFAULT_TRENDING_ADX = 25;
/** CHOP at or above which a market is choppy (the 61.8 Fibonacci level Dreiss used). */
export const DEFAULT_CHOPPY_CHOP = 61.8;

/** Thresholds of `classifyRegime`, both on the indicators' 0..100 scales. */
export interface RegimeThresholds {
  /** ADX >= this is trending. Default `DEFAULT_TRENDING_ADX` (25). */
  readonly trendingAdx?: number;
  /** CHOP >= this (and not trending) is choppy. Default `DEFAULT_CHOPPY_CHOP` (61.8). */
  readonly choppyChop?: number;
}

/** The readings `classifyRegime` needs. */
export interface RegimeInputs {
  readonly adx: number;
  readonly chop: number;
}

/**
 * Classifies a market from its ADX and Choppiness Index, checked in this order:
 * ADX >= 25 is `'trending'`; otherwise CHOP >= 61.8 is `'choppy'`; otherwise `'ranging'`.
 * Trend strength takes precedence, so a strong trend with a noisy path is still trending.
 *
 * @example
 * ```ts
 * classifyRegime({ adx: 31, chop: 40 }); // 'trending'
 * classifyRegime({ adx: 18, chop: 65 }); // 'choppy'
 * classifyRegime({ adx: 18, chop: 50 }); // 'ranging'
 * ```
 */
export function classifyRegime(inputs: RegimeInputs, thresholds: RegimeThresholds = {}): Regime {
  const trendingAdx = thresholds.trendingAdx ?? DEFAULT_TRENDING_ADX;
  const choppyChop = thresholds.choppyChop ?? DEFAULT_CHOPPY_CHOP;
  if (inputs.adx >= trendingAdx) return 'trending';
  if (inputs.chop >= choppyChop) return 'choppy';
  return 'ranging';
}

/** Options of `RegimeClassifier`. */
export interface RegimeClassifierOptions extends RegimeThresholds {
  /** ADX period in bars. Default `DEFAULT_ADX_PERIOD_BARS` (14). */
  readonly adxPeriod?: number;
  /** Choppiness Index period in bars. Default `DEFAULT_CHOP_PERIOD_BARS` (14). */
  readonly chopPeriod?: number;
}

/**
 * Streams bars through its own ADX and Choppiness Index and classifies each bar with
 * `classifyRegime`. Ready when both indicators are (bar `2 * adxPeriod`, 28 by default).
 *
 * @example
 * ```ts
 * const regime = new RegimeClassifier();
 * for (const bar of bars) {
 *   if (regime.update(bar) === 'trending') { ... } // trade breakouts only in trends
 * }
 * ```
 */
export class RegimeClassifier implements Indicator<HighLowClose, Regime> {
  readonly warmup: number;
  readonly adx: ADX;
  readonly chop: ChoppinessIndex;
  private readonly thresholds: Required<RegimeThresholds>;
  private current: Regime | undefined;

  constructor(options: RegimeClassifierOptions = {}) {
    this.adx = new ADX(options.adxPeriod ?? DEFAULT_ADX_PERIOD_BARS);
    this.chop = new ChoppinessIndex(options.chopPeriod ?? DEFAULT_CHOP_PERIOD_BARS);
    this.thresholds = {
      trendingAdx: requireThreshold('trendingAdx', options.trendingAdx ?? DEFAULT_TRENDING_ADX),
      choppyChop: requireThreshold('choppyChop', options.choppyChop ?? DEFAULT_CHOPPY_CHOP),
    };
    this.warmup = Math.max(this.adx.warmup, this.chop.warmup);
  }

  update(bar: HighLowClose): Regime | undefined {
    const adx = this.adx.update(bar);
    const chop = this.chop.update(bar);
    if (adx === undefined || chop === undefined) return this.current;
    this.current = classifyRegime({ adx: adx.adx, chop }, this.thresholds);
    return this.current;
  }

  get value(): Regime | undefined {
    return this.current;
  }

  get ready(): boolean {
    return this.current !== undefined;
  }

  reset(): void {
    this.adx.reset();
    this.chop.reset();
    this.current = undefined;
  }
}

function requireThreshold(param: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 100) {
    throw new InvalidIndicatorParamError('RegimeClassifier', param, value, 'a number in [0, 100]');
  }
  return value;
}
