/**
 * The trader UI's WebSocket protocol: JSON text frames, one message each, discriminated on `type`.
 * Client commands are checked by `parseClientCommand` (client-schema.ts), server events by
 * `serverEventProblems` (server-schema.ts). A bad command gets an `error` event; the socket stays open.
 * Times are epoch milliseconds; money is in the account currency.
 */
import type { Bar } from '../domain/bar.js';
import type { OrderType, Side, TimeInForce } from '../domain/order.js';
import type { Quote } from '../domain/quote.js';
import type { BacktestMetrics } from '../backtest/metrics.js';
import type { SymbolIndicators } from '../market/protocol.js';
import type { GatewayErrorCode } from './errors.js';
import type { OrderRow } from '../broker/order-row.js';

/** Bumped on an incompatible change; sent in `welcome`. */
export const PROTOCOL_VERSION = 1;

/** Streams a client can subscribe to besides symbols. */
export const TOPICS = ['portfolio', 'risk', 'blotter', 'strategies', 'cluster', 'alerts'] as const;
/** A stream a client subscribes to by name. */
export type Topic = (typeof TOPICS)[number];

// ---- client -> server ----

/** Start receiving topics and/or symbols' bars and quotes. */
export interface SubscribeCommand {
  readonly type: 'subscribe';
  readonly id?: string;
  readonly topics?: readonly Topic[];
  readonly symbols?: readonly string[];
}

/** Stop receiving topics and/or symbols. */
export interface UnsubscribeCommand {
  readonly type: 'unsubscribe';
  readonly id?: string;
  readonly topics?: readonly Topic[];
  readonly symbols?: readonly string[];
}

/** Recent bars (default 300) with indicator overlays; answered with `market.snapshot`. */
export interface MarketSnapshotCommand {
  readonly type: 'market.snapshot';
  readonly id?: string;
  readonly symbol: string;
  readonly bars?: number;
}

/** An order for the risk actor, like any strategy's. `id` names it in `order.ack` and `order.denied`. */
export interface OrderSubmitCommand {
  readonly type: 'order.submit';
  readonly id: string;
  readonly symbol: string;
  readonly side: Side;
  readonly orderType: OrderType;
  readonly quantity: number;
  readonly limitPrice?: number;
  readonly stopPrice?: number;
  /** Default `day`. */
  readonly tif?: TimeInForce;
}

/** Cancels an open order of the portfolio (passes in every trading state). */
export interface OrderCancelCommand {
  readonly type: 'order.cancel';
  readonly id?: string;
  readonly clientOrderId: string;
}

/** Asks for the risk status now rather than at the next refresh. */
export interface RiskRefreshCommand {
  readonly type: 'risk.refresh';
  readonly id?: string;
}

/** A parameter sweep over the symbol's stored bars. `grid` is text such as `fast=5..50:5,slow=20..200:20`. */
export interface OptimizerRunCommand {
  readonly type: 'optimizer.run';
  readonly id: string;
  readonly strategy: string;
  readonly symbol: string;
  readonly grid: string;
  readonly objective?: 'sharpe' | 'totalReturn' | 'calmar';
}

/** Stops the session's sweep `id`. */
export interface OptimizerCancelCommand {
  readonly type: 'optimizer.cancel';
  readonly id: string;
}

/** A backtest of a built-in strategy over the symbol's stored bars (the most recent `bars`, default 1,000). */
export interface BacktestRunCommand {
  readonly type: 'backtest.run';
  readonly id: string;
  readonly strategy: string;
  readonly symbol: string;
  readonly params?: Readonly<Record<string, number>>;
  readonly bars?: number;
}

/** Answered with `pong`: a liveness check. */
export interface PingCommand {
  readonly type: 'ping';
  readonly id?: string;
}

/** Everything a client may send. */
export type ClientCommand =
  | SubscribeCommand
  | UnsubscribeCommand
  | MarketSnapshotCommand
  | OrderSubmitCommand
  | OrderCancelCommand
  | RiskRefreshCommand
  | OptimizerRunCommand
  | OptimizerCancelCommand
  | BacktestRunCommand
  | PingCommand;

// ---- server -> client: rows ----

/** A strategy kind the node can backtest or sweep, with its parameters. */
export interface StrategyInfo {
  readonly kind: string;
  readonly description: string;
  readonly sweepable: boolean;
  readonly params: Readonly<Record<string, { readonly kind: 'int' | 'number'; readonly default: number; readonly min?: number; readonly max?: number; readonly description: string }>>;
}

/** A cluster node as the dashboard shows it. */
export interface NodeRow {
  readonly node: string;
  readonly status: 'up' | 'down';
  readonly roles: readonly string[];
  /** When it was last seen going up or down. */
  readonly since: number;
  readonly reason?: string;
  /** The node this gateway runs on. */
  readonly self: boolean;
}

/** A bar as the chart draws it (time in epoch ms). */
export interface ChartBar {
  readonly time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/** Indicator values at one bar, for chart overlays (absent while warming up). */
export interface OverlayPoint {
  readonly time: number;
  readonly sma20?: number;
  readonly ema50?: number;
  readonly bbUpper?: number;
  readonly bbLower?: number;
}

/** An open position at its mark. */
export interface PositionRow {
  readonly symbol: string;
  readonly quantity: number;
  readonly averageCost: number;
  readonly mark?: number;
  readonly marketValue: number;
  readonly unrealizedPnl: number;
  readonly realizedPnl: number;
}

/** The portfolio as the dashboard shows it. */
export interface PortfolioView {
  readonly portfolioId: string;
  readonly initialCash: number;
  readonly cash: number;
  readonly equity: number;
  readonly realizedPnl: number;
  readonly unrealizedPnl: number;
  readonly commissions: number;
  /** Equity less start-of-day equity. */
  readonly dayPnl: number;
  /** Equity less initial cash. */
  readonly totalPnl: number;
  readonly startOfDayEquity: number;
  readonly peakEquity: number;
  readonly grossExposure: number;
  readonly netExposure: number;
  readonly positions: readonly PositionRow[];
  readonly time: number;
}

/** One limit and how much of it is used (`utilisation` = used / limit; absent when the limit is off). */
export interface LimitRow {
  readonly key: string;
  readonly label: string;
  readonly used: number;
  readonly limit: number | null;
  readonly utilisation?: number;
  readonly unit: 'money' | 'pct' | 'count' | 'qty';
}

/** The 1-day VaR of the portfolio, or the symbols whose history is too short for it. */
export interface VarView {
  readonly historical95?: number;
  readonly historical99?: number;
  readonly parametric95?: number;
  readonly parametric99?: number;
  readonly observations?: number;
  readonly insufficient?: readonly string[];
  readonly time: number;
}

/** The Risk page: the trading state, limits and their use, VaR and the state's history. */
export interface RiskView {
  readonly riskId: string;
  readonly tradingState: string;
  readonly limits: readonly LimitRow[];
  readonly var?: VarView;
  readonly varMethod: string;
  readonly varConfidence: number;
  readonly openOrders: number;
  readonly history: readonly { readonly from: string; readonly to: string; readonly trigger: string; readonly reason: string; readonly by?: string; readonly time: number }[];
  readonly time: number;
}

/** Something the trader should see: a denial, a trading-state change, a security event, a failure. */
export interface AlertRow {
  readonly seq: number;
  readonly level: 'info' | 'warn' | 'error';
  readonly source: string;
  readonly code: string;
  readonly message: string;
  readonly time: number;
}

/** An order as the blotter shows it (the OMS view). */
export type { OrderRow } from '../broker/order-row.js';

/** A fill as the blotter shows it. */
export interface FillRow {
  readonly fillId: string;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly quantity: number;
  readonly price: number;
  readonly commission: number;
  readonly time: number;
  readonly venue: string;
}

/** A running strategy and its counters. */
export interface StrategyRow {
  readonly id: string;
  readonly kind: string;
  readonly symbols: readonly string[];
  readonly status: 'running' | 'unreachable';
  readonly barsSeen: number;
  readonly ordersSubmitted: number;
  readonly ordersDenied: number;
  readonly openOrders: number;
  readonly fills: number;
  readonly positions: Readonly<Record<string, number>>;
}

/** One ranked combination of a sweep. */
export interface SweepRow {
  readonly rank: number;
  readonly params: Readonly<Record<string, number>>;
  readonly totalReturn: number;
  readonly cagr: number;
  readonly sharpe: number;
  readonly maxDrawdown: number;
  readonly calmar: number;
  readonly trades: number;
  readonly finalEquity: number;
}

// ---- server -> client: events ----

/** Everything the server sends a client. */
export type ServerEvent =
  | { readonly type: 'welcome'; readonly protocol: number; readonly sessionId: string; readonly node: string; readonly portfolioId: string; readonly symbols: readonly string[]; readonly feed: string; readonly synthetic: boolean; readonly strategies: readonly StrategyInfo[]; readonly time: number }
  | { readonly type: 'error'; readonly code: GatewayErrorCode; readonly message: string; readonly id?: string; readonly problems?: readonly string[] }
  | { readonly type: 'pong'; readonly id?: string; readonly time: number }
  | { readonly type: 'subscribed'; readonly id?: string; readonly topics: readonly Topic[]; readonly symbols: readonly string[] }
  | { readonly type: 'cluster'; readonly nodes: readonly NodeRow[] }
  | { readonly type: 'market.snapshot'; readonly id?: string; readonly symbol: string; readonly bars: readonly ChartBar[]; readonly overlays: readonly OverlayPoint[]; readonly indicators: SymbolIndicators; readonly quote?: Quote; readonly synthetic: boolean }
  /** `dropped`: bars of this symbol coalesced away since the last one sent (a slow client). */
  | { readonly type: 'market.bar'; readonly symbol: string; readonly bar: ChartBar; readonly overlay: OverlayPoint; readonly synthetic: boolean; readonly dropped: number }
  | { readonly type: 'market.quote'; readonly quote: Quote; readonly dropped: number }
  | { readonly type: 'portfolio'; readonly portfolio: PortfolioView }
  | { readonly type: 'portfolio.equity'; readonly points: readonly { readonly time: number; readonly equity: number }[] }
  | { readonly type: 'risk'; readonly risk: RiskView }
  | { readonly type: 'alerts'; readonly alerts: readonly AlertRow[] }
  | { readonly type: 'alert'; readonly alert: AlertRow }
  | { readonly type: 'blotter'; readonly orders: readonly OrderRow[]; readonly fills: readonly FillRow[] }
  | { readonly type: 'order.ack'; readonly id: string; readonly clientOrderId: string; readonly order: OrderRow }
  | { readonly type: 'order.denied'; readonly id?: string; readonly clientOrderId: string; readonly symbol: string; readonly code: string; readonly message: string; readonly context: Readonly<Record<string, string | number | boolean>> }
  | { readonly type: 'order.update'; readonly order: OrderRow; readonly mine: boolean }
  | { readonly type: 'fill'; readonly fill: FillRow; readonly mine: boolean }
  | { readonly type: 'strategies'; readonly strategies: readonly StrategyRow[] }
  | { readonly type: 'optimizer.progress'; readonly id: string; readonly done: number; readonly total: number; readonly chunk: number; readonly chunks: number; readonly etaMs: number; readonly backend: string }
  | { readonly type: 'optimizer.result'; readonly id: string; readonly strategy: string; readonly symbol: string; readonly backend: string; readonly objective: string; readonly bars: number; readonly combos: number; readonly skipped: number; readonly elapsedMs: number; readonly paramNames: readonly string[]; readonly rows: readonly SweepRow[]; readonly confirmation: string }
  | { readonly type: 'optimizer.failed'; readonly id: string; readonly code: string; readonly message: string }
  | { readonly type: 'optimizer.cancelled'; readonly id: string; readonly done: number; readonly total: number }
  | { readonly type: 'backtest.result'; readonly id: string; readonly strategy: string; readonly symbol: string; readonly params: Readonly<Record<string, number>>; readonly bars: number; readonly from: number; readonly to: number; readonly metrics: BacktestMetrics; readonly equity: readonly { readonly time: number; readonly equity: number }[]; readonly denials: number }
  | { readonly type: 'backtest.failed'; readonly id: string; readonly code: string; readonly message: string };

/** The `type` of every server event. */
export type ServerEventType = ServerEvent['type'];

/** A bar reduced to what a chart needs. */
export function chartBar(bar: Bar): ChartBar {
  return { time: bar.time, open: bar.open, high: bar.high, low: bar.low, close: bar.close, volume: bar.volume };
}
