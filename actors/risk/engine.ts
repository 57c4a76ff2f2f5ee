import type { InstrumentRegistry } from '../domain/instrument.js';
import type { OrderRequest } from '../domain/order.js';
import type { ApprovedOrder } from './approval.js';
import { signApproval } from './approval.js';
import { runRiskChecks, RISK_CHECKS } from './checks.js';
import type { NamedRiskCheck } from './checks.js';
import type { RiskContext, RiskPortfolioView } from './context.js';
import { DayTradeBook } from './day-trade-book.js';
import type { DayTradeFill, DayTradeLedger } from './day-trades.js';
import { EMPTY_DAY_TRADE_LEDGER } from './day-trades.js';
import type { Denial } from './denial.js';
import { deny } from './denial.js';
import type { RiskLimits } from './limits.js';
import { DEFAULT_RISK_LIMITS } from './limits.js';
import type { RateLimitState } from './rate-limit.js';
import { EMPTY_RATE_LIMIT_STATE, portfolioKey, RateCounter, strategyKey } from './rate-limit.js';
import type { AutomaticTransition, TradingState, TradingStateTrigger } from './trading-state.js';
import { automaticTransition, transitionTradingState } from './trading-state.js';
import type { ReturnHistory, VarReport } from './var.js';
import { portfolioVar, varReport } from './var.js';

const NO_OPEN_ORDERS: ReadonlySet<string> = new Set();

/** The engine's answer to an order: approved with a token, or denied with a stable code. */
export type RiskDecision = { readonly approved: ApprovedOrder } | { readonly denied: Denial };

/** The engine state a risk actor persists (snapshot) and restores; inputs such as prices are re-sent instead. */
export interface RiskEngineState {
  /** The sequence number of the last approval (the next one is `seq + 1`). */
  readonly seq: number;
  readonly tradingState: TradingState;
  readonly rate: RateLimitState;
  /** Day-trade ledger per portfolio. */
  readonly dayTrades: Readonly<Record<string, DayTradeLedger>>;
  /** Open (approved, not yet terminal) client order ids per portfolio. */
  readonly openOrders: Readonly<Record<string, readonly string[]>>;
}

/** A trading-state change the engine made. */
export interface TradingStateChange {
  readonly from: TradingState;
  readonly to: TradingState;
  readonly trigger: TradingStateTrigger;
  readonly reason: string;
  readonly time: number;
}

/** How to build a `RiskEngine`. */
export interface RiskEngineOptions {
  /** The risk actor's identity, signed into every token (its path). */
  readonly riskId: string;
  /** The approval HMAC key (see `loadRiskKey`). */
  readonly key: Buffer;
  readonly registry: InstrumentRegistry;
  /** Default `DEFAULT_RISK_LIMITS`. */
  readonly limits?: RiskLimits;
  /** State restored from a snapshot. A fresh engine whose tokens a broker may already have seen must pass a `seq` above theirs. */
  readonly initial?: Partial<RiskEngineState>;
  /** The checks to run, default `RISK_CHECKS` (tests and special desks may narrow them). */
  readonly checks?: readonly NamedRiskCheck[];
}

/**
 * The pure core of the risk actor: all pre-trade checks in a fixed order over explicit state. It does no
 * I/O and reads no clock; the actor feeds it portfolio views, prices, return histories and fills, calls
 * `evaluate(order, now)` and sends the result on (`broker.approvedOrder` or `risk.orderDenied`).
 *
 * An approval counts against the rate limits and opens the order; `orderClosed` releases it when the
 * broker reports a terminal state. A retry of an order that is still open (same client order id) is
 * checked again and, if it passes, re-signed under a new sequence number without being counted twice.
 *
 * @example
 * const engine = new RiskEngine({ riskId: 'risk', key, registry, limits });
 * engine.updatePortfolio(view);
 * engine.updatePrice('AAPL', 190.12);
 * const decision = engine.evaluate(order, clock.now());
 * if ('denied' in decision) tell(strategy, riskOrderDenied(order, decision.denied, clock.now()));
 */
export class RiskEngine {
  readonly #riskId: string;
  readonly #key: Buffer;
  readonly #registry: InstrumentRegistry;
  readonly #limits: RiskLimits;
  readonly #checks: readonly NamedRiskCheck[];
  #seq: number;
  #tradingState: TradingState;
  readonly #rate: RateCounter;
  readonly #dayTrades = new Map<string, DayTradeBook>();
  readonly #openOrders = new Map<string, Set<string>>();
  readonly #portfolios = new Map<string, RiskPortfolioView>();
  readonly #lastPrices: Record<string, number> = {};
  readonly #returns: Record<string, readonly number[]> = {};

  constructor(options: RiskEngineOptions) {
    this.#riskId = options.riskId;
    this.#key = options.key;
    this.#registry = options.registry;
    this.#limits = options.limits ?? DEFAULT_RISK_LIMITS;
    this.#checks = options.checks ?? RISK_CHECKS;
    const initial = options.initial ?? {};
    this.#seq = initial.seq ?? 0;
    this.#tradingState = initial.tradingState ?? 'ACTIVE';
    this.#rate = RateCounter.from(initial.rate ?? EMPTY_RATE_LIMIT_STATE);
    const ledgers = initial.dayTrades ?? {};
    for (const portfolioId of Object.keys(ledgers)) this.#dayTrades.set(portfolioId, this.#dayTradeBook(ledgers[portfolioId]));
    for (const [portfolioId, ids] of Object.entries(initial.openOrders ?? {})) this.#openOrders.set(portfolioId, new Set(ids));
  }

  /** The current trading state. */
  get tradingState(): TradingState {
    return this.#tradingState;
  }

  /** The limits in force. */
  get limits(): RiskLimits {
    return this.#limits;
  }

  /** Runs every check on `order` at `now`; approves it with a signed token or denies it. */
  evaluate(order: OrderRequest, now: number): RiskDecision {
    const portfolio = this.#portfolios.get(order.portfolioId);
    if (portfolio === undefined) return { denied: deny('UNKNOWN_PORTFOLIO', { portfolioId: String(order.portfolioId) }) };
    const open = this.#openOrders.get(order.portfolioId) ?? NO_OPEN_ORDERS;
    const retry = open.has(order.clientOrderId);
    const ctx: RiskContext = {
      now,
      limits: this.#limits,
      registry: this.#registry,
      tradingState: this.#tradingState,
      portfolio,
      lastPrices: this.#lastPrices,
      openOrders: open.size - (retry ? 1 : 0),
      rate: this.#rate.view(),
      dayTrades: this.#dayTrades.get(order.portfolioId)?.view() ?? EMPTY_DAY_TRADE_LEDGER,
      returns: this.#returns as ReturnHistory,
    };
    const denial = runRiskChecks(order, ctx, this.#checks);
    if (denial !== undefined) return { denied: denial };
    const approved = signApproval(order, { key: this.#key, riskId: this.#riskId, seq: this.#seq + 1, expiresAt: now + this.#limits.approvalTtlMs });
    this.#count(order.portfolioId, order.strategyId, order.clientOrderId, now);
    this.#seq += 1;
    return { approved };
  }

  /** Counts an approval against the rate limits and opens the order, unless it is a retry of an open one. */
  #count(portfolioId: string, strategyId: string, clientOrderId: string, now: number): void {
    let open = this.#openOrders.get(portfolioId);
    if (open?.has(clientOrderId) === true) return;
    this.#rate.record([strategyKey(strategyId), portfolioKey(portfolioId)], now, this.#limits.rateWindowMs);
    if (open === undefined) this.#openOrders.set(portfolioId, (open = new Set()));
    open.add(clientOrderId);
  }

  /** The sequence number of the last approval. */
  get seq(): number {
    return this.#seq;
  }

  /** Continues the sequence at `seq` at least (a risk actor restarting above every sequence it may have issued). */
  advanceSeq(seq: number): void {
    if (seq > this.#seq) this.#seq = seq;
  }

  /**
   * Recovery: repeats the bookkeeping of an approval recorded earlier (rate limits, open orders, sequence)
   * without checking or signing again.
   */
  replayApproval(approval: { readonly portfolioId: string; readonly strategyId: string; readonly clientOrderId: string; readonly seq: number; readonly time: number }): void {
    this.#count(approval.portfolioId, approval.strategyId, approval.clientOrderId, approval.time);
    this.advanceSeq(approval.seq);
  }

  /** Recovery: sets the trading state a journaled change left, without consulting the transition table. */
  restoreTradingState(state: TradingState): void {
    this.#tradingState = state;
  }

  /** Open (approved, not yet terminal) orders per portfolio. */
  openOrderCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const [portfolioId, ids] of this.#openOrders) counts[portfolioId] = ids.size;
    return counts;
  }

  /** Portfolios the engine has a view of. */
  portfolioIds(): string[] {
    return [...this.#portfolios.keys()];
  }

  /**
   * 1-day VaR of a portfolio's current positions, valued at the last prices (else its marks), by both
   * methods at 95% and 99%; or the held symbols whose return history is too short (fewer than
   * `varMinObservations`, at least 2).
   */
  varOf(portfolioId: string): { readonly report: VarReport } | { readonly insufficient: readonly string[] } | undefined {
    const view = this.#portfolios.get(portfolioId);
    if (view === undefined) return undefined;
    const exposures: Record<string, number> = {};
    for (const [symbol, quantity] of Object.entries(view.positions)) {
      const price = this.#lastPrices[symbol] ?? view.marks[symbol];
      if (quantity !== 0 && price !== undefined) exposures[symbol] = quantity * price;
    }
    const options = { method: this.#limits.varMethod, confidence: this.#limits.varConfidence, minObservations: this.#limits.varMinObservations };
    const outcome = portfolioVar(exposures, this.#returns as ReturnHistory, options);
    if (!outcome.ok) return { insufficient: outcome.insufficient };
    return { report: varReport(exposures, this.#returns as ReturnHistory) };
  }

  /**
   * Sets the trading state by `trigger` (default an operator command). Throws
   * `InvalidTradingStateTransitionError` when the transition table does not list the change.
   */
  setTradingState(to: TradingState, now: number, reason: string, trigger: TradingStateTrigger = 'operator'): TradingStateChange {
    const from = this.#tradingState;
    this.#tradingState = transitionTradingState(from, to, trigger);
    return { from, to, trigger, reason, time: now };
  }

  /**
   * Takes the portfolio's latest view and applies the automatic transitions it calls for (drawdown halts,
   * daily loss restricts to reducing). Returns the change made, if any.
   */
  updatePortfolio(view: RiskPortfolioView, now: number): TradingStateChange | undefined {
    this.#portfolios.set(view.portfolioId, view);
    const auto: AutomaticTransition | undefined = automaticTransition(this.#tradingState, view, this.#limits);
    if (auto === undefined) return undefined;
    return this.setTradingState(auto.to, now, `portfolio=${view.portfolioId}, ${auto.reason}`, auto.trigger);
  }

  /** Records the latest price of a symbol. */
  updatePrice(symbol: string, price: number): void {
    if (Number.isFinite(price) && price > 0) this.#lastPrices[symbol] = price;
  }

  /** Replaces a symbol's daily return history (oldest first); a frozen array is kept as it is, anything else copied. */
  updateReturns(symbol: string, returns: readonly number[]): void {
    this.#returns[symbol] = Array.isArray(returns) && Object.isFrozen(returns) ? returns : Object.freeze([...returns]);
  }

  /** Books a fill for the pattern-day-trader rule; `positionBefore` is the portfolio's position just before it. */
  recordFill(fill: DayTradeFill & { readonly portfolioId: string }, positionBefore: number): void {
    let book = this.#dayTrades.get(fill.portfolioId);
    if (book === undefined) this.#dayTrades.set(fill.portfolioId, (book = this.#dayTradeBook()));
    book.record(fill, positionBefore);
  }

  #dayTradeBook(from?: DayTradeLedger): DayTradeBook {
    return new DayTradeBook(this.#limits.tradingTimeZone, this.#limits.pdtMaxDayTrades, from);
  }

  /** Releases an open order when the broker reports it terminal. Returns whether it was open. */
  orderClosed(portfolioId: string, clientOrderId: string): boolean {
    return this.#openOrders.get(portfolioId)?.delete(clientOrderId) ?? false;
  }

  /** Replaces a portfolio's open orders with the broker's reconciled list. */
  syncOpenOrders(portfolioId: string, clientOrderIds: Iterable<string>): void {
    this.#openOrders.set(portfolioId, new Set(clientOrderIds));
  }

  /** A snapshot of the persistent state. */
  state(): RiskEngineState {
    const openOrders: Record<string, readonly string[]> = {};
    for (const [portfolioId, ids] of this.#openOrders) openOrders[portfolioId] = [...ids];
    const dayTrades: Record<string, DayTradeLedger> = {};
    for (const [portfolioId, book] of this.#dayTrades) dayTrades[portfolioId] = book.state();
    return { seq: this.#seq, tradingState: this.#tradingState, rate: this.#rate.state(), dayTrades, openOrders };
  }
}
