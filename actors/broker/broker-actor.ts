import { barProblems } from '../domain/bar.js';
import { JournaledActor } from '../domain/journaled-actor.js';
import type { ActorContext } from '../../runtime/actor.js';
import { isActorRef } from '../../runtime/ref.js';
import type { ActorRef } from '../../runtime/ref.js';
import { portfolioFill } from '../portfolio/protocol.js';
import { verifyApproval } from '../risk/approval.js';
import type { ApprovedOrder } from '../risk/approval.js';
import { riskOrderClosed } from '../risk/protocol.js';
import {
  applyOpened, applyReport, dehydrateBrokerBooks, DEFAULT_RETAIN_FILLS, DEFAULT_RETAIN_TERMINAL_ORDERS, emptyBrokerBooks, fillsAfter,
  hydrateBrokerBooks, plainRef, replayBrokerEvent,
} from './broker-books.js';
import type { BookedReport, BrokerBooks, BrokerJournalEvent, BrokerOpenedEvent, BrokerRetention, BrokerSnapshot } from './broker-books.js';
import type { UsedTokenSet } from '../risk/used-tokens.js';
import type { BrokerActorProps } from './broker-config.js';
export type { BrokerActorProps } from './broker-config.js';
import { issueNonce, nonceStatus } from './broker-nonce.js';
import { reconcileWithVenue } from './broker-reconcile.js';
import type { ReconcileHost } from './broker-reconcile.js';
import { UnknownOrderError, VenueTimeoutError, VenueUnavailableError } from './errors.js';
import { isTerminal } from './oms-state.js';
import type { OmsOrder } from './order-book.js';
import { brokerFill, brokerOrders, brokerOrderUpdate, brokerSecurityEvent } from './protocol.js';
import type { BrokerApprovedOrder, BrokerCancelOrder, BrokerInternal, BrokerNotice, BrokerProtocol, BrokerSecurityReason } from './protocol.js';
import { orderPathOf, venueOf } from './services.js';
import { isSimulatedVenue, venueOrderOf } from './venue.js';
import type { SubmitAck, Unsubscribe, Venue, VenueReport } from './venue.js';

/** The top-level segment of a path: `desk` for `/desk/risk`. */
function unitOf(path: string): string {
  const end = path.indexOf('/', 1);
  return end < 0 ? path : path.slice(0, end);
}

/**
 * A ref to journal. One naming an actor of the broker's own top-level unit on this node (its risk actor,
 * in the cluster's desk) is kept without the node: the unit moves as a whole on failover, and the ref
 * must name the actor on the new owner, not the dead node.
 */
function unitRef(ref: ActorRef, ctx: ActorContext<BrokerProtocol>): ReturnType<typeof plainRef> {
  const plain = plainRef(ref);
  return plain.node === ctx.system.node && unitOf(plain.path) === unitOf(ctx.path) ? { path: plain.path } : plain;
}

function clientOrderIdOf(approved: unknown): string | undefined {
  const id = (approved as Partial<ApprovedOrder> | undefined)?.order?.clientOrderId;
  return typeof id === 'string' ? id : undefined;
}

/**
 * The broker actor: the only way to a venue. It acts only on an approved order whose token verifies
 * under the node's risk key, comes from an accepted risk identity, has not expired and was never used;
 * anything else is a security event, journaled and published. It journals an order before the venue
 * sees it (write-ahead), applies venue reports through the OMS transition table, forwards fills to the
 * portfolio with a gap-free sequence, and on every start reconciles with the venue before it takes a
 * message. See docs/concepts/order-path.md.
 *
 * @example
 * attachOrderPath(system, { riskKey, venues: new Map([['paper', venue]]) });
 * system.spawnKind('broker', 'broker', { brokerId: 'b1', venue: 'paper', riskIds: ['risk-1'], portfolioRef: { path: '/portfolio' } });
 */
export class BrokerActor extends JournaledActor<BrokerProtocol, BrokerJournalEvent, BrokerBooks, BrokerSnapshot, BrokerActorProps> {
  readonly #nonce = issueNonce();
  #venue!: Venue;
  #key!: Buffer;
  #subscriptions: Unsubscribe[] = [];
  /** Orders handed to the venue by this instance (a cancel before that completes locally). */
  readonly #sent = new Set<string>();
  /** Orders whose write-ahead journal entry is not committed yet: nothing may send them. */
  readonly #unjournaled = new Set<string>();
  /** The live model's used tokens as `verifyApproval` reads and adds them (one adapter, not one per order). */
  readonly #seen: UsedTokenSet = {
    has: (id) => this.live.tokens.has(id),
    add: (id, expiresAt) => void this.live.tokens.set(id, expiresAt),
  };

  persistenceId(): string {
    return `broker-${this.props.brokerId}`;
  }

  emptyLive(): BrokerBooks {
    return emptyBrokerBooks(this.#retention());
  }

  hydrate(snapshot: BrokerSnapshot): BrokerBooks {
    return hydrateBrokerBooks(snapshot, this.#retention());
  }

  dehydrate(books: BrokerBooks): BrokerSnapshot {
    return dehydrateBrokerBooks(books);
  }

  replay(books: BrokerBooks, event: BrokerJournalEvent): BrokerBooks {
    return replayBrokerEvent(books, event);
  }

  override snapshotEveryEvents(): number {
    return this.props.snapshotEveryEvents ?? super.snapshotEveryEvents();
  }

  override snapshotEventsPerWeight(): number {
    return this.props.snapshotEventsPerWeight ?? super.snapshotEventsPerWeight();
  }

  /** An OMS order weighs about one journal event, a kept fill half, a used token an eighth. */
  override snapshotWeight(books: BrokerBooks): number {
    let fills = 0;
    for (const log of books.fills.values()) fills += log.items.length;
    return books.book.size + fills / 2 + books.tokens.size / 8;
  }

  #retention(): BrokerRetention {
    return { terminalOrders: this.props.retainTerminalOrders ?? DEFAULT_RETAIN_TERMINAL_ORDERS, fillsPerPortfolio: this.props.retainFills ?? DEFAULT_RETAIN_FILLS };
  }

  override async started(ctx: ActorContext<BrokerProtocol>): Promise<void> {
    this.#key = orderPathOf(ctx.system).riskKey;
    this.#venue = venueOf(ctx.system, this.props.venue);
    await super.started(ctx);
  }

  /** Subscribes to the venue, then reconciles: messages (new orders included) wait until it is done. */
  override async onRecovered(_books: BrokerBooks, ctx: ActorContext<BrokerProtocol>): Promise<void> {
    const self = ctx.self;
    const nonce = this.#nonce;
    this.#subscriptions.push(
      this.#venue.onReport((report) => ctx.system.tell(self, Object.freeze({ type: 'broker.venueReport', nonce, report }))),
      this.#venue.onStatus((status) => ctx.system.tell(self, Object.freeze({ type: 'broker.venueStatus', nonce, status }))),
    );
    await this.#reconcile(ctx);
  }

  override restarting(error: unknown, ctx: ActorContext<BrokerProtocol>): Promise<void> {
    this.#unsubscribe();
    return super.restarting(error, ctx);
  }

  override stopped(ctx: ActorContext<BrokerProtocol>): Promise<void> {
    this.#unsubscribe();
    return super.stopped(ctx);
  }

  #unsubscribe(): void {
    for (const unsubscribe of this.#subscriptions.splice(0)) unsubscribe();
  }

  handle(msg: BrokerProtocol, ctx: ActorContext<BrokerProtocol>): void | Promise<void> {
    switch (msg.type) {
      case 'broker.approvedOrder':
        return this.#onApproved(msg, ctx);
      case 'broker.cancelOrder':
        return this.#onCancel(msg, ctx);
      case 'broker.reconcile':
        return this.#reconcile(ctx);
      case 'broker.marketBar': {
        const problems = barProblems(msg.bar);
        if (problems.length > 0) return this.#publish(ctx, { type: 'broker.marketDataRejected', brokerId: this.props.brokerId, problems, time: ctx.clock.now() });
        if (isSimulatedVenue(this.#venue)) this.#venue.onBar(msg.bar);
        return;
      }
      case 'broker.marketQuote':
        if (isSimulatedVenue(this.#venue)) this.#venue.onQuote(msg.quote);
        return;
      case 'broker.sessionClose':
        if (isSimulatedVenue(this.#venue)) this.#venue.expireDayOrders();
        return;
      case 'broker.replayFills':
        return this.#onReplayFills(msg.portfolioId, msg.afterSeq, ctx);
      case 'broker.getOrders': {
        const ids = msg.clientOrderIds;
        const orders = ids === undefined ? this.live.book.all() : ids.flatMap((id) => this.live.book.get(id) ?? []);
        return ctx.reply(brokerOrders(orders));
      }
      case 'broker.venueReport':
      case 'broker.venueStatus':
      case 'broker.submitOutcome':
        return this.#onInternal(msg, ctx);
      default: {
        const type = String((msg as { type?: unknown }).type);
        return this.#security(ctx, 'UNSUPPORTED_MESSAGE', `UNSUPPORTED_MESSAGE: the broker takes no ${JSON.stringify(type.slice(0, 64))} messages`, undefined, [ctx.sender]);
      }
    }
  }

  #onInternal(msg: BrokerInternal, ctx: ActorContext<BrokerProtocol>): void | Promise<void> {
    const status = nonceStatus(msg.nonce, this.#nonce);
    if (status !== 'own') {
      if (status === 'stale') return; // from an earlier instance of a broker: reconciliation covered it
      return this.#security(ctx, 'FORGED_INTERNAL_MESSAGE', `FORGED_INTERNAL_MESSAGE: ${msg.type} not sent by this broker`, undefined, [ctx.sender]);
    }
    switch (msg.type) {
      case 'broker.venueReport':
        return this.#onReport(msg.report, ctx);
      case 'broker.venueStatus':
        return msg.status === 'connected' ? this.#reconcile(ctx) : undefined;
      case 'broker.submitOutcome':
        return this.#onSubmitOutcome(msg.clientOrderId, msg.ack, msg.error, ctx);
    }
  }

  #onApproved(msg: BrokerApprovedOrder, ctx: ActorContext<BrokerProtocol>): void {
    const now = ctx.clock.now();
    const books = this.live;
    const approved = msg.approved;
    const replyTo = isActorRef(msg.replyTo) ? msg.replyTo : undefined;
    const verdict = verifyApproval(approved, { key: this.#key, now, seen: this.#seen });
    const clientOrderId = clientOrderIdOf(approved);
    const targets = [replyTo, ctx.sender];
    if (!verdict.ok) {
      // A redelivered approval of an order the OMS holds: answer with that order, never act twice.
      const existing = verdict.reason === 'REPLAYED' && clientOrderId !== undefined ? books.book.get(clientOrderId) : undefined;
      if (existing !== undefined) this.#tellFirst(ctx, targets, brokerOrderUpdate(existing, now));
      return this.#security(ctx, verdict.reason, verdict.message, clientOrderId, targets);
    }
    if (!this.props.riskIds.includes(approved.approval.riskId)) {
      books.tokens.delete(verdict.tokenId);
      return this.#security(ctx, 'UNKNOWN_SIGNER', `UNKNOWN_SIGNER: riskId=${approved.approval.riskId}, accepted=${this.props.riskIds.join('|')}`, clientOrderId, targets);
    }
    const event: BrokerOpenedEvent = {
      kind: 'opened', order: approved.order, tokenId: verdict.tokenId, expiresAt: approved.approval.expiresAt, time: now,
      ...(replyTo === undefined ? {} : { replyTo: unitRef(replyTo, ctx) }),
      ...(ctx.sender === undefined ? {} : { riskRef: unitRef(ctx.sender, ctx) }),
    };
    const opened = applyOpened(books, event);
    switch (opened.kind) {
      case 'created': {
        const id = approved.order.clientOrderId;
        // Write-ahead: the venue sees the order only once the journal holds it.
        this.#unjournaled.add(id);
        return this.record(event, () => {
          this.#unjournaled.delete(id);
          this.#sendToVenue(id, ctx);
        });
      }
      case 'duplicate':
        this.#tellFirst(ctx, targets, brokerOrderUpdate(opened.order, now));
        // A retry of an order that has ended: the risk actor took it for a new one and opened it again.
        if (isTerminal(opened.order.status) && ctx.sender !== undefined) ctx.tell(ctx.sender, riskOrderClosed(opened.order.order.portfolioId, opened.order.clientOrderId));
        return;
      case 'conflict':
        return this.#security(ctx, 'CLIENT_ORDER_ID_CONFLICT', `CLIENT_ORDER_ID_CONFLICT: ${opened.order.clientOrderId} is another order`, clientOrderId, targets);
    }
  }

  /**
   * Runs once the order's write-ahead entry is committed (between messages, never inside a handler):
   * tells the strategy it is submitted and hands it to the venue.
   */
  #sendToVenue(clientOrderId: string, ctx: ActorContext<BrokerProtocol>): void {
    const order = this.live.book.get(clientOrderId);
    if (order === undefined || order.status !== 'submitted' || this.#sent.has(clientOrderId)) return;
    const replyTo = this.live.routes.get(clientOrderId)?.replyTo;
    if (replyTo !== undefined) ctx.tell(replyTo, brokerOrderUpdate(order, ctx.clock.now()));
    this.#submit(order, ctx);
  }

  /**
   * Hands an order to the venue. The outcome comes back as a message, and so does an adapter that
   * throws: the broker then fails (and recovers) while handling its own message, never another one.
   */
  #submit(order: OmsOrder, ctx: ActorContext<BrokerProtocol>): void {
    const id = order.clientOrderId;
    this.#sent.add(id);
    const venue = this.#venue;
    if (venue.submitNow !== undefined) {
      let ack: SubmitAck;
      try {
        ack = venue.submitNow(venueOrderOf(order.order));
      } catch (error) {
        return this.#tellOutcome(ctx, id, { error });
      }
      if (ack.outcome !== 'sent') this.#tellOutcome(ctx, id, { ack });
      return;
    }
    let submitted: Promise<SubmitAck>;
    try {
      submitted = venue.submit(venueOrderOf(order.order));
    } catch (error) {
      return this.#tellOutcome(ctx, id, { error });
    }
    // A plain `sent` needs nothing: the venue's reports follow. Only a duplicate or a failure comes back.
    void this.track(submitted.then((ack) => (ack.outcome === 'sent' ? undefined : this.#tellOutcome(ctx, id, { ack })), (error: unknown) => this.#tellOutcome(ctx, id, { error })));
  }

  #tellOutcome(ctx: ActorContext<BrokerProtocol>, clientOrderId: string, fields: { ack?: SubmitAck; error?: unknown }): void {
    ctx.system.tell(ctx.self, Object.freeze({ type: 'broker.submitOutcome', nonce: this.#nonce, clientOrderId, ...fields }));
  }

  #onSubmitOutcome(clientOrderId: string, ack: SubmitAck | undefined, error: unknown, ctx: ActorContext<BrokerProtocol>): void {
    if (error === undefined) {
      // The venue already had it (a resubmit after a restart): it is live there or done; a report or reconciliation settles it.
      if (ack?.outcome === 'duplicate') this.#markAmbiguous(clientOrderId, ctx);
      return;
    }
    if (error instanceof VenueTimeoutError) return this.#markAmbiguous(clientOrderId, ctx);
    if (error instanceof VenueUnavailableError) {
      // Certainly not sent: the order stays submitted, and reconciliation on reconnect sends it (same id).
      this.#sent.delete(clientOrderId);
      return this.#publish(ctx, { type: 'broker.venueUnavailable', brokerId: this.props.brokerId, clientOrderId, time: ctx.clock.now() });
    }
    throw error;
  }

  /** The submit's outcome is unknown: the order stays in flight, flagged, until a report or reconciliation settles it. */
  #markAmbiguous(clientOrderId: string, ctx: ActorContext<BrokerProtocol>): void {
    const order = this.live.book.get(clientOrderId);
    if (order === undefined || order.ambiguous || isTerminal(order.status) || order.venueOrderId !== undefined) return;
    const now = ctx.clock.now();
    const updated = this.live.book.markAmbiguous(clientOrderId, now);
    this.record({ kind: 'ambiguous', clientOrderId, time: now });
    const replyTo = this.live.routes.get(clientOrderId)?.replyTo;
    if (replyTo !== undefined) ctx.tell(replyTo, brokerOrderUpdate(updated, now));
  }

  #onCancel(msg: BrokerCancelOrder, ctx: ActorContext<BrokerProtocol>): void {
    const now = ctx.clock.now();
    const order = this.live.book.get(msg.clientOrderId);
    if (order === undefined || order.order.portfolioId !== msg.portfolioId) return;
    if (isTerminal(order.status) || order.status === 'pending_cancel') return this.#tellFirst(ctx, [ctx.sender], brokerOrderUpdate(order, now));
    if (order.status === 'submitted' && !order.ambiguous && !this.#sent.has(order.clientOrderId)) {
      // Not handed to the venue yet: cancel here, and the venue never sees it.
      return this.#onReport({ kind: 'canceled', clientOrderId: order.clientOrderId, reason: 'CANCELED_BEFORE_SUBMIT', time: now }, ctx);
    }
    const pending = this.live.book.requestCancel(order.clientOrderId, now);
    this.record({ kind: 'cancelRequested', clientOrderId: order.clientOrderId, time: now });
    const replyTo = this.live.routes.get(order.clientOrderId)?.replyTo;
    if (replyTo !== undefined) ctx.tell(replyTo, brokerOrderUpdate(pending, now));
    void this.track(this.#venue.cancel(order.clientOrderId).catch((error: unknown) => {
      this.#publish(ctx, { type: 'broker.cancelFailed', brokerId: this.props.brokerId, clientOrderId: order.clientOrderId, error: String(error), time: ctx.clock.now() });
    }));
  }

  /** Applies a venue report (live or from reconciliation), journals it, and tells whoever must know. */
  #onReport(report: VenueReport, ctx: ActorContext<BrokerProtocol>): void {
    const now = ctx.clock.now();
    const route = this.live.routes.get(report.clientOrderId);
    let result: BookedReport;
    try {
      result = applyReport(this.live, report, now);
    } catch (error) {
      if (error instanceof UnknownOrderError && report.kind === 'fill') {
        return this.#security(ctx, 'UNKNOWN_EXECUTION', `UNKNOWN_EXECUTION: ${report.fill.fillId} for unknown order ${report.clientOrderId}`, report.clientOrderId, []);
      }
      return this.#security(ctx, 'IMPOSSIBLE_REPORT', `IMPOSSIBLE_REPORT: ${report.kind} for ${report.clientOrderId}: ${(error as Error).message}`, report.clientOrderId, []);
    }
    if (!result.changed) return;
    this.record({ kind: 'report', report, time: now });
    const order = result.order;
    const events = ctx.system.events;
    // The portfolio hears of a fill before the strategy: an order the strategy sends from onFill then
    // reaches the risk actor after the portfolio's update that carries the fill's position.
    if (result.fill !== undefined) {
      const portfolio = this.props.portfolioRefs?.[order.order.portfolioId] ?? this.props.portfolioRef;
      if (portfolio !== undefined) ctx.tell(portfolio, portfolioFill(result.fill, this.props.brokerId, result.fillSeq));
    }
    const update = brokerOrderUpdate(order, now);
    if (route?.replyTo !== undefined) ctx.tell(route.replyTo, update);
    if (events.hasListeners('broker.orderUpdate')) events.publish(update);
    if (result.fill !== undefined) {
      const fill = brokerFill(result.fill);
      if (route?.replyTo !== undefined) ctx.tell(route.replyTo, fill);
      if (events.hasListeners('broker.fill')) events.publish(fill);
    }
    if (isTerminal(order.status)) {
      this.#sent.delete(order.clientOrderId);
      if (route?.riskRef !== undefined) ctx.tell(route.riskRef, riskOrderClosed(order.order.portfolioId, order.clientOrderId));
    }
  }

  #onReplayFills(portfolioId: string, afterSeq: number, ctx: ActorContext<BrokerProtocol>): void {
    if (ctx.sender === undefined || typeof portfolioId !== 'string' || !Number.isSafeInteger(afterSeq)) return;
    const { fills, missing } = fillsAfter(this.live, portfolioId, afterSeq);
    if (missing > 0) this.#publish(ctx, { type: 'broker.fillReplayGap', brokerId: this.props.brokerId, portfolioId, afterSeq, missing, time: ctx.clock.now() });
    for (const { fill, seq } of fills) ctx.reply(portfolioFill(fill, this.props.brokerId, seq));
  }

  #reconcile(ctx: ActorContext<BrokerProtocol>): Promise<void> {
    const host: ReconcileHost = {
      brokerId: this.props.brokerId,
      venue: this.#venue,
      books: this.live,
      unjournaled: (id) => this.#unjournaled.has(id),
      now: () => ctx.clock.now(),
      applyReport: (report) => this.#onReport(report, ctx),
      record: (event) => this.record(event),
      markAmbiguous: (id) => this.#markAmbiguous(id, ctx),
      resolve: (id) => {
        const now = ctx.clock.now();
        this.live.book.clearAmbiguous(id, now);
        this.record({ kind: 'resolved', clientOrderId: id, time: now });
      },
      submit: (order) => {
        this.#sent.add(order.clientOrderId);
        return this.track(this.#venue.submit(venueOrderOf(order.order)));
      },
      security: (reason, message, id) => this.#security(ctx, reason, message, id, []),
      tell: (ref, message) => ctx.tell(ref, message),
      publish: (event) => this.#publish(ctx, event),
      portfolioRef: (id) => this.props.portfolioRefs?.[id] ?? this.props.portfolioRef,
    };
    return reconcileWithVenue(host);
  }

  #security(ctx: ActorContext<BrokerProtocol>, reason: BrokerSecurityReason, message: string, clientOrderId: string | undefined, targets: ReadonlyArray<ActorRef | undefined>): void {
    const time = ctx.clock.now();
    this.live.securityEvents += 1;
    this.record({ kind: 'security', reason, message, time, ...(clientOrderId === undefined ? {} : { clientOrderId }) });
    const event = brokerSecurityEvent({ reason, message, brokerId: this.props.brokerId, time, ...(clientOrderId === undefined ? {} : { clientOrderId }) });
    ctx.system.events.publish(event);
    this.#tellFirst(ctx, targets, event);
  }

  /** Tells the first defined target (the strategy, else the sender). */
  #tellFirst(ctx: ActorContext<BrokerProtocol>, targets: ReadonlyArray<ActorRef | undefined>, message: { readonly type: string }): void {
    const target = targets.find((t) => t !== undefined && isActorRef(t));
    if (target !== undefined) ctx.tell(target, message);
  }

  #publish(ctx: ActorContext<BrokerProtocol>, event: BrokerNotice): void {
    ctx.system.events.publish(Object.freeze(event));
  }

  override inspect(): Record<string, unknown> {
    const books = this.live;
    return {
      ...super.inspect(),
      brokerId: this.props.brokerId,
      venue: this.props.venue,
      venueStatus: this.#venue?.status,
      orders: books?.book.size ?? 0,
      usedTokens: books?.tokens.size ?? 0,
      securityEvents: books?.securityEvents ?? 0,
      pendingWrites: this.pendingWrites,
    };
  }
}
