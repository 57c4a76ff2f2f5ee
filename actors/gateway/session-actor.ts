import { Actor } from '../../runtime/actor.js';
import type { ActorContext } from '../../runtime/actor.js';
import type { Cancellable } from '../../runtime/clock.js';
import { errorInfo } from '../../runtime/events.js';
import type { StreamEvent } from '../../runtime/event-stream.js';
import { ClientOrderIdGenerator } from '../domain/client-order-id.js';
import type { OrderRequest } from '../domain/order.js';
import type { BrokerFill, BrokerOrderUpdate } from '../broker/protocol.js';
import { BAR_STORE } from '../market/services.js';
import { SWEEP_STRATEGIES } from '../optimizer/kernels/registry.js';
import type { OptimizerReply } from '../optimizer/protocol.js';
import type { RiskOrderDenied } from '../risk/protocol.js';
import { riskCancelOrder, riskSubmitOrder } from '../risk/protocol.js';
import { BUILTIN_STRATEGIES } from '../strategy/registry.js';
import type { GatewayScope } from './config.js';
import { GATEWAY_ERROR_CODES, GatewayRequestError } from './errors.js';
import { CLOSE_TOO_SLOW, Outbox, SESSION_OUTLETS } from './outbox.js';
import type { SessionOutlet } from './outbox.js';
import { PROTOCOL_VERSION } from './protocol.js';
import type { ClientCommand, OrderSubmitCommand, ServerEvent, SubscribeCommand, UnsubscribeCommand } from './protocol.js';
import { backtestEvent, sweepResultEvent, sweepRequest } from './session-jobs.js';
import { SessionMarket } from './session-market.js';
import type { SessionProtocol } from './session-protocol.js';
import { SessionTopics } from './session-topics.js';
import { fillRow, orderRow, strategyInfo } from './views.js';

/** Initial cash of a UI backtest. */
const BACKTEST_INITIAL_CASH = 100_000;
/** Client order ids this session remembers as its own (oldest forgotten first). */
const MINE_KEPT = 10_000;

/** Props of a SessionActor: plain data, fixed for its life. */
export interface SessionProps {
  /** Also the actor's name under `/gateway` and the key of its outlet in SESSION_OUTLETS. */
  readonly sessionId: string;
  readonly scope: GatewayScope;
}

/**
 * One per WebSocket client. It subscribes to what its page shows — symbols at their SymbolActors, the
 * portfolio, risk, blotter and alerts on the event stream or through the gateway — and forwards the
 * trader's commands: orders go to the risk actor with strategy id `ui:<session>` and this actor as their
 * sender, so denials, order updates and fills come back here. Bars, quotes and status views are
 * latest-wins for a slow client (see Outbox). On close it unsubscribes everything and stops.
 */
export class SessionActor extends Actor<SessionProtocol, SessionProps> {
  #outlet: SessionOutlet | undefined;
  #outbox!: Outbox;
  #topics!: SessionTopics;
  #market!: SessionMarket;
  #ids!: ClientOrderIdGenerator;
  /** Client order ids of orders this session sent, with the client's command id. */
  readonly #mine = new Map<string, string>();
  #flushing = false;
  #refresh: Cancellable | undefined;
  #sweep: { readonly id: string; readonly requestId: string } | undefined;
  #backtest: string | undefined;
  #closed = false;

  get #strategyId(): string {
    return `ui:${this.props.sessionId}`;
  }

  override started(ctx: ActorContext<SessionProtocol>): void {
    const outlet = ctx.system.services.find(SESSION_OUTLETS)?.get(this.props.sessionId);
    if (outlet === undefined) {
      // The socket closed before its session started: nothing to serve.
      this.#closed = true;
      void ctx.stop();
      return;
    }
    const { scope } = this.props;
    this.#outlet = outlet;
    this.#outbox = new Outbox(outlet, scope.tuning, () => ctx.clock.now());
    this.#topics = new SessionTopics(ctx, scope, this.#outbox, this.#mine);
    this.#market = new SessionMarket(ctx, scope, this.#outbox);
    this.#ids = ClientOrderIdGenerator.start(`u${this.props.sessionId.replace(/[^A-Za-z0-9]/g, '').slice(0, 31)}`, ctx.clock.now());
    this.#send({
      type: 'welcome', protocol: PROTOCOL_VERSION, sessionId: this.props.sessionId, node: ctx.system.node, portfolioId: scope.portfolioId,
      symbols: [...scope.symbols], feed: scope.feed, synthetic: scope.feed === 'synthetic',
      strategies: [...BUILTIN_STRATEGIES.values()].map((cls) => strategyInfo(cls, SWEEP_STRATEGIES.has(cls.kind))), time: ctx.clock.now(),
    });
  }

  async receive(msg: SessionProtocol, ctx: ActorContext<SessionProtocol>): Promise<void> {
    if (this.#closed) return;
    await this.#handle(msg, ctx);
    if (this.#outbox.overflowed && !this.#closed) {
      this.#outlet?.close(CLOSE_TOO_SLOW, 'client too slow');
      await this.#close(ctx);
    } else if (this.#outbox.pending > 0) {
      this.#scheduleFlush(ctx);
    }
  }

  #handle(msg: SessionProtocol, ctx: ActorContext<SessionProtocol>): Promise<void> | void {
    switch (msg.type) {
      case 'session.command':
        return this.#command(msg.command, ctx);
      case 'session.closed':
        return this.#close(ctx);
      case 'session.flush':
        this.#flushing = false;
        this.#outbox.flush();
        return;
      case 'session.refresh':
        return this.#topics.refresh();
      case 'session.event':
        return this.#topics.onEvent(msg.event as StreamEvent);
      case 'session.jobDone':
        this.#backtest = undefined;
        this.#send(msg.event);
        return;
      case 'session.shared':
        return;
      case 'session.cluster':
        return this.#topics.onCluster(msg.nodes);
      case 'session.alert':
        return this.#topics.onAlert(msg.alert);
      case 'market.bar':
        return this.#market.onBar(msg.bar);
      case 'market.quote':
        return this.#market.onQuote(msg.quote);
      case 'broker.orderUpdate':
        return this.#onOrderUpdate(msg);
      case 'broker.fill':
        return this.#onFill(msg);
      case 'broker.securityEvent':
        this.#send({ type: 'alert', alert: { seq: 0, level: 'error', source: 'broker', code: msg.reason, message: msg.message, time: msg.time } });
        return;
      case 'risk.orderDenied':
        return this.#onDenied(msg);
      case 'optimizer.progress':
      case 'optimizer.result':
      case 'optimizer.failed':
      case 'optimizer.cancelled':
        return this.#onOptimizer(msg);
    }
  }

  async #command(cmd: ClientCommand, ctx: ActorContext<SessionProtocol>): Promise<void> {
    try {
      switch (cmd.type) {
        case 'subscribe':
          return await this.#subscribe(cmd, ctx);
        case 'unsubscribe':
          return this.#unsubscribe(cmd, ctx);
        case 'market.snapshot':
          this.#send(await this.#market.snapshot(cmd));
          return;
        case 'order.submit':
          return this.#submit(cmd, ctx);
        case 'order.cancel':
          ctx.tell(this.props.scope.targets.risk, riskCancelOrder(this.props.scope.portfolioId, cmd.clientOrderId, this.#strategyId));
          return;
        case 'risk.refresh':
          return await this.#topics.refreshRisk();
        case 'optimizer.run':
          return await this.#runSweep(cmd, ctx);
        case 'optimizer.cancel':
          if (this.#sweep?.id !== cmd.id) throw new GatewayRequestError(GATEWAY_ERROR_CODES.unknownRequest, `no running sweep ${cmd.id} in this session`);
          ctx.tell(this.props.scope.targets.optimizer, { type: 'optimizer.cancel', requestId: this.#sweep.requestId });
          return;
        case 'backtest.run':
          return this.#runBacktest(cmd, ctx);
        case 'ping':
          this.#send({ type: 'pong', ...(cmd.id === undefined ? {} : { id: cmd.id }), time: ctx.clock.now() });
          return;
      }
    } catch (error) {
      const info = errorInfo(error);
      const code = error instanceof GatewayRequestError ? error.errorCode : info.code === 'ASK_TIMEOUT' ? GATEWAY_ERROR_CODES.upstreamTimeout : GATEWAY_ERROR_CODES.internal;
      this.#send({ type: 'error', code, message: info.message, ...(cmd.id === undefined ? {} : { id: cmd.id }) });
    }
  }

  // ---- subscriptions ----

  async #subscribe(cmd: SubscribeCommand, ctx: ActorContext<SessionProtocol>): Promise<void> {
    const unknown = (cmd.symbols ?? []).filter((s) => !this.props.scope.symbols.includes(s));
    for (const symbol of cmd.symbols ?? []) if (!unknown.includes(symbol)) await this.#market.watch(symbol);
    await this.#topics.add(cmd.topics ?? []);
    this.#syncRefresh(ctx);
    this.#send({ type: 'subscribed', ...(cmd.id === undefined ? {} : { id: cmd.id }), topics: this.#topics.list(), symbols: this.#market.list() });
    if (unknown.length > 0) throw new GatewayRequestError(GATEWAY_ERROR_CODES.unknownSymbol, `not in this node's universe: ${unknown.join(', ')} (known: ${this.props.scope.symbols.join(', ')})`);
  }

  #unsubscribe(cmd: UnsubscribeCommand, ctx: ActorContext<SessionProtocol>): void {
    for (const symbol of cmd.symbols ?? []) this.#market.unwatch(symbol);
    this.#topics.remove(cmd.topics ?? []);
    this.#syncRefresh(ctx);
    this.#send({ type: 'subscribed', ...(cmd.id === undefined ? {} : { id: cmd.id }), topics: this.#topics.list(), symbols: this.#market.list() });
  }

  #syncRefresh(ctx: ActorContext<SessionProtocol>): void {
    const wanted = this.#topics.has('risk') || this.#topics.has('strategies');
    if (wanted && this.#refresh === undefined) {
      const every = this.props.scope.tuning.statusRefreshMs;
      this.#refresh = ctx.schedule(every, { type: 'session.refresh' }, { intervalMs: every });
    } else if (!wanted && this.#refresh !== undefined) {
      this.#refresh.cancel();
      this.#refresh = undefined;
    }
  }

  // ---- orders ----

  #submit(cmd: OrderSubmitCommand, ctx: ActorContext<SessionProtocol>): void {
    this.#market.check(cmd.symbol);
    const order: OrderRequest = {
      clientOrderId: this.#ids.next(),
      portfolioId: this.props.scope.portfolioId,
      strategyId: this.#strategyId,
      symbol: cmd.symbol,
      side: cmd.side,
      type: cmd.orderType,
      quantity: cmd.quantity,
      ...(cmd.limitPrice === undefined ? {} : { limitPrice: cmd.limitPrice }),
      ...(cmd.stopPrice === undefined ? {} : { stopPrice: cmd.stopPrice }),
      tif: cmd.tif ?? 'day',
      createdAt: ctx.clock.now(),
    };
    this.#mine.set(order.clientOrderId, cmd.id);
    if (this.#mine.size > MINE_KEPT) this.#mine.delete(this.#mine.keys().next().value!);
    ctx.tell(this.props.scope.targets.risk, riskSubmitOrder(order));
    const now = order.createdAt;
    this.#send({
      type: 'order.ack', id: cmd.id, clientOrderId: order.clientOrderId,
      order: orderRow({ clientOrderId: order.clientOrderId, order, status: 'initialized', filledQuantity: 0, leavesQuantity: order.quantity, averagePrice: 0, commission: 0, execIds: [], ambiguous: false, createdAt: now, updatedAt: now }),
    });
  }

  #onOrderUpdate(msg: BrokerOrderUpdate): void {
    this.#send({ type: 'order.update', order: orderRow(msg.order), mine: this.#mine.has(msg.order.clientOrderId) });
  }

  #onFill(msg: BrokerFill): void {
    this.#send({ type: 'fill', fill: fillRow(msg.fill), mine: this.#mine.has(msg.fill.clientOrderId) });
  }

  #onDenied(msg: RiskOrderDenied): void {
    const clientOrderId = typeof msg.order?.clientOrderId === 'string' ? msg.order.clientOrderId : '';
    const id = this.#mine.get(clientOrderId);
    const context: Record<string, string | number | boolean> = {};
    for (const [k, v] of Object.entries(msg.denial.context ?? {})) if (['string', 'number', 'boolean'].includes(typeof v)) context[k] = v;
    this.#send({ type: 'order.denied', ...(id === undefined ? {} : { id }), clientOrderId, symbol: String(msg.order?.symbol ?? ''), code: msg.denial.code, message: msg.denial.message, context });
  }

  // ---- optimizer and backtests ----

  async #runSweep(cmd: ClientCommand & { type: 'optimizer.run' }, ctx: ActorContext<SessionProtocol>): Promise<void> {
    if (this.#sweep !== undefined) throw new GatewayRequestError(GATEWAY_ERROR_CODES.busy, `sweep ${this.#sweep.id} is still running in this session; cancel it or wait`);
    this.#market.check(cmd.symbol);
    const request = await sweepRequest(cmd, ctx.system.services.get(BAR_STORE), this.props.scope.sweepBackend);
    const requestId = `${this.props.sessionId}:${cmd.id}`;
    this.#sweep = { id: cmd.id, requestId };
    ctx.tell(this.props.scope.targets.optimizer, { type: 'optimizer.run', requestId, request });
  }

  #onOptimizer(msg: OptimizerReply): void {
    const sweep = this.#sweep;
    if (sweep === undefined || msg.requestId !== sweep.requestId) return;
    const id = sweep.id;
    switch (msg.type) {
      case 'optimizer.progress':
        this.#outbox.offer('sweep', () => ({ type: 'optimizer.progress', id, done: msg.done, total: msg.total, chunk: msg.chunk, chunks: msg.chunks, etaMs: Math.max(0, msg.etaMs), backend: msg.backend }));
        return;
      case 'optimizer.result':
        this.#sweep = undefined;
        this.#outbox.flush();
        this.#send(sweepResultEvent(id, msg));
        return;
      case 'optimizer.failed':
        this.#sweep = undefined;
        this.#send({ type: 'optimizer.failed', id, code: msg.error.code ?? msg.error.name, message: msg.error.message });
        return;
      case 'optimizer.cancelled':
        this.#sweep = undefined;
        this.#send({ type: 'optimizer.cancelled', id, done: msg.done, total: msg.total });
        return;
    }
  }

  #runBacktest(cmd: ClientCommand & { type: 'backtest.run' }, ctx: ActorContext<SessionProtocol>): void {
    if (this.#backtest !== undefined) throw new GatewayRequestError(GATEWAY_ERROR_CODES.busy, `backtest ${this.#backtest} is still running in this session`);
    this.#market.check(cmd.symbol);
    this.#backtest = cmd.id;
    // Off the session's turn: bars and order updates keep flowing while it runs.
    void backtestEvent(cmd, ctx.system.services.get(BAR_STORE), BACKTEST_INITIAL_CASH).then((event) => ctx.system.tell(ctx.self, { type: 'session.jobDone', event }));
  }

  // ---- output and lifecycle ----

  #send(event: ServerEvent): void {
    this.#outbox.send(event);
  }

  #scheduleFlush(ctx: ActorContext<SessionProtocol>): void {
    if (this.#flushing) return;
    this.#flushing = true;
    ctx.schedule(this.props.scope.tuning.flushMs, { type: 'session.flush' });
  }

  async #close(ctx: ActorContext<SessionProtocol>): Promise<void> {
    this.#release(ctx);
    await ctx.stop();
  }

  /** Unsubscribes from everything and cancels what runs for this client; safe to call twice. */
  #release(ctx: ActorContext<SessionProtocol>): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#market?.close();
    this.#topics?.close();
    this.#refresh?.cancel();
    this.#refresh = undefined;
    if (this.#sweep !== undefined) ctx.tell(this.props.scope.targets.optimizer, { type: 'optimizer.cancel', requestId: this.#sweep.requestId });
    this.#sweep = undefined;
  }

  override stopped(ctx: ActorContext<SessionProtocol>): void {
    const failed = !this.#closed;
    this.#release(ctx);
    // Stopped without the socket closing (a failure, the node shutting down): close it, the client reconnects.
    if (failed) this.#outlet?.close(1011, 'session ended');
  }

  override inspect(): Record<string, unknown> {
    return {
      sessionId: this.props.sessionId, symbols: this.#market?.list(), topics: this.#topics?.list(), pending: this.#outbox?.pending,
      dropped: this.#outbox?.droppedTotal, sent: this.#outbox?.sentTotal, buffered: this.#outlet?.bufferedBytes(), sweep: this.#sweep?.id, backtest: this.#backtest,
    };
  }
}
