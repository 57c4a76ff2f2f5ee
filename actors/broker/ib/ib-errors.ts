import { BifrostError } from '../../../runtime/errors.js';

/** Stable codes of the errors the IB adapter throws. */
export const IB_ADAPTER_ERROR_CODES = {
  INVALID_IB_CONFIG: 'INVALID_IB_CONFIG',
  IB_ORDER_NOT_MODIFIABLE: 'IB_ORDER_NOT_MODIFIABLE',
  IB_REQUEST_FAILED: 'IB_REQUEST_FAILED',
} as const;
export type IbAdapterErrorCode = (typeof IB_ADAPTER_ERROR_CODES)[keyof typeof IB_ADAPTER_ERROR_CODES];

/** An IB config failed validation; `problems` lists every violation, each naming its field (never a secret value). */
export class InvalidIbConfigError extends BifrostError {
  constructor(
    readonly problems: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(IB_ADAPTER_ERROR_CODES.INVALID_IB_CONFIG, `invalid IB config: ${problems.join('; ')}`, options);
  }
}

/** `modify` was asked for an order the venue does not know or that is no longer working. */
export class IbOrderNotModifiableError extends BifrostError {
  constructor(
    readonly clientOrderId: string,
    readonly reason: 'UNKNOWN_ORDER' | 'ORDER_DONE' | 'INVALID_CHANGE',
    readonly detail?: string,
    options?: { cause?: unknown },
  ) {
    super(IB_ADAPTER_ERROR_CODES.IB_ORDER_NOT_MODIFIABLE, `order ${clientOrderId} cannot be modified: ${reason}${detail === undefined ? '' : ` (${detail})`}`, options);
  }
}

/** TWS answered a request (open orders, executions) with an error. */
export class IbRequestFailedError extends BifrostError {
  constructor(
    readonly operation: string,
    readonly ibCode: number,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(IB_ADAPTER_ERROR_CODES.IB_REQUEST_FAILED, `IB ${operation} failed with code ${ibCode}: ${detail}`, options);
  }
}

/** What an IB error or notice code means to the adapter. */
export const IB_ERROR_CATEGORIES = [
  'rejection',
  'cancel_confirmed',
  'cancel_rejected',
  'modify_rejected',
  'order_not_found',
  'order_warning',
  'connectivity_lost',
  'connectivity_restored_data_lost',
  'connectivity_restored_data_maintained',
  'socket_port_reset',
  'client_id_in_use',
  'connect_failed',
  'not_connected',
  'protocol',
  'farm_status',
  'unclassified',
] as const;
export type IbErrorCategory = (typeof IB_ERROR_CATEGORIES)[number];

/** One row of the code table. */
export interface IbErrorRule {
  readonly category: IbErrorCategory;
  readonly summary: string;
}

const rule = (category: IbErrorCategory, summary: string): IbErrorRule => Object.freeze({ category, summary });

/**
 * The IB codes the adapter acts on (docs/brokers.md prints this table). Order-level codes arrive with the
 * order id; connectivity codes as notices (id -1). Codes not listed are `unclassified`: reported as an
 * `ib_error` event, and an order they hit is settled by its next order status (`Inactive` -> rejected).
 */
export const IB_ERROR_TABLE: Readonly<Record<number, IbErrorRule>> = Object.freeze({
  103: rule('rejection', 'duplicate order id'),
  104: rule('modify_rejected', 'cannot modify a filled order'),
  105: rule('modify_rejected', 'order being modified does not match the original'),
  106: rule('rejection', 'cannot transmit order id'),
  107: rule('rejection', 'cannot transmit incomplete order'),
  109: rule('rejection', 'price out of the percentage range of the order defaults'),
  110: rule('rejection', 'price does not conform to the minimum price variation'),
  111: rule('rejection', 'time in force and order type are incompatible'),
  135: rule('order_not_found', 'cannot find order with this id'),
  161: rule('cancel_rejected', 'cancel attempted when the order is not cancellable'),
  200: rule('rejection', 'no security definition found'),
  201: rule('rejection', 'order rejected'),
  202: rule('cancel_confirmed', 'order canceled'),
  203: rule('rejection', 'security not available or allowed for this account'),
  321: rule('rejection', 'error validating request'),
  382: rule('rejection', 'order size exceeds the maximum'),
  383: rule('rejection', 'order size exceeds the size limit'),
  387: rule('rejection', 'unsupported order type for this exchange and security type'),
  388: rule('rejection', 'order size below the minimum'),
  399: rule('order_warning', 'order message (e.g. held until the market opens)'),
  404: rule('order_warning', 'shares not available for short sale: order held'),
  434: rule('rejection', 'order size cannot be zero'),
  436: rule('rejection', 'an allocation must be specified'),
  10147: rule('cancel_rejected', 'order id to cancel not found'),
  10148: rule('cancel_rejected', 'order cannot be canceled in its state'),
  10149: rule('cancel_rejected', 'invalid order id to cancel'),
  2109: rule('order_warning', 'outside-RTH flag ignored'),
  326: rule('client_id_in_use', 'client id already in use'),
  502: rule('connect_failed', 'could not connect to TWS'),
  504: rule('not_connected', 'not connected'),
  505: rule('protocol', 'message could not be decoded'),
  507: rule('protocol', 'bad message length'),
  1100: rule('connectivity_lost', 'connectivity between IB and TWS lost'),
  1101: rule('connectivity_restored_data_lost', 'connectivity restored, data lost'),
  1102: rule('connectivity_restored_data_maintained', 'connectivity restored, data maintained'),
  1300: rule('socket_port_reset', 'TWS socket port reset: reconnect on the new port'),
  2110: rule('connectivity_lost', 'connectivity between TWS and server broken'),
  2103: rule('farm_status', 'market data farm disconnected'),
  2104: rule('farm_status', 'market data farm connected'),
  2105: rule('farm_status', 'historical data farm disconnected'),
  2106: rule('farm_status', 'historical data farm connected'),
  2107: rule('farm_status', 'historical data farm inactive'),
  2108: rule('farm_status', 'market data farm inactive'),
  2157: rule('farm_status', 'security definition server disconnected'),
  2158: rule('farm_status', 'security definition server connected'),
});

/** The rule for an IB code; `unclassified` when the table does not list it. */
export function classifyIbCode(code: number): IbErrorRule {
  return IB_ERROR_TABLE[code] ?? rule('unclassified', 'not in the adapter table');
}
