import { INTERVAL_MS } from '../domain/bar.js';
import type { Interval } from '../domain/bar.js';

/** The label every synthetic bar carries in its `source` field, so the UI and logs can say so. */
export const SYNTHETIC_SOURCE = 'synthetic' as const;

/** The hidden states of the synthetic feed's Markov chain. */
export const MARKET_REGIMES = ['bull', 'bear', 'sideways', 'volatile'] as const;
export type MarketRegime = (typeof MARKET_REGIMES)[number];

/** How prices behave in one regime. Drift and volatility are annualised, as for a GBM. */
export interface RegimeParams {
  /** Annualised drift mu of the GBM (0.30 = +30% a year before the volatility drag). */
  readonly drift: number;
  /** Annualised volatility sigma (0.15 = 15%). */
  readonly volatility: number;
  /** Mean time spent in the regime, in bars; durations are geometric with this mean. */
  readonly meanDurationBars: number;
  /** Multiplier on the mean volume while in this regime. */
  readonly volumeFactor: number;
}

/** Default regime parameters: a calm bull, a faster and noisier bear, a quiet range, a wild spell. */
export const DEFAULT_REGIME_PARAMS: Readonly<Record<MarketRegime, RegimeParams>> = {
  bull: { drift: 0.3, volatility: 0.15, meanDurationBars: 120, volumeFactor: 1 },
  bear: { drift: -0.35, volatility: 0.25, meanDurationBars: 60, volumeFactor: 1.4 },
  sideways: { drift: 0, volatility: 0.1, meanDurationBars: 90, volumeFactor: 0.8 },
  volatile: { drift: 0, volatility: 0.5, meanDurationBars: 30, volumeFactor: 1.8 },
};

/**
 * Where the chain goes when it leaves a regime: relative weights over the other regimes
 * (the diagonal is ignored; staying is governed by `meanDurationBars`).
 */
export type RegimeSwitchWeights = Readonly<Record<MarketRegime, Readonly<Partial<Record<MarketRegime, number>>>>>;

/** Default switch weights: bulls mostly cool into ranges, bears often turn volatile, and so on. */
export const DEFAULT_REGIME_SWITCH_WEIGHTS: RegimeSwitchWeights = {
  bull: { bear: 0.2, sideways: 0.5, volatile: 0.3 },
  bear: { bull: 0.3, sideways: 0.4, volatile: 0.3 },
  sideways: { bull: 0.4, bear: 0.3, volatile: 0.3 },
  volatile: { bull: 0.3, bear: 0.4, sideways: 0.3 },
};

/** Price of every symbol not given in `initialPrices`, in quote currency. */
export const DEFAULT_INITIAL_PRICE = 100;
/** Price grid of the synthetic bars, in quote currency. */
export const DEFAULT_TICK_SIZE = 0.01;
/** GBM sub-steps simulated inside each bar to get a consistent open/high/low/close. */
export const DEFAULT_SUB_STEPS_PER_BAR = 16;
/** Mean traded volume per day of calendar time, in shares; scaled to the bar interval. */
export const DEFAULT_DAILY_VOLUME_SHARES = 2_000_000;
/** Standard deviation of log volume around its mean (lognormal volume). */
export const DEFAULT_VOLUME_LOG_SIGMA = 0.35;
/** Calendar milliseconds in a (Julian) year: the synthetic market trades around the clock. */
export const MS_PER_YEAR = 365.25 * 86_400_000;

/** The GBM time step of one bar, in years. */
export function barYears(interval: Interval): number {
  return INTERVAL_MS[interval] / MS_PER_YEAR;
}

/**
 * Rounds prices to a decimal tick exactly: a tick of `m / 10^d` (0.01 = 1 / 10^2, 0.05 = 5 / 10^2)
 * rounds `p` to `round(p / tick) * m / 10^d`, an integer divided by a power of ten, which is the
 * double nearest to the decimal price (no 100.01000000000001).
 */
export class TickRounder {
  private readonly numerator: number;
  private readonly scale: number;

  constructor(readonly tick: number) {
    let d = 0;
    while (d < 8 && Math.abs(tick * 10 ** d - Math.round(tick * 10 ** d)) > 1e-9) d += 1;
    this.scale = 10 ** d;
    this.numerator = Math.round(tick * this.scale);
  }

  /** True when `tick` is positive and has at most 8 decimals. */
  get valid(): boolean {
    return this.numerator > 0 && Math.abs(this.tick * this.scale - this.numerator) <= 1e-9;
  }

  /** `p` rounded to the nearest tick, never below one tick. */
  round(p: number): number {
    const ticks = Math.max(1, Math.round(p / this.tick));
    return (ticks * this.numerator) / this.scale;
  }
}
