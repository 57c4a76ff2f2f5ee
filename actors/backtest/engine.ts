import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { SimulatedClock } from '../../runtime/clock.js';
import type { ActorRef } from '../../runtime/ref.js';
import { ActorSystem } from '../../runtime/system.js';
import { attachPersistence } from '../../persistence/persistent-actor.js';
import { MemoryJournal } from '../../persistence/memory/memory-journal.js';
import { MemorySnapshotStore } from '../../persistence/memory/memory-snapshot-store.js';
import { INTERVAL_MS } from '../domain/bar.js';
import type { Bar } from '../domain/bar.js';
import type { Fill } from '../domain/fill.js';
import { InstrumentRegistry } from '../domain/instrument.js';
import type { Instrument } from '../domain/instrument.js';
import { DEFAULT_COMMISSION } from '../broker/commission.js';
import type { CommissionModel } from '../broker/commission.js';
import { PaperVenue } from '../broker/paper-venue.js';
import { parseRiskLimits } from '../risk/limits.js';
import type { RiskLimits } from '../risk/limits.js';
import type { RiskOrderDenied } from '../risk/protocol.js';
import { strategyClass } from '../strategy/registry.js';
import type { StrategyClass } from '../strategy/strategy.js';
import type { StrategyProtocol } from '../strategy/protocol.js';
import { BacktestConfigError } from './errors.js';
import { eagerFeed } from './feed-eager.js';
import { lazyFeed } from './feed-lazy.js';
import { BarSet, checkBars } from './bar-set.js';
import { computeMetrics, roundTrips } from './metrics.js';
import type { BacktestMetrics, EquityPoint, Trade } from './metrics.js';
import { spawnOrderPath } from './order-path.js';

export const DEFAULT_INITIAL_CASH = 100_000;
export const BACKTEST_PORTFOLIO_ID = 'backtest';

export interface BacktestConfig {
  /** A strategy class, or the kind of a built-in (`sma-cross`, `rsi-reversion`, `bollinger-atr`). */
  readonly strategy: StrategyClass<any> | string;
  /** Strategy params; defaults fill the gaps; validated by the strategy's params definition. */
  readonly params?: unknown;
  /**
   * Bars of every symbol (any order); each symbol's bars must have distinct times. A `BarSet` (bars checked
   * and laid out once) saves that work in each of many runs over the same bars.
   */
  readonly bars: readonly Bar[] | BarSet;
  /** Symbols to trade; default: every symbol in `bars`. */
  readonly symbols?: readonly string[];
  /** Default {@link DEFAULT_INITIAL_CASH}. */
  readonly initialCash?: number;
  /** Default: per share 0.005, minimum 1, at most 1% of notional. */
  readonly commission?: CommissionModel;
  /** Slippage against the taker in basis points. Default 0. */
  readonly slippageBps?: number;
  /** Fill at most this fraction of a bar's volume; null (the default) fills whole orders. */
  readonly maxParticipation?: number | null;
  /** Overrides of the risk limits; default: the risk actor's defaults. */
  readonly limits?: Partial<RiskLimits>;
  /** Instruments; default: tick 0.01, lot 1, USD, tradable, not shortable, for each symbol. */
  readonly instruments?: readonly Instrument[];
  /** Periods per year for annualised ratios; default from the bar interval (252 for daily). */
  readonly periodsPerYear?: number;
  /** Called as the run proceeds (after each chunk of time slices) with bars done and total. */
  readonly onProgress?: (done: number, total: number) => void;
  readonly logger?: Logger;
}

export interface BacktestDenial {
  readonly time: number;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly code: string;
  readonly message: string;
}

/** Everything a run produced; `JSON.stringify` of two runs with the same inputs is identical. */
export interface BacktestResult {
  readonly strategy: string;
  readonly params: Readonly<Record<string, number>>;
  readonly symbols: readonly string[];
  readonly from: number;
  readonly to: number;
  readonly bars: number;
  readonly fills: readonly Fill[];
  readonly trades: readonly Trade[];
  readonly denials: readonly BacktestDenial[];
  readonly equityCurve: readonly EquityPoint[];
  readonly metrics: BacktestMetrics;
}

const TRADING_DAYS = 252;

function periodsPerYearOf(interval: Bar['interval']): number {
  switch (interval) {
    case '1d':
      return TRADING_DAYS;
    case '1wk':
      return 52;
    default:
      // Regular US session: 6.5 hours a day.
      return Math.round((TRADING_DAYS * 6.5 * 3_600_000) / INTERVAL_MS[interval]);
  }
}

function defaultInstrument(symbol: string): Instrument {
  return { symbol, tickSize: 0.01, lotSize: 1, currency: 'USD', tradable: true, shortable: false };
}

function validate(config: BacktestConfig, cls: StrategyClass<any>, inBars: readonly string[]): { symbols: string[]; problems: string[] } {
  const problems: string[] = [];
  const known = new Set(inBars);
  const symbols = [...(config.symbols ?? inBars)];
  if (symbols.length === 0 && inBars.length > 0) problems.push('symbols: none given');
  for (const s of symbols) if (!known.has(s)) problems.push(`symbols: no bars for ${s}`);
  const initialCash = config.initialCash ?? DEFAULT_INITIAL_CASH;
  if (!(initialCash > 0 && Number.isFinite(initialCash))) problems.push(`initialCash: must be a positive number, got ${initialCash}`);
  if (config.slippageBps !== undefined && !(config.slippageBps >= 0)) problems.push(`slippageBps: must be >= 0, got ${config.slippageBps}`);
  problems.push(...cls.params.problems(config.params).map((p) => `params.${p}`));
  return { symbols, problems };
}

/** @internal Options for tests: `feed: 'eager'` feeds every actor every slice, the reference for the default lazy feed. */
export interface BacktestInternals {
  readonly feed?: 'lazy' | 'eager';
  /** Most slices per `market.slices` of the lazy feed; default `DEFAULT_SLICES_PER_CHUNK`. */
  readonly slicesPerChunk?: number;
}

/**
 * Runs a strategy class over historical bars through the real order path: the strategy actor sends
 * orders to the RiskActor, approved ones go to the BrokerActor and its PaperVenue, fills reach the
 * PortfolioActor and the strategy. Everything runs on a simulated clock under the manual dispatcher,
 * so a run is deterministic: the same inputs give the same trades, bit for bit.
 *
 * Bars go in time slices (all bars sharing a time), held and released: the strategy takes slices until it
 * sends an order, which waits while the risk actor and the portfolio catch up to that slice; the venue sees
 * bars while it has orders pending, and fills at a bar's open. A market order therefore fills at the next
 * bar's open, and every check sees what it would see if each actor were fed every bar (docs/concepts/backtests.md).
 *
 * @example
 * const result = await runBacktest({ strategy: 'sma-cross', params: { fast: 10, slow: 30 }, bars });
 * console.log(result.metrics.sharpe, result.trades.length);
 */
export async function runBacktest(config: BacktestConfig, internals: BacktestInternals = {}): Promise<BacktestResult> {
  const cls = typeof config.strategy === 'string' ? strategyClass(config.strategy) : config.strategy;
  // A BarSet was checked and laid out when it was made; a list of bars is checked here, its problems
  // reported with the rest of the config's.
  const given = config.bars instanceof BarSet ? config.bars : undefined;
  const check = given === undefined ? checkBars(config.bars as readonly Bar[]) : undefined;
  const { symbols, problems } = validate(config, cls, given?.symbols ?? check!.series.map((s) => s.symbol));
  if (check !== undefined) problems.unshift(...check.problems);
  if (problems.length > 0) throw new BacktestConfigError(problems);
  const barSet = given ?? BarSet.fromCheck(check!);
  const params = cls.params.parse(config.params);
  const tape = barSet.tapeFor(symbols);
  const slices = tape.slices;
  const first = slices[0]![0]!;
  const clock = new SimulatedClock(first.time);
  const system = ActorSystem.create({ node: 'backtest', clock, dispatch: 'manual', logger: config.logger ?? pino({ level: 'silent' }) });
  const journal = new MemoryJournal({ clock, keep: 'values' });
  attachPersistence(system, { journal, snapshots: new MemorySnapshotStore(journal, { clock }) });
  const registry = new InstrumentRegistry(config.instruments ?? symbols.map(defaultInstrument));
  const venue = new PaperVenue({
    name: 'paper',
    registry,
    clock,
    mode: 'backtest',
    commission: config.commission ?? DEFAULT_COMMISSION,
    slippageBps: config.slippageBps ?? 0,
    maxParticipation: config.maxParticipation ?? null,
  });
  const initialCash = config.initialCash ?? DEFAULT_INITIAL_CASH;
  const denials: BacktestDenial[] = [];
  system.events.subscribe<RiskOrderDenied>('risk.orderDenied', (e) => {
    denials.push({ time: e.time, clientOrderId: e.order.clientOrderId, symbol: e.order.symbol, code: e.denial.code, message: e.denial.message });
  });
  try {
    const path = await spawnOrderPath(system, {
      portfolioId: BACKTEST_PORTFOLIO_ID,
      initialCash,
      instruments: registry,
      venue,
      riskKey: randomBytes(32),
      ...(config.limits === undefined ? {} : { limits: config.limits }),
    });
    // The limits the risk actor enforces (parsed as it parses them) decide what the feed must keep eager.
    const limits = parseRiskLimits(config.limits ?? {});
    const feed = internals.feed === 'eager'
      ? eagerFeed(system, clock, path)
      : lazyFeed(system, clock, path, {
        marksEverySlice: limits.maxDailyLoss !== null || limits.maxDrawdownPct !== null,
        returnsForVar: limits.maxPostTradeVar !== null,
        ...(internals.slicesPerChunk === undefined ? {} : { slicesPerChunk: internals.slicesPerChunk }),
      });
    const strategy = system.spawn(cls, 'strategy', { strategyId: cls.kind, portfolioId: BACKTEST_PORTFOLIO_ID, symbols, params, risk: feed.risk }) as ActorRef<StrategyProtocol>;
    await system.settled();
    const context = { strategy, tape, venue, initialCash, onProgress: config.onProgress };
    await feed.run(context);
    const fills = venue.fills().map(stripVenueFields);
    const curve = await feed.equityCurve(context, fills);
    const trades = roundTrips(fills);
    return {
      strategy: cls.kind,
      params,
      symbols,
      from: first.time,
      to: slices[slices.length - 1]![0]!.time,
      bars: tape.barCount,
      fills,
      trades,
      denials,
      equityCurve: curve,
      metrics: computeMetrics(curve, fills, initialCash, config.periodsPerYear ?? periodsPerYearOf(first.interval), trades),
    };
  } finally {
    await system.shutdown();
  }
}

function stripVenueFields(fill: Fill): Fill {
  const { fillId, clientOrderId, portfolioId, symbol, side, quantity, price, commission, time, venue } = fill;
  return { fillId, clientOrderId, portfolioId, symbol, side, quantity, price, commission, time, venue };
}
