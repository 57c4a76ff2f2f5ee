import { JournaledActor, plainRef } from '../domain/journaled-actor.js';
import type { PlainRef } from '../domain/journaled-actor.js';
import type { ActorContext } from '../../runtime/actor.js';
import type { ActorRef } from '../../runtime/ref.js';
import { brokerReplayFills } from '../broker/protocol.js';
import { riskPortfolioUpdateOwned } from '../risk/protocol.js';
import type { RiskBookedFill, RiskProtocol } from '../risk/protocol.js';
import {
  dehydratePortfolioBooks, emptyPortfolioBooks, hydratePortfolioBooks, noteBroker, replayPortfolioEvent, sameRef,
} from './portfolio-books.js';
import { DEFAULT_EQUITY_POINTS_IN_SNAPSHOT } from './portfolio-books.js';
import type { PortfolioBooks, PortfolioBooksSnapshot, PortfolioJournalEvent } from './portfolio-books.js';
import { EQUITY_POINTS_KEPT, fillProblemsFor } from './live-portfolio.js';
import type { LivePortfolio } from './live-portfolio.js';
import { exposure, toSnapshot, unrealizedPnl } from './portfolio-state.js';
import type { PortfolioState } from './portfolio-state.js';
import { portfolioSnapshotReply } from './protocol.js';
import type { PortfolioFill, PortfolioMarkPrices, PortfolioProtocol } from './protocol.js';

/** Least clock time between two journaled marks (the live marks move with every price). */
export const DEFAULT_MARK_JOURNAL_INTERVAL_MS = 3_600_000;
/** Least clock time before the same replay request is sent again to a broker. */
export const REPLAY_REQUEST_RETRY_MS = 1_000;

/** Props of a `PortfolioActor` (kind `portfolio`): plain data. */
export interface PortfolioActorProps {
  /** Its journal is `portfolio-<portfolioId>`; fills for another portfolio are refused. */
  readonly portfolioId: string;
  /** Cash at creation (the first start); later starts recover the books from the journal instead. */
  readonly initialCash: number;
  /** The risk actor told of every change (`risk.portfolioUpdate`). */
  readonly riskRef?: ActorRef<RiskProtocol>;
  /** Default {@link DEFAULT_MARK_JOURNAL_INTERVAL_MS}. */
  readonly markJournalIntervalMs?: number;
  /** Events between snapshots; default 1,000. */
  readonly snapshotEveryEvents?: number;
  /** Events a snapshot waits for per unit of the books' size; default 8 (`SNAPSHOT_EVENTS_PER_WEIGHT`). */
  readonly snapshotEventsPerWeight?: number;
  /**
   * Equity points kept in memory: at least this many of the newest, at most twice as many; default
   * {@link EQUITY_POINTS_KEPT} (what a snapshot keeps). `Infinity` keeps the whole curve (a backtest's
   * eager reference feed reads it).
   */
  readonly equityPointsKept?: number;
  /** Ownership epoch, set by the cluster's placement (journal fencing); default 1. */
  readonly epoch?: number;
}

/** Published after every change when someone listens (the UI, and the identity test). */
export interface PortfolioUpdated {
  readonly type: 'portfolio.updated';
  readonly portfolioId: string;
  readonly state: PortfolioState;
}

/** Published when a fill cannot be booked (malformed, or for another portfolio). */
export interface PortfolioFillRejected {
  readonly type: 'portfolio.fillRejected';
  readonly portfolioId: string;
  readonly fillId: string;
  readonly problems: readonly string[];
  readonly time: number;
}

/**
 * One portfolio's books: cash, positions, realised and unrealised P&L at the latest marks, equity
 * history and exposure. Fills are applied once per fill id and journaled; a fill that arrives after a
 * gap in its broker's sequence is dropped and the broker is asked to replay from the gap, so a lost
 * message cannot lose a fill. After every change `equity = cash + sum(quantity x mark)` holds, and the
 * risk actor gets the new view.
 */
export class PortfolioActor extends JournaledActor<PortfolioProtocol, PortfolioJournalEvent, PortfolioBooks, PortfolioBooksSnapshot, PortfolioActorProps> {
  readonly #replayAsked = new Map<string, { afterSeq: number; at: number }>();
  /** Who gets `risk.portfolioUpdate`, built from the subscribed refs as they stood (they are only ever added). */
  #recipients: ActorRef[] = [];
  #recipientsOf: { readonly refs: readonly PlainRef[]; readonly length: number } | undefined;

  persistenceId(): string {
    return `portfolio-${this.props.portfolioId}`;
  }

  emptyLive(): PortfolioBooks {
    return emptyPortfolioBooks();
  }

  hydrate(snapshot: PortfolioBooksSnapshot): PortfolioBooks {
    return hydratePortfolioBooks(snapshot);
  }

  dehydrate(books: PortfolioBooks): PortfolioBooksSnapshot {
    return dehydratePortfolioBooks(books);
  }

  replay(books: PortfolioBooks, event: PortfolioJournalEvent): PortfolioBooks {
    return replayPortfolioEvent(books, event, this.props.portfolioId);
  }

  override snapshotEveryEvents(): number {
    return this.props.snapshotEveryEvents ?? super.snapshotEveryEvents();
  }

  override snapshotEventsPerWeight(): number {
    return this.props.snapshotEventsPerWeight ?? super.snapshotEventsPerWeight();
  }

  /** A fill id or an equity point weighs about an eighth of a journal event. */
  override snapshotWeight(books: PortfolioBooks): number {
    return ((books.portfolio?.fillCount ?? 0) + Math.min(books.portfolio?.equityPoints ?? 0, DEFAULT_EQUITY_POINTS_IN_SNAPSHOT)) / 8;
  }

  /** Creates the portfolio on its first start; then tells the risk actor, and asks known brokers for missed fills. */
  override async onRecovered(books: PortfolioBooks, ctx: ActorContext<PortfolioProtocol>): Promise<void> {
    if (books.portfolio === undefined) {
      const opened: PortfolioJournalEvent = { kind: 'opened', cash: this.props.initialCash, time: ctx.clock.now() };
      replayPortfolioEvent(books, opened, this.props.portfolioId);
      await this.recordNow(opened);
    }
    // The books exist from here on (a restart is a new instance); a bad bound fails the start.
    books.portfolio!.keepEquityPoints(this.props.equityPointsKept ?? EQUITY_POINTS_KEPT);
    this.#tellRisk(ctx);
    for (const [brokerId, feed] of books.brokers) if (feed.ref !== undefined) this.#askReplay(brokerId, feed.seq, feed.ref, ctx);
  }

  #portfolio(): LivePortfolio {
    return this.live.portfolio!;
  }

  handle(msg: PortfolioProtocol, ctx: ActorContext<PortfolioProtocol>): void {
    switch (msg.type) {
      case 'portfolio.fill':
        return this.#onFill(msg, ctx);
      case 'portfolio.markPrices':
        return this.#onMarks(msg, ctx);
      case 'portfolio.startDay': {
        const event: PortfolioJournalEvent = { kind: 'dayStarted', time: msg.time };
        replayPortfolioEvent(this.live, event, this.props.portfolioId);
        this.record(event);
        return this.#changed(ctx);
      }
      case 'portfolio.getSnapshot': {
        const state = this.#portfolio().state();
        return ctx.reply(portfolioSnapshotReply(toSnapshot(state), { exposure: exposure(state), unrealizedPnl: unrealizedPnl(state) }));
      }
      case 'portfolio.fillsHead': {
        const feed = this.live.brokers.get(msg.brokerId);
        if (msg.portfolioId === this.props.portfolioId && ctx.sender !== undefined && msg.seq > (feed?.seq ?? 0)) this.#askReplay(msg.brokerId, feed?.seq ?? 0, ctx.sender, ctx);
        return;
      }
      case 'portfolio.subscribeRisk':
        return this.#onSubscribeRisk(ctx);
    }
  }

  #onFill(msg: PortfolioFill, ctx: ActorContext<PortfolioProtocol>): void {
    const { fill, brokerId, seq } = msg;
    const books = this.live;
    const portfolio = this.#portfolio();
    const problems = fillProblemsFor(this.props.portfolioId, fill);
    if (problems.length > 0) {
      const event: PortfolioFillRejected = { type: 'portfolio.fillRejected', portfolioId: this.props.portfolioId, fillId: String(fill?.fillId), problems, time: ctx.clock.now() };
      return ctx.system.events.publish(Object.freeze(event));
    }
    const sequenced = brokerId !== undefined && seq !== undefined;
    const last = sequenced ? (books.brokers.get(brokerId)?.seq ?? 0) : 0;
    if (sequenced && seq > last + 1) {
      // A fill before it is missing: drop this one and ask for everything after the last applied, in order.
      if (ctx.sender !== undefined) this.#askReplay(brokerId, last, ctx.sender, ctx);
      return;
    }
    if (portfolio.hasFill(fill.fillId)) return;
    const positionBefore = portfolio.quantityOf(fill.symbol);
    const event: PortfolioJournalEvent = !sequenced
      ? { kind: 'filled', fill }
      : ctx.sender === undefined
        ? { kind: 'filled', fill, brokerId, seq }
        : { kind: 'filled', fill, brokerId, seq, brokerRef: this.#brokerRef(brokerId, ctx.sender) };
    // What `replayPortfolioEvent` does for this event, without checking the fill and its id a second time.
    portfolio.bookFill(fill);
    noteBroker(books, event.brokerId, event.seq, event.brokerRef);
    // Written behind: a fill lost with a crash is replayed by its broker on the next start.
    this.record(event);
    const booked: RiskBookedFill = {
      portfolioId: fill.portfolioId, clientOrderId: fill.clientOrderId, symbol: fill.symbol, side: fill.side, quantity: fill.quantity, time: fill.time, positionBefore,
    };
    this.#changed(ctx, booked);
  }

  #onMarks(msg: PortfolioMarkPrices, ctx: ActorContext<PortfolioProtocol>): void {
    const books = this.live;
    const portfolio = this.#portfolio().markPrices(msg.prices, msg.time);
    // Marks follow every price; the journal gets one now and then, with every mark held, so that a
    // restart comes back close to the last equity without a journal write per price.
    if (msg.time - books.lastMarkJournaled >= (this.props.markJournalIntervalMs ?? DEFAULT_MARK_JOURNAL_INTERVAL_MS)) {
      books.lastMarkJournaled = msg.time;
      this.record({ kind: 'marked', prices: portfolio.markPriceRecord(), time: msg.time });
    }
    this.#changed(ctx);
  }

  #onSubscribeRisk(ctx: ActorContext<PortfolioProtocol>): void {
    const sender = ctx.sender;
    if (sender === undefined) return;
    const ref = plainRef(sender);
    const books = this.live;
    const known = books.riskRefs.some((r) => sameRef(r, ref)) || (this.props.riskRef !== undefined && sameRef(plainRef(this.props.riskRef), ref));
    if (!known) {
      const event: PortfolioJournalEvent = { kind: 'riskSubscribed', ref };
      replayPortfolioEvent(books, event, this.props.portfolioId);
      this.record(event);
    }
    ctx.reply(riskPortfolioUpdateOwned(this.#portfolio().riskView(), ctx.clock.now()));
  }

  #changed(ctx: ActorContext<PortfolioProtocol>, fill?: RiskBookedFill): void {
    this.#tellRisk(ctx, fill);
    const events = ctx.system.events;
    if (events.hasListeners('portfolio.updated')) {
      const updated: PortfolioUpdated = { type: 'portfolio.updated', portfolioId: this.props.portfolioId, state: this.#portfolio().state() };
      events.publish(Object.freeze(updated));
    }
  }

  /** Tells every risk actor (the one in the props and those that subscribed) the new view. */
  #tellRisk(ctx: ActorContext<PortfolioProtocol>, fill?: RiskBookedFill): void {
    const refs = this.#riskRecipients();
    if (refs.length === 0) return;
    const update = riskPortfolioUpdateOwned(this.#portfolio().riskView(), ctx.clock.now(), fill);
    for (const ref of refs) ctx.tell(ref, update);
  }

  /** The risk actor in the props, then those that subscribed (not it again); rebuilt only after a subscription. */
  #riskRecipients(): readonly ActorRef[] {
    const subscribed = this.live.riskRefs;
    if (this.#recipientsOf?.refs === subscribed && this.#recipientsOf.length === subscribed.length) return this.#recipients;
    const own = this.props.riskRef;
    const refs: ActorRef[] = own === undefined ? [] : [own];
    for (const ref of subscribed) if (own === undefined || !sameRef(plainRef(own), ref)) refs.push(ref);
    this.#recipients = refs;
    this.#recipientsOf = { refs: subscribed, length: subscribed.length };
    return refs;
  }

  /** The sender as a plain ref: the broker's known one when it is the same actor (one object less per fill). */
  #brokerRef(brokerId: string, sender: ActorRef): PlainRef {
    const known = this.live.brokers.get(brokerId)?.ref;
    return known !== undefined && known.path === sender.path && known.node === sender.node ? known : plainRef(sender);
  }

  /** Asks a broker for every fill after `afterSeq`, at most once per `REPLAY_REQUEST_RETRY_MS` for the same gap. */
  #askReplay(brokerId: string, afterSeq: number, ref: ActorRef, ctx: ActorContext<PortfolioProtocol>): void {
    const now = ctx.clock.now();
    const asked = this.#replayAsked.get(brokerId);
    if (asked !== undefined && asked.afterSeq === afterSeq && now - asked.at < REPLAY_REQUEST_RETRY_MS) return;
    this.#replayAsked.set(brokerId, { afterSeq, at: now });
    ctx.tell(ref, brokerReplayFills(this.props.portfolioId, afterSeq));
  }

  override inspect(): Record<string, unknown> {
    const state = this.live?.portfolio?.state();
    return {
      ...super.inspect(),
      portfolioId: this.props.portfolioId,
      ...(state === undefined ? {} : { cash: state.cash, equity: state.equity, realizedPnl: state.realizedPnl, unrealizedPnl: unrealizedPnl(state), exposure: exposure(state) }),
    };
  }
}
