import { BifrostError } from '../../runtime/errors.js';

/** Stable codes of the errors the broker module throws. */
export const BROKER_ERROR_CODES = {
  INVALID_ORDER_TRANSITION: 'INVALID_ORDER_TRANSITION',
  UNKNOWN_ORDER: 'UNKNOWN_ORDER',
  OVERFILL: 'OVERFILL',
  VENUE_UNAVAILABLE: 'VENUE_UNAVAILABLE',
  VENUE_TIMEOUT: 'VENUE_TIMEOUT',
} as const;
export type BrokerErrorCode = (typeof BROKER_ERROR_CODES)[keyof typeof BROKER_ERROR_CODES];

/** An OMS event the transition table does not allow in the order's current state. */
export class InvalidOrderTransitionError extends BifrostError {
  constructor(
    readonly from: string,
    readonly event: string,
    readonly clientOrderId?: string,
    options?: { cause?: unknown },
  ) {
    super(BROKER_ERROR_CODES.INVALID_ORDER_TRANSITION, `order${clientOrderId === undefined ? '' : ` ${clientOrderId}`} in state ${from} cannot take event ${event}`, options);
  }
}

/** The OMS has no order under this client order id. */
export class UnknownOrderError extends BifrostError {
  constructor(
    readonly clientOrderId: string,
    options?: { cause?: unknown },
  ) {
    super(BROKER_ERROR_CODES.UNKNOWN_ORDER, `no order with client order id ${clientOrderId}`, options);
  }
}

/** A fill would take the filled quantity beyond the order quantity. */
export class OverfillError extends BifrostError {
  constructor(
    readonly clientOrderId: string,
    readonly orderQuantity: number,
    readonly filledQuantity: number,
    readonly fillQuantity: number,
    options?: { cause?: unknown },
  ) {
    super(BROKER_ERROR_CODES.OVERFILL, `order ${clientOrderId}: fill of ${fillQuantity} after ${filledQuantity} exceeds quantity ${orderQuantity}`, options);
  }
}

/**
 * The venue is not connected: the request was definitely not sent, so it is safe to retry it later with
 * the same client order id.
 */
export class VenueUnavailableError extends BifrostError {
  constructor(
    readonly venue: string,
    readonly operation: string,
    options?: { cause?: unknown },
  ) {
    super(BROKER_ERROR_CODES.VENUE_UNAVAILABLE, `venue ${venue} is unavailable for ${operation}`, options);
  }
}

/**
 * The venue did not answer in time: the request may or may not have reached it. The order is ambiguous
 * and stays in flight until reconciliation; it must never be resubmitted under a new id.
 */
export class VenueTimeoutError extends BifrostError {
  constructor(
    readonly venue: string,
    readonly operation: string,
    readonly timeoutMs: number,
    options?: { cause?: unknown },
  ) {
    super(BROKER_ERROR_CODES.VENUE_TIMEOUT, `venue ${venue} did not answer ${operation} within ${timeoutMs} ms`, options);
  }
}
