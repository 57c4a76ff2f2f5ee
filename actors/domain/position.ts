/**
 * A holding in one symbol. `quantity` is signed (negative = short). `averageCost` is the average price
 * of the open quantity (0 when flat); `realizedPnl` is the trading P&L closed so far, before commissions.
 */
export interface Position {
  readonly symbol: string;
  readonly quantity: number;
  readonly averageCost: number;
  readonly realizedPnl: number;
}

/** A flat position in `symbol`. */
export function flatPosition(symbol: string): Position {
  return { symbol, quantity: 0, averageCost: 0, realizedPnl: 0 };
}
