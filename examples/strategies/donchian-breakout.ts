import type { Bar } from 'bifrost/domain';
import { defineParams, int, num, sharesFor, Strategy } from 'bifrost/strategy';

const spec = {
  entry: int('breakout channel: the highest high of the last `entry` bars', { default: 20, min: 2, max: 500 }),
  exit: int('exit channel: the lowest low of the last `exit` bars', { default: 10, min: 2, max: 500 }),
  notional: num('money per entry', { default: 10_000, min: 1 }),
};

/**
 * Donchian channel breakout (the Turtle traders' entry), long only: buy when the close breaks above the
 * highest high of the previous `entry` bars; sell when it breaks below the lowest low of the previous
 * `exit` bars.
 */
export class DonchianBreakout extends Strategy<typeof spec> {
  static readonly kind = 'donchian-breakout';
  static readonly description = 'Buy a close above the N-bar high; sell a close below the M-bar low';
  static readonly params = defineParams(DonchianBreakout.kind, spec);

  readonly #history = new Map<string, Bar[]>();

  override onBar(bar: Bar): void {
    const history = this.#history.get(bar.symbol) ?? [];
    this.#history.set(bar.symbol, history);
    const window = Math.max(this.params.entry, this.params.exit);
    if (history.length >= window && !this.hasOpenOrder(bar.symbol)) {
      const high = Math.max(...history.slice(-this.params.entry).map((b) => b.high));
      const low = Math.min(...history.slice(-this.params.exit).map((b) => b.low));
      const position = this.position(bar.symbol);
      if (position === 0 && bar.close > high) {
        const qty = sharesFor(this.params.notional, bar.close);
        if (qty > 0) this.buy(bar.symbol, qty);
      } else if (position > 0 && bar.close < low) {
        this.close(bar.symbol);
      }
    }
    history.push(bar);
    if (history.length > window) history.shift();
  }
}
