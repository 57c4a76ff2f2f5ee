/** Returns kept per symbol for the risk actor's VaR (a year of daily bars). */
export const DEFAULT_VAR_WINDOW_RETURNS = 252;

/**
 * The last `size` simple returns of each symbol's closes, for the risk actor's VaR. The live feeder and the
 * backtest engine both keep them.
 */
export class ReturnWindows {
  readonly #lastClose = new Map<string, number>();
  readonly #returns = new Map<string, number[]>();

  constructor(readonly size = DEFAULT_VAR_WINDOW_RETURNS) {}

  /** Adds a close; returns a copy of the symbol's window, or undefined for its first close. */
  push(symbol: string, close: number): readonly number[] | undefined {
    const previous = this.#lastClose.get(symbol);
    this.#lastClose.set(symbol, close);
    if (previous === undefined) return undefined;
    let series = this.#returns.get(symbol);
    if (series === undefined) this.#returns.set(symbol, (series = []));
    series.push(close / previous - 1);
    if (series.length > this.size) series.shift();
    return series.slice();
  }
}
