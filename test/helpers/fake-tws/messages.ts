import type { WireField } from './wire.js';

/**
 * Message layouts of the TWS protocol for server versions 157..193, as @stoqey/ib 1.6.x encodes
 * (client -> server) and decodes (server -> client) them. Only the messages the order path uses are here.
 */

/** Ids of messages the server sends. */
export const IN = {
  ORDER_STATUS: 3,
  ERR_MSG: 4,
  OPEN_ORDER: 5,
  NEXT_VALID_ID: 9,
  EXECUTION_DATA: 11,
  MANAGED_ACCTS: 15,
  OPEN_ORDER_END: 53,
  EXECUTION_DATA_END: 55,
  COMMISSION_REPORT: 59,
  COMPLETED_ORDER: 101,
  COMPLETED_ORDERS_END: 102,
} as const;

/** Ids of messages the client sends. */
export const OUT = {
  PLACE_ORDER: 3,
  CANCEL_ORDER: 4,
  REQ_OPEN_ORDERS: 5,
  REQ_EXECUTIONS: 7,
  REQ_IDS: 8,
  START_API: 71,
  REQ_COMPLETED_ORDERS: 99,
} as const;

/** Server versions whose layouts this file writes. */
export const MIN_FAKE_SERVER_VERSION = 157;
export const MAX_FAKE_SERVER_VERSION = 193;

/** IB order states as TWS names them. */
export type FakeOrderStatus = 'PendingSubmit' | 'PreSubmitted' | 'Submitted' | 'PendingCancel' | 'Cancelled' | 'Filled' | 'Inactive';

/** An order as the fake holds it. */
export interface FakeOrder {
  readonly clientId: number;
  readonly orderId: number;
  readonly permId: number;
  readonly conId: number;
  symbol: string;
  secType: string;
  exchange: string;
  primaryExch: string;
  currency: string;
  action: string;
  totalQuantity: number;
  orderType: string;
  lmtPrice: number | undefined;
  auxPrice: number | undefined;
  tif: string;
  account: string;
  orderRef: string;
  status: FakeOrderStatus;
  filled: number;
  avgFillPrice: number;
  lastFillPrice: number;
}

/** One execution as the fake holds it. */
export interface FakeExecution {
  readonly execId: string;
  readonly clientId: number;
  readonly orderId: number;
  readonly permId: number;
  readonly conId: number;
  readonly symbol: string;
  readonly secType: string;
  readonly exchange: string;
  readonly currency: string;
  readonly account: string;
  readonly orderRef: string;
  /** `BOT` or `SLD`. */
  readonly side: string;
  readonly shares: number;
  readonly price: number;
  /** Epoch ms, whole seconds (TWS reports seconds). */
  readonly time: number;
  readonly cumQty: number;
  readonly avgPrice: number;
  readonly commission: number;
}

/** What a PLACE_ORDER carried: the fields up to `transmit`, which is all the fake needs. */
export interface PlaceOrderRequest {
  readonly orderId: number;
  readonly conId: number;
  readonly symbol: string;
  readonly secType: string;
  readonly exchange: string;
  readonly primaryExch: string;
  readonly currency: string;
  readonly action: string;
  readonly totalQuantity: number;
  readonly orderType: string;
  readonly lmtPrice: number | undefined;
  readonly auxPrice: number | undefined;
  readonly tif: string;
  readonly account: string;
  readonly orderRef: string;
  readonly transmit: boolean;
}

/** The filter of a REQ_EXECUTIONS; empty strings mean no filter. */
export interface ExecutionFilterRequest {
  readonly reqId: number;
  readonly clientId: string;
  readonly acctCode: string;
  readonly time: string;
  readonly symbol: string;
  readonly secType: string;
  readonly exchange: string;
  readonly side: string;
}

const optionalNumber = (text: string | undefined): number | undefined => (text === undefined || text === '' ? undefined : Number(text));

/**
 * PLACE_ORDER for server versions >= 145 (ORDER_CONTAINER: no message version field):
 * [3, orderId, conId, symbol, secType, lastTradeDate, strike, right, multiplier, exchange, primaryExch,
 *  currency, localSymbol, tradingClass, secIdType, secId, action, totalQuantity, orderType, lmtPrice,
 *  auxPrice, tif, ocaGroup, account, openClose, origin, orderRef, transmit, parentId, ...].
 */
export function parsePlaceOrder(fields: readonly string[]): PlaceOrderRequest {
  const f = (i: number): string => fields[i] ?? '';
  return {
    orderId: Number(f(1)), conId: Number(f(2) || 0), symbol: f(3), secType: f(4), exchange: f(9), primaryExch: f(10),
    currency: f(11), action: f(16), totalQuantity: Number(f(17)), orderType: f(18), lmtPrice: optionalNumber(f(19)),
    auxPrice: optionalNumber(f(20)), tif: f(21), account: f(23), orderRef: f(26), transmit: f(27) !== '0',
  };
}

/** CANCEL_ORDER: `[4, 1, orderId, manualOrderCancelTime, ...]` below version 192 (CME_TAGGING_FIELDS), `[4, orderId, ...]` from it. */
export function parseCancelOrder(fields: readonly string[], serverVersion: number): number {
  return Number(fields[serverVersion >= 192 ? 1 : 2]);
}

/** REQ_EXECUTIONS: `[7, 3, reqId, clientId, acctCode, time, symbol, secType, exchange, side]`. */
export function parseReqExecutions(fields: readonly string[]): ExecutionFilterRequest {
  const f = (i: number): string => fields[i] ?? '';
  return { reqId: Number(f(2)), clientId: f(3), acctCode: f(4), time: f(5), symbol: f(6), secType: f(7), exchange: f(8), side: f(9) };
}

/** START_API: `[71, 2, clientId, optionalCapabilities]`. */
export function parseStartApi(fields: readonly string[]): number {
  return Number(fields[2]);
}

/** `[9, 1, orderId]`. */
export function nextValidIdMessage(orderId: number): WireField[] {
  return [IN.NEXT_VALID_ID, 1, orderId];
}

/** `[15, 1, "DU1,DU2"]`. */
export function managedAccountsMessage(accounts: readonly string[]): WireField[] {
  return [IN.MANAGED_ACCTS, 1, accounts.join(',')];
}

/** ERR_MSG, version 2: `[4, 2, id, code, message, advancedOrderRejectJson (>= 166)]`. An id of -1 is a notice. */
export function errorMessage(id: number, code: number, message: string, serverVersion: number): WireField[] {
  const fields: WireField[] = [IN.ERR_MSG, 2, id, code, message];
  if (serverVersion >= 166) fields.push('');
  return fields;
}

/**
 * ORDER_STATUS from version 131 (MARKET_CAP_PRICE, no message version): `[3, orderId, status, filled,
 * remaining, avgFillPrice, permId, parentId, lastFillPrice, clientId, whyHeld, mktCapPrice]`.
 */
export function orderStatusMessage(order: FakeOrder): WireField[] {
  return [
    IN.ORDER_STATUS, order.orderId, order.status, order.filled, order.totalQuantity - order.filled, order.avgFillPrice,
    order.permId, 0, order.lastFillPrice, order.clientId, '', 0,
  ];
}

/**
 * OPEN_ORDER from version 145 (ORDER_CONTAINER: the message version is the server version), field by
 * field in the order of @stoqey/ib's OrderDecoder, with every optional feature empty or off.
 */
export function openOrderMessage(order: FakeOrder, v: number): WireField[] {
  const m: WireField[] = [IN.OPEN_ORDER, order.orderId];
  // contract: conId, symbol, secType, lastTradeDate, strike, right, multiplier, exchange, currency, localSymbol, tradingClass
  m.push(order.conId, order.symbol, order.secType, '', 0, '', '', order.exchange, order.currency, order.symbol, order.symbol);
  m.push(order.action, order.totalQuantity, order.orderType, order.lmtPrice, order.auxPrice, order.tif);
  // ocaGroup, account, openClose, origin, orderRef, clientId, permId, outsideRth, hidden, discretionaryAmt, goodAfterTime, sharesAllocation
  m.push('', order.account, 'O', 0, order.orderRef, order.clientId, order.permId, 0, 0, 0, '', '');
  m.push('', '', ''); // faGroup, faMethod, faPercentage
  if (v < 177) m.push(''); // faProfile (FA_PROFILE_DESUPPORT)
  // modelCode, goodTillDate, rule80A, percentOffset, settlingFirm, shortSaleSlot, designatedLocation, exemptCode, auctionStrategy
  m.push('', '', '', '', '', 0, '', -1, 0);
  // startingPrice, stockRefPrice, delta, stockRangeLower, stockRangeUpper, displaySize
  m.push('', '', '', '', '', '');
  // blockOrder, sweepToFill, allOrNone, minQty, ocaType, eTradeOnly, firmQuoteOnly, nbboPriceCap, parentId, triggerMethod
  m.push(0, 0, 0, '', 0, 0, 0, '', 0, 0);
  // volatility, volatilityType, deltaNeutralOrderType (empty: no delta-neutral fields follow), deltaNeutralAuxPrice, continuousUpdate, referencePriceType
  m.push('', 0, '', '', 0, 0);
  // trailStopPrice, trailingPercent, basisPoints, basisPointsType, comboLegsDescription, comboLegs, orderComboLegs, smartComboRoutingParams
  m.push('', '', '', '', '', 0, 0, 0);
  // scaleInitLevelSize, scaleSubsLevelSize, scalePriceIncrement (empty: no scale fields follow), hedgeType (empty: no param)
  m.push('', '', '', '');
  // optOutSmartRouting, clearingAccount, clearingIntent, notHeld, deltaNeutral contract flag, algoStrategy (empty: no params), solicited
  m.push(0, '', '', 0, 0, '', 0);
  // whatIf, status, 6 what-if "before/change" fields (>= 142), 3 "after" fields, commission, min, max, currency, warningText
  m.push(0, order.status, '', '', '', '', '', '', '', '', '', '', '', '', '', '');
  m.push(0, 0); // randomizeSize, randomizePrice
  m.push(0); // conditions: none (peg-to-benchmark fields are only present for PEG BENCH orders)
  // adjustedOrderType, triggerPrice, trailStopPrice, lmtPriceOffset, adjustedStopPrice, adjustedStopLimitPrice, adjustedTrailingAmount, adjustableTrailingUnit
  m.push('', '', '', '', '', '', '', 0);
  m.push('', '', ''); // soft dollar tier: name, value, displayName
  m.push('', 0, 0, 0); // cashQty, dontUseAutoPriceForHedge, isOmsContainer, discretionaryUpToLimitPrice
  if (v >= 151) m.push(0); // usePriceMgmtAlgo
  if (v >= 158) m.push(0); // duration
  if (v >= 160) m.push(''); // postToAts
  if (v >= 162) m.push(0); // autoCancelParent
  if (v >= 170) m.push('', '', '', '', ''); // minTradeQty, minCompeteSize, competeAgainstBestOffset, midOffsetAtWhole, midOffsetAtHalf
  if (v >= 183) m.push(''); // customerAccount
  if (v >= 184) m.push(0); // professionalCustomer
  if (v >= 185) m.push(''); // bondAccruedInterest
  if (v >= 189) m.push(0); // includeOvernight
  if (v >= 193) m.push('', ''); // extOperator, manualOrderIndicator
  return m;
}

/**
 * EXECUTION_DATA from version 136 (LAST_LIQUIDITY, no message version): `[11, reqId, orderId, conId, symbol,
 * secType, lastTradeDate, strike, right, multiplier, exchange, currency, localSymbol, tradingClass, execId,
 * time, acctNumber, exchange, side, shares, price, permId, clientId, liquidation, cumQty, avgPrice, orderRef,
 * evRule, evMultiplier, modelCode, lastLiquidity, pendingPriceRevision (>= 178)]`. Live executions carry reqId -1.
 */
export function executionMessage(exec: FakeExecution, reqId: number, time: string, v: number): WireField[] {
  const m: WireField[] = [
    IN.EXECUTION_DATA, reqId, exec.orderId, exec.conId, exec.symbol, exec.secType, '', 0, '', '', exec.exchange, exec.currency,
    exec.symbol, exec.symbol, exec.execId, time, exec.account, exec.exchange, exec.side, exec.shares, exec.price, exec.permId,
    exec.clientId, 0, exec.cumQty, exec.avgPrice, exec.orderRef, '', '', '', 1,
  ];
  if (v >= 178) m.push(0);
  return m;
}

/** `[59, 1, execId, commission, currency, realizedPNL, yield, yieldRedemptionDate]`; unset doubles are empty. */
export function commissionReportMessage(exec: FakeExecution): WireField[] {
  return [IN.COMMISSION_REPORT, 1, exec.execId, exec.commission, exec.currency, '', '', 0];
}

/** `[53, 1]`. */
export function openOrderEndMessage(): WireField[] {
  return [IN.OPEN_ORDER_END, 1];
}

/** `[55, 1, reqId]`. */
export function executionDataEndMessage(reqId: number): WireField[] {
  return [IN.EXECUTION_DATA_END, 1, reqId];
}

/**
 * COMPLETED_ORDER (from version 150): no order id and no message version; @stoqey/ib's OrderDecoder reads
 * it with version MAX_VALUE, so every version-gated field is present, in this order.
 */
export function completedOrderMessage(order: FakeOrder, v: number, completedStatus: string): WireField[] {
  const m: WireField[] = [IN.COMPLETED_ORDER];
  m.push(order.conId, order.symbol, order.secType, '', 0, '', '', order.exchange, order.currency, order.symbol, order.symbol);
  m.push(order.action, order.totalQuantity, order.orderType, order.lmtPrice, order.auxPrice, order.tif);
  // ocaGroup, account, openClose, origin, orderRef, permId, outsideRth, hidden, discretionaryAmt, goodAfterTime
  m.push('', order.account, 'O', 0, order.orderRef, order.permId, 0, 0, 0, '');
  m.push('', '', ''); // faGroup, faMethod, faPercentage (no faProfile at version MAX)
  // modelCode, goodTillDate, rule80A, percentOffset, settlingFirm, shortSaleSlot, designatedLocation, exemptCode
  m.push('', '', '', '', '', 0, '', -1);
  m.push('', '', '', '', '', ''); // startingPrice, stockRefPrice, delta, stockRangeLower, stockRangeUpper, displaySize
  m.push(0, 0, '', 0, 0); // sweepToFill, allOrNone, minQty, ocaType, triggerMethod
  m.push('', 0, '', '', 0, 0); // volatility, volatilityType, deltaNeutralOrderType (empty), deltaNeutralAuxPrice, continuousUpdate, referencePriceType
  m.push('', ''); // trailStopPrice, trailingPercent
  m.push('', 0, 0, 0); // comboLegsDescription, comboLegs, orderComboLegs, smartComboRoutingParams
  m.push('', '', '', ''); // scaleInitLevelSize, scaleSubsLevelSize, scalePriceIncrement (empty), hedgeType (empty)
  m.push('', '', 0, 0, '', 0); // clearingAccount, clearingIntent, notHeld, deltaNeutral flag, algoStrategy (empty), solicited
  m.push(order.status, 0, 0); // status, randomizeSize, randomizePrice
  m.push(0); // conditions
  m.push('', '', ''); // trailStopPrice, lmtPriceOffset, cashQty
  m.push(0, 0); // dontUseAutoPriceForHedge, isOmsContainer
  m.push('', order.filled, 0, 0, '', 0, 0, 0); // autoCancelDate, filledQuantity, refFuturesConId, autoCancelParent, shareholder, imbalanceOnly, routeMarketableToBbo, parentPermId
  m.push('20240102 16:00:00 America/New_York', completedStatus);
  if (v >= 170) m.push('', '', '', '', '');
  if (v >= 183) m.push('');
  if (v >= 184) m.push(0);
  return m;
}

/** `[102]`: no version field. */
export function completedOrdersEndMessage(): WireField[] {
  return [IN.COMPLETED_ORDERS_END];
}
