// The broker family: the OMS state machine and order book, the Venue contract, the paper venue, the BrokerActor
// and the order path's services and kinds.
export { OMS_EVENTS, OMS_TRANSITIONS, ORDER_STATUSES, TERMINAL_STATUSES, isTerminal, nextStatus, transition } from './oms-state.js';
export type { OmsEvent, OmsTransition, OrderStatus } from './oms-state.js';

export { OrderBook } from './order-book.js';
export type { ApplyResult, OmsOrder, OpenResult } from './order-book.js';

export { isSimulatedVenue, toVenueOrder, venueOrderOf } from './venue.js';
export type {
  SimulatedVenue,
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
  BROKER_SECURITY_REASONS,
  brokerApprovedOrder,
  brokerCancelOrder,
  brokerFill,
  brokerGetOrders,
  brokerMarketBar,
  brokerMarketQuote,
  brokerOrders,
  brokerOrderUpdate,
  brokerReconcile,
  brokerReplayFills,
  brokerSecurityEvent,
  brokerSessionClose,
} from './protocol.js';
export type {
  BrokerApprovedOrder,
  BrokerCancelOrder,
  BrokerEvent,
  BrokerFill,
  BrokerGetOrders,
  BrokerInternal,
  BrokerMarketBar,
  BrokerMarketQuote,
  BrokerNotice,
  BrokerOrders,
  BrokerOrderUpdate,
  BrokerProtocol,
  BrokerReconcile,
  BrokerReplayFills,
  BrokerSecurityEvent,
  BrokerSecurityReason,
  BrokerSessionClose,
} from './protocol.js';

export { BrokerActor } from './broker-actor.js';
export type { BrokerActorProps } from './broker-actor.js';
export { DEFAULT_RETAIN_FILLS, DEFAULT_RETAIN_TERMINAL_ORDERS } from './broker-books.js';
export type { BrokerJournalEvent, BrokerSnapshot, OrderRoute } from './broker-books.js';
export { MAX_RECONCILE_PAGES } from './broker-reconcile.js';

export {
  attachOrderPath,
  MIN_OPERATOR_TOKEN_LENGTH,
  OPERATOR_TOKEN_ENV,
  operatorCredentialMatches,
  orderPathOf,
  orderPathServicesFromEnv,
  venueOf,
} from './services.js';
export type { LoadedOrderPathServices, OrderPathServices } from './services.js';
export { ORDER_PATH_KINDS, registerOrderPathKinds } from './kinds.js';

export {
  BROKER_ERROR_CODES,
  InvalidOrderPathServicesError,
  InvalidOrderTransitionError,
  OrderPathNotAttachedError,
  OverfillError,
  UnknownOrderError,
  UnknownVenueError,
  VenueTimeoutError,
  VenueUnavailableError,
} from './errors.js';
export type { BrokerErrorCode } from './errors.js';
export { orderRow } from './order-row.js';
export type { OrderRow } from './order-row.js';
