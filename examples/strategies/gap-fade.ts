import type { Bar, Fill } from 'bifrost/domain';
import { defineParams, int, num, sharesFor, Strategy } from 'bifrost/strategy';

const spec = {
  gap: num('fractional gap down that triggers an entry', { default: 0.02, min: 0.001, max: 0.5 }),
  holdBars: int('exit after this many bars at the latest', { default: 5, min: 1 }),
  notional: num('money per entry', { default: 10_000, min: 1 }),
};

export class GapFade extends Strategy<typeof spec> {
  static readonly kind = 'gap-fade';
  static readonly description = 'Buy a gap down at the close; sell at the gap fill or after holdBars bars';
  static readonly params = defineParams(GapFade.kind, spec);

  readonly #target = new Map<string, number>();
  readonly #age = new Map<string, number>();

  override onBar(bar: Bar, previous: Bar | undefined): void {
    if (previous === undefined || this.hasOpenOrder(bar.symbol)) return;
    const position = this.position(bar.symbol);
    if (position === 0 && bar.open < previous.close * (1 - this.params.gap)) {
      const qty = sharesFor(this.params.notional, bar.close);
      if (qty > 0) {
        this.#target.set(bar.symbol, previous.close);
        this.buy(bar.symbol, qty);
      }
    } else if (position > 0) {
      const age = (this.#age.get(bar.symbol) ?? 0) + 1;
      this.#age.set(bar.symbol, age);
      if (bar.close >= this.#target.get(bar.symbol)! || age >= this.params.holdBars) this.close(bar.symbol);
    }
  }

  override onFill(fill: Fill): void {
    if (this.position(fill.symbol) === 0) this.#age.delete(fill.symbol);
  }
}
