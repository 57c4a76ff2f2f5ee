// The trading domain's shared vocabulary: instruments, orders, quotes, fills, positions, money helpers.
export { INTERVALS, INTERVAL_MS, InvalidBarError, barProblems, isInterval, validateBar } from './bar.js';
export type { Bar, Interval } from './bar.js';

export { InstrumentRegistry, instrumentProblems } from './instrument.js';
export type { Instrument, InstrumentLookup } from './instrument.js';

export { ORDER_TYPES, SIDES, TIMES_IN_FORCE, needsLimitPrice, needsStopPrice, oppositeSide, sideSign } from './order.js';
export type { OrderRequest, OrderType, Side, TimeInForce } from './order.js';

export { orderRequestProblems, validateOrderRequest } from './order-validation.js';
export type { OrderProblem, OrderValidation } from './order-validation.js';

export { midPrice, quoteProblems } from './quote.js';
export type { Quote } from './quote.js';

export { fillProblems } from './fill.js';
export type { Fill } from './fill.js';

export { flatPosition } from './position.js';
export type { Position } from './position.js';

export { bpsToFraction, decimalPlaces, isOnTick, roundToCents, roundToPlaces, roundToTick, toScaledInteger } from './money.js';
export type { TickRounding } from './money.js';

export { ClientOrderIdGenerator, parseClientOrderId } from './client-order-id.js';
export type { ClientOrderIdState, ParsedClientOrderId } from './client-order-id.js';

export { canonicalBytes, canonicalEncode } from './canonical.js';
export type { CanonicalValue } from './canonical.js';

export { deepFreeze } from './freeze.js';

export { DEFAULT_JOURNALED_SNAPSHOT_EVERY_EVENTS, JOURNAL_FAULT_MESSAGE_TYPE, JournaledActor, plainRef, SNAPSHOT_EVENTS_PER_WEIGHT, trackAsync } from './journaled-actor.js';
export type { PlainRef } from './journaled-actor.js';

export {
  DOMAIN_ERROR_CODES,
  InvalidClientOrderIdError,
  InvalidInstrumentError,
  NonCanonicalValueError,
  UnknownSymbolError,
} from './errors.js';
export type { DomainErrorCode } from './errors.js';
