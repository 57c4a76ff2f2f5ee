/** Whole shares that `notional` buys at `price`; 0 when it buys none. Shared with the optimizer kernels. */
export function sharesFor(notional: number, price: number): number {
  return price > 0 ? Math.floor(notional / price) : 0;
}
