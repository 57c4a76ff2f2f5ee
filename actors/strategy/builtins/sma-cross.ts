import type { Bar } from '../../domain/bar.js';
import { SMA } from '../../market/indicators/sma.js';
import { defineParams, int, num } from '../params.js';
import { Strategy } from '../strategy.js';
import { sharesFor } from './sizing.js';

const spec = {
  fast: int('fast simple moving average of closes, in bars', { default: 10, min: 1, max: 1_000 }),
  slow: int('slow simple moving average of closes, in bars', { default: 30, min: 2, max: 5_000 }),
  notional: num('money per entry; buys floor(notional / close) shares', { default: 10_000, min: 1 }),
};

interface Lines {
  readonly fast: SMA;
  readonly slow: SMA;
  prevFast: number | undefined;
  prevSlow: number | undefined;
}

/**
 * Moving-average crossover, long only. On the close of bar t, with both averages defined at t and t−1:
 * - golden cross (fast_t > slow_t and fast_{t−1} <= slow_{t−1}), flat, no open order: buy
 *   floor(notional / close_t) shares at market;
 * - death cross (fast_t < slow_t and fast_{t−1} >= slow_{t−1}), long, no open order: sell the position at market.
 * In a backtest a market order fills at the next bar's open.
 */
export class SmaCross extends Strategy<typeof spec> {
  static readonly kind = 'sma-cross';
  static readonly description = 'Moving-average crossover, long only: buy on a golden cross, sell on a death cross';
  static readonly params = defineParams(SmaCross.kind, spec, (p) => (p.fast < p.slow ? [] : [`fast (${p.fast}) must be less than slow (${p.slow})`]));

  readonly #lines = new Map<string, Lines>();

  override onStart(): void {
    for (const s of this.symbols) this.#lines.set(s, { fast: new SMA(this.params.fast), slow: new SMA(this.params.slow), prevFast: undefined, prevSlow: undefined });
  }

  override onBar(bar: Bar): void {
    const l = this.#lines.get(bar.symbol)!;
    const fast = l.fast.update(bar.close);
    const slow = l.slow.update(bar.close);
    const { prevFast, prevSlow } = l;
    l.prevFast = fast;
    l.prevSlow = slow;
    if (fast === undefined || slow === undefined || prevFast === undefined || prevSlow === undefined) return;
    if (this.hasOpenOrder(bar.symbol)) return;
    const position = this.position(bar.symbol);
    if (position === 0 && fast > slow && prevFast <= prevSlow) {
      const qty = sharesFor(this.params.notional, bar.close);
      if (qty > 0) this.buy(bar.symbol, qty);
    } else if (position > 0 && fast < slow && prevFast >= prevSlow) {
      this.close(bar.symbol);
    }
  }
}
