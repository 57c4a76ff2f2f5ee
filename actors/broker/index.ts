// The broker family's pure core: the OMS state machine and order book, the Venue contract, the paper venue.
export { OMS_EVENTS, OMS_TRANSITIONS, ORDER_STATUSES, TERMINAL_STATUSES, isTerminal, nextStatus, transition } from './oms-state.js';
export type { OmsEvent, OmsTransition, OrderStatus } from './oms-state.js';

export { OrderBook } from './order-book.js';
export type { ApplyResult, OmsOrder, OpenResult } from './order-book.js';

export { toVenueOrder } from './venue.js';
export type {
  ExecutionCursor,
  ExecutionPage,
  SubmitAck,
  Unsubscribe,
  Venue,
  VenueFill,
  VenueOpenOrder,
  VenueOrder,
  VenueReport,
  VenueReportKind,
  VenueStatus,
} from './venue.js';

export { ManualClock } from './venue-clock.js';
export type { TimerHandle, VenueClock } from './venue-clock.js';

export { DEFAULT_COMMISSION, DEFAULT_SLIPPAGE_BPS, cumulativeCommission, fillCommission, slip } from './commission.js';
export type { CommissionModel } from './commission.js';

export { matchBar, matchQuote } from './paper-matching.js';
export type { MatchOutcome } from './paper-matching.js';
export { DEFAULT_PAPER_LATENCY_MS, DEFAULT_PAPER_VENUE_NAME, PaperVenue } from './paper-venue.js';
export type { PaperVenueOptions } from './paper-venue.js';

export {
  brokerApprovedOrder,
  brokerCancelOrder,
  brokerFill,
  brokerOrderUpdate,
  brokerReconcile,
  brokerSecurityEvent,
} from './protocol.js';
export type {
  BrokerApprovedOrder,
  BrokerCancelOrder,
  BrokerEvent,
  BrokerFill,
  BrokerOrderUpdate,
  BrokerProtocol,
  BrokerReconcile,
  BrokerSecurityEvent,
} from './protocol.js';

export {
  BROKER_ERROR_CODES,
  InvalidOrderTransitionError,
  OverfillError,
  UnknownOrderError,
  VenueTimeoutError,
  VenueUnavailableError,
} from './errors.js';
export type { BrokerErrorCode } from './errors.js';
