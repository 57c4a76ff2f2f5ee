import { BifrostError } from '../../runtime/errors.js';

/** Stable codes of the errors the broker module throws. */
export const BROKER_ERROR_CODES = {
  INVALID_ORDER_TRANSITION: 'INVALID_ORDER_TRANSITION',
  UNKNOWN_ORDER: 'UNKNOWN_ORDER',
  OVERFILL: 'OVERFILL',
  VENUE_UNAVAILABLE: 'VENUE_UNAVAILABLE',
  VENUE_TIMEOUT: 'VENUE_TIMEOUT',
  ORDER_PATH_NOT_ATTACHED: 'ORDER_PATH_NOT_ATTACHED',
  UNKNOWN_VENUE: 'UNKNOWN_VENUE',
  INVALID_ORDER_PATH_SERVICES: 'INVALID_ORDER_PATH_SERVICES',
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

/** The actor system has no order-path services; call `attachOrderPath(system, services)` before spawning the actors. */
export class OrderPathNotAttachedError extends BifrostError {
  constructor(
    readonly node: string,
    options?: { cause?: unknown },
  ) {
    super(BROKER_ERROR_CODES.ORDER_PATH_NOT_ATTACHED, `no order-path services are attached to the actor system of node ${node}; call attachOrderPath(system, { riskKey, venues }) first`, options);
  }
}

/** A broker names a venue the node did not register. */
export class UnknownVenueError extends BifrostError {
  constructor(
    readonly venue: string,
    readonly known: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(BROKER_ERROR_CODES.UNKNOWN_VENUE, `no venue ${JSON.stringify(venue)} is registered (known: ${known.join(', ') || 'none'})`, options);
  }
}

/** The order-path services are unusable; `problems` lists every one. The message never contains a secret. */
export class InvalidOrderPathServicesError extends BifrostError {
  constructor(
    readonly problems: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(BROKER_ERROR_CODES.INVALID_ORDER_PATH_SERVICES, `invalid order-path services: ${problems.join('; ')}`, options);
  }
}
