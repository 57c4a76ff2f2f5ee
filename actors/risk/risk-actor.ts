import { InstrumentRegistry } from '../domain/instrument.js';
import type { Instrument } from '../domain/instrument.js';
import { JournaledActor } from '../domain/journaled-actor.js';
import type { OrderRequest } from '../domain/order.js';
import type { ActorContext } from '../../runtime/actor.js';
import { describeError } from '../../runtime/errors.js';
import type { ActorRef } from '../../runtime/ref.js';
import { brokerApprovedOrder, brokerCancelOrder } from '../broker/protocol.js';
import type { BrokerProtocol } from '../broker/protocol.js';
import { operatorCredentialMatches, orderPathOf } from '../broker/services.js';
import { portfolioSubscribeRisk } from '../portfolio/protocol.js';
import type { Denial } from './denial.js';
import { deny } from './denial.js';
import { RiskEngine } from './engine.js';
import type { RiskDecision, RiskEngineState, TradingStateChange } from './engine.js';
import { parseRiskLimits } from './limits.js';
import type { RiskLimits } from './limits.js';
import { riskOrderDenied } from './protocol.js';
import type { OperatorRefusal, RiskPortfolioUpdate, RiskProtocol, RiskSetTradingState, RiskStatus, RiskSubmitOrder, RiskVarFigures } from './protocol.js';
import { DEFAULT_SEQ_BLOCK, dehydrateRiskBooks, hydrateRiskBooks, rememberChange, replayRiskEvent } from './risk-books.js';
import type { RiskBooks, RiskJournalEvent, RiskSnapshot, TradingStateRecord } from './risk-books.js';
import { canTransitionTradingState, TRADING_STATES } from './trading-state.js';
import type { TradingState } from './trading-state.js';

/** Least clock time between two VaR refreshes caused by price or portfolio updates. */
export const DEFAULT_VAR_REFRESH_MS = 60_000;

/**
 * Props of a `RiskActor` (kind `risk`): plain data, so a node can spawn it from config. The approval key
 * and the operator credential come from the node's order-path services (`attachOrderPath`).
 */
export interface RiskActorProps {
  /** The identity signed into every approval; brokers list it in `riskIds`. Its journal is `risk-<riskId>`. */
  readonly riskId: string;
  /** The instruments it knows (`InstrumentRegistry` data). */
  readonly instruments: readonly Instrument[];
  /** Partial `RiskLimits` over the defaults, checked by `parseRiskLimits` (a bad value fails the start). */
  readonly limits?: unknown;
  /** The broker actor approvals go to. */
  readonly broker: ActorRef<BrokerProtocol>;
  /** Portfolio actors by portfolio id; each is asked for its view on every start. */
  readonly portfolios?: Readonly<Record<string, ActorRef>>;
  /** Sequence numbers reserved per journal entry; default {@link DEFAULT_SEQ_BLOCK}. */
  readonly seqBlock?: number;
  /** Default {@link DEFAULT_VAR_REFRESH_MS}. */
  readonly varRefreshMs?: number;
  /** Ownership epoch, set by the cluster's placement (journal fencing); default 1. */
  readonly epoch?: number;
}

/**
 * The risk actor: every order passes its pre-trade checks (`RiskEngine`) before the broker sees it. A
 * denial is a `risk.orderDenied` to the sender and on the event stream; an approval goes to the broker
 * as `broker.approvedOrder` with the sender as `replyTo`. It journals approvals, closes, day-trade fills
 * and trading-state changes; an operator's change needs the operator credential and is acknowledged
 * only once journaled. VaR is recomputed on new return data and kept for `risk.getStatus` and the
 * inspector. See docs/risk.md.
 */
export class RiskActor extends JournaledActor<RiskProtocol, RiskJournalEvent, RiskBooks, RiskSnapshot, RiskActorProps> {
  #limits!: RiskLimits;
  #registry!: InstrumentRegistry;
  #key!: Buffer;
  #reserving = false;
  readonly #var = new Map<string, RiskVarFigures>();
  #varDirty = false;
  #varAt = Number.NEGATIVE_INFINITY;

  persistenceId(): string {
    return `risk-${this.props.riskId}`;
  }

  override async started(ctx: ActorContext<RiskProtocol>): Promise<void> {
    this.#key = orderPathOf(ctx.system).riskKey;
    this.#limits = parseRiskLimits(this.props.limits ?? {});
    this.#registry = new InstrumentRegistry(this.props.instruments);
    await super.started(ctx);
  }

  #engine(initial?: RiskEngineState): RiskEngine {
    return new RiskEngine({ riskId: this.props.riskId, key: this.#key, registry: this.#registry, limits: this.#limits, ...(initial === undefined ? {} : { initial }) });
  }

  emptyLive(): RiskBooks {
    return { engine: this.#engine(), reservedUpTo: 0, history: [] };
  }

  hydrate(snapshot: RiskSnapshot): RiskBooks {
    return hydrateRiskBooks(snapshot, (initial) => this.#engine(initial));
  }

  dehydrate(books: RiskBooks): RiskSnapshot {
    return dehydrateRiskBooks(books);
  }

  replay(books: RiskBooks, event: RiskJournalEvent): RiskBooks {
    return replayRiskEvent(books, event);
  }

  /** An open order id weighs about an eighth of a journal event. */
  override snapshotWeight(books: RiskBooks): number {
    let open = 0;
    for (const n of Object.values(books.engine.openOrderCounts())) open += n;
    return open / 8;
  }

  /**
   * Continues above every sequence number it may have issued (reserved before use), reserves the next
   * block before taking a message, and asks the portfolios for their views.
   */
  override async onRecovered(books: RiskBooks, ctx: ActorContext<RiskProtocol>): Promise<void> {
    books.engine.advanceSeq(books.reservedUpTo);
    const upTo = books.engine.seq + this.#block();
    await this.recordNow({ kind: 'seqReserved', upTo });
    books.reservedUpTo = upTo;
    for (const ref of Object.values(this.props.portfolios ?? {})) ctx.tell(ref, portfolioSubscribeRisk());
  }

  #block(): number {
    return this.props.seqBlock ?? DEFAULT_SEQ_BLOCK;
  }

  handle(msg: RiskProtocol, ctx: ActorContext<RiskProtocol>): void {
    const engine = this.live.engine;
    switch (msg.type) {
      case 'risk.submitOrder':
        return this.#onSubmit(msg, ctx);
      case 'risk.cancelOrder':
        // Cancels never go through the checks: they pass in every trading state.
        return ctx.forward(this.props.broker, brokerCancelOrder(msg.portfolioId, msg.clientOrderId));
      case 'risk.setTradingState':
        return this.#onOperator(msg, ctx);
      case 'risk.portfolioUpdate':
        return this.#onPortfolio(msg, ctx);
      case 'risk.priceUpdate':
        engine.updatePrice(msg.symbol, msg.price);
        return this.#varChanged(ctx, false);
      case 'risk.pricesUpdate':
        if (typeof msg.prices === 'object' && msg.prices !== null) for (const symbol in msg.prices) engine.updatePrice(symbol, msg.prices[symbol]!);
        return this.#varChanged(ctx, false);
      case 'risk.returnsUpdate':
        engine.updateReturns(msg.symbol, msg.returns);
        return this.#varChanged(ctx, false);
      case 'risk.orderClosed':
        if (engine.orderClosed(msg.portfolioId, msg.clientOrderId)) this.record({ kind: 'closed', portfolioId: msg.portfolioId, clientOrderId: msg.clientOrderId });
        return;
      case 'risk.openOrdersSync':
        engine.syncOpenOrders(msg.portfolioId, msg.clientOrderIds);
        return this.record({ kind: 'openOrdersSynced', portfolioId: msg.portfolioId, clientOrderIds: [...msg.clientOrderIds] });
      case 'risk.getStatus':
        if (this.#varDirty) this.#refreshVar(ctx);
        return ctx.reply(this.#status());
    }
  }

  #onSubmit(msg: RiskSubmitOrder, ctx: ActorContext<RiskProtocol>): void {
    const now = ctx.clock.now();
    const order = msg.order;
    const books = this.live;
    this.#reserveAhead(books);
    let decision: RiskDecision;
    try {
      decision = typeof order === 'object' && order !== null ? books.engine.evaluate(order, now) : { denied: deny('INVALID_ORDER', { problems: 'not an order' }) };
    } catch (error) {
      // A check or the signature choked on the order (a value that cannot be encoded): deny, never crash.
      decision = { denied: deny('INVALID_ORDER', { problems: describeError(error) }) };
    }
    if ('denied' in decision) return this.#deny(order, decision.denied, now, ctx);
    const { approval } = decision.approved;
    this.record({ kind: 'approved', portfolioId: order.portfolioId, strategyId: order.strategyId, clientOrderId: order.clientOrderId, seq: approval.seq, time: now });
    ctx.tell(this.props.broker, brokerApprovedOrder(decision.approved, ctx.sender));
  }

  /** Reserves the next block of sequence numbers when half of the current one is used. */
  #reserveAhead(books: RiskBooks): void {
    const block = this.#block();
    if (this.#reserving || books.engine.seq + block / 2 < books.reservedUpTo) return;
    const upTo = Math.max(books.reservedUpTo, books.engine.seq) + block;
    books.reservedUpTo = upTo;
    this.#reserving = true;
    this.record({ kind: 'seqReserved', upTo }, () => {
      this.#reserving = false;
    });
  }

  #deny(order: OrderRequest, denial: Denial, now: number, ctx: ActorContext<RiskProtocol>): void {
    const plain = typeof order === 'object' && order !== null ? order : ({} as OrderRequest);
    let denied;
    try {
      denied = riskOrderDenied(plain, denial, now);
    } catch {
      denied = Object.freeze({ type: 'risk.orderDenied' as const, order: Object.freeze({ ...plain }), denial, time: now });
    }
    if (ctx.sender !== undefined) ctx.reply(denied);
    ctx.system.events.publish(denied);
  }

  #onOperator(msg: RiskSetTradingState, ctx: ActorContext<RiskProtocol>): void {
    const now = ctx.clock.now();
    const engine = this.live.engine;
    const operator = typeof msg.operator === 'string' ? msg.operator.slice(0, 128) : '';
    const reason = typeof msg.reason === 'string' ? msg.reason.slice(0, 1_024) : '';
    const to = String(msg.to);
    const refuse = (refusal: OperatorRefusal, message: string): void => {
      const event = Object.freeze({ type: 'risk.operatorCommandRefused' as const, riskId: this.props.riskId, operator, to: to.slice(0, 32), refusal, message: `${refusal}: ${message}`, time: now });
      if (ctx.sender !== undefined) ctx.reply(event);
      ctx.system.events.publish(event);
    };
    // Authenticate first, so an unauthenticated caller learns nothing about the state.
    if (!operatorCredentialMatches(orderPathOf(ctx.system), msg.token)) return refuse('UNAUTHORISED', 'the operator credential is missing or does not match');
    if (operator.trim().length === 0 || reason.trim().length === 0) return refuse('REASON_REQUIRED', 'an operator name and a reason are required');
    if (!(TRADING_STATES as readonly string[]).includes(to) || !canTransitionTradingState(engine.tradingState, to as TradingState, 'operator')) {
      return refuse('INVALID_TRANSITION', `from=${engine.tradingState}, to=${to}`);
    }
    this.#stateChanged(engine.setTradingState(to as TradingState, now, reason, 'operator'), ctx, operator, ctx.sender);
  }

  #onPortfolio(msg: RiskPortfolioUpdate, ctx: ActorContext<RiskProtocol>): void {
    const engine = this.live.engine;
    // A configured portfolio's view is taken from that portfolio actor only.
    const expected = this.props.portfolios?.[msg.view?.portfolioId];
    if (expected !== undefined && (ctx.sender === undefined || ctx.sender.path !== expected.path)) return;
    if (msg.fill !== undefined) {
      engine.recordFill(msg.fill, msg.fill.positionBefore);
      this.record({ kind: 'fillBooked', fill: msg.fill });
    }
    const change = engine.updatePortfolio(msg.view, ctx.clock.now());
    if (change !== undefined) this.#stateChanged(change, ctx);
    this.#varChanged(ctx, false);
  }

  /**
   * The engine switched at once (a tightening must act on the very next order); the change is journaled
   * with who, when and why, and announced (to the operator and on the event stream) once it is durable.
   */
  #stateChanged(change: TradingStateChange, ctx: ActorContext<RiskProtocol>, by?: string, replyTo?: ActorRef): void {
    const record: TradingStateRecord = { ...change, ...(by === undefined ? {} : { by }) };
    rememberChange(this.live, record);
    this.record({ kind: 'tradingStateChanged', change: record }, () => {
      const event = Object.freeze({ type: 'risk.tradingStateChanged' as const, ...record });
      if (replyTo !== undefined) ctx.tell(replyTo, event);
      ctx.system.events.publish(event);
    });
  }

  /** New data marks VaR stale; it is recomputed at most every `varRefreshMs` of clock time, and on every status request. */
  #varChanged(ctx: ActorContext<RiskProtocol>, now: boolean): void {
    this.#varDirty = true;
    if (now || ctx.clock.now() - this.#varAt >= (this.props.varRefreshMs ?? DEFAULT_VAR_REFRESH_MS)) this.#refreshVar(ctx);
  }

  #refreshVar(ctx: ActorContext<RiskProtocol>): void {
    const time = ctx.clock.now();
    const engine = this.live.engine;
    this.#varDirty = false;
    this.#varAt = time;
    const events = ctx.system.events;
    for (const portfolioId of engine.portfolioIds()) {
      const outcome = engine.varOf(portfolioId);
      if (outcome === undefined) continue;
      const figures: RiskVarFigures = 'report' in outcome ? { portfolioId, report: outcome.report, time } : { portfolioId, insufficient: outcome.insufficient, time };
      this.#var.set(portfolioId, figures);
      if (events.hasListeners('risk.varUpdated')) events.publish(Object.freeze({ type: 'risk.varUpdated', riskId: this.props.riskId, ...figures }));
    }
  }

  #status(): RiskStatus {
    const engine = this.live.engine;
    return Object.freeze({
      type: 'risk.status',
      riskId: this.props.riskId,
      tradingState: engine.tradingState,
      limits: this.#limits,
      openOrders: engine.openOrderCounts(),
      var: [...this.#var.values()],
      history: [...this.live.history],
      seq: engine.seq,
    });
  }

  override inspect(): Record<string, unknown> {
    const engine = this.live?.engine;
    return {
      ...super.inspect(),
      riskId: this.props.riskId,
      tradingState: engine?.tradingState,
      seq: engine?.seq,
      reservedUpTo: this.live?.reservedUpTo,
      openOrders: engine?.openOrderCounts(),
      var: [...this.#var.values()],
    };
  }
}
