import type { ActorContext } from '../../runtime/actor.js';
import type { StreamEvent } from '../../runtime/event-stream.js';
import type { ActorRef } from '../../runtime/ref.js';
import type { BrokerFill, BrokerOrderUpdate, BrokerOrders } from '../broker/protocol.js';
import { isTerminal } from '../broker/oms-state.js';
import type { PortfolioUpdated } from '../portfolio/portfolio-actor.js';
import type { PortfolioSnapshotReply } from '../portfolio/protocol.js';
import type { RiskStatus } from '../risk/protocol.js';
import type { StrategyStatus } from '../strategy/protocol.js';
import type { GatewayScope } from './config.js';
import type { Outbox } from './outbox.js';
import type { AlertRow, NodeRow, Topic } from './protocol.js';
import { TOPICS } from './protocol.js';
import { riskView } from './risk-view.js';
import type { SessionProtocol } from './session-protocol.js';
import { downsample, fillRow, orderRow, portfolioView, strategyRow } from './views.js';
import type { PortfolioBooksLike } from './views.js';

/** Orders a blotter opens with besides every open one: the most recently changed. */
export const BLOTTER_RECENT_ORDERS = 200;
/** Points of the equity curve a dashboard opens with. */
export const EQUITY_POINTS = 500;

/** Event-stream types each topic follows live. */
const FOLLOWS: Readonly<Partial<Record<Topic, readonly string[]>>> = {
  portfolio: ['portfolio.updated'],
  blotter: ['broker.orderUpdate', 'broker.fill'],
  // Not risk.varUpdated: a status read refreshes a stale VaR and publishes it, which would read the status again.
  risk: ['risk.tradingStateChanged'],
};

type Shared = Extract<SessionProtocol, { type: 'session.shared' }>;

/**
 * The topics a session follows besides symbols: their first state when subscribed (asked of the
 * portfolio, broker, risk and strategy actors, or of the gateway for what happened before the client
 * connected) and their changes after (event-stream listeners that tell the session, or gateway pushes).
 * Status views go out latest-wins; blotter rows and alerts are never dropped.
 */
export class SessionTopics {
  readonly #topics = new Set<Topic>();
  readonly #listeners = new Map<Topic, () => void>();
  #books: PortfolioBooksLike | undefined;

  constructor(
    private readonly ctx: ActorContext<SessionProtocol>,
    private readonly scope: GatewayScope,
    private readonly outbox: Outbox,
    private readonly mine: ReadonlyMap<string, string>,
  ) {}

  has(topic: Topic): boolean {
    return this.#topics.has(topic);
  }

  list(): Topic[] {
    return TOPICS.filter((t) => this.#topics.has(t));
  }

  async add(topics: readonly Topic[]): Promise<void> {
    const fresh = [...new Set(topics)].filter((t) => !this.#topics.has(t));
    for (const t of fresh) {
      this.#topics.add(t);
      this.#follow(t);
    }
    if (fresh.length === 0) return;
    const needsShared = fresh.filter((t) => t === 'cluster' || t === 'alerts' || t === 'blotter');
    const shared = needsShared.length > 0 && this.ctx.parent !== undefined ? await this.#ask<Shared>(this.ctx.parent, { type: 'gateway.sync', topics: needsShared }) : undefined;
    for (const t of fresh) await this.#first(t, shared);
  }

  remove(topics: readonly Topic[]): void {
    for (const t of topics) {
      this.#topics.delete(t);
      this.#listeners.get(t)?.();
      this.#listeners.delete(t);
      this.outbox.forget(t);
    }
  }

  close(): void {
    this.remove([...this.#topics]);
  }

  #follow(topic: Topic): void {
    const types = FOLLOWS[topic];
    if (types === undefined) return;
    const { ctx, scope } = this;
    const self = ctx.self;
    const mine = (event: StreamEvent): boolean => {
      const e = event as { portfolioId?: string; order?: BrokerOrderUpdate['order']; fill?: BrokerFill['fill'] };
      const portfolioId = e.portfolioId ?? e.order?.order.portfolioId ?? e.fill?.portfolioId;
      return portfolioId === undefined || portfolioId === scope.portfolioId;
    };
    this.#listeners.set(topic, ctx.system.events.subscribe(types, (event) => {
      if (mine(event)) ctx.system.tell(self, { type: 'session.event', event });
    }));
  }

  async #first(topic: Topic, shared: Shared | undefined): Promise<void> {
    switch (topic) {
      case 'portfolio': {
        const reply = await this.#ask<PortfolioSnapshotReply>(this.scope.targets.portfolio, { type: 'portfolio.getSnapshot' });
        this.#books = reply.snapshot;
        this.outbox.send({ type: 'portfolio.equity', points: downsample(reply.snapshot.equityHistory, EQUITY_POINTS).map((p) => ({ time: p.time, equity: p.equity })) });
        return this.#offerPortfolio(0);
      }
      case 'risk':
        return this.refreshRisk();
      case 'strategies':
        return this.#refreshStrategies();
      case 'blotter':
        return this.#sendBlotter(shared?.fills ?? []);
      case 'cluster':
        return this.onCluster(shared?.nodes ?? []);
      case 'alerts':
        this.outbox.send({ type: 'alerts', alerts: [...(shared?.alerts ?? [])] });
        return;
    }
  }

  async #sendBlotter(fills: NonNullable<Shared['fills']>): Promise<void> {
    const reply = await this.#ask<BrokerOrders>(this.scope.targets.broker, { type: 'broker.getOrders' });
    const ours = reply.orders.filter((o) => o.order.portfolioId === this.scope.portfolioId).sort((a, b) => b.updatedAt - a.updatedAt);
    const orders = ours.filter((o, i) => !isTerminal(o.status) || i < BLOTTER_RECENT_ORDERS).map(orderRow);
    this.outbox.send({ type: 'blotter', orders, fills: [...fills] });
  }

  /** Re-reads what the followed statuses show (the session's periodic refresh). */
  async refresh(): Promise<void> {
    if (this.#topics.has('risk')) await this.refreshRisk();
    if (this.#topics.has('strategies')) await this.#refreshStrategies();
  }

  /** The risk status with limit utilisation at the latest books. */
  async refreshRisk(): Promise<void> {
    const status = await this.#ask<RiskStatus>(this.scope.targets.risk, { type: 'risk.getStatus' });
    if (this.#books === undefined || !this.#topics.has('portfolio')) this.#books = (await this.#ask<PortfolioSnapshotReply>(this.scope.targets.portfolio, { type: 'portfolio.getSnapshot' })).snapshot;
    const books = this.#books;
    const now = this.ctx.clock.now();
    this.outbox.offer('risk', () => ({ type: 'risk', risk: riskView(status, this.scope.portfolioId, portfolioView(books), now) }));
  }

  async #refreshStrategies(): Promise<void> {
    const rows = await Promise.all(this.scope.strategies.map(async (s) => {
      const ref = this.scope.targets.strategies[s.id];
      const status = ref === undefined ? undefined : await this.#ask<StrategyStatus>(ref, { type: 'strategy.getStatus' }).catch(() => undefined);
      return strategyRow(s.id, s.kind, s.symbols, status);
    }));
    this.outbox.offer('strategies', () => ({ type: 'strategies', strategies: rows }));
  }

  #offerPortfolio(minIntervalMs: number): void {
    const books = this.#books;
    if (books !== undefined) this.outbox.offer('portfolio', () => ({ type: 'portfolio', portfolio: portfolioView(books) }), minIntervalMs);
  }

  /** An event from a listener this class installed. */
  async onEvent(event: StreamEvent): Promise<void> {
    switch (event.type) {
      case 'portfolio.updated':
        if (!this.#topics.has('portfolio')) return;
        this.#books = (event as PortfolioUpdated).state;
        return this.#offerPortfolio(this.scope.tuning.portfolioIntervalMs);
      case 'broker.orderUpdate': {
        const o = (event as BrokerOrderUpdate).order;
        // This session's own orders come straight from the broker (it is their replyTo).
        if (this.#topics.has('blotter') && !this.mine.has(o.clientOrderId)) this.outbox.send({ type: 'order.update', order: orderRow(o), mine: false });
        return;
      }
      case 'broker.fill': {
        const f = (event as BrokerFill).fill;
        if (this.#topics.has('blotter') && !this.mine.has(f.clientOrderId)) this.outbox.send({ type: 'fill', fill: fillRow(f), mine: false });
        return;
      }
      case 'risk.tradingStateChanged':
        if (this.#topics.has('risk')) await this.refreshRisk();
        return;
    }
  }

  onCluster(nodes: readonly NodeRow[]): void {
    if (this.#topics.has('cluster')) this.outbox.offer('cluster', () => ({ type: 'cluster', nodes: [...nodes] }));
  }

  onAlert(alert: AlertRow): void {
    if (this.#topics.has('alerts')) this.outbox.send({ type: 'alert', alert });
  }

  #ask<R>(ref: ActorRef<any>, message: { readonly type: string } & Record<string, unknown>): Promise<R> {
    return this.ctx.ask<R>(ref, message, this.scope.tuning.askTimeoutMs);
  }
}
