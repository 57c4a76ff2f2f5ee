/** A top-of-book quote. `time` is epoch milliseconds (UTC). */
export interface Quote {
  readonly symbol: string;
  readonly time: number;
  readonly bid: number;
  readonly ask: number;
  /** Last trade price, when the source reports one. */
  readonly last?: number;
}

/** Mid price of a quote: `(bid + ask) / 2`. */
export function midPrice(quote: Quote): number {
  return (quote.bid + quote.ask) / 2;
}

/** Every problem with a quote: non-finite or non-positive prices, a crossed book, a bad time. */
export function quoteProblems(quote: Quote): string[] {
  const problems: string[] = [];
  if (typeof quote.symbol !== 'string' || quote.symbol.length === 0) problems.push('symbol is empty');
  if (!Number.isSafeInteger(quote.time) || quote.time < 0) problems.push(`time ${quote.time} is not a non-negative epoch-ms integer`);
  for (const field of ['bid', 'ask'] as const) {
    const v = quote[field];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) problems.push(`${field} ${v} is not a positive finite number`);
  }
  if (quote.last !== undefined && (!Number.isFinite(quote.last) || quote.last <= 0)) {
    problems.push(`last ${quote.last} is not a positive finite number`);
  }
  if (problems.length === 0 && quote.bid > quote.ask) problems.push(`bid ${quote.bid} > ask ${quote.ask} (crossed)`);
  return problems;
}
