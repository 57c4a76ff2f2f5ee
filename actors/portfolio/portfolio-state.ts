import type { Fill } from '../domain/fill.js';
import { fillProblems } from '../domain/fill.js';
import { sideSign } from '../domain/order.js';
import type { Position } from '../domain/position.js';
import type { RiskPortfolioView } from '../risk/context.js';
import { InvalidFillError, InvalidPortfolioError } from './errors.js';
import type { LogView } from './shared-log.js';
import { SharedLog } from './shared-log.js';

/** The latest price of a symbol and when it was observed. */
export interface Mark {
  readonly price: number;
  readonly time: number;
}

/** One point of the equity curve. */
export interface EquityPoint {
  readonly time: number;
  readonly equity: number;
}

/** Exposure of the marked positions. */
export interface Exposure {
  /** Sum of |quantity x mark|. */
  readonly gross: number;
  /** Sum of quantity x mark. */
  readonly net: number;
  /** quantity x mark per held symbol. */
  readonly bySymbol: Readonly<Record<string, number>>;
}

/**
 * A portfolio's books, immutable: every event returns a new state. Positions are signed (short < 0) with
 * the average cost of the open quantity; P&L is realised when a position is reduced, closed or flipped
 * through zero, and is gross of commissions (tracked apart). After every event
 * `equity = cash + sum(quantity x mark)` holds, and so does
 * `equity = initialCash + realizedPnl + unrealizedPnl - commissions`.
 */
export interface PortfolioState {
  readonly portfolioId: string;
  readonly initialCash: number;
  readonly cash: number;
  /** Every symbol ever traded, flat ones included (they keep their realised P&L). */
  readonly positions: Readonly<Record<string, Position>>;
  readonly marks: Readonly<Record<string, Mark>>;
  readonly realizedPnl: number;
  readonly commissions: number;
  readonly equity: number;
  readonly startOfDayEquity: number;
  readonly peakEquity: number;
  /** Largest drawdown from the running peak seen so far, as a fraction. */
  readonly maxDrawdownPct: number;
  /** Time of the latest event applied. */
  readonly time: number;
  /** Fill ids applied (shared log; read with `hasFill`). */
  readonly fillIds: LogView<string>;
  /** Equity after every event (shared log; read with `equityHistory`). */
  readonly equityCurve: LogView<EquityPoint>;
}

/** A plain, serialisable form of a `PortfolioState`, for snapshots and replies: the shared logs as arrays. */
export interface PortfolioSnapshot extends Omit<PortfolioState, 'fillIds' | 'equityCurve'> {
  readonly fillIds: readonly string[];
  readonly equityHistory: readonly EquityPoint[];
}

/** A new portfolio holding `cash` at `time`. */
export function createPortfolio(portfolioId: string, cash: number, time: number): PortfolioState {
  const problems: string[] = [];
  if (typeof portfolioId !== 'string' || portfolioId.length === 0) problems.push('portfolioId is empty');
  if (!Number.isFinite(cash)) problems.push(`cash ${cash} is not finite`);
  if (!Number.isSafeInteger(time)) problems.push(`time ${time} is not an epoch-ms integer`);
  if (problems.length > 0) throw new InvalidPortfolioError(String(portfolioId), problems);
  return Object.freeze({
    portfolioId, initialCash: cash, cash, positions: Object.freeze({}), marks: Object.freeze({}), realizedPnl: 0, commissions: 0,
    equity: cash, startOfDayEquity: cash, peakEquity: cash, maxDrawdownPct: 0, time,
    fillIds: SharedLog.of<string>([], (id) => id),
    equityCurve: SharedLog.of<EquityPoint>([{ time, equity: cash }]),
  });
}

/** Whether the fill id was already applied. */
export function hasFill(state: PortfolioState, fillId: string): boolean {
  return SharedLog.has(state.fillIds, fillId);
}

/** The equity curve, oldest first. */
export function equityHistory(state: PortfolioState): EquityPoint[] {
  return SharedLog.items(state.equityCurve);
}

/** A position after trading `signed` units at `price`: average cost, realised P&L, flips through zero. */
export function tradePosition(position: Position, signed: number, price: number): Position {
  const { quantity, averageCost } = position;
  if (quantity === 0 || Math.sign(quantity) === Math.sign(signed)) {
    const next = quantity + signed;
    return { ...position, quantity: next, averageCost: (Math.abs(quantity) * averageCost + Math.abs(signed) * price) / Math.abs(next) };
  }
  const closed = Math.min(Math.abs(signed), Math.abs(quantity));
  const realized = closed * (price - averageCost) * Math.sign(quantity);
  const next = quantity + signed;
  const averageAfter = next === 0 ? 0 : Math.sign(next) === Math.sign(quantity) ? averageCost : price;
  return { ...position, quantity: next, averageCost: averageAfter, realizedPnl: position.realizedPnl + realized };
}

function marked(positions: Readonly<Record<string, Position>>, marks: Readonly<Record<string, Mark>>): number {
  let sum = 0;
  for (const p of Object.values(positions)) if (p.quantity !== 0) sum += p.quantity * (marks[p.symbol]?.price ?? p.averageCost);
  return sum;
}

function settle(state: PortfolioState, changes: Pick<PortfolioState, 'cash' | 'positions' | 'marks' | 'realizedPnl' | 'commissions' | 'time' | 'fillIds'>): PortfolioState {
  const equity = changes.cash + marked(changes.positions, changes.marks);
  const peakEquity = Math.max(state.peakEquity, equity);
  const drawdown = peakEquity > 0 ? (peakEquity - equity) / peakEquity : 0;
  return Object.freeze({
    ...state,
    ...changes,
    equity,
    peakEquity,
    maxDrawdownPct: Math.max(state.maxDrawdownPct, drawdown),
    equityCurve: SharedLog.append(state.equityCurve, Object.freeze({ time: changes.time, equity })),
  });
}

/**
 * Books a fill: position, average cost, realised P&L, cash (less commission), the symbol's mark (the fill
 * price, unless a later mark exists). Idempotent by fill id: a fill seen before returns `state` itself.
 * Throws `InvalidFillError` for a malformed fill or one for another portfolio.
 * @example const next = applyFill(state, fill); // next === state when fill.fillId was applied before
 */
export function applyFill(state: PortfolioState, fill: Fill): PortfolioState {
  const problems = fillProblems(fill);
  if (fill.portfolioId !== state.portfolioId) problems.push(`portfolioId ${fill.portfolioId} is not ${state.portfolioId}`);
  if (problems.length > 0) throw new InvalidFillError(String(fill.fillId), problems);
  if (hasFill(state, fill.fillId)) return state;
  const signed = sideSign(fill.side) * fill.quantity;
  const before = state.positions[fill.symbol] ?? { symbol: fill.symbol, quantity: 0, averageCost: 0, realizedPnl: 0 };
  const after = Object.freeze(tradePosition(before, signed, fill.price));
  const mark = state.marks[fill.symbol];
  const marks = mark !== undefined && mark.time > fill.time ? state.marks : Object.freeze({ ...state.marks, [fill.symbol]: Object.freeze({ price: fill.price, time: fill.time }) });
  return settle(state, {
    cash: state.cash - signed * fill.price - fill.commission,
    positions: Object.freeze({ ...state.positions, [fill.symbol]: after }),
    marks,
    realizedPnl: state.realizedPnl + (after.realizedPnl - before.realizedPnl),
    commissions: state.commissions + fill.commission,
    time: Math.max(state.time, fill.time),
    fillIds: SharedLog.append(state.fillIds, fill.fillId),
  });
}

/** Marks symbols to new prices at `time`; a price older than the symbol's current mark is ignored. */
export function markPrices(state: PortfolioState, prices: Readonly<Record<string, number>>, time: number): PortfolioState {
  const marks: Record<string, Mark> = { ...state.marks };
  for (const [symbol, price] of Object.entries(prices)) {
    if (!Number.isFinite(price) || price <= 0) continue;
    const current = marks[symbol];
    if (current === undefined || current.time <= time) marks[symbol] = Object.freeze({ price, time });
  }
  return settle(state, {
    cash: state.cash, positions: state.positions, marks: Object.freeze(marks), realizedPnl: state.realizedPnl,
    commissions: state.commissions, time: Math.max(state.time, time), fillIds: state.fillIds,
  });
}

/** Starts a trading day: the current equity becomes the start-of-day equity (for the daily loss limit). */
export function startTradingDay(state: PortfolioState, time: number): PortfolioState {
  return Object.freeze({ ...state, startOfDayEquity: state.equity, time: Math.max(state.time, time) });
}

/** Unrealised P&L: sum of quantity x (mark - average cost). */
export function unrealizedPnl(state: PortfolioState): number {
  let sum = 0;
  for (const p of Object.values(state.positions)) if (p.quantity !== 0) sum += p.quantity * ((state.marks[p.symbol]?.price ?? p.averageCost) - p.averageCost);
  return sum;
}

/** Gross, net and per-symbol exposure at the marks. */
export function exposure(state: PortfolioState): Exposure {
  let gross = 0;
  let net = 0;
  const bySymbol: Record<string, number> = {};
  for (const p of Object.values(state.positions)) {
    if (p.quantity === 0) continue;
    const value = p.quantity * (state.marks[p.symbol]?.price ?? p.averageCost);
    bySymbol[p.symbol] = value;
    gross += Math.abs(value);
    net += value;
  }
  return { gross, net, bySymbol };
}

/** The view the risk engine needs (`risk.portfolioUpdate`). */
export function toRiskView(state: PortfolioState): RiskPortfolioView {
  const positions: Record<string, number> = {};
  const marks: Record<string, number> = {};
  for (const p of Object.values(state.positions)) if (p.quantity !== 0) positions[p.symbol] = p.quantity;
  for (const [symbol, mark] of Object.entries(state.marks)) marks[symbol] = mark.price;
  return {
    portfolioId: state.portfolioId, cash: state.cash, equity: state.equity, positions, marks,
    startOfDayEquity: state.startOfDayEquity, peakEquity: state.peakEquity,
  };
}

/** The plain, serialisable form. */
export function toSnapshot(state: PortfolioState): PortfolioSnapshot {
  const { fillIds, equityCurve, ...rest } = state;
  return { ...rest, fillIds: SharedLog.items(fillIds), equityHistory: SharedLog.items(equityCurve) };
}

/** A state from its snapshot. */
export function fromSnapshot(snapshot: PortfolioSnapshot): PortfolioState {
  const { fillIds, equityHistory: history, ...rest } = snapshot;
  return Object.freeze({ ...rest, fillIds: SharedLog.of(fillIds, (id) => id), equityCurve: SharedLog.of(history) });
}
