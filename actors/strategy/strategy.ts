import { createHash } from 'node:crypto';
import { Actor } from '../../runtime/actor.js';
import type { ActorContext } from '../../runtime/actor.js';
import type { Cancellable } from '../../runtime/clock.js';
import type { ActorRef, Message } from '../../runtime/ref.js';
import type { Bar } from '../domain/bar.js';
import { ClientOrderIdGenerator } from '../domain/client-order-id.js';
import type { Fill } from '../domain/fill.js';
import type { OrderRequest, OrderType, Side, TimeInForce } from '../domain/order.js';
import type { Quote } from '../domain/quote.js';
import type { OmsOrder } from '../broker/order-book.js';
import { isTerminal } from '../broker/oms-state.js';
import type { Denial, DenialContext } from '../risk/denial.js';
import type { RiskProtocol } from '../risk/protocol.js';
import { BACKTEST_PACER } from './pacer.js';
import type { BacktestPacer } from './pacer.js';
import type { ParamSpec, ParamsDefinition, ParamsOf } from './params.js';
import type { MarketSlices, StrategyProtocol, StrategyStatus } from './protocol.js';

/** What every strategy actor is spawned with: plain data, so a cluster node can spawn it by kind name. */
export interface StrategyProps {
  /** Unique among strategies; appears on every order (`strategyId`) and in client order ids. */
  readonly strategyId: string;
  readonly portfolioId: string;
  readonly symbols: readonly string[];
  /** Unvalidated params; the class's `params` definition parses them in `started()`. */
  readonly params?: unknown;
  /** The risk actor every order goes to. There is no other way to send one. */
  readonly risk: ActorRef<RiskProtocol>;
  /**
   * Clock time between re-sends of an order nothing has acknowledged yet (no order update, fill or denial
   * for its client order id). The re-send carries the same client order id, so the risk actor and the
   * broker treat it as the same order. Default {@link DEFAULT_ORDER_RETRY_MS}; `0` turns re-sends off.
   */
  readonly orderRetryMs?: number;
  /** Age at which an unacknowledged order is given up ({@link ORDER_UNACKNOWLEDGED}). Default {@link DEFAULT_ORDER_ACK_TIMEOUT_MS}. */
  readonly orderAckTimeoutMs?: number;
}

/** Default {@link StrategyProps.orderRetryMs}: an unacknowledged order is sent again every 2 s of clock time. */
export const DEFAULT_ORDER_RETRY_MS = 2_000;
/** Default {@link StrategyProps.orderAckTimeoutMs}: an order unacknowledged for 30 s is given up. */
export const DEFAULT_ORDER_ACK_TIMEOUT_MS = 30_000;

/**
 * The code `onOrderDenied` receives for an order the strategy gave up on because nothing acknowledged it
 * within `orderAckTimeoutMs`. It is the strategy's own verdict, not the risk actor's: the order may still
 * reach the broker (a late fill then arrives through `onFill` as usual).
 */
export const ORDER_UNACKNOWLEDGED = 'ORDER_UNACKNOWLEDGED';

/** What `onOrderDenied` receives for an order given up unacknowledged (shaped like a risk `Denial`). */
export interface OrderUnacknowledged {
  readonly code: typeof ORDER_UNACKNOWLEDGED;
  /** `ORDER_UNACKNOWLEDGED: attempts=<n>, ageMs=<ms>` */
  readonly message: string;
  readonly context: DenialContext;
}

/** Fill ids remembered to count a fill reported twice only once (a restarted broker, a failover). */
const SEEN_FILLS_KEPT = 10_000;

/** The strategy's own timer message: re-send or give up the orders that are due. Never sent by anyone else. */
const RETRY_ORDERS = 'strategy.retryOrders';

interface Unacknowledged {
  readonly order: OrderRequest;
  readonly firstSentAt: number;
  lastSentAt: number;
  attempts: number;
}

/** Options of an order beyond symbol, side and quantity. Default: a market order, good for the day. */
export interface OrderOptions {
  readonly type?: OrderType;
  readonly limitPrice?: number;
  readonly stopPrice?: number;
  readonly tif?: TimeInForce;
}

/** The static side of a strategy class: its kind name and its params definition. */
export interface StrategyClass<S extends ParamSpec = ParamSpec> {
  new (props: StrategyProps): Strategy<S>;
  readonly kind: string;
  readonly params: ParamsDefinition<S>;
  readonly description: string;
}

/**
 * Base class for strategy authors. Override the hooks you need; send orders with `buy`, `sell`,
 * `close` or `submit`, which all go to the risk actor. The same class runs in a backtest, in the
 * embedded node and in the cluster.
 *
 * The base keeps the strategy's own view: positions from its fills, open orders from order updates,
 * the last bar per symbol. It does not see the portfolio's cash; size orders from params or prices.
 *
 * @example
 * class BuyTheDip extends Strategy<typeof BuyTheDip.spec> {
 *   static readonly kind = 'buy-the-dip';
 *   static readonly description = 'Buys after a fall of `drop` from the last close';
 *   static readonly spec = { drop: num('fractional fall that triggers a buy', { default: 0.05, min: 0, max: 1 }) };
 *   static readonly params = defineParams(BuyTheDip.kind, BuyTheDip.spec);
 *   override onBar(bar: Bar, previous: Bar | undefined): void {
 *     if (previous && bar.close < previous.close * (1 - this.params.drop) && this.position(bar.symbol) === 0) this.buy(bar.symbol, 10);
 *   }
 * }
 */
export abstract class Strategy<S extends ParamSpec = ParamSpec> extends Actor<StrategyProtocol, StrategyProps> {
  #params!: ParamsOf<S>;
  #ids!: ClientOrderIdGenerator;
  readonly #positions = new Map<string, number>();
  readonly #open = new Map<string, OrderRequest>();
  /** One slot per subscribed symbol holding its last bar: one lookup per bar. */
  readonly #slots = new Map<string, { last: Bar | undefined }>();
  /** Orders sent and not yet acknowledged, by client order id (at-least-once: re-sent until acknowledged). */
  readonly #unacked = new Map<string, Unacknowledged>();
  #retryTimer: Cancellable | undefined;
  #retries = 0;
  #pacer: BacktestPacer | undefined;
  /** Recent fill ids, oldest first: a fill announced again (after a broker restart or a failover) counts once. */
  readonly #seenFills = new Set<string>();
  #submitted = 0;
  #denied = 0;
  #fills = 0;
  #bars = 0;

  // ---- hooks for authors ----

  /** After params are parsed, before the first bar. */
  onStart(): void {}
  /** Each bar of a subscribed symbol, in time order; `previous` is the symbol's bar before it. */
  onBar(_bar: Bar, _previous: Bar | undefined): void {}
  onQuote(_quote: Quote): void {}
  /** Each fill of one of this strategy's orders, once per fill id, after the position has been updated. */
  onFill(_fill: Fill): void {}
  /**
   * An order the risk actor refused, with its stable code (e.g. `NOTIONAL_EXCEEDS_MAX_PER_ORDER`), or one
   * the strategy gave up on because nothing acknowledged it ({@link ORDER_UNACKNOWLEDGED}).
   */
  onOrderDenied(_order: OrderRequest, _denial: Denial | OrderUnacknowledged): void {}
  onOrderUpdate(_order: OmsOrder): void {}
  onStop(): void {}

  // ---- what authors read ----

  /** Validated params, defaults filled in. */
  protected get params(): ParamsOf<S> {
    return this.#params;
  }

  protected get symbols(): readonly string[] {
    return this.props.symbols;
  }

  /** Current time on the strategy's clock (simulated in backtests). */
  protected get now(): number {
    return this.context.clock.now();
  }

  /** Signed quantity held, from this strategy's own fills. */
  protected position(symbol: string): number {
    return this.#positions.get(symbol) ?? 0;
  }

  /** Orders sent and not yet finished (filled, canceled, rejected, denied or expired). */
  protected openOrders(symbol?: string): OrderRequest[] {
    const all = [...this.#open.values()];
    return symbol === undefined ? all : all.filter((o) => o.symbol === symbol);
  }

  protected hasOpenOrder(symbol: string): boolean {
    for (const o of this.#open.values()) if (o.symbol === symbol) return true;
    return false;
  }

  protected lastBar(symbol: string): Bar | undefined {
    return this.#slots.get(symbol)?.last;
  }

  // ---- orders ----

  protected buy(symbol: string, quantity: number, options?: OrderOptions): string {
    return this.submit(symbol, 'buy', quantity, options);
  }

  protected sell(symbol: string, quantity: number, options?: OrderOptions): string {
    return this.submit(symbol, 'sell', quantity, options);
  }

  /** Closes the position in `symbol` with a market order; undefined when flat. */
  protected close(symbol: string): string | undefined {
    const qty = this.position(symbol);
    if (qty === 0) return undefined;
    return this.submit(symbol, qty > 0 ? 'sell' : 'buy', Math.abs(qty));
  }

  /**
   * Sends an order to the risk actor and returns its client order id. The outcome arrives as a fill, update
   * or denial; until one does, the order is sent again with the same client order id every `orderRetryMs`.
   */
  protected submit(symbol: string, side: Side, quantity: number, options: OrderOptions = {}): string {
    const order: OrderRequest = {
      clientOrderId: this.#ids.next(),
      portfolioId: this.props.portfolioId,
      strategyId: this.props.strategyId,
      symbol,
      side,
      type: options.type ?? 'market',
      quantity,
      ...(options.limitPrice === undefined ? {} : { limitPrice: options.limitPrice }),
      ...(options.stopPrice === undefined ? {} : { stopPrice: options.stopPrice }),
      tif: options.tif ?? 'day',
      createdAt: this.now,
    };
    this.#open.set(order.clientOrderId, order);
    this.#submitted++;
    this.context.tell(this.props.risk, { type: 'risk.submitOrder', order });
    if (this.#retryMs() > 0) {
      this.#unacked.set(order.clientOrderId, { order, firstSentAt: order.createdAt, lastSentAt: order.createdAt, attempts: 1 });
      this.#retryTimer ??= this.#scheduleRetry(this.#retryMs());
    }
    return order.clientOrderId;
  }

  // ---- at-least-once submission ----

  #retryMs(): number {
    return this.props.orderRetryMs ?? DEFAULT_ORDER_RETRY_MS;
  }

  #scheduleRetry(delayMs: number): Cancellable {
    return this.context.schedule(Math.max(1, delayMs), { type: RETRY_ORDERS } as Message as StrategyProtocol);
  }

  /** An order update, fill or denial names the order: stop re-sending it. */
  #acknowledged(clientOrderId: string): void {
    if (!this.#unacked.delete(clientOrderId) || this.#unacked.size > 0) return;
    this.#retryTimer?.cancel();
    this.#retryTimer = undefined;
  }

  /** Re-sends every order whose last send is `orderRetryMs` old, gives up those past `orderAckTimeoutMs`. */
  #retryDue(ctx: ActorContext<StrategyProtocol>): void {
    this.#retryTimer = undefined;
    const now = ctx.clock.now();
    const retryMs = this.#retryMs();
    const timeoutMs = this.props.orderAckTimeoutMs ?? DEFAULT_ORDER_ACK_TIMEOUT_MS;
    let next = Number.POSITIVE_INFINITY;
    for (const [id, pending] of [...this.#unacked]) {
      const age = now - pending.firstSentAt;
      if (age >= timeoutMs) {
        this.#unacked.delete(id);
        this.#open.delete(id);
        this.#denied++;
        const context = { attempts: pending.attempts, ageMs: age };
        this.onOrderDenied(pending.order, Object.freeze({ code: ORDER_UNACKNOWLEDGED, message: `${ORDER_UNACKNOWLEDGED}: attempts=${pending.attempts}, ageMs=${age}`, context: Object.freeze(context) }));
        continue;
      }
      if (now - pending.lastSentAt >= retryMs) {
        pending.lastSentAt = now;
        pending.attempts++;
        this.#retries++;
        ctx.tell(this.props.risk, { type: 'risk.submitOrder', order: pending.order });
      }
      next = Math.min(next, pending.lastSentAt + retryMs, pending.firstSentAt + timeoutMs);
    }
    if (this.#unacked.size > 0) this.#retryTimer = this.#scheduleRetry(next - now);
  }

  // ---- the actor side ----

  override started(ctx: ActorContext<StrategyProtocol>): void {
    const cls = this.constructor as unknown as StrategyClass<S>;
    this.#params = cls.params.parse(this.props.params) as ParamsOf<S>;
    for (const s of this.props.symbols) if (!this.#slots.has(s)) this.#slots.set(s, { last: undefined });
    // Ids: a per-strategy prefix (the id grammar allows 32 of [A-Za-z0-9_]) plus the restart count, with the
    // generator's clock epoch, so a restarted instance never reissues an id even at the same simulated time.
    const prefix = createHash('sha256').update(`${ctx.system.node}/${this.props.strategyId}`).digest('hex').slice(0, 12);
    this.#ids = ClientOrderIdGenerator.start(`s${prefix}_${ctx.stats.restarts.toString(36)}`, ctx.clock.now());
    this.onStart();
  }

  override stopped(): void {
    this.onStop();
  }

  receive(msg: StrategyProtocol, ctx: ActorContext<StrategyProtocol>): void {
    if ((msg as Message).type === RETRY_ORDERS) return this.#retryDue(ctx);
    switch (msg.type) {
      case 'market.bar':
        return this.#handleBar(msg.bar);
      case 'market.bars':
        for (const bar of msg.bars) this.#handleBar(bar);
        return;
      case 'market.slices':
        return this.#handleSlices(msg, ctx);
      case 'market.quote':
        return this.onQuote(msg.quote);
      case 'broker.fill':
        return this.#handleFill(msg.fill);
      case 'broker.orderUpdate':
        return this.#handleOrderUpdate(msg.order);
      case 'risk.orderDenied':
        return this.#handleDenied(msg.order, msg.denial);
      case 'strategy.getStatus':
        return ctx.reply<StrategyStatus>(this.status());
    }
  }

  #handleBar(bar: Bar): void {
    const slot = this.#slots.get(bar.symbol);
    if (slot === undefined) return;
    const previous = slot.last;
    slot.last = bar;
    this.#bars++;
    this.onBar(bar, previous);
  }

  /** Takes slices until the pacer says stop: the rest of the system must see what this one caused first. */
  #handleSlices(msg: MarketSlices, ctx: ActorContext<StrategyProtocol>): void {
    const pacer = (this.#pacer ??= ctx.system.services.get(BACKTEST_PACER));
    for (let i = msg.from; i < msg.to; i++) {
      const slice = msg.slices[i]!;
      if (!pacer.enter(i, slice[0]!.time)) return;
      for (const bar of slice) this.#handleBar(bar);
      if (pacer.mustStop(ctx.self)) return;
    }
  }

  #handleFill(fill: Fill): void {
    this.#acknowledged(fill.clientOrderId);
    if (this.#seenFills.has(fill.fillId)) return;
    this.#seenFills.add(fill.fillId);
    if (this.#seenFills.size > SEEN_FILLS_KEPT) this.#seenFills.delete(this.#seenFills.values().next().value!);
    this.#fills++;
    const signed = fill.side === 'buy' ? fill.quantity : -fill.quantity;
    this.#positions.set(fill.symbol, this.position(fill.symbol) + signed);
    this.onFill(fill);
  }

  #handleOrderUpdate(order: OmsOrder): void {
    this.#acknowledged(order.clientOrderId);
    if (isTerminal(order.status)) this.#open.delete(order.clientOrderId);
    this.onOrderUpdate(order);
  }

  #handleDenied(order: OrderRequest, denial: Denial): void {
    this.#acknowledged(order.clientOrderId);
    this.#open.delete(order.clientOrderId);
    this.#denied++;
    this.onOrderDenied(order, denial);
  }

  /** A summary for the inspector and the UI. */
  status(): StrategyStatus {
    const cls = this.constructor as unknown as StrategyClass<S>;
    return {
      type: 'strategy.status',
      strategyId: this.props.strategyId,
      kind: cls.kind,
      params: this.#params,
      positions: Object.fromEntries(this.#positions),
      openOrders: this.#open.size,
      ordersSubmitted: this.#submitted,
      ordersDenied: this.#denied,
      fills: this.#fills,
      barsSeen: this.#bars,
    };
  }

  override inspect(): Record<string, unknown> {
    const { type: _type, ...rest } = this.status();
    return { ...rest, unacknowledgedOrders: this.#unacked.size, orderRetries: this.#retries };
  }
}
