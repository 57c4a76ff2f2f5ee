import type { StreamEvent } from '../../runtime/event-stream.js';
import type { BrokerFill, BrokerOrderUpdate, BrokerSecurityEvent } from '../broker/protocol.js';
import type { MarketDataReply } from '../market/protocol.js';
import type { OptimizerReply } from '../optimizer/protocol.js';
import type { RiskOrderDenied } from '../risk/protocol.js';
import type { MarketBar, MarketQuote } from '../strategy/protocol.js';
import type { AlertRow, ClientCommand, FillRow, NodeRow, ServerEvent } from './protocol.js';

/**
 * What a SessionActor receives: its client's commands (through the `/gateway` actor), bars and quotes
 * from SymbolActors, order updates, fills and denials for the orders it sent (it is their `replyTo`),
 * optimizer replies, events it follows on the event stream, shared state from the gateway, and its own
 * timers.
 */
export type SessionProtocol =
  | { readonly type: 'session.command'; readonly command: ClientCommand }
  /** The socket closed: unsubscribe everything and stop. */
  | { readonly type: 'session.closed' }
  /** Send what was held back for a slow client. */
  | { readonly type: 'session.flush' }
  /** Re-read the statuses the client follows (risk, strategies). */
  | { readonly type: 'session.refresh' }
  /** An event-stream event the session follows (from its own listener). */
  | { readonly type: 'session.event'; readonly event: StreamEvent }
  /** A finished background job (a backtest): its event for the client. */
  | { readonly type: 'session.jobDone'; readonly event: ServerEvent }
  /** The answer to `gateway.sync`. */
  | { readonly type: 'session.shared'; readonly nodes?: readonly NodeRow[]; readonly alerts?: readonly AlertRow[]; readonly fills?: readonly FillRow[] }
  | { readonly type: 'session.cluster'; readonly nodes: readonly NodeRow[] }
  | { readonly type: 'session.alert'; readonly alert: AlertRow }
  | MarketBar
  | MarketQuote
  | BrokerOrderUpdate
  | BrokerFill
  | BrokerSecurityEvent
  | RiskOrderDenied
  | OptimizerReply
  | MarketDataReply;
