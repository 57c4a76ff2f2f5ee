import type { Fill } from '../domain/fill.js';
import type { Position } from '../domain/position.js';
import type { RiskPortfolioView } from '../risk/context.js';
import { InvalidPortfolioError } from './errors.js';
import { checkFill, LivePortfolio } from './live-portfolio.js';
import type { LogView } from './shared-log.js';
import { SharedLog } from './shared-log.js';

export { tradePosition } from './live-portfolio.js';

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

/**
 * Books a fill: position, average cost, realised P&L, cash (less commission), the symbol's mark (the fill
 * price, unless a later mark exists). Idempotent by fill id: a fill seen before returns `state` itself.
 * Throws `InvalidFillError` for a malformed fill or one for another portfolio.
 * @example const next = applyFill(state, fill); // next === state when fill.fillId was applied before
 */
export function applyFill(state: PortfolioState, fill: Fill): PortfolioState {
  checkFill(state.portfolioId, fill);
  if (hasFill(state, fill.fillId)) return state;
  return LivePortfolio.fromState(state).bookFill(fill).state();
}

/** Marks symbols to new prices at `time`; a price older than the symbol's current mark is ignored. */
export function markPrices(state: PortfolioState, prices: Readonly<Record<string, number>>, time: number): PortfolioState {
  return LivePortfolio.fromState(state).markPrices(prices, time).state();
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
  for (const p of Object.values(state.positions)) positions[p.symbol] = p.quantity;
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

/** A state from its snapshot, frozen through its positions and marks (copies: the snapshot is left as it is). */
export function fromSnapshot(snapshot: PortfolioSnapshot): PortfolioState {
  const { fillIds, equityHistory: history, ...rest } = snapshot;
  return Object.freeze({
    ...rest, positions: frozenCopies(rest.positions), marks: frozenCopies(rest.marks),
    fillIds: SharedLog.of(fillIds, (id) => id), equityCurve: SharedLog.of(history),
  });
}

function frozenCopies<V extends object>(record: Readonly<Record<string, V>>): Readonly<Record<string, V>> {
  const copy: Record<string, V> = {};
  for (const key of Object.keys(record)) copy[key] = Object.freeze({ ...record[key]! });
  return Object.freeze(copy);
}
