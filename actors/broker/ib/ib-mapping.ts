import { OrderAction, OrderType as IbOrderType } from '@stoqey/ib';
import type { Contract, Order, SecType } from '@stoqey/ib';
import { needsLimitPrice, needsStopPrice } from '../../domain/order.js';
import type { OrderType, Side, TimeInForce } from '../../domain/order.js';
import type { VenueOrder } from '../venue.js';
import type { IbConfig } from './ib-config.js';

/** Our order types as IB names them. */
export const IB_ORDER_TYPES: Readonly<Record<OrderType, IbOrderType>> = Object.freeze({
  market: IbOrderType.MKT,
  limit: IbOrderType.LMT,
  stop: IbOrderType.STP,
  stop_limit: IbOrderType.STP_LMT,
});

/** Our times in force as IB names them. */
export const IB_TIMES_IN_FORCE: Readonly<Record<TimeInForce, 'DAY' | 'GTC'>> = Object.freeze({ day: 'DAY', gtc: 'GTC' });

/** The IB contract of a symbol: the configured defaults, then the symbol's overrides. */
export function toIbContract(symbol: string, config: Pick<IbConfig, 'contract' | 'contractsBySymbol'>): Contract {
  const spec = { ...config.contract, ...config.contractsBySymbol[symbol] };
  return {
    symbol,
    secType: spec.secType as SecType,
    exchange: spec.exchange,
    currency: spec.currency,
    ...(spec.primaryExchange === undefined ? {} : { primaryExch: spec.primaryExchange }),
  };
}

/** Why a venue order cannot become an IB order; `undefined` when it can. */
export function ibOrderProblem(order: Pick<VenueOrder, 'type' | 'quantity' | 'limitPrice' | 'stopPrice'>): string | undefined {
  if (!Number.isSafeInteger(order.quantity) || order.quantity <= 0) return `INVALID_ORDER: quantity=${order.quantity}`;
  if (!(order.type in IB_ORDER_TYPES)) return `INVALID_ORDER: type=${String(order.type)}`;
  for (const [field, needed] of [['limitPrice', needsLimitPrice(order.type)], ['stopPrice', needsStopPrice(order.type)]] as const) {
    const price = order[field];
    if (needed && !(typeof price === 'number' && Number.isFinite(price) && price > 0)) return `INVALID_ORDER: ${field}=${String(price)}`;
  }
  return undefined;
}

/**
 * The IB order for a venue order. `orderRef` carries the client order id, which IB echoes in openOrder and
 * execDetails: that is how reports, reconciliation and restarts find our orders. Call `ibOrderProblem` first.
 */
export function toIbOrder(order: VenueOrder, config: Pick<IbConfig, 'account' | 'outsideRth'>): Order {
  return {
    action: order.side === 'buy' ? OrderAction.BUY : OrderAction.SELL,
    totalQuantity: order.quantity,
    orderType: IB_ORDER_TYPES[order.type],
    ...(needsLimitPrice(order.type) ? { lmtPrice: order.limitPrice } : {}),
    ...(needsStopPrice(order.type) ? { auxPrice: order.stopPrice } : {}),
    tif: IB_TIMES_IN_FORCE[order.tif],
    orderRef: order.clientOrderId,
    transmit: true,
    outsideRth: config.outsideRth,
    ...(config.account === undefined ? {} : { account: config.account }),
  };
}

/** Changes `IbVenue.modify` can make to a working order; unset fields stay as they are. */
export interface IbOrderChanges {
  readonly quantity?: number;
  readonly limitPrice?: number;
  readonly stopPrice?: number;
  readonly tif?: TimeInForce;
}

/** The IB order after `changes` (IB modifies an order by placing it again under the same order id). */
export function modifiedIbOrder(order: Order, changes: IbOrderChanges): Order {
  return {
    ...order,
    ...(changes.quantity === undefined ? {} : { totalQuantity: changes.quantity }),
    ...(changes.limitPrice === undefined ? {} : { lmtPrice: changes.limitPrice }),
    ...(changes.stopPrice === undefined ? {} : { auxPrice: changes.stopPrice }),
    ...(changes.tif === undefined ? {} : { tif: IB_TIMES_IN_FORCE[changes.tif] }),
  };
}

/** The side of an IB order action (`BUY`, `SELL`, `SSHORT`). */
export function sideOfAction(action: string | undefined): Side {
  return action === 'BUY' ? 'buy' : 'sell';
}

/** The side of an execution (`BOT` / `SLD`). */
export function sideOfExecution(side: string | undefined): Side {
  return side === 'BOT' ? 'buy' : 'sell';
}

/** Offset of `timeZone` from UTC at `utcMs`, in ms. */
function zoneOffsetMs(utcMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone, year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', hourCycle: 'h23',
  }).formatToParts(new Date(utcMs));
  const get = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - Math.floor(utcMs / 1000) * 1000;
}

/**
 * An IB execution time as epoch ms: `20240102 09:30:01 America/New_York` (TWS 10: zone named),
 * `20240102  09:30:01` (older TWS: in TWS's zone, `defaultTimeZone`) or `20240102-14:30:01` (UTC).
 * `undefined` when unreadable or the zone is unknown.
 */
export function parseIbTime(text: string | undefined, defaultTimeZone: string): number | undefined {
  if (text === undefined) return undefined;
  const match = /^(\d{4})(\d{2})(\d{2})(-|\s+)(\d{2}):(\d{2}):(\d{2})(?:\s+(\S+))?$/.exec(text.trim());
  if (match === null) return undefined;
  const [y, mo, d, h, mi, s] = [1, 2, 3, 5, 6, 7].map((i) => Number(match[i]));
  const wall = Date.UTC(y!, mo! - 1, d!, h!, mi!, s!);
  if (match[4] === '-') return wall;
  const zone = match[8] ?? defaultTimeZone;
  try {
    // Two passes settle the offset across a daylight-saving change.
    const first = wall - zoneOffsetMs(wall, zone);
    return wall - zoneOffsetMs(first, zone);
  } catch {
    return undefined;
  }
}

/** An execution-filter time, `yyyyMMdd-HH:mm:ss` in UTC (whole seconds, rounded down). */
export function formatIbFilterTime(epochMs: number): string {
  const date = new Date(epochMs);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${date.getUTCFullYear()}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}-${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
}
