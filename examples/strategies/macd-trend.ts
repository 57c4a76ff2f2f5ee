import type { Bar } from 'bifrost/domain';
import type { Fill } from 'bifrost/domain';
import { MACD } from 'bifrost/market';
import { defineParams, int, num, sharesFor, Strategy } from 'bifrost/strategy';

const spec = {
  fast: int('MACD fast EMA, bars', { default: 12, min: 1 }),
  slow: int('MACD slow EMA, bars', { default: 26, min: 2 }),
  signal: int('MACD signal EMA, bars', { default: 9, min: 1 }),
  notional: num('money per entry', { default: 10_000, min: 1 }),
  maxHoldBars: int('close a position after this many bars, whatever the signal', { default: 60, min: 1 }),
};

/**
 * MACD trend following with a time stop, long only: buy when the MACD histogram turns positive, sell when
 * it turns negative or after `maxHoldBars` bars in the position.
 */
export class MacdTrend extends Strategy<typeof spec> {
  static readonly kind = 'macd-trend';
  static readonly description = 'Buy when the MACD histogram turns positive; sell when it turns negative or after a time stop';
  static readonly params = defineParams(MacdTrend.kind, spec, (p) => (p.fast < p.slow ? [] : [`fast (${p.fast}) must be less than slow (${p.slow})`]));

  readonly #macd = new Map<string, MACD>();
  readonly #previous = new Map<string, number>();
  readonly #held = new Map<string, number>();

  override onStart(): void {
    for (const s of this.symbols) this.#macd.set(s, new MACD({ fast: this.params.fast, slow: this.params.slow, signal: this.params.signal }));
  }

  override onFill(fill: Fill): void {
    if (this.position(fill.symbol) === 0) this.#held.delete(fill.symbol);
    else if (!this.#held.has(fill.symbol)) this.#held.set(fill.symbol, 0);
  }

  override onBar(bar: Bar): void {
    const value = this.#macd.get(bar.symbol)!.update(bar.close);
    if (value === undefined) return;
    const previous = this.#previous.get(bar.symbol);
    this.#previous.set(bar.symbol, value.histogram);
    if (this.#held.has(bar.symbol)) this.#held.set(bar.symbol, this.#held.get(bar.symbol)! + 1);
    if (previous === undefined || this.hasOpenOrder(bar.symbol)) return;
    const position = this.position(bar.symbol);
    if (position === 0 && previous <= 0 && value.histogram > 0) {
      const qty = sharesFor(this.params.notional, bar.close);
      if (qty > 0) this.buy(bar.symbol, qty);
    } else if (position > 0 && ((previous >= 0 && value.histogram < 0) || this.#held.get(bar.symbol)! >= this.params.maxHoldBars)) {
      this.close(bar.symbol);
    }
  }
}
