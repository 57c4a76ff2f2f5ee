import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { SimulatedClock } from '../../runtime/clock.js';
import type { ActorRef } from '../../runtime/ref.js';
import { ActorSystem } from '../../runtime/system.js';
import { attachPersistence } from '../../persistence/persistent-actor.js';
import { MemoryJournal } from '../../persistence/memory/memory-journal.js';
import { MemorySnapshotStore } from '../../persistence/memory/memory-snapshot-store.js';
import { barProblems, INTERVAL_MS } from '../domain/bar.js';
import type { Bar } from '../domain/bar.js';
import type { Fill } from '../domain/fill.js';
import { InstrumentRegistry } from '../domain/instrument.js';
import type { Instrument } from '../domain/instrument.js';
import { DEFAULT_COMMISSION } from '../broker/commission.js';
import type { CommissionModel } from '../broker/commission.js';
import { PaperVenue } from '../broker/paper-venue.js';
import type { RiskLimits } from '../risk/limits.js';
import type { RiskOrderDenied } from '../risk/protocol.js';
import { strategyClass } from '../strategy/registry.js';
import type { StrategyClass } from '../strategy/strategy.js';
import type { StrategyProtocol } from '../strategy/protocol.js';
import { BacktestConfigError } from './errors.js';
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
  /** Bars of every symbol (any order); each symbol's bars must have distinct times. */
  readonly bars: readonly Bar[];
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
  /** Called after each time slice with bars done and total. */
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

/** Groups bars into time slices (ascending time; symbols in name order within a slice). */
export function timeSlices(bars: readonly Bar[]): Bar[][] {
  const sorted = [...bars].sort((a, b) => a.time - b.time || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  const slices: Bar[][] = [];
  for (const bar of sorted) {
    const last = slices[slices.length - 1];
    if (last !== undefined && last[0]!.time === bar.time) last.push(bar);
    else slices.push([bar]);
  }
  return slices;
}

function validate(config: BacktestConfig, cls: StrategyClass<any>): { symbols: string[]; problems: string[] } {
  const problems: string[] = [];
  const inBars = [...new Set(config.bars.map((b) => b.symbol))].sort();
  const symbols = [...(config.symbols ?? inBars)];
  if (config.bars.length === 0) problems.push('bars: no bars given');
  for (const s of symbols) if (!inBars.includes(s)) problems.push(`symbols: no bars for ${s}`);
  const seen = new Set<string>();
  const intervals = new Set<string>();
  for (let i = 0; i < config.bars.length; i++) {
    const bar = config.bars[i]!;
    const p = barProblems(bar);
    if (p.length > 0) problems.push(`bars[${i}] (${bar.symbol} @ ${bar.time}): ${p.join('; ')}`);
    const key = `${bar.symbol}@${bar.time}`;
    if (seen.has(key)) problems.push(`bars[${i}]: a second bar for ${key}`);
    seen.add(key);
    intervals.add(bar.interval);
    if (problems.length > 20) break;
  }
  if (intervals.size > 1) problems.push(`bars: mixed intervals ${[...intervals].join(', ')}`);
  const initialCash = config.initialCash ?? DEFAULT_INITIAL_CASH;
  if (!(initialCash > 0 && Number.isFinite(initialCash))) problems.push(`initialCash: must be a positive number, got ${initialCash}`);
  if (config.slippageBps !== undefined && !(config.slippageBps >= 0)) problems.push(`slippageBps: must be >= 0, got ${config.slippageBps}`);
  problems.push(...cls.params.problems(config.params).map((p) => `params.${p}`));
  return { symbols, problems };
}

/**
 * Runs a strategy class over historical bars through the real order path: the strategy actor sends
 * orders to the RiskActor, approved ones go to the BrokerActor and its PaperVenue, fills reach the
 * PortfolioActor and the strategy. Everything runs on a simulated clock under the manual dispatcher,
 * so a run is deterministic: the same inputs give the same trades, bit for bit.
 *
 * Each time slice (all bars sharing a time) is two steps: the venue first sees the bars (orders from
 * the previous slice fill at the open), then the portfolio and risk actors get the closes and the
 * strategy the bars. A market order therefore fills at the next bar's open.
 *
 * @example
 * const result = await runBacktest({ strategy: 'sma-cross', params: { fast: 10, slow: 30 }, bars });
 * console.log(result.metrics.sharpe, result.trades.length);
 */
export async function runBacktest(config: BacktestConfig): Promise<BacktestResult> {
  const cls = typeof config.strategy === 'string' ? strategyClass(config.strategy) : config.strategy;
  const { symbols, problems } = validate(config, cls);
  if (problems.length > 0) throw new BacktestConfigError(problems);
  const params = cls.params.parse(config.params);
  const wanted = new Set(symbols);
  const bars = config.bars.filter((b) => wanted.has(b.symbol));
  const slices = timeSlices(bars);
  const first = slices[0]![0]!;
  const clock = new SimulatedClock(first.time);
  const system = ActorSystem.create({ node: 'backtest', clock, dispatch: 'manual', logger: config.logger ?? pino({ level: 'silent' }) });
  const journal = new MemoryJournal({ clock });
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
    const strategy = system.spawn(cls, 'strategy', { strategyId: cls.kind, portfolioId: BACKTEST_PORTFOLIO_ID, symbols, params, risk: path.risk }) as ActorRef<StrategyProtocol>;
    await system.settled();
    let done = 0;
    for (const slice of slices) {
      clock.advanceTo(slice[0]!.time);
      path.feedVenue(slice);
      await settle(system);
      path.feedMarks(slice);
      system.tell(strategy, { type: 'market.bars', bars: slice });
      await settle(system);
      done += slice.length;
      config.onProgress?.(done, bars.length);
    }
    const { equityCurve } = await path.finish();
    const fills = venue.fills().map(stripVenueFields);
    const curve = withExposure(perSlice(equityCurve, slices), fills, slices);
    return {
      strategy: cls.kind,
      params,
      symbols,
      from: first.time,
      to: slices[slices.length - 1]![0]!.time,
      bars: bars.length,
      fills,
      trades: roundTrips(fills),
      denials,
      equityCurve: curve,
      metrics: computeMetrics(curve, fills, initialCash, config.periodsPerYear ?? periodsPerYearOf(first.interval)),
    };
  } finally {
    await system.shutdown();
  }
}

/** Runs ready actors to completion; awaits only when an actor awaits (a journal write). */
async function settle(system: ActorSystem): Promise<void> {
  system.runUntilIdle();
  if (system.active > 0) await system.settled();
}

function stripVenueFields(fill: Fill): Fill {
  const { fillId, clientOrderId, portfolioId, symbol, side, quantity, price, commission, time, venue } = fill;
  return { fillId, clientOrderId, portfolioId, symbol, side, quantity, price, commission, time, venue };
}

/**
 * One point per slice: the portfolio's history also has points at fills (at the open) and its initial
 * point; the last point at each slice's time is the equity after that slice's close.
 */
function perSlice(history: readonly { time: number; equity: number }[], slices: readonly Bar[][]): { time: number; equity: number }[] {
  const last = new Map<number, number>();
  for (const p of history) last.set(p.time, p.equity);
  const out: { time: number; equity: number }[] = [];
  let equity: number | undefined;
  for (const slice of slices) {
    const time = slice[0]!.time;
    equity = last.get(time) ?? equity;
    if (equity !== undefined) out.push({ time, equity });
  }
  return out;
}

/** Adds gross exposure to the equity curve by replaying fills against each slice's closes. */
function withExposure(curve: readonly { time: number; equity: number }[], fills: readonly Fill[], slices: readonly Bar[][]): EquityPoint[] {
  const closes = new Map<number, Map<string, number>>();
  for (const slice of slices) closes.set(slice[0]!.time, new Map(slice.map((b) => [b.symbol, b.close])));
  const held = new Map<string, number>();
  const last = new Map<string, number>();
  let f = 0;
  return curve.map((p) => {
    while (f < fills.length && fills[f]!.time <= p.time) {
      const fill = fills[f++]!;
      held.set(fill.symbol, (held.get(fill.symbol) ?? 0) + (fill.side === 'buy' ? fill.quantity : -fill.quantity));
    }
    for (const [s, c] of closes.get(p.time) ?? []) last.set(s, c);
    let gross = 0;
    for (const [s, q] of held) gross += Math.abs(q * (last.get(s) ?? 0));
    return { time: p.time, equity: p.equity, grossExposure: gross };
  });
}
