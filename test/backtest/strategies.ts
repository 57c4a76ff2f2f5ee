import type { Bar, Fill, OrderRequest } from '../../actors/domain/index.js';
import { SyntheticFeed } from '../../actors/market/index.js';
import type { Denial } from '../../actors/risk/denial.js';
import { defineParams, int, num, Strategy } from '../../actors/strategy/index.js';
import type { StrategyProtocol } from '../../actors/strategy/index.js';
import type { ActorContext, Message } from '../../runtime/index.js';

const DAY = 86_400_000;

/** Three synthetic symbols with holes (a symbol missing from some slices), so slices differ in size. */
export function bars(perSymbol: number, seed: number): Bar[] {
  const all = new SyntheticFeed({ symbols: ['AAA', 'BBB', 'CCC'], seed, start: Date.UTC(2016, 0, 4) }).take(perSymbol * 3);
  return all.filter((_, i) => i % 17 !== 5 && i % 23 !== 11);
}

const restingSpec = {
  depth: num('limit distance from the close, as a fraction', { default: 0.01, min: 0, max: 0.5 }),
  patience: int('bars before an unfilled buy is canceled', { default: 4, min: 1 }),
  notional: num('money per entry', { default: 5_000, min: 1 }),
};

/** Limit orders that rest for several bars: a gtc buy under the close, a gtc sell over the entry, stale buys canceled. */
export class RestingLimits extends Strategy<typeof restingSpec> {
  static readonly kind = 'resting-limits';
  static readonly description = 'gtc limit buys under the close, limit sells over the entry';
  static readonly params = defineParams(RestingLimits.kind, restingSpec);
  readonly #age = new Map<string, { id: string; bars: number }>();

  override onBar(bar: Bar): void {
    const waiting = this.#age.get(bar.symbol);
    if (waiting !== undefined && this.hasOpenOrder(bar.symbol) && ++waiting.bars >= this.params.patience) {
      this.#age.delete(bar.symbol);
      this.context.tell(this.props.risk, { type: 'risk.cancelOrder', portfolioId: this.props.portfolioId, clientOrderId: waiting.id, requestedBy: this.props.strategyId });
      return;
    }
    if (this.hasOpenOrder(bar.symbol)) return;
    const position = this.position(bar.symbol);
    const tick = (x: number): number => Math.round(x * 100) / 100;
    if (position === 0) {
      const qty = Math.floor(this.params.notional / bar.close);
      const id = this.buy(bar.symbol, qty, { type: 'limit', limitPrice: tick(bar.close * (1 - this.params.depth)), tif: 'gtc' });
      this.#age.set(bar.symbol, { id, bars: 0 });
    } else if (position > 0) {
      this.sell(bar.symbol, position, { type: 'limit', limitPrice: tick(bar.close * (1 + this.params.depth)), tif: 'gtc' });
    }
  }
}

const reactiveSpec = {
  every: int('bars between timed entries, per symbol', { default: 5, min: 1 }),
  notional: num('money per entry', { default: 5_000, min: 1 }),
};

/**
 * Sends orders between bars: from a timer it sets in onBar (an entry, a day and a half later), from onFill (a
 * take-profit limit) and from onOrderDenied (one smaller retry). What it sends there must meet the risk actor
 * in the state of the slice before, as in an eager run.
 */
export class Reactive extends Strategy<typeof reactiveSpec> {
  static readonly kind = 'reactive';
  static readonly description = 'orders from timers, fills and denials';
  static readonly params = defineParams(Reactive.kind, reactiveSpec);
  readonly #count = new Map<string, number>();
  readonly #retried = new Set<string>();

  override onBar(bar: Bar): void {
    const n = (this.#count.get(bar.symbol) ?? 0) + 1;
    this.#count.set(bar.symbol, n);
    if (n % this.params.every === 0) this.context.schedule(1.5 * DAY, { type: 'reactive.wake', symbol: bar.symbol } as Message as StrategyProtocol);
  }

  override receive(msg: StrategyProtocol, ctx: ActorContext<StrategyProtocol>): void {
    const wake = msg as Message as { type: string; symbol: string };
    if (wake.type !== 'reactive.wake') return super.receive(msg, ctx);
    const last = this.lastBar(wake.symbol);
    if (last === undefined || this.hasOpenOrder(wake.symbol)) return;
    if (this.position(wake.symbol) > 0) this.close(wake.symbol);
    else this.buy(wake.symbol, Math.floor(this.params.notional / last.close));
  }

  override onFill(fill: Fill): void {
    if (fill.side === 'buy') this.sell(fill.symbol, fill.quantity, { type: 'limit', limitPrice: Math.round(fill.price * 102) / 100, tif: 'gtc' });
  }

  override onOrderDenied(order: OrderRequest, _denial: Denial): void {
    if (order.quantity < 2 || this.#retried.has(order.clientOrderId)) return;
    const id = this.submit(order.symbol, order.side, Math.floor(order.quantity / 2), { type: order.type, tif: order.tif, ...(order.limitPrice === undefined ? {} : { limitPrice: order.limitPrice }) });
    this.#retried.add(id);
  }
}
