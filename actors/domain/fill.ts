import type { Side } from './order.js';

/**
 * One execution. `fillId` is the venue's execution id (IB's `execId`), unique per execution and the key
 * every consumer de-duplicates on: a fill delivered twice must be applied once.
 */
export interface Fill {
  readonly fillId: string;
  readonly clientOrderId: string;
  readonly portfolioId: string;
  readonly symbol: string;
  readonly side: Side;
  /** Units executed in this fill, a positive integer. */
  readonly quantity: number;
  readonly price: number;
  /** Commission charged for this fill, in the instrument's currency, non-negative. */
  readonly commission: number;
  /** Execution time, epoch milliseconds. */
  readonly time: number;
  /** Venue name, e.g. `paper` or `ib`. */
  readonly venue: string;
}

/** Every problem with a fill, each naming its field; empty when the fill is valid. */
export function fillProblems(fill: Fill): string[] {
  const problems: string[] = [];
  for (const field of ['fillId', 'clientOrderId', 'portfolioId', 'symbol', 'venue'] as const) {
    if (typeof fill[field] !== 'string' || fill[field].length === 0) problems.push(`${field} is empty`);
  }
  if (fill.side !== 'buy' && fill.side !== 'sell') problems.push(`side ${String(fill.side)} is not buy or sell`);
  if (!Number.isSafeInteger(fill.quantity) || fill.quantity <= 0) problems.push(`quantity ${fill.quantity} is not a positive integer`);
  if (!Number.isFinite(fill.price) || fill.price <= 0) problems.push(`price ${fill.price} is not a positive finite number`);
  if (!Number.isFinite(fill.commission) || fill.commission < 0) problems.push(`commission ${fill.commission} is not a non-negative finite number`);
  if (!Number.isSafeInteger(fill.time) || fill.time < 0) problems.push(`time ${fill.time} is not a non-negative epoch-ms integer`);
  return problems;
}
