import { INTERVAL_MS, isInterval, validateBar } from '../domain/bar.js';
import type { Bar, Interval } from '../domain/bar.js';
import { InvalidMarketOptionsError } from './errors.js';
import { Random, deriveSeed } from './random.js';
import {
  DEFAULT_DAILY_VOLUME_SHARES,
  DEFAULT_INITIAL_PRICE,
  DEFAULT_REGIME_PARAMS,
  DEFAULT_REGIME_SWITCH_WEIGHTS,
  DEFAULT_SUB_STEPS_PER_BAR,
  DEFAULT_TICK_SIZE,
  DEFAULT_VOLUME_LOG_SIGMA,
  MARKET_REGIMES,
  SYNTHETIC_SOURCE,
  TickRounder,
  barYears,
} from './synthetic-model.js';
import type { MarketRegime, RegimeParams, RegimeSwitchWeights } from './synthetic-model.js';

/** A bar made up by `SyntheticFeed`: a `Bar` plus the label `source: 'synthetic'` and the regime that drove it. */
export interface SyntheticBar extends Bar {
  readonly source: typeof SYNTHETIC_SOURCE;
  readonly regime: MarketRegime;
}

/** True for bars produced by `SyntheticFeed` (for the UI's and the log's "synthetic" label). */
export function isSyntheticBar(bar: Bar): bar is SyntheticBar {
  return (bar as Partial<SyntheticBar>).source === SYNTHETIC_SOURCE;
}

/** Options of `SyntheticFeed`; only `symbols`, `seed` and `start` are required. */
export interface SyntheticFeedOptions {
  /** Symbols to generate, one bar each per step, in this order. Non-empty, unique. */
  readonly symbols: readonly string[];
  /** Seed of the PRNG: same seed and options, same bars, bit for bit. Reduced to 32 bits. */
  readonly seed: number;
  /** Open time of the first bar: epoch milliseconds (UTC) or a Date. */
  readonly start: number | Date;
  /** Bar interval. Default `'1d'`. Bars follow each other every `INTERVAL_MS[interval]`, around the clock. */
  readonly interval?: Interval;
  /** First open per symbol. Default `DEFAULT_INITIAL_PRICE` (100). */
  readonly initialPrices?: Readonly<Record<string, number>>;
  /** Price grid. Default `DEFAULT_TICK_SIZE` (0.01). */
  readonly tickSize?: number;
  /** GBM sub-steps per bar. Default `DEFAULT_SUB_STEPS_PER_BAR` (16). */
  readonly subStepsPerBar?: number;
  /** Mean volume per calendar day, scaled to the interval. Default `DEFAULT_DAILY_VOLUME_SHARES`. */
  readonly dailyVolume?: number;
  /** Overrides of the per-regime parameters (merged field by field over `DEFAULT_REGIME_PARAMS`). */
  readonly regimes?: Readonly<Partial<Record<MarketRegime, Partial<RegimeParams>>>>;
  /** Where the chain goes when it leaves a regime. Default `DEFAULT_REGIME_SWITCH_WEIGHTS`. */
  readonly switchWeights?: RegimeSwitchWeights;
  /** Regime of every symbol's first bar. Default: drawn per symbol, weighted by mean duration. */
  readonly initialRegime?: MarketRegime;
}

interface SymbolState {
  readonly symbol: string;
  readonly rng: Random;
  regime: MarketRegime;
  price: number;
}

/**
 * A deterministic synthetic market: per symbol, a geometric Brownian motion whose drift and
 * volatility switch between the regimes bull / bear / sideways / volatile along a Markov chain
 * (see docs/concepts/indicators.md for the model and its defaults). Each bar is simulated in
 * `subStepsPerBar` GBM steps, so open, high, low and close are consistent; prices sit on the tick
 * grid; volume is lognormal. Every bar passes `validateBar` and is labelled `source: 'synthetic'`.
 *
 * Each symbol draws from its own PRNG stream derived from `(seed, symbol)`, so adding a symbol does
 * not change the bars of the others.
 *
 * @example
 * ```ts
 * const feed = new SyntheticFeed({ symbols: ['AAA', 'BBB'], seed: 42, start: Date.UTC(2024, 0, 1) });
 * const [aaa, bbb] = feed.next();   // one bar per symbol
 * const history = feed.take(250);   // 250 more steps, 500 bars in time order
 * ```
 */
export class SyntheticFeed {
  /** Every bar of this feed is labelled with this source. */
  readonly source = SYNTHETIC_SOURCE;
  readonly symbols: readonly string[];
  readonly seed: number;
  readonly interval: Interval;
  readonly start: number;
  private readonly states: SymbolState[];
  private readonly params: Readonly<Record<MarketRegime, RegimeParams>>;
  private readonly switchWeights: Readonly<Record<MarketRegime, readonly number[]>>;
  private readonly rounder: TickRounder;
  private readonly subSteps: number;
  private readonly stepYears: number;
  private readonly meanVolume: number;
  private step = 0;

  constructor(options: SyntheticFeedOptions) {
    const o = checkOptions(options);
    this.symbols = Object.freeze([...o.symbols]);
    this.seed = Math.trunc(o.seed) >>> 0;
    this.interval = o.interval;
    this.start = o.start;
    this.params = o.params;
    this.rounder = new TickRounder(o.tickSize);
    this.subSteps = o.subSteps;
    this.stepYears = barYears(o.interval) / o.subSteps;
    this.meanVolume = (o.dailyVolume * INTERVAL_MS[o.interval]) / 86_400_000;
    this.switchWeights = Object.fromEntries(
      MARKET_REGIMES.map((from) => [from, MARKET_REGIMES.map((to) => (to === from ? 0 : (o.switchWeights[from][to] ?? 0)))]),
    ) as Record<MarketRegime, number[]>;
    const durations = MARKET_REGIMES.map((r) => o.params[r].meanDurationBars);
    this.states = this.symbols.map((symbol) => {
      const rng = new Random(deriveSeed(this.seed, symbol));
      const regime = o.initialRegime ?? MARKET_REGIMES[rng.pick(durations)]!;
      return { symbol, rng, regime, price: o.initialPrices[symbol] ?? DEFAULT_INITIAL_PRICE };
    });
  }

  /** Open time (epoch ms) of the bars the next `next()` returns. */
  get time(): number {
    return this.start + this.step * INTERVAL_MS[this.interval];
  }

  /** How many steps have been generated. */
  get steps(): number {
    return this.step;
  }

  /** The regime that drove `symbol`'s latest bar (its initial regime before the first). */
  regimeOf(symbol: string): MarketRegime | undefined {
    return this.states.find((s) => s.symbol === symbol)?.regime;
  }

  /** One line for logs and the UI, e.g. `synthetic feed (GBM with regime switches, seed 42, 2 symbols, 1d bars)`. */
  describe(): string {
    return `synthetic feed (GBM with regime switches, seed ${this.seed}, ${this.symbols.length} symbol${this.symbols.length === 1 ? '' : 's'}, ${this.interval} bars)`;
  }

  /** The next bar of every symbol, in `symbols` order, all with the same open time. */
  next(): SyntheticBar[] {
    const time = this.time;
    const bars = this.states.map((s) => this.nextBar(s, time));
    this.step += 1;
    return bars;
  }

  /** The next `steps` steps, flattened in time order (step by step, symbols in `symbols` order). */
  take(steps: number): SyntheticBar[] {
    if (!Number.isSafeInteger(steps) || steps < 0) {
      throw new InvalidMarketOptionsError('SyntheticFeed.take', [`steps must be an integer >= 0, was ${steps}`]);
    }
    const out: SyntheticBar[] = [];
    for (let i = 0; i < steps; i++) out.push(...this.next());
    return out;
  }

  private nextBar(s: SymbolState, time: number): SyntheticBar {
    const rng = s.rng;
    // The regime may switch between bars, never inside one; the first bar keeps the initial regime.
    if (this.step > 0 && rng.next() < 1 / this.params[s.regime].meanDurationBars) {
      s.regime = MARKET_REGIMES[rng.pick(this.switchWeights[s.regime])]!;
    }
    const p = this.params[s.regime];
    const drift = (p.drift - (p.volatility * p.volatility) / 2) * this.stepYears;
    const diffusion = p.volatility * Math.sqrt(this.stepYears);
    let logPrice = Math.log(s.price);
    let maxLog = logPrice;
    let minLog = logPrice;
    for (let k = 0; k < this.subSteps; k++) {
      logPrice += drift + diffusion * rng.normal();
      if (logPrice > maxLog) maxLog = logPrice;
      if (logPrice < minLog) minLog = logPrice;
    }
    const open = this.rounder.round(s.price);
    s.price = Math.exp(logPrice);
    const close = this.rounder.round(s.price);
    // Rounding is monotone, so the rounded extremes still bracket the rounded open and close.
    const high = Math.max(this.rounder.round(Math.exp(maxLog)), open, close);
    const low = Math.min(this.rounder.round(Math.exp(minLog)), open, close);
    const sigmaV = DEFAULT_VOLUME_LOG_SIGMA;
    const volume = Math.round(this.meanVolume * p.volumeFactor * Math.exp(sigmaV * rng.normal() - (sigmaV * sigmaV) / 2));
    const bar: SyntheticBar = Object.freeze({
      symbol: s.symbol,
      interval: this.interval,
      time,
      open,
      high,
      low,
      close,
      volume,
      source: SYNTHETIC_SOURCE,
      regime: s.regime,
    });
    return validateBar(bar) as SyntheticBar;
  }
}

interface CheckedOptions {
  symbols: readonly string[];
  seed: number;
  start: number;
  interval: Interval;
  initialPrices: Readonly<Record<string, number>>;
  tickSize: number;
  subSteps: number;
  dailyVolume: number;
  params: Record<MarketRegime, RegimeParams>;
  switchWeights: RegimeSwitchWeights;
  initialRegime: MarketRegime | undefined;
}

/** Validates every option, collecting all problems before failing. */
function checkOptions(options: SyntheticFeedOptions): CheckedOptions {
  const problems: string[] = [];
  const symbols = Array.isArray(options.symbols) ? options.symbols : [];
  if (symbols.length === 0) problems.push('symbols must be a non-empty array');
  for (const s of symbols) if (typeof s !== 'string' || s.length === 0) problems.push(`symbols: ${JSON.stringify(s)} is not a non-empty string`);
  if (new Set(symbols).size !== symbols.length) problems.push('symbols must be unique');
  if (typeof options.seed !== 'number' || !Number.isFinite(options.seed)) problems.push(`seed must be a finite number, was ${options.seed}`);
  const start = options.start instanceof Date ? options.start.getTime() : options.start;
  if (!Number.isSafeInteger(start) || start < 0) problems.push(`start must be a non-negative epoch-ms integer or a Date, was ${String(options.start)}`);
  const interval = options.interval ?? '1d';
  if (!isInterval(interval)) problems.push(`interval ${String(interval)} is not a known interval`);
  const initialPrices = options.initialPrices ?? {};
  for (const [symbol, price] of Object.entries(initialPrices)) {
    if (!symbols.includes(symbol)) problems.push(`initialPrices.${symbol}: not one of the symbols`);
    if (typeof price !== 'number' || !Number.isFinite(price) || price <= 0) problems.push(`initialPrices.${symbol} must be a finite number > 0, was ${price}`);
  }
  const tickSize = options.tickSize ?? DEFAULT_TICK_SIZE;
  if (typeof tickSize !== 'number' || !Number.isFinite(tickSize) || !new TickRounder(tickSize).valid) problems.push(`tickSize must be > 0 with at most 8 decimals, was ${tickSize}`);
  const subSteps = options.subStepsPerBar ?? DEFAULT_SUB_STEPS_PER_BAR;
  if (!Number.isSafeInteger(subSteps) || subSteps < 1) problems.push(`subStepsPerBar must be an integer >= 1, was ${subSteps}`);
  const dailyVolume = options.dailyVolume ?? DEFAULT_DAILY_VOLUME_SHARES;
  if (typeof dailyVolume !== 'number' || !Number.isFinite(dailyVolume) || dailyVolume < 0) problems.push(`dailyVolume must be a finite number >= 0, was ${dailyVolume}`);
  const params = {} as Record<MarketRegime, RegimeParams>;
  for (const key of Object.keys(options.regimes ?? {})) if (!(MARKET_REGIMES as readonly string[]).includes(key)) problems.push(`regimes.${key}: unknown regime`);
  for (const r of MARKET_REGIMES) {
    const p = { ...DEFAULT_REGIME_PARAMS[r], ...options.regimes?.[r] };
    if (!Number.isFinite(p.drift)) problems.push(`regimes.${r}.drift must be finite, was ${p.drift}`);
    if (!Number.isFinite(p.volatility) || p.volatility < 0) problems.push(`regimes.${r}.volatility must be >= 0, was ${p.volatility}`);
    if (!Number.isFinite(p.meanDurationBars) || p.meanDurationBars < 1) problems.push(`regimes.${r}.meanDurationBars must be >= 1, was ${p.meanDurationBars}`);
    if (!Number.isFinite(p.volumeFactor) || p.volumeFactor < 0) problems.push(`regimes.${r}.volumeFactor must be >= 0, was ${p.volumeFactor}`);
    params[r] = p;
  }
  const switchWeights = options.switchWeights ?? DEFAULT_REGIME_SWITCH_WEIGHTS;
  for (const from of MARKET_REGIMES) {
    const row = switchWeights[from] ?? {};
    const weights = MARKET_REGIMES.filter((to) => to !== from).map((to) => row[to] ?? 0);
    if (weights.some((w) => !Number.isFinite(w) || w < 0) || weights.every((w) => w === 0)) {
      problems.push(`switchWeights.${from} must give non-negative weights, not all zero, to the other regimes`);
    }
  }
  const initialRegime = options.initialRegime;
  if (initialRegime !== undefined && !(MARKET_REGIMES as readonly string[]).includes(initialRegime)) {
    problems.push(`initialRegime ${String(initialRegime)} is not one of ${MARKET_REGIMES.join(', ')}`);
  }
  if (problems.length > 0) throw new InvalidMarketOptionsError('SyntheticFeed', problems);
  return { symbols, seed: options.seed, start: start as number, interval, initialPrices, tickSize, subSteps, dailyVolume, params, switchWeights, initialRegime };
}
