/** Returns kept per symbol for the risk actor's VaR (a year of daily bars). */
export const DEFAULT_VAR_WINDOW_RETURNS = 252;

/**
 * The simple returns `closes[i] / closes[i - 1] - 1` for `i` from `from` to `to` (inclusive), oldest first:
 * the one formula behind every VaR window.
 */
export function simpleReturns(closes: ArrayLike<number>, from: number, to: number): number[] {
  const returns: number[] = [];
  for (let i = Math.max(1, from); i <= to; i++) returns.push(closes[i]! / closes[i - 1]! - 1);
  return returns;
}

/**
 * The last `size` simple returns of `closes` up to and including `closes[end]`, oldest first, as a new
 * array; undefined when `end` is 0 (a first close has no return). `ReturnWindows` applies it to the closes
 * it keeps; the backtest engine slices `simpleReturns` of a whole series, which holds the same numbers.
 *
 * @example returnWindow([100, 110, 99], 2, 252) // [0.1, -0.1] (up to rounding)
 */
export function returnWindow(closes: ArrayLike<number>, end: number, size: number): number[] | undefined {
  return end < 1 ? undefined : simpleReturns(closes, end - size + 1, end);
}

/**
 * The last `size` simple returns of each symbol's closes, for the risk actor's VaR, kept as closes are
 * pushed one by one (the live feeder keeps them so).
 */
export class ReturnWindows {
  /** The last `size + 1` closes per symbol (at least two, so that a window of size 0 is still an array). */
  readonly #closes = new Map<string, number[]>();

  constructor(readonly size = DEFAULT_VAR_WINDOW_RETURNS) {}

  /** Adds a close; returns the symbol's window (a new array), or undefined for its first close. */
  push(symbol: string, close: number): readonly number[] | undefined {
    let closes = this.#closes.get(symbol);
    if (closes === undefined) this.#closes.set(symbol, (closes = []));
    closes.push(close);
    if (closes.length > Math.max(2, this.size + 1)) closes.shift();
    return returnWindow(closes, closes.length - 1, this.size);
  }
}
