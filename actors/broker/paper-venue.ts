import type { Bar } from '../domain/bar.js';
import { validateBar } from '../domain/bar.js';
import type { InstrumentRegistry } from '../domain/instrument.js';
import { isOnTick } from '../domain/money.js';
import { needsLimitPrice, needsStopPrice } from '../domain/order.js';
import type { Quote } from '../domain/quote.js';
import type { CommissionModel } from './commission.js';
import { DEFAULT_COMMISSION, DEFAULT_SLIPPAGE_BPS, fillCommission } from './commission.js';
import { VenueUnavailableError } from './errors.js';
import type { MatchOutcome } from './paper-matching.js';
import { matchBar, matchQuote } from './paper-matching.js';
import type {
  ExecutionCursor, ExecutionPage, SubmitAck, Unsubscribe, Venue, VenueFill, VenueOpenOrder, VenueOrder, VenueReport, VenueStatus,
} from './venue.js';
import type { VenueClock } from './venue-clock.js';
import { frozenRecord } from '../domain/freeze.js';

/** Default name stamped on paper fills. */
export const DEFAULT_PAPER_VENUE_NAME = 'paper';
/** Default one-way order-entry latency of the paper venue. */
export const DEFAULT_PAPER_LATENCY_MS = 0;

/** How a `PaperVenue` simulates. */
export interface PaperVenueOptions {
  readonly registry: InstrumentRegistry;
  readonly clock: VenueClock;
  /** `backtest`: orders match against bars (`onBar`); `live`: against quotes (`onQuote`). */
  readonly mode: 'backtest' | 'live';
  /** Default `paper`. */
  readonly name?: string;
  /** Default `DEFAULT_COMMISSION` (0.005/share, 1.00 minimum per order, at most 1% of notional). */
  readonly commission?: CommissionModel;
  /** Slippage of market and stop fills in basis points. Default 0. */
  readonly slippageBps?: number;
  /** Max fraction of a bar's volume the venue fills per symbol and bar (rounded down to lots); `null` for no cap. Default `null`. */
  readonly maxParticipation?: number | null;
  /** Delay before a submit or cancel reaches the simulated exchange. Default 0 (synchronous). */
  readonly latencyMs?: number;
  /**
   * Prefix of the venue order ids and execution ids. Execution ids must never repeat for a portfolio (it
   * books a fill once per id), also across venue instances: a node that creates a new paper venue after a
   * restart or a failover must not reissue `paper-E1`. Default `<name>-<clock time at construction, base 36>`,
   * unique across restarts on a wall clock and the same in every run of a backtest on a simulated one.
   */
  readonly idPrefix?: string;
  /** Called when a report listener throws. Default: rethrow on a microtask, so the error is loud but the venue's state stays consistent. */
  readonly onListenerError?: (error: unknown, report: VenueReport) => void;
}

interface PaperOrder {
  readonly order: VenueOrder;
  readonly venueOrderId: string;
  state: 'in_transit' | 'working' | 'done';
  arrivedAt: number;
  filledQuantity: number;
  filledNotional: number;
  triggered: boolean;
}

/** The answer to every accepted submit (immutable, so one object serves all). */
const SENT: SubmitAck = Object.freeze({ outcome: 'sent' });

/**
 * A deterministic simulated venue implementing `Venue`. In backtest mode market orders fill at the open of
 * the first bar that starts at or after their arrival (the next bar), limits and stops trigger on bar highs
 * and lows; in live mode orders match the current quote. Commission, slippage, partial fills by volume
 * participation and order-entry latency (on the injected clock) are configurable. Unknown or untradable
 * symbols and malformed orders are rejected; a repeated client order id never creates a second order.
 * Its fill log (`fills()`) is the ground truth for tests and backtest reports.
 *
 * @example
 * const venue = new PaperVenue({ registry, clock, mode: 'backtest', slippageBps: 5 });
 * venue.onReport((r) => book.apply(r, clock.now()));
 * await venue.submit(toVenueOrder(approved));
 * venue.onBar(nextBar); // fills at nextBar.open + 5 bps
 */
export class PaperVenue implements Venue {
  readonly name: string;
  readonly #registry: InstrumentRegistry;
  readonly #clock: VenueClock;
  readonly #mode: 'backtest' | 'live';
  readonly #commission: CommissionModel;
  readonly #slippageBps: number;
  readonly #maxParticipation: number | null;
  readonly #latencyMs: number;
  readonly #onListenerError: (error: unknown, report: VenueReport) => void;
  readonly #orders = new Map<string, PaperOrder>();
  /** Orders not done (in transit or working), in submission order: what bars, quotes and expiries match. */
  readonly #live = new Map<string, PaperOrder>();
  /** How many of `#live` are for each symbol (a backtest asks per bar). */
  readonly #liveBySymbol = new Map<string, number>();
  readonly #fills: VenueFill[] = [];
  readonly #quotes = new Map<string, Quote>();
  readonly #reportListeners = new Set<(report: VenueReport) => void>();
  readonly #statusListeners = new Set<(status: VenueStatus) => void>();
  #status: VenueStatus = 'connected';
  readonly #idPrefix: string;
  #orderSeq = 0;
  #execSeq = 0;

  constructor(options: PaperVenueOptions) {
    this.name = options.name ?? DEFAULT_PAPER_VENUE_NAME;
    this.#idPrefix = options.idPrefix ?? `${this.name}-${Math.max(0, Math.floor(options.clock.now())).toString(36)}`;
    this.#registry = options.registry;
    this.#clock = options.clock;
    this.#mode = options.mode;
    this.#commission = options.commission ?? DEFAULT_COMMISSION;
    this.#slippageBps = options.slippageBps ?? DEFAULT_SLIPPAGE_BPS;
    this.#maxParticipation = options.maxParticipation ?? null;
    this.#latencyMs = options.latencyMs ?? DEFAULT_PAPER_LATENCY_MS;
    this.#onListenerError = options.onListenerError ?? ((error) => queueMicrotask(() => { throw error; }));
  }

  get status(): VenueStatus {
    return this.#status;
  }

  connect(): Promise<void> {
    this.#setStatus('connected');
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.#setStatus('disconnected');
    return Promise.resolve();
  }

  submit(order: VenueOrder): Promise<SubmitAck> {
    try {
      return Promise.resolve(this.submitNow(order));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** `submit`, answered at once: a paper venue takes a request in this process. */
  submitNow(order: VenueOrder): SubmitAck {
    if (this.#status !== 'connected') throw new VenueUnavailableError(this.name, 'submit');
    const existing = this.#orders.get(order.clientOrderId);
    if (existing !== undefined) return { outcome: 'duplicate', venueOrderId: existing.venueOrderId };
    this.#orderSeq += 1;
    const paper: PaperOrder = {
      order: frozenRecord(order),
      venueOrderId: `${this.#idPrefix}-${this.#orderSeq}`,
      state: 'in_transit',
      arrivedAt: Number.NaN,
      filledQuantity: 0,
      filledNotional: 0,
      triggered: false,
    };
    this.#orders.set(order.clientOrderId, paper);
    this.#live.set(order.clientOrderId, paper);
    this.#liveBySymbol.set(order.symbol, (this.#liveBySymbol.get(order.symbol) ?? 0) + 1);
    this.#afterLatency(() => this.#arrive(paper));
    return SENT;
  }

  cancel(clientOrderId: string): Promise<void> {
    if (this.#status !== 'connected') return Promise.reject(new VenueUnavailableError(this.name, 'cancel'));
    this.#afterLatency(() => {
      const paper = this.#orders.get(clientOrderId);
      const time = this.#clock.now();
      if (paper === undefined) return this.#emit({ kind: 'cancel_rejected', clientOrderId, reason: 'UNKNOWN_ORDER', time });
      if (paper.state === 'done') return this.#emit({ kind: 'cancel_rejected', clientOrderId, reason: 'ORDER_DONE', time });
      this.#done(paper);
      this.#emit({ kind: 'canceled', clientOrderId, reason: 'REQUESTED', time });
    });
    return Promise.resolve();
  }

  openOrders(): Promise<readonly VenueOpenOrder[]> {
    const open = [...this.#live.values()]
      .filter((p) => p.state === 'working')
      .map((p) => Object.freeze({
        clientOrderId: p.order.clientOrderId, venueOrderId: p.venueOrderId, symbol: p.order.symbol,
        side: p.order.side, quantity: p.order.quantity, filledQuantity: p.filledQuantity,
      }));
    return Promise.resolve(open);
  }

  executionsSince(cursor: ExecutionCursor): Promise<ExecutionPage> {
    const from = cursor === null ? 0 : Number(cursor);
    return Promise.resolve({ executions: this.#fills.slice(from), cursor: String(this.#fills.length) });
  }

  onReport(listener: (report: VenueReport) => void): Unsubscribe {
    this.#reportListeners.add(listener);
    return () => this.#reportListeners.delete(listener);
  }

  onStatus(listener: (status: VenueStatus) => void): Unsubscribe {
    this.#statusListeners.add(listener);
    return () => this.#statusListeners.delete(listener);
  }

  /** Orders submitted and not yet done (in transit or working): a backtest feeds bars only while there are some. */
  get pendingOrders(): number {
    return this.#live.size;
  }

  /** The symbols with orders submitted and not yet done, in no particular order: a backtest feeds a symbol's bars only while it has some. */
  pendingSymbols(): IterableIterator<string> {
    return this.#liveBySymbol.keys();
  }

  /** Every fill so far, in execution order: the ground truth. */
  fills(): readonly VenueFill[] {
    return [...this.#fills];
  }

  /**
   * Backtest mode: matches working orders of the bar's symbol that arrived at or before the bar's open
   * time, in arrival order, sharing the bar's participation cap. Ignored in live mode.
   */
  onBar(bar: Bar): void {
    const valid = validateBar(bar);
    if (this.#mode !== 'backtest') return;
    const tickSize = this.#registry.get(valid.symbol)?.tickSize;
    if (tickSize === undefined) return;
    let capacity = this.#capacity(valid);
    for (const paper of this.#working(valid.symbol)) {
      if (paper.arrivedAt > valid.time) continue;
      const outcome = matchBar(paper.order, valid, paper.triggered, this.#slippageBps, tickSize);
      capacity -= this.#execute(paper, outcome, capacity, valid.time);
    }
  }

  /** Live mode: records the quote and matches working orders of its symbol against it. Only recorded in backtest mode. */
  onQuote(quote: Quote): void {
    this.#quotes.set(quote.symbol, quote);
    if (this.#mode !== 'live') return;
    for (const paper of this.#working(quote.symbol)) this.#matchQuote(paper, quote);
  }

  /** Expires every open `day` order (call at the session close). */
  expireDayOrders(): void {
    for (const paper of this.#live.values()) {
      if (paper.order.tif !== 'day') continue;
      this.#done(paper);
      this.#emit({ kind: 'expired', clientOrderId: paper.order.clientOrderId, time: this.#clock.now() });
    }
  }

  #arrive(paper: PaperOrder): void {
    paper.arrivedAt = this.#clock.now();
    const problem = this.#problem(paper.order);
    if (problem !== undefined) {
      this.#done(paper);
      return this.#emit({ kind: 'rejected', clientOrderId: paper.order.clientOrderId, reason: problem, time: paper.arrivedAt });
    }
    if (paper.state === 'done') return; // canceled while in transit
    paper.state = 'working';
    this.#emit({ kind: 'accepted', clientOrderId: paper.order.clientOrderId, venueOrderId: paper.venueOrderId, time: paper.arrivedAt });
    const quote = this.#quotes.get(paper.order.symbol);
    if (this.#mode === 'live' && quote !== undefined) this.#matchQuote(paper, quote);
  }

  #matchQuote(paper: PaperOrder, quote: Quote): void {
    const tickSize = this.#registry.get(paper.order.symbol)!.tickSize;
    const outcome = matchQuote(paper.order, quote, paper.triggered, this.#slippageBps, tickSize);
    this.#execute(paper, outcome, Number.POSITIVE_INFINITY, Math.max(quote.time, paper.arrivedAt));
  }

  /** Applies a match outcome; returns the quantity filled. */
  #execute(paper: PaperOrder, outcome: MatchOutcome, capacity: number, time: number): number {
    paper.triggered = outcome.triggered;
    if (outcome.price === undefined) return 0;
    const quantity = Math.min(paper.order.quantity - paper.filledQuantity, capacity);
    if (quantity <= 0) return 0;
    const price = outcome.price;
    const commission = fillCommission(this.#commission, { quantity: paper.filledQuantity, notional: paper.filledNotional }, { quantity, price });
    paper.filledQuantity += quantity;
    paper.filledNotional += quantity * price;
    const leavesQuantity = paper.order.quantity - paper.filledQuantity;
    if (leavesQuantity === 0) this.#done(paper);
    this.#execSeq += 1;
    const { clientOrderId, portfolioId, symbol, side } = paper.order;
    const fill: VenueFill = Object.freeze({
      fillId: `${this.#idPrefix}-E${this.#execSeq}`, clientOrderId, portfolioId, symbol, side, quantity, price, commission, time,
      venue: this.name, venueOrderId: paper.venueOrderId, leavesQuantity,
    });
    this.#fills.push(fill);
    this.#emit({ kind: 'fill', clientOrderId, fill });
    return quantity;
  }

  #capacity(bar: Bar): number {
    if (this.#maxParticipation === null) return Number.POSITIVE_INFINITY;
    const lot = this.#registry.get(bar.symbol)?.lotSize ?? 1;
    return Math.floor((bar.volume * this.#maxParticipation) / lot) * lot;
  }

  #working(symbol: string): PaperOrder[] {
    const out: PaperOrder[] = [];
    for (const p of this.#live.values()) if (p.state === 'working' && p.order.symbol === symbol) out.push(p);
    return out;
  }

  #done(paper: PaperOrder): void {
    paper.state = 'done';
    if (!this.#live.delete(paper.order.clientOrderId)) return;
    const symbol = paper.order.symbol;
    const left = this.#liveBySymbol.get(symbol)! - 1;
    if (left === 0) this.#liveBySymbol.delete(symbol);
    else this.#liveBySymbol.set(symbol, left);
  }

  #problem(order: VenueOrder): string | undefined {
    const instrument = this.#registry.get(order.symbol);
    if (instrument === undefined) return `UNKNOWN_SYMBOL: symbol=${order.symbol}`;
    if (!instrument.tradable) return `SYMBOL_NOT_TRADABLE: symbol=${order.symbol}`;
    if (!Number.isSafeInteger(order.quantity) || order.quantity <= 0 || order.quantity % instrument.lotSize !== 0) {
      return `INVALID_ORDER: quantity=${order.quantity}, lotSize=${instrument.lotSize}`;
    }
    for (const [field, needed] of [['limitPrice', needsLimitPrice(order.type)], ['stopPrice', needsStopPrice(order.type)]] as const) {
      const price = order[field];
      if (needed && (price === undefined || !(price > 0) || !isOnTick(price, instrument.tickSize))) return `INVALID_ORDER: ${field}=${String(price)}`;
    }
    return undefined;
  }

  #afterLatency(fn: () => void): void {
    if (this.#latencyMs <= 0) fn();
    else this.#clock.setTimer(this.#latencyMs, fn);
  }

  #emit(report: VenueReport): void {
    const frozen = Object.freeze(report);
    for (const listener of [...this.#reportListeners]) {
      try {
        listener(frozen);
      } catch (error) {
        this.#onListenerError(error, frozen);
      }
    }
  }

  #setStatus(status: VenueStatus): void {
    if (status === this.#status) return;
    this.#status = status;
    for (const listener of [...this.#statusListeners]) listener(status);
  }
}
