import type { Fill } from '../domain/fill.js';
import { fillProblems } from '../domain/fill.js';
import { sideSign } from '../domain/order.js';
import type { Position } from '../domain/position.js';
import type { RiskPortfolioView } from '../risk/context.js';
import { InvalidFillError } from './errors.js';
import type { EquityPoint, Mark, PortfolioState } from './portfolio-state.js';
import type { LogCursor } from './shared-log.js';
import { SharedLog } from './shared-log.js';

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

/** What is wrong with `fill` for portfolio `portfolioId` (malformed, or another portfolio's); empty when nothing. */
export function fillProblemsFor(portfolioId: string, fill: unknown): string[] {
  if (typeof fill !== 'object' || fill === null) return ['not a fill'];
  const problems = fillProblems(fill as Fill);
  if (problems.length === 0 && (fill as Fill).portfolioId !== portfolioId) problems.push(`portfolioId ${(fill as Fill).portfolioId} is not ${portfolioId}`);
  return problems;
}

/** Throws `InvalidFillError` for a malformed fill or one for another portfolio. */
export function checkFill(portfolioId: string, fill: Fill): void {
  const problems = fillProblemsFor(portfolioId, fill);
  if (problems.length > 0) throw new InvalidFillError(String(fill.fillId), problems);
}

/**
 * Equity points a portfolio actor's books keep at least (at most twice as many): the newest, as many as a
 * snapshot keeps, so the curve a portfolio shows is as long after a restart as before it.
 */
export const EQUITY_POINTS_KEPT = 10_000;

/** One symbol's frozen position and mark; either may be missing (a symbol marked but never traded). */
interface Holding {
  readonly symbol: string;
  position: Position | undefined;
  mark: Mark | undefined;
}

/**
 * The books of one portfolio, changed in place. `applyFill` and `markPrices` in portfolio-state run on it
 * (from a state, for one event), so the live books and the immutable states share one arithmetic, operation
 * for operation, and equity is bit for bit the same (actors/backtest/equity-replay.ts repeats it). It reads
 * as a frozen `PortfolioState` (`state()`) and a risk view (`riskView()`), each built only when asked and
 * kept until the books change; records whose entries did not change are reused. The portfolio actor keeps
 * one as its live model, so a fill or a mark costs no new state, no copy of every position and mark, and no
 * view nobody reads.
 */
export class LivePortfolio {
  readonly portfolioId: string;
  readonly initialCash: number;
  #cash: number;
  #realizedPnl: number;
  #commissions: number;
  #equity: number;
  #startOfDayEquity: number;
  #peakEquity: number;
  #maxDrawdownPct: number;
  #time: number;
  readonly #fillIds: LogCursor<string>;
  readonly #equityCurve: LogCursor<EquityPoint>;
  readonly #holdings = new Map<string, Holding>();
  /** Symbols keyed as the state's records key them, so that `Object.keys` gives their order. */
  readonly #positionKeys: Record<string, true> = Object.create(null);
  readonly #markKeys: Record<string, true> = Object.create(null);
  /** Holdings in the order of the positions record (integer-like symbols first, then first traded first): equity sums in it. */
  #positionOrder: Holding[] = [];
  /** Holdings in the order of the marks record. */
  #markOrder: Holding[] = [];
  #state: PortfolioState | undefined;
  #positions: Readonly<Record<string, Position>> | undefined;
  #marks: Readonly<Record<string, Mark>> | undefined;
  #riskPositions: Readonly<Record<string, number>> | undefined;
  #riskMarks: Readonly<Record<string, number>> | undefined;
  #equityPointsKept = Number.POSITIVE_INFINITY;

  private constructor(state: PortfolioState) {
    this.portfolioId = state.portfolioId;
    this.initialCash = state.initialCash;
    this.#cash = state.cash;
    this.#realizedPnl = state.realizedPnl;
    this.#commissions = state.commissions;
    this.#equity = state.equity;
    this.#startOfDayEquity = state.startOfDayEquity;
    this.#peakEquity = state.peakEquity;
    this.#maxDrawdownPct = state.maxDrawdownPct;
    this.#time = state.time;
    this.#fillIds = { log: state.fillIds.log, length: state.fillIds.length };
    this.#equityCurve = { log: state.equityCurve.log, length: state.equityCurve.length };
    for (const symbol of Object.keys(state.positions)) {
      this.#holding(symbol).position = state.positions[symbol];
      this.#positionKeys[symbol] = true;
    }
    for (const symbol of Object.keys(state.marks)) {
      this.#holding(symbol).mark = state.marks[symbol];
      this.#markKeys[symbol] = true;
    }
    this.#positionOrder = this.#ordered(this.#positionKeys);
    this.#markOrder = this.#ordered(this.#markKeys);
    // The state's own records stand for the books until they change, when they are frozen (as all but hand-made states are).
    if (Object.isFrozen(state.positions)) this.#positions = state.positions;
    if (Object.isFrozen(state.marks)) this.#marks = state.marks;
    if (Object.isFrozen(state) && this.#positions !== undefined && this.#marks !== undefined) this.#state = state;
  }

  /** Live books that start as `state` (which is left as it is). */
  static fromState(state: PortfolioState): LivePortfolio {
    return new LivePortfolio(state);
  }

  /** Fill ids booked. */
  get fillCount(): number {
    return this.#fillIds.length;
  }

  /**
   * Keeps at least the newest `points` of the equity curve and at most twice as many, from the next point
   * on; the default keeps every point (what the immutable states do). The peak equity and the largest
   * drawdown cover the whole history either way.
   */
  keepEquityPoints(points: number): this {
    if (!(points >= 1)) throw new RangeError(`equity points kept must be at least 1, was ${points}`);
    this.#equityPointsKept = points;
    return this;
  }

  /** Points on the equity curve. */
  get equityPoints(): number {
    return this.#equityCurve.length;
  }

  /** Whether the fill id was booked. */
  hasFill(fillId: string): boolean {
    return SharedLog.has(this.#fillIds, fillId);
  }

  /** The signed quantity held in `symbol` (0 when none). */
  quantityOf(symbol: string): number {
    return this.#holdings.get(symbol)?.position?.quantity ?? 0;
  }

  /** Books a fill as `applyFill` does: throws `InvalidFillError` for a bad one, ignores one booked before. */
  applyFill(fill: Fill): this {
    checkFill(this.portfolioId, fill);
    return this.hasFill(fill.fillId) ? this : this.bookFill(fill);
  }

  /** Books a fill already checked (`checkFill`) and not booked before. */
  bookFill(fill: Fill): this {
    const signed = sideSign(fill.side) * fill.quantity;
    const holding = this.#holding(fill.symbol);
    const before = holding.position ?? { symbol: fill.symbol, quantity: 0, averageCost: 0, realizedPnl: 0 };
    const after = Object.freeze(tradePosition(before, signed, fill.price));
    if (holding.position === undefined) this.#positionOrder = this.#entered(this.#positionKeys, fill.symbol);
    holding.position = after;
    this.#positions = undefined;
    this.#riskPositions = undefined;
    const mark = holding.mark;
    if (!(mark !== undefined && mark.time > fill.time)) this.#setMark(holding, Object.freeze({ price: fill.price, time: fill.time }));
    this.#cash = this.#cash - signed * fill.price - fill.commission;
    this.#realizedPnl = this.#realizedPnl + (after.realizedPnl - before.realizedPnl);
    this.#commissions = this.#commissions + fill.commission;
    this.#time = Math.max(this.#time, fill.time);
    SharedLog.push(this.#fillIds, fill.fillId);
    this.#settle();
    return this;
  }

  /** Marks symbols as `markPrices` does: a price that is not finite and positive, or older than the mark, is ignored. */
  markPrices(prices: Readonly<Record<string, number>>, time: number): this {
    for (const symbol of Object.keys(prices)) {
      const price = prices[symbol]!;
      if (!Number.isFinite(price) || price <= 0) continue;
      const current = this.#holdings.get(symbol)?.mark;
      if (current === undefined || current.time <= time) this.#setMark(this.#holding(symbol), Object.freeze({ price, time }));
    }
    this.#time = Math.max(this.#time, time);
    this.#settle();
    return this;
  }

  /** Starts a trading day as `startTradingDay` in portfolio-state does. */
  startTradingDay(time: number): this {
    this.#startOfDayEquity = this.#equity;
    this.#time = Math.max(this.#time, time);
    this.#state = undefined;
    return this;
  }

  /** The books as a frozen state, the same object until they change. */
  state(): PortfolioState {
    return (this.#state ??= Object.freeze({
      portfolioId: this.portfolioId, initialCash: this.initialCash, cash: this.#cash,
      positions: (this.#positions ??= this.#record(this.#positionOrder, (h) => h.position!)),
      marks: (this.#marks ??= this.#record(this.#markOrder, (h) => h.mark!)),
      realizedPnl: this.#realizedPnl, commissions: this.#commissions, equity: this.#equity, startOfDayEquity: this.#startOfDayEquity,
      peakEquity: this.#peakEquity, maxDrawdownPct: this.#maxDrawdownPct, time: this.#time,
      fillIds: SharedLog.view(this.#fillIds), equityCurve: SharedLog.view(this.#equityCurve),
    }));
  }

  /** What `toRiskView(this.state())` gives, with its records frozen and kept until a fill (positions) or a mark (marks) changes them. */
  riskView(): RiskPortfolioView {
    return {
      portfolioId: this.portfolioId, cash: this.#cash, equity: this.#equity,
      positions: (this.#riskPositions ??= this.#riskPositionRecord()), marks: (this.#riskMarks ??= this.#record(this.#markOrder, (h) => h.mark!.price)),
      startOfDayEquity: this.#startOfDayEquity, peakEquity: this.#peakEquity,
    };
  }

  /** Every mark's price, in the marks record's order (what a journaled mark holds). */
  markPriceRecord(): Record<string, number> {
    const prices: Record<string, number> = {};
    for (const h of this.#markOrder) prices[h.symbol] = h.mark!.price;
    return prices;
  }

  /** Equity, peak and drawdown after an event, and its point on the curve; equity sums the positions in their record's order. */
  #settle(): void {
    let marked = 0;
    for (const h of this.#positionOrder) {
      const p = h.position!;
      if (p.quantity !== 0) marked += p.quantity * (h.mark?.price ?? p.averageCost);
    }
    const equity = this.#cash + marked;
    const peakEquity = Math.max(this.#peakEquity, equity);
    const drawdown = peakEquity > 0 ? (peakEquity - equity) / peakEquity : 0;
    this.#equity = equity;
    this.#peakEquity = peakEquity;
    this.#maxDrawdownPct = Math.max(this.#maxDrawdownPct, drawdown);
    SharedLog.push(this.#equityCurve, Object.freeze({ time: this.#time, equity }));
    // Every fill and every mark adds a point, and a live node marks on every price: past twice the bound,
    // the curve is cut back to its newest points in one copy, so a point costs O(1) amortised.
    if (this.#equityCurve.length >= 2 * this.#equityPointsKept) SharedLog.keepLast(this.#equityCurve, this.#equityPointsKept);
    this.#state = undefined;
  }

  #setMark(holding: Holding, mark: Mark): void {
    if (holding.mark === undefined) this.#markOrder = this.#entered(this.#markKeys, holding.symbol);
    holding.mark = mark;
    this.#marks = undefined;
    this.#riskMarks = undefined;
  }

  /** The symbol's holding, created on first sight. */
  #holding(symbol: string): Holding {
    let holding = this.#holdings.get(symbol);
    if (holding === undefined) this.#holdings.set(symbol, (holding = { symbol, position: undefined, mark: undefined }));
    return holding;
  }

  /** The holdings of `keys` with `symbol` added, in the order a record keeps them (a symbol's first position or mark; rare). */
  #entered(keys: Record<string, true>, symbol: string): Holding[] {
    keys[symbol] = true;
    return this.#ordered(keys);
  }

  /** The holdings of `keys` in the order a record keeps them. */
  #ordered(keys: Record<string, true>): Holding[] {
    return Object.keys(keys).map((symbol) => this.#holdings.get(symbol)!);
  }

  #record<V>(holdings: readonly Holding[], value: (holding: Holding) => V): Readonly<Record<string, V>> {
    const record: Record<string, V> = {};
    for (const h of holdings) record[h.symbol] = value(h);
    return Object.freeze(record);
  }

  /**
   * Every traded symbol's quantity, flat ones as 0: a record's hidden class follows its keys, and a key set
   * that only grows (symbols in the order first traded) gives V8 a chain of at most one class per symbol.
   * Dropping the flat ones made a new key subset, often a new class, after most fills (about 2 µs a record
   * in a backtest, against 0.7 with the zeros). Its own loop rather than `#record` with a callback: that
   * measured no faster, and slower in four of six alternating backtest pairs.
   */
  #riskPositionRecord(): Readonly<Record<string, number>> {
    const positions: Record<string, number> = {};
    for (const h of this.#positionOrder) positions[h.symbol] = h.position!.quantity;
    return Object.freeze(positions);
  }
}
