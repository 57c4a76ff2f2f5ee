import type { Bar } from '../../domain/bar.js';
import { ATR } from '../../market/indicators/atr.js';
import { BollingerBands } from '../../market/indicators/bollinger.js';
import { defineParams, int, num } from '../params.js';
import { Strategy } from '../strategy.js';
import { sharesFor } from './sizing.js';

const spec = {
  period: int('Bollinger Bands length, in bars', { default: 20, min: 2, max: 1_000 }),
  k: num('band width in (population) standard deviations', { default: 2, min: 0.1, max: 10 }),
  atrPeriod: int('ATR length (Wilder), in bars', { default: 14, min: 1, max: 1_000 }),
  atrMultiple: num('stop distance below the entry signal close, in ATRs', { default: 2, min: 0.1, max: 20 }),
  notional: num('money per entry; buys floor(notional / close) shares', { default: 10_000, min: 1 }),
};

interface Book {
  readonly bands: BollingerBands;
  readonly atr: ATR;
  stop: number;
}

/**
 * Bollinger band reversion with an ATR stop, long only. On the close of bar t, with bands and ATR defined:
 * - close_t < lower_t, flat, no open order: buy floor(notional / close_t) shares at market and set the stop
 *   at close_t − atrMultiple × ATR_t;
 * - long, no open order, and close_t > middle_t (target) or close_t < stop (stop): sell the position at market.
 * The stop is checked on closes, so it exits at the next bar's open, as the optimizer's kernel does.
 */
export class BollingerAtr extends Strategy<typeof spec> {
  static readonly kind = 'bollinger-atr';
  static readonly description = 'Buy below the lower Bollinger band; exit at the middle band or an ATR stop';
  static readonly params = defineParams(BollingerAtr.kind, spec);

  readonly #books = new Map<string, Book>();

  override onStart(): void {
    for (const s of this.symbols) this.#books.set(s, { bands: new BollingerBands(this.params.period, this.params.k), atr: new ATR(this.params.atrPeriod), stop: 0 });
  }

  override onBar(bar: Bar): void {
    const book = this.#books.get(bar.symbol)!;
    const band = book.bands.update(bar.close);
    const atr = book.atr.update(bar);
    if (band === undefined || atr === undefined || this.hasOpenOrder(bar.symbol)) return;
    const position = this.position(bar.symbol);
    if (position === 0 && bar.close < band.lower) {
      const qty = sharesFor(this.params.notional, bar.close);
      if (qty > 0) {
        book.stop = bar.close - this.params.atrMultiple * atr;
        this.buy(bar.symbol, qty);
      }
    } else if (position > 0 && (bar.close > band.middle || bar.close < book.stop)) {
      this.close(bar.symbol);
    }
  }
}
