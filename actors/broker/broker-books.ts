import type { Fill } from '../domain/fill.js';
import { plainRef } from '../domain/journaled-actor.js';
import type { PlainRef } from '../domain/journaled-actor.js';
import type { OrderRequest } from '../domain/order.js';
import type { ApprovedOrder } from '../risk/approval.js';
import { isTerminal } from './oms-state.js';
import { OrderBook } from './order-book.js';
import type { ApplyResult, OmsOrder, OpenResult } from './order-book.js';
import type { BrokerSecurityReason } from './protocol.js';
import type { ExecutionCursor, VenueReport } from './venue.js';

export { plainRef };
export type { PlainRef };

/** Terminal orders the live book keeps at least (up to twice as many; older ones live on in the journal only). */
export const DEFAULT_RETAIN_TERMINAL_ORDERS = 10_000;
/** Fills per portfolio the broker keeps at least for `broker.replayFills` (up to twice as many). */
export const DEFAULT_RETAIN_FILLS = 10_000;
/** Expired approval tokens are forgotten once per this many opened orders. */
const TOKEN_PRUNE_EVERY_OPENS = 1_024;

/** Where an order's updates go, and until when its approval was valid. */
export interface OrderRoute {
  /** The strategy that asked for the order. */
  readonly replyTo?: PlainRef;
  /** The risk actor that approved it; told when the order is terminal. */
  readonly riskRef?: PlainRef;
  readonly tokenId: string;
  readonly expiresAt: number;
}

/** The fills of one portfolio kept for replay; `items[i]` has broker sequence `base + i + 1`. */
export interface FillLog {
  base: number;
  readonly items: Fill[];
}

/** What the broker journals. Recovery replays them through the same functions the live path uses. */
export type BrokerJournalEvent =
  | BrokerOpenedEvent
  | LegacyBrokerOpenedEvent
  | { readonly kind: 'report'; readonly report: VenueReport; readonly time: number }
  | { readonly kind: 'ambiguous'; readonly clientOrderId: string; readonly time: number }
  | { readonly kind: 'resolved'; readonly clientOrderId: string; readonly time: number }
  | { readonly kind: 'cancelRequested'; readonly clientOrderId: string; readonly time: number }
  | { readonly kind: 'cursor'; readonly cursor: ExecutionCursor }
  | { readonly kind: 'security'; readonly reason: BrokerSecurityReason; readonly message: string; readonly clientOrderId?: string; readonly time: number };

/**
 * An approved order the broker opened: the order, the id and expiry of the approval token it used, where its
 * updates go. The token's digest and signature are not kept: the broker verified them before it wrote this,
 * and what recovery needs from the token (replay protection until it expires) is its id and expiry.
 */
export interface BrokerOpenedEvent {
  readonly kind: 'opened';
  readonly order: OrderRequest;
  readonly tokenId: string;
  readonly expiresAt: number;
  readonly replyTo?: PlainRef;
  readonly riskRef?: PlainRef;
  readonly time: number;
}

/** The `opened` entry as journals written before December 2026 hold it: the whole approved order, token included. Replayed as before. */
export interface LegacyBrokerOpenedEvent {
  readonly kind: 'opened';
  readonly approved: ApprovedOrder;
  readonly tokenId: string;
  readonly replyTo?: PlainRef;
  readonly riskRef?: PlainRef;
  readonly time: number;
}

/** How much history the live model keeps. */
export interface BrokerRetention {
  readonly terminalOrders: number;
  readonly fillsPerPortfolio: number;
}

/** The broker's live model: the OMS book, the used approval tokens, routes, fills for replay, the venue cursor. */
export interface BrokerBooks {
  readonly book: OrderBook;
  /** Approval token id -> expiry, for replay protection; only verified tokens enter. */
  readonly tokens: Map<string, number>;
  readonly routes: Map<string, OrderRoute>;
  readonly fills: Map<string, FillLog>;
  /** Client order ids in the order they became terminal, for retention. */
  readonly terminal: string[];
  /** Position in the venue's execution history up to which reconciliation has applied everything. */
  cursor: ExecutionCursor;
  opened: number;
  securityEvents: number;
  readonly retention: BrokerRetention;
}

/** The snapshot form of `BrokerBooks`. */
export interface BrokerSnapshot {
  readonly orders: readonly OmsOrder[];
  readonly tokens: ReadonlyArray<readonly [string, number]>;
  readonly routes: ReadonlyArray<readonly [string, OrderRoute]>;
  readonly fills: ReadonlyArray<readonly [string, { readonly base: number; readonly items: readonly Fill[] }]>;
  readonly terminal: readonly string[];
  readonly cursor: ExecutionCursor;
  readonly opened: number;
  readonly securityEvents: number;
}

/** An empty model. */
export function emptyBrokerBooks(retention: BrokerRetention): BrokerBooks {
  return { book: new OrderBook(), tokens: new Map(), routes: new Map(), fills: new Map(), terminal: [], cursor: null, opened: 0, securityEvents: 0, retention };
}

/**
 * Opens and submits an approved order in the OMS (`initialized -> submitted`) and remembers its token and
 * route. A known client order id changes nothing: the result says `duplicate` or `conflict`.
 */
export function applyOpened(books: BrokerBooks, event: BrokerOpenedEvent | LegacyBrokerOpenedEvent): OpenResult {
  const { order, expiresAt } = 'approved' in event ? { order: event.approved.order, expiresAt: event.approved.approval.expiresAt } : event;
  books.tokens.set(event.tokenId, expiresAt);
  const opened = books.book.open(order, event.time);
  if (opened.kind !== 'created') return opened;
  const submitted = books.book.submit(order.clientOrderId, event.time);
  books.routes.set(order.clientOrderId, {
    tokenId: event.tokenId,
    expiresAt,
    ...(event.replyTo === undefined ? {} : { replyTo: event.replyTo }),
    ...(event.riskRef === undefined ? {} : { riskRef: event.riskRef }),
  });
  books.opened += 1;
  if (books.opened % TOKEN_PRUNE_EVERY_OPENS === 0) pruneTokens(books.tokens, event.time);
  return { kind: 'created', order: submitted };
}

/**
 * Forgets expired tokens, oldest first, up to the first one still valid. Tokens arrive in about the order
 * they expire (signing time plus the risk actor's approval lifetime), so this touches only what it deletes
 * and one more: walking every token held (a whole approval lifetime's worth, ~100,000 at 30,000 orders/s and
 * a minute's lifetime) on every 1,024th order cost about 2 µs an order. A token behind a longer-lived one
 * waits for it; an expired token is refused as `EXPIRED` anyway, so keeping it a little longer costs memory only.
 */
function pruneTokens(tokens: Map<string, number>, now: number): void {
  for (const [id, expiresAt] of tokens) {
    if (expiresAt > now) return;
    tokens.delete(id);
  }
}

/** The result of a venue report, with the fill's broker sequence when it booked one. */
export interface BookedReport extends ApplyResult {
  readonly fillSeq?: number;
}

/**
 * Applies a venue report to the OMS; a new fill is appended to its portfolio's replay log. Throws what
 * `OrderBook.apply` throws for an impossible report (the caller records nothing then).
 */
export function applyReport(books: BrokerBooks, report: VenueReport, time: number): BookedReport {
  const result = books.book.apply(report, time);
  if (!result.changed) return result;
  let fillSeq: number | undefined;
  if (result.fill !== undefined) fillSeq = appendFill(books, result.fill);
  if (isTerminal(result.order.status)) retire(books, result.order.clientOrderId);
  // Written out, not `{ ...result, fillSeq }`: V8 gave each spread copy a new hidden class (one per fill).
  return fillSeq === undefined ? result : { order: result.order, changed: true, fill: result.fill, fillSeq };
}

function appendFill(books: BrokerBooks, fill: Fill): number {
  let log = books.fills.get(fill.portfolioId);
  if (log === undefined) books.fills.set(fill.portfolioId, (log = { base: 0, items: [] }));
  const { fillId, clientOrderId, portfolioId, symbol, side, quantity, price, commission, time, venue } = fill;
  log.items.push(Object.freeze({ fillId, clientOrderId, portfolioId, symbol, side, quantity, price, commission, time, venue }));
  // Trim in bulk once the log holds twice the retention, so trimming costs O(1) per fill on average.
  const keep = books.retention.fillsPerPortfolio;
  if (log.items.length > 2 * keep) {
    const excess = log.items.length - keep;
    log.items.splice(0, excess);
    log.base += excess;
  }
  return log.base + log.items.length;
}

/** Keeps between `retention.terminalOrders` and twice as many terminal orders in memory, forgetting the oldest in bulk. */
function retire(books: BrokerBooks, clientOrderId: string): void {
  books.terminal.push(clientOrderId);
  const keep = books.retention.terminalOrders;
  if (books.terminal.length <= 2 * keep) return;
  for (const id of books.terminal.splice(0, books.terminal.length - keep)) {
    if (books.book.forget(id)) books.routes.delete(id);
  }
}

/** The fills of a portfolio with broker sequence above `afterSeq`, each with its sequence; `missing` counts those no longer kept. */
export function fillsAfter(books: BrokerBooks, portfolioId: string, afterSeq: number): { fills: Array<{ fill: Fill; seq: number }>; missing: number } {
  const log = books.fills.get(portfolioId);
  if (log === undefined) return { fills: [], missing: 0 };
  const from = Math.max(0, afterSeq - log.base);
  const fills = log.items.slice(from).map((fill, i) => ({ fill, seq: log.base + from + i + 1 }));
  return { fills, missing: Math.max(0, log.base - afterSeq) };
}

/** The highest broker fill sequence per portfolio. */
export function fillHeads(books: BrokerBooks): Array<[portfolioId: string, seq: number]> {
  return [...books.fills].map(([portfolioId, log]) => [portfolioId, log.base + log.items.length]);
}

/** Recovery: the model after one journaled event. */
export function replayBrokerEvent(books: BrokerBooks, event: BrokerJournalEvent): BrokerBooks {
  switch (event.kind) {
    case 'opened':
      applyOpened(books, event);
      break;
    case 'report':
      applyReport(books, event.report, event.time);
      break;
    case 'ambiguous':
      books.book.markAmbiguous(event.clientOrderId, event.time);
      break;
    case 'resolved':
      books.book.clearAmbiguous(event.clientOrderId, event.time);
      break;
    case 'cancelRequested':
      books.book.requestCancel(event.clientOrderId, event.time);
      break;
    case 'cursor':
      books.cursor = event.cursor;
      break;
    case 'security':
      books.securityEvents += 1;
      break;
  }
  return books;
}

/** A plain copy of the model for a snapshot. */
export function dehydrateBrokerBooks(books: BrokerBooks): BrokerSnapshot {
  return {
    orders: books.book.all(),
    tokens: [...books.tokens],
    routes: [...books.routes],
    fills: [...books.fills].map(([id, log]) => [id, { base: log.base, items: [...log.items] }] as const),
    terminal: [...books.terminal],
    cursor: books.cursor,
    opened: books.opened,
    securityEvents: books.securityEvents,
  };
}

/** The model from a snapshot. */
export function hydrateBrokerBooks(snapshot: BrokerSnapshot, retention: BrokerRetention): BrokerBooks {
  return {
    book: OrderBook.restore(snapshot.orders),
    tokens: new Map(snapshot.tokens),
    routes: new Map(snapshot.routes),
    fills: new Map(snapshot.fills.map(([id, log]) => [id, { base: log.base, items: [...log.items] }])),
    terminal: [...snapshot.terminal],
    cursor: snapshot.cursor,
    opened: snapshot.opened,
    securityEvents: snapshot.securityEvents,
    retention,
  };
}
