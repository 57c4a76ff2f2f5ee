import type { Bar } from '../domain/bar.js';
import type { Quote } from '../domain/quote.js';
import type { BrokerFill, BrokerOrderUpdate } from '../broker/protocol.js';
import type { RiskOrderDenied } from '../risk/protocol.js';

/** One bar for a strategy (from a SymbolActor or the backtest engine). */
export interface MarketBar {
  readonly type: 'market.bar';
  readonly bar: Bar;
}

/** Several bars at once, in time order: replays and backtests send these to save per-message cost. */
export interface MarketBars {
  readonly type: 'market.bars';
  readonly bars: readonly Bar[];
}

/**
 * Time slices of a backtest (`slices[from]` up to `slices[to - 1]`; each slice the bars sharing a time),
 * which the strategy takes speculatively: slice by slice it moves the clock through the backtest's
 * `BacktestPacer`, runs `onBar` for each bar, and stops after the first slice after which anything else is
 * ready to run (it sent an order). Backtests only: it needs the pacer service.
 */
export interface MarketSlices {
  readonly type: 'market.slices';
  readonly slices: readonly (readonly Bar[])[];
  readonly from: number;
  readonly to: number;
}

export interface MarketQuote {
  readonly type: 'market.quote';
  readonly quote: Quote;
}

/** Asks a strategy for its status; it replies with {@link StrategyStatus}. */
export interface StrategyGetStatus {
  readonly type: 'strategy.getStatus';
}

export interface StrategyStatus {
  readonly type: 'strategy.status';
  readonly strategyId: string;
  readonly kind: string;
  readonly params: Readonly<Record<string, number>>;
  readonly positions: Readonly<Record<string, number>>;
  readonly openOrders: number;
  readonly ordersSubmitted: number;
  readonly ordersDenied: number;
  readonly fills: number;
  readonly barsSeen: number;
}

/** Everything a strategy actor accepts. */
export type StrategyProtocol = MarketBar | MarketBars | MarketSlices | MarketQuote | BrokerFill | BrokerOrderUpdate | RiskOrderDenied | StrategyGetStatus;
