import type { ActorRef } from '../../runtime/ref.js';
import type { ActorSystem } from '../../runtime/system.js';
import type { Bar } from '../domain/bar.js';
import type { InstrumentRegistry } from '../domain/instrument.js';
import { BrokerActor } from '../broker/broker-actor.js';
import type { BrokerProtocol } from '../broker/protocol.js';
import { attachOrderPath } from '../broker/services.js';
import type { Venue } from '../broker/venue.js';
import { PortfolioActor } from '../portfolio/portfolio-actor.js';
import type { PortfolioProtocol, PortfolioSnapshotReply } from '../portfolio/protocol.js';
import type { RiskLimits } from '../risk/limits.js';
import { RiskActor } from '../risk/risk-actor.js';
import type { RiskProtocol } from '../risk/protocol.js';
import { DEFAULT_VAR_WINDOW_RETURNS, ReturnWindows } from '../market/return-windows.js';

export const BACKTEST_VAR_REFRESH_MS = 365 * 86_400_000;
export const BACKTEST_MARK_JOURNAL_INTERVAL_MS = 365 * 86_400_000;

export interface OrderPathOptions {
  readonly portfolioId: string;
  readonly initialCash: number;
  readonly instruments: InstrumentRegistry;
  readonly venue: Venue;
  readonly riskKey: Buffer;
  readonly limits?: Partial<RiskLimits>;
  /** Returns per symbol sent to the risk actor for VaR. Default: a year of daily bars (see `ReturnWindows`). */
  readonly varWindow?: number;
}

/** The order-path actors of a backtest and how the engine feeds them. */
export interface BacktestOrderPath {
  readonly risk: ActorRef<RiskProtocol>;
  readonly broker: ActorRef<BrokerProtocol>;
  readonly portfolio: ActorRef<PortfolioProtocol>;
  /** Returns per symbol in the windows the risk actor gets. */
  readonly varWindow: number;
  /** The venue sees the slice's bars: orders waiting from the last slice fill at the open. */
  feedVenue(slice: readonly Bar[]): void;
  /** The portfolio marks to the closes; the risk actor learns the prices and returns windows. */
  feedMarks(slice: readonly Bar[]): void;
  /** The portfolio marks to the closes. */
  markSlice(slice: readonly Bar[]): void;
  /** The portfolio's equity curve at the end of the run. */
  finish(): Promise<{ equityCurve: readonly { time: number; equity: number }[] }>;
}

/** Spawns the real RiskActor, BrokerActor and PortfolioActor as the live node does, wired to `venue`. */
export async function spawnOrderPath(system: ActorSystem, options: OrderPathOptions): Promise<BacktestOrderPath> {
  attachOrderPath(system, { riskKey: options.riskKey, venues: new Map([[options.venue.name, options.venue]]) });
  // A journaled mark only shortens recovery after a restart, and a backtest's journal is discarded: mark the
  // journal yearly of simulated time instead of at every daily bar (it was one journal write per bar).
  const portfolio = system.spawn(PortfolioActor, 'portfolio', { portfolioId: options.portfolioId, initialCash: options.initialCash, markJournalIntervalMs: BACKTEST_MARK_JOURNAL_INTERVAL_MS, equityPointsKept: Number.POSITIVE_INFINITY }) as ActorRef<PortfolioProtocol>;
  const broker = system.spawn(BrokerActor, 'broker', { brokerId: 'backtest', venue: options.venue.name, riskIds: ['risk'], portfolioRef: portfolio }) as ActorRef<BrokerProtocol>;
  const risk = system.spawn(RiskActor, 'risk', {
    riskId: 'risk',
    instruments: options.instruments.symbols().map((s) => options.instruments.require(s)),
    broker,
    portfolios: { [options.portfolioId]: portfolio },
    // Display VaR (inspector, UI) refreshes yearly of simulated time (a status request refreshes it on
    // demand); pre-trade checks compute their own.
    varRefreshMs: BACKTEST_VAR_REFRESH_MS,
    ...(options.limits === undefined ? {} : { limits: options.limits }),
  }) as ActorRef<RiskProtocol>;
  await system.settled();
  const varWindow = options.varWindow ?? DEFAULT_VAR_WINDOW_RETURNS;
  const windows = new ReturnWindows(varWindow);
  const markSlice = (slice: readonly Bar[]): void => {
    const prices: Record<string, number> = {};
    for (const bar of slice) prices[bar.symbol] = bar.close;
    system.tell(portfolio, { type: 'portfolio.markPrices', prices, time: slice[0]!.time });
  };
  return {
    risk,
    broker,
    portfolio,
    varWindow,
    feedVenue(slice) {
      for (const bar of slice) system.tell(broker, { type: 'broker.marketBar', bar });
    },
    feedMarks(slice) {
      const time = slice[0]!.time;
      for (const bar of slice) {
        system.tell(risk, { type: 'risk.priceUpdate', symbol: bar.symbol, price: bar.close, time });
        // The risk actor's VaR needs each symbol's recent returns, as live market data would feed them.
        const returns = windows.push(bar.symbol, bar.close);
        if (returns !== undefined) system.tell(risk, { type: 'risk.returnsUpdate', symbol: bar.symbol, returns });
      }
      markSlice(slice);
    },
    markSlice,
    async finish() {
      // Under manual dispatch nothing runs until the engine drives it: ask, then run the system.
      const pending = system.ask<PortfolioSnapshotReply>(portfolio, { type: 'portfolio.getSnapshot' }, 60_000);
      await system.settled();
      const reply = await pending;
      return { equityCurve: reply.snapshot.equityHistory };
    },
  };
}
