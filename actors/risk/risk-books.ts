import type { RiskEngine, RiskEngineState } from './engine.js';
import type { RiskBookedFill, RiskTradingStateChanged } from './protocol.js';

/** Approval sequence numbers reserved in the journal at a time; a restart continues above the reservation. */
export const DEFAULT_SEQ_BLOCK = 100_000;
/** Trading-state changes kept in the live model for `risk.getStatus` (all of them stay in the journal). */
export const DEFAULT_STATE_HISTORY_KEPT = 100;

/** A trading-state change as journaled: who (for operator changes), when and why. */
export type TradingStateRecord = Omit<RiskTradingStateChanged, 'type'>;

/** What the risk actor journals. */
export type RiskJournalEvent =
  /** Approval sequence numbers up to `upTo` may be issued; a restarted actor starts above it. */
  | { readonly kind: 'seqReserved'; readonly upTo: number }
  /** An approval: it counts against the rate limits and opens the order (unless a retry of an open one). */
  | { readonly kind: 'approved'; readonly portfolioId: string; readonly strategyId: string; readonly clientOrderId: string; readonly seq: number; readonly time: number }
  | { readonly kind: 'closed'; readonly portfolioId: string; readonly clientOrderId: string }
  | { readonly kind: 'openOrdersSynced'; readonly portfolioId: string; readonly clientOrderIds: readonly string[] }
  /** A fill booked for the pattern-day-trader rule. */
  | { readonly kind: 'fillBooked'; readonly fill: RiskBookedFill }
  | { readonly kind: 'tradingStateChanged'; readonly change: TradingStateRecord };

/** The risk actor's live model: the engine, the sequence reservation and recent trading-state changes. */
export interface RiskBooks {
  readonly engine: RiskEngine;
  reservedUpTo: number;
  readonly history: TradingStateRecord[];
}

/** The snapshot form of `RiskBooks`. */
export interface RiskSnapshot {
  readonly engine: RiskEngineState;
  readonly reservedUpTo: number;
  readonly history: readonly TradingStateRecord[];
}

/** Builds an engine from persisted state (the actor supplies key, registry and limits). */
export type EngineFactory = (initial?: RiskEngineState) => RiskEngine;

/** Appends a change to the history, keeping the most recent `kept`. */
export function rememberChange(books: RiskBooks, change: TradingStateRecord, kept = DEFAULT_STATE_HISTORY_KEPT): void {
  books.history.push(change);
  if (books.history.length > kept) books.history.splice(0, books.history.length - kept);
}

/** Recovery: the model after one journaled event. */
export function replayRiskEvent(books: RiskBooks, event: RiskJournalEvent): RiskBooks {
  const engine = books.engine;
  switch (event.kind) {
    case 'seqReserved':
      books.reservedUpTo = Math.max(books.reservedUpTo, event.upTo);
      break;
    case 'approved':
      engine.replayApproval(event);
      break;
    case 'closed':
      engine.orderClosed(event.portfolioId, event.clientOrderId);
      break;
    case 'openOrdersSynced':
      engine.syncOpenOrders(event.portfolioId, event.clientOrderIds);
      break;
    case 'fillBooked':
      engine.recordFill(event.fill, event.fill.positionBefore);
      break;
    case 'tradingStateChanged':
      engine.restoreTradingState(event.change.to);
      rememberChange(books, event.change);
      break;
  }
  return books;
}

/** A plain copy of the model for a snapshot. */
export function dehydrateRiskBooks(books: RiskBooks): RiskSnapshot {
  return { engine: books.engine.state(), reservedUpTo: books.reservedUpTo, history: [...books.history] };
}

/** The model from a snapshot. */
export function hydrateRiskBooks(snapshot: RiskSnapshot, makeEngine: EngineFactory): RiskBooks {
  return { engine: makeEngine(snapshot.engine), reservedUpTo: snapshot.reservedUpTo, history: [...snapshot.history] };
}
