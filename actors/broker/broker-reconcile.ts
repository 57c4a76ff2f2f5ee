import type { ActorRef, Message } from '../../runtime/ref.js';
import { portfolioFillsHead } from '../portfolio/protocol.js';
import { riskOpenOrdersSync } from '../risk/protocol.js';
import { fillHeads } from './broker-books.js';
import type { BrokerBooks, BrokerJournalEvent } from './broker-books.js';
import { VenueTimeoutError, VenueUnavailableError } from './errors.js';
import { isTerminal } from './oms-state.js';
import type { OmsOrder } from './order-book.js';
import type { BrokerNotice, BrokerSecurityReason } from './protocol.js';
import type { SubmitAck, Venue, VenueReport } from './venue.js';

/** Pages of executions one reconciliation reads at most (a venue that never stops paging cannot hang a start). */
export const MAX_RECONCILE_PAGES = 1_000;

/** What reconciliation needs from the broker actor. */
export interface ReconcileHost {
  readonly brokerId: string;
  readonly venue: Venue;
  readonly books: BrokerBooks;
  /** Whether the order's write-ahead entry is still on its way to the journal (it must not be sent yet). */
  unjournaled(clientOrderId: string): boolean;
  now(): number;
  /** Applies a report exactly as a live one (OMS, journal, strategy, portfolio, risk). */
  applyReport(report: VenueReport): void;
  record(event: BrokerJournalEvent): void;
  markAmbiguous(clientOrderId: string): void;
  /** Clears the ambiguous flag of an order the venue shows open. */
  resolve(clientOrderId: string): void;
  submit(order: OmsOrder): Promise<SubmitAck>;
  security(reason: BrokerSecurityReason, message: string, clientOrderId?: string): void;
  tell(ref: ActorRef<any>, message: Message): void;
  publish(event: BrokerNotice): void;
  portfolioRef(portfolioId: string): ActorRef | undefined;
}

/**
 * Brings the OMS in line with the venue, the source of truth: on every start (restart or failover),
 * on a reconnect and on `broker.reconcile`. In this order:
 *
 * 1. open orders: an order the OMS has as submitted but the venue holds open was accepted;
 * 2. executions after the journaled cursor: each fill is applied once (the OMS de-duplicates by
 *    execution id) and forwarded to the portfolio; the new cursor is journaled;
 * 3. every order still in flight that the venue does not hold open: if the venue had acknowledged it,
 *    it ended there unseen (canceled); if it never did and its approval is still valid, it is sent again
 *    under the same client order id (the venue's idempotency makes that safe; a `duplicate` answer leaves
 *    it ambiguous); if the approval expired first, it is rejected here and never reaches the venue;
 * 4. the risk actors get each portfolio's open orders, the portfolios the broker's latest fill sequence
 *    (a portfolio behind it asks for a replay).
 */
export async function reconcileWithVenue(host: ReconcileHost): Promise<void> {
  const { venue, books } = host;
  if (venue.status !== 'connected') {
    try {
      await venue.connect();
    } catch (error) {
      host.publish({ type: 'broker.venueUnavailable', brokerId: host.brokerId, error: String(error), time: host.now() });
      return;
    }
  }
  // Open orders before executions: an order that fills in between shows up in the executions.
  const open = await venue.openOrders();
  const openIds = new Set<string>();
  for (const venueOrder of open) {
    openIds.add(venueOrder.clientOrderId);
    const order = books.book.get(venueOrder.clientOrderId);
    if (order === undefined) {
      host.security('UNKNOWN_VENUE_ORDER', `UNKNOWN_VENUE_ORDER: venue order ${venueOrder.venueOrderId} (${venueOrder.clientOrderId}) was not placed by this broker`, venueOrder.clientOrderId);
      continue;
    }
    if (order.status === 'submitted') host.applyReport({ kind: 'accepted', clientOrderId: order.clientOrderId, venueOrderId: venueOrder.venueOrderId, time: host.now() });
  }
  await applyExecutions(host);
  for (const order of books.book.inFlight()) await settle(host, order, openIds.has(order.clientOrderId));
  notify(host);
}

async function applyExecutions(host: ReconcileHost): Promise<void> {
  const { venue, books } = host;
  let cursor = books.cursor;
  for (let page = 0; page < MAX_RECONCILE_PAGES; page++) {
    const { executions, cursor: next } = await venue.executionsSince(cursor);
    for (const fill of executions) host.applyReport({ kind: 'fill', clientOrderId: fill.clientOrderId, fill });
    const advanced = next !== cursor;
    cursor = next;
    if (executions.length === 0 || !advanced) break;
  }
  if (cursor !== books.cursor) {
    books.cursor = cursor;
    host.record({ kind: 'cursor', cursor });
  }
}

async function settle(host: ReconcileHost, order: OmsOrder, openAtVenue: boolean): Promise<void> {
  const current = host.books.book.get(order.clientOrderId);
  if (current === undefined || isTerminal(current.status) || host.unjournaled(current.clientOrderId)) return;
  const id = current.clientOrderId;
  if (openAtVenue) {
    if (current.ambiguous) host.resolve(id);
    return;
  }
  const acknowledged = current.venueOrderId !== undefined || current.status !== 'submitted';
  if (acknowledged) {
    host.applyReport({ kind: 'canceled', clientOrderId: id, reason: 'NOT_OPEN_AT_VENUE', time: host.now() });
    return;
  }
  const route = host.books.routes.get(id);
  if (route === undefined || host.now() >= route.expiresAt) {
    host.applyReport({ kind: 'rejected', clientOrderId: id, reason: 'APPROVAL_EXPIRED_BEFORE_SUBMIT', time: host.now() });
    return;
  }
  try {
    const ack = await host.submit(current);
    if (ack.outcome === 'duplicate') host.markAmbiguous(id);
  } catch (error) {
    if (error instanceof VenueTimeoutError) host.markAmbiguous(id);
    else if (!(error instanceof VenueUnavailableError)) throw error;
  }
}

function notify(host: ReconcileHost): void {
  const { books } = host;
  // Every (risk actor, portfolio) pair the broker knows of gets its full list of open orders, even an empty one.
  const byRisk = new Map<string, { ref: ActorRef; portfolios: Map<string, string[]> }>();
  for (const [id, route] of books.routes) {
    if (route.riskRef === undefined) continue;
    const order = books.book.get(id);
    if (order === undefined) continue;
    const key = `${route.riskRef.node ?? ''}${route.riskRef.path}`;
    let entry = byRisk.get(key);
    if (entry === undefined) byRisk.set(key, (entry = { ref: route.riskRef, portfolios: new Map() }));
    let ids = entry.portfolios.get(order.order.portfolioId);
    if (ids === undefined) entry.portfolios.set(order.order.portfolioId, (ids = []));
    if (!isTerminal(order.status)) ids.push(id);
  }
  for (const { ref, portfolios } of byRisk.values()) {
    for (const [portfolioId, ids] of portfolios) host.tell(ref, riskOpenOrdersSync(portfolioId, ids));
  }
  for (const [portfolioId, seq] of fillHeads(books)) {
    const ref = host.portfolioRef(portfolioId);
    if (ref !== undefined) host.tell(ref, portfolioFillsHead(host.brokerId, portfolioId, seq));
  }
}
