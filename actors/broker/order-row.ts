import type { OrderType, Side, TimeInForce } from '../domain/order.js';
import type { OrderStatus } from './oms-state.js';
import type { OmsOrder } from './order-book.js';

/** An OMS order flattened for a table: the blotter, the inspector, JSON output. */
export interface OrderRow {
  readonly clientOrderId: string;
  readonly portfolioId: string;
  readonly strategyId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly orderType: OrderType;
  readonly quantity: number;
  readonly limitPrice?: number;
  readonly stopPrice?: number;
  readonly tif: TimeInForce;
  readonly status: OrderStatus;
  readonly filledQuantity: number;
  readonly leavesQuantity: number;
  /** Volume-weighted average fill price; 0 before the first fill. */
  readonly averagePrice: number;
  /** The outcome of a submit is unknown until reconciliation settles it. */
  readonly ambiguous: boolean;
  readonly reason?: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export function orderRow(o: OmsOrder): OrderRow {
  const r = o.order;
  return {
    clientOrderId: o.clientOrderId,
    portfolioId: r.portfolioId,
    strategyId: r.strategyId,
    symbol: r.symbol,
    side: r.side,
    orderType: r.type,
    quantity: r.quantity,
    ...(r.limitPrice === undefined ? {} : { limitPrice: r.limitPrice }),
    ...(r.stopPrice === undefined ? {} : { stopPrice: r.stopPrice }),
    tif: r.tif,
    status: o.status,
    filledQuantity: o.filledQuantity,
    leavesQuantity: o.leavesQuantity,
    averagePrice: o.averagePrice,
    ambiguous: o.ambiguous,
    ...(o.reason === undefined ? {} : { reason: o.reason }),
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
  };
}
