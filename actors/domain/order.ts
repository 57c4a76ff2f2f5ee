/** Order sides. */
export const SIDES = ['buy', 'sell'] as const;
export type Side = (typeof SIDES)[number];

/** Order types the order path supports. */
export const ORDER_TYPES = ['market', 'limit', 'stop', 'stop_limit'] as const;
export type OrderType = (typeof ORDER_TYPES)[number];

/** Time in force: `day` expires at the end of the trading session, `gtc` rests until canceled. */
export const TIMES_IN_FORCE = ['day', 'gtc'] as const;
export type TimeInForce = (typeof TIMES_IN_FORCE)[number];

/**
 * What a strategy asks for. Prices are in the instrument's currency; `quantity` is in units (shares),
 * an integer multiple of the lot size. `createdAt` is epoch milliseconds from the injected clock.
 */
export interface OrderRequest {
  /** Unique across restarts and nodes; see `ClientOrderIdGenerator`. Retries reuse it. */
  readonly clientOrderId: string;
  readonly portfolioId: string;
  readonly strategyId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly type: OrderType;
  readonly quantity: number;
  /** Required for `limit` and `stop_limit`, absent otherwise. */
  readonly limitPrice?: number;
  /** Required for `stop` and `stop_limit`, absent otherwise. */
  readonly stopPrice?: number;
  readonly tif: TimeInForce;
  readonly createdAt: number;
}

/** +1 for a buy, -1 for a sell: the sign of the order's effect on the position. */
export function sideSign(side: Side): 1 | -1 {
  return side === 'buy' ? 1 : -1;
}

/** The opposite side. */
export function oppositeSide(side: Side): Side {
  return side === 'buy' ? 'sell' : 'buy';
}

/** Whether the order type carries a limit price. */
export function needsLimitPrice(type: OrderType): boolean {
  return type === 'limit' || type === 'stop_limit';
}

/** Whether the order type carries a stop (trigger) price. */
export function needsStopPrice(type: OrderType): boolean {
  return type === 'stop' || type === 'stop_limit';
}
