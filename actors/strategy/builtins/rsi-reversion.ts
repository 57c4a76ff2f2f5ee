import type { Bar } from '../../domain/bar.js';
import { RSI } from '../../market/indicators/rsi.js';
import { defineParams, int, num } from '../params.js';
import { Strategy } from '../strategy.js';
import { sharesFor } from './sizing.js';

const spec = {
  period: int('RSI length (Wilder smoothing), in bars', { default: 14, min: 2, max: 1_000 }),
  oversold: num('buy when RSI is below this', { default: 30, min: 0, max: 100 }),
  overbought: num('sell when RSI is above this', { default: 70, min: 0, max: 100 }),
  notional: num('money per entry; buys floor(notional / close) shares', { default: 10_000, min: 1 }),
};

/**
 * RSI mean reversion, long only. On the close of bar t, with RSI defined:
 * - RSI_t < oversold, flat, no open order: buy floor(notional / close_t) shares at market;
 * - RSI_t > overbought, long, no open order: sell the position at market.
 */
export class RsiReversion extends Strategy<typeof spec> {
  static readonly kind = 'rsi-reversion';
  static readonly description = 'RSI mean reversion, long only: buy when oversold, sell when overbought';
  static readonly params = defineParams(RsiReversion.kind, spec, (p) =>
    p.oversold < p.overbought ? [] : [`oversold (${p.oversold}) must be less than overbought (${p.overbought})`],
  );

  readonly #rsi = new Map<string, RSI>();

  override onStart(): void {
    for (const s of this.symbols) this.#rsi.set(s, new RSI(this.params.period));
  }

  override onBar(bar: Bar): void {
    const rsi = this.#rsi.get(bar.symbol)!.update(bar.close);
    if (rsi === undefined || this.hasOpenOrder(bar.symbol)) return;
    const position = this.position(bar.symbol);
    if (position === 0 && rsi < this.params.oversold) {
      const qty = sharesFor(this.params.notional, bar.close);
      if (qty > 0) this.buy(bar.symbol, qty);
    } else if (position > 0 && rsi > this.params.overbought) {
      this.close(bar.symbol);
    }
  }
}
