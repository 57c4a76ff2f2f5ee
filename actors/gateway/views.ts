/** Builders of the rows the UI shows, from the domain's own objects. */
import type { Fill } from '../domain/fill.js';
import type { Position } from '../domain/position.js';
import type { PortfolioState } from '../portfolio/portfolio-state.js';
import type { StrategyStatus } from '../strategy/protocol.js';
import type { StrategyClass } from '../strategy/strategy.js';
import type { FillRow, PortfolioView, PositionRow, StrategyInfo, StrategyRow } from './protocol.js';

/** The fields of a portfolio's books a view needs: both `PortfolioState` and `PortfolioSnapshot` have them. */
export type PortfolioBooksLike = Pick<
  PortfolioState,
  'portfolioId' | 'initialCash' | 'cash' | 'positions' | 'marks' | 'realizedPnl' | 'commissions' | 'equity' | 'startOfDayEquity' | 'peakEquity' | 'time'
>;

/** A finite number, or 0 (JSON has no NaN or Infinity; a view must never carry them). */
export function finite(value: number | undefined): number {
  return value !== undefined && Number.isFinite(value) ? value : 0;
}

/** Open positions with their marks, P&L and exposure; flat symbols are left out. */
export function portfolioView(books: PortfolioBooksLike): PortfolioView {
  const positions: PositionRow[] = [];
  let gross = 0;
  let net = 0;
  let unrealized = 0;
  for (const p of Object.values(books.positions)) {
    if (p.quantity === 0) continue;
    const mark = books.marks[p.symbol]?.price;
    const price = mark ?? p.averageCost;
    const value = p.quantity * price;
    const pnl = p.quantity * (price - p.averageCost);
    gross += Math.abs(value);
    net += value;
    unrealized += pnl;
    positions.push({ symbol: p.symbol, quantity: p.quantity, averageCost: finite(p.averageCost), ...(mark === undefined ? {} : { mark }), marketValue: finite(value), unrealizedPnl: finite(pnl), realizedPnl: finite(p.realizedPnl) });
  }
  positions.sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  return {
    portfolioId: books.portfolioId,
    initialCash: finite(books.initialCash),
    cash: finite(books.cash),
    equity: finite(books.equity),
    realizedPnl: finite(books.realizedPnl),
    unrealizedPnl: finite(unrealized),
    commissions: finite(books.commissions),
    dayPnl: finite(books.equity - books.startOfDayEquity),
    totalPnl: finite(books.equity - books.initialCash),
    startOfDayEquity: finite(books.startOfDayEquity),
    peakEquity: finite(books.peakEquity),
    grossExposure: finite(gross),
    netExposure: finite(net),
    positions,
    time: Math.max(0, Math.trunc(finite(books.time))),
  };
}

/** Orders use the broker's table row. */
export { orderRow } from '../broker/order-row.js';

/** A fill as a blotter row. */
export function fillRow(f: Fill): FillRow {
  return { fillId: f.fillId, clientOrderId: f.clientOrderId, symbol: f.symbol, side: f.side, quantity: f.quantity, price: f.price, commission: f.commission, time: f.time, venue: f.venue };
}

/** A strategy's row; `undefined` status when it did not answer. */
export function strategyRow(id: string, kind: string, symbols: readonly string[], status: StrategyStatus | undefined): StrategyRow {
  if (status === undefined) return { id, kind, symbols, status: 'unreachable', barsSeen: 0, ordersSubmitted: 0, ordersDenied: 0, openOrders: 0, fills: 0, positions: {} };
  const positions: Record<string, number> = {};
  for (const [s, q] of Object.entries(status.positions)) if (q !== 0) positions[s] = q;
  return {
    id, kind, symbols, status: 'running', barsSeen: status.barsSeen, ordersSubmitted: status.ordersSubmitted, ordersDenied: status.ordersDenied,
    openOrders: status.openOrders, fills: status.fills, positions,
  };
}

/** A strategy class as the UI's forms show it. */
export function strategyInfo(cls: StrategyClass<any>, sweepable: boolean): StrategyInfo {
  const params: Record<string, StrategyInfo['params'][string]> = {};
  for (const [name, p] of Object.entries(cls.params.spec as Record<string, StrategyInfo['params'][string]>)) {
    params[name] = { kind: p.kind, default: p.default, ...(p.min === undefined ? {} : { min: p.min }), ...(p.max === undefined ? {} : { max: p.max }), description: p.description };
  }
  return { kind: cls.kind, description: cls.description, sweepable, params };
}

/** At most `max` points of a series, evenly spaced, always keeping the last. */
export function downsample<T>(points: readonly T[], max: number): T[] {
  if (points.length <= max) return [...points];
  const step = points.length / max;
  const out: T[] = [];
  for (let i = 0; i < max - 1; i++) out.push(points[Math.floor(i * step)]!);
  out.push(points[points.length - 1]!);
  return out;
}
