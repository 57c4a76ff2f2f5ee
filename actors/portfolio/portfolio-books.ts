import type { Fill } from '../domain/fill.js';
import type { PlainRef } from '../domain/journaled-actor.js';
import { EQUITY_POINTS_KEPT, LivePortfolio } from './live-portfolio.js';
import { createPortfolio, fromSnapshot, toSnapshot } from './portfolio-state.js';
import type { PortfolioSnapshot } from './portfolio-state.js';

/** Equity points a snapshot keeps: those the live books keep at least ({@link EQUITY_POINTS_KEPT}). */
export const DEFAULT_EQUITY_POINTS_IN_SNAPSHOT = EQUITY_POINTS_KEPT;

/** What the portfolio actor journals. */
export type PortfolioJournalEvent =
  /** The portfolio was created with its initial cash (the first event of its journal). */
  | { readonly kind: 'opened'; readonly cash: number; readonly time: number }
  /** A fill, with the broker that sent it and its sequence there (for replays). */
  | { readonly kind: 'filled'; readonly fill: Fill; readonly brokerId?: string; readonly seq?: number; readonly brokerRef?: PlainRef }
  /** Marks journaled now and then, so a restart comes back close to the last equity. */
  | { readonly kind: 'marked'; readonly prices: Readonly<Record<string, number>>; readonly time: number }
  | { readonly kind: 'dayStarted'; readonly time: number }
  /** A risk actor asked to be told of every change. */
  | { readonly kind: 'riskSubscribed'; readonly ref: PlainRef };

/** Where a broker's fills for this portfolio stand. */
export interface BrokerFeed {
  /** The highest broker sequence applied. */
  seq: number;
  ref?: PlainRef;
}

/** The portfolio actor's live model. `portfolio` is undefined until the `opened` event. */
export interface PortfolioBooks {
  /** Changed in place; `portfolio.state()` reads it as a frozen `PortfolioState`. */
  portfolio: LivePortfolio | undefined;
  readonly brokers: Map<string, BrokerFeed>;
  /** Clock time of the last journaled mark. */
  lastMarkJournaled: number;
  /** Risk actors that subscribed (besides the one in the props). */
  readonly riskRefs: PlainRef[];
}

/** The snapshot form of `PortfolioBooks`. */
export interface PortfolioBooksSnapshot {
  readonly state?: PortfolioSnapshot;
  readonly brokers: ReadonlyArray<readonly [string, BrokerFeed]>;
  readonly lastMarkJournaled: number;
  readonly riskRefs: readonly PlainRef[];
}

/** An empty model (no portfolio yet). */
export function emptyPortfolioBooks(): PortfolioBooks {
  return { portfolio: undefined, brokers: new Map(), lastMarkJournaled: Number.NEGATIVE_INFINITY, riskRefs: [] };
}

/** Records a broker's sequence and ref after one of its fills. */
export function noteBroker(books: PortfolioBooks, brokerId: string | undefined, seq: number | undefined, ref: PlainRef | undefined): void {
  if (brokerId === undefined) return;
  const feed = books.brokers.get(brokerId) ?? { seq: 0 };
  if (seq !== undefined && seq > feed.seq) feed.seq = seq;
  if (ref !== undefined) feed.ref = ref;
  books.brokers.set(brokerId, feed);
}

/** Whether two refs name the same actor. */
export function sameRef(a: PlainRef, b: PlainRef): boolean {
  return a.path === b.path && (a.node ?? '') === (b.node ?? '');
}

/** Recovery (and the live path): the model after one event. */
export function replayPortfolioEvent(books: PortfolioBooks, event: PortfolioJournalEvent, portfolioId: string): PortfolioBooks {
  switch (event.kind) {
    case 'opened':
      books.portfolio ??= LivePortfolio.fromState(createPortfolio(portfolioId, event.cash, event.time));
      break;
    case 'filled':
      books.portfolio?.applyFill(event.fill);
      noteBroker(books, event.brokerId, event.seq, event.brokerRef);
      break;
    case 'marked':
      books.portfolio?.markPrices(event.prices, event.time);
      books.lastMarkJournaled = event.time;
      break;
    case 'dayStarted':
      books.portfolio?.startTradingDay(event.time);
      break;
    case 'riskSubscribed':
      if (!books.riskRefs.some((r) => sameRef(r, event.ref))) books.riskRefs.push(event.ref);
      break;
  }
  return books;
}

/** A plain copy for a snapshot, with the most recent `equityPoints` of the equity curve. */
export function dehydratePortfolioBooks(books: PortfolioBooks, equityPoints = DEFAULT_EQUITY_POINTS_IN_SNAPSHOT): PortfolioBooksSnapshot {
  const brokers = [...books.brokers].map(([id, feed]) => [id, { ...feed }] as const);
  const common = { brokers, lastMarkJournaled: books.lastMarkJournaled, riskRefs: [...books.riskRefs] };
  if (books.portfolio === undefined) return common;
  const snapshot = toSnapshot(books.portfolio.state());
  return { state: { ...snapshot, equityHistory: snapshot.equityHistory.slice(-equityPoints) }, ...common };
}

/** The model from a snapshot. */
export function hydratePortfolioBooks(snapshot: PortfolioBooksSnapshot): PortfolioBooks {
  return {
    portfolio: snapshot.state === undefined ? undefined : LivePortfolio.fromState(fromSnapshot(snapshot.state)),
    brokers: new Map(snapshot.brokers.map(([id, feed]) => [id, { ...feed }])),
    lastMarkJournaled: snapshot.lastMarkJournaled,
    riskRefs: [...snapshot.riskRefs],
  };
}
