import { Actor } from '../../runtime/actor.js';
import type { ActorContext } from '../../runtime/actor.js';
import { describeError } from '../../runtime/errors.js';
import type { ActorRef, Message } from '../../runtime/ref.js';
import { brokerGetOrders } from '../broker/protocol.js';
import type { BrokerOrders } from '../broker/protocol.js';
import { portfolioGetSnapshot } from '../portfolio/protocol.js';
import type { PortfolioSnapshotReply } from '../portfolio/protocol.js';
import { riskGetStatus, riskSetTradingState } from '../risk/protocol.js';
import type { RiskOperatorCommandRefused, RiskStatus, RiskTradingStateChanged } from '../risk/protocol.js';
import { inspectorError, INSPECTOR_ERRORS } from './protocol.js';
import type { InspectActor, InspectDeadLetters, InspectOrders, InspectorProtocol, InspectorReply, InspectSetTradingState } from './protocol.js';
import { INSPECTOR_CLUSTER_VIEW } from './services.js';
import type { InspectorClusterView } from './services.js';
import { deadLetterRow, nodeFacts, plainSummary, RateSampler, SAMPLE_INTERVAL_MS, selectOrders, totalProcessed, utilisationOf } from './summaries.js';
import { nodeRow } from './views.js';
import type { NodeInfo, NodeRow, PlacementRow, UtilisationRow } from './views.js';

/** How long the inspector waits for a broker, risk, portfolio or peer inspector. */
export const DEFAULT_INSPECTOR_ASK_TIMEOUT_MS = 3_000;
/** Dead letters returned by default. */
export const DEFAULT_DEAD_LETTER_LIMIT = 50;
/** Orders returned by default (the most recent). */
export const DEFAULT_ORDER_LIMIT = 200;

/**
 * A local or remote ref, or a placed actor found through the cluster's placement table wherever it runs
 * now; `child` names a descendant of the placed actor (`{ placed: { kind: 'desk', name: 'desk' }, child: 'risk' }`
 * is `/desk/risk` on the desk's node).
 */
export type InspectorTarget = ActorRef | { readonly placed: { readonly kind: string; readonly name: string }; readonly child?: string };

/** The order-path actors the inspector asks for orders, risk and trading-state changes. */
export interface InspectorTargets {
  readonly risk?: InspectorTarget;
  readonly broker?: InspectorTarget;
  /** Portfolio actors by portfolio id, for utilisation figures. */
  readonly portfolios?: Readonly<Record<string, InspectorTarget>>;
}

/** Props of the {@link SystemInspector} (plain data). */
export interface SystemInspectorProps {
  /** Roles shown for this node (a cluster node's membership roles win). */
  readonly roles?: readonly string[];
  readonly targets?: InspectorTargets;
  /** Default {@link DEFAULT_INSPECTOR_ASK_TIMEOUT_MS}. */
  readonly askTimeoutMs?: number;
}

/**
 * The system inspector (kind `inspector`, spawned by every node at `/inspector`): answers the operator's
 * queries from the local system (statistics, supervision trees, `inspect()` hooks, dead letters), from
 * the cluster view when the node has one (membership, leader, placement), and by asking the broker,
 * risk and portfolio actors for orders, risk and trading-state changes. Slow answers run beside the
 * mailbox, so one stuck target never blocks the other queries.
 *
 * @example
 * const inspector = system.spawn(SystemInspector, 'inspector', { roles: ['trading'], targets: { risk: { path: '/trading/risk' } } }, { kind: 'inspector' });
 * const info = await system.ask(inspector, { type: 'inspector.node' }, 1_000);
 */
export class SystemInspector extends Actor<InspectorProtocol, SystemInspectorProps | undefined> {
  readonly #rate = new RateSampler();

  override started(ctx: ActorContext<InspectorProtocol>): void {
    this.#rate.sample(ctx.clock.now(), totalProcessed(ctx.system));
    ctx.schedule(SAMPLE_INTERVAL_MS, { type: 'inspector.sample' }, { intervalMs: SAMPLE_INTERVAL_MS });
  }

  receive(msg: InspectorProtocol, ctx: ActorContext<InspectorProtocol>): void {
    switch (msg.type) {
      case 'inspector.sample':
        return this.#rate.sample(ctx.clock.now(), totalProcessed(ctx.system));
      case 'inspector.node':
        return ctx.reply<InspectorReply>({ type: 'inspector.nodeInfo', ...this.#nodeInfo(ctx) });
      case 'inspector.nodes':
        return this.#answer(ctx, async () => ({ type: 'inspector.nodeList', node: ctx.system.node, nodes: await this.#nodes(ctx) }));
      case 'inspector.tree':
        return ctx.reply<InspectorReply>({ type: 'inspector.treeView', node: ctx.system.node, roots: ctx.system.tree() });
      case 'inspector.actor':
        return ctx.reply(this.#actor(msg, ctx));
      case 'inspector.placement':
        return ctx.reply(this.#placement(ctx));
      case 'inspector.deadLetters':
        return ctx.reply(this.#deadLetters(msg, ctx));
      case 'inspector.orders':
        return this.#answer(ctx, () => this.#orders(msg, ctx));
      case 'inspector.risk':
        return this.#answer(ctx, () => this.#risk(ctx));
      case 'inspector.setTradingState':
        return this.#answer(ctx, () => this.#setTradingState(msg, ctx));
      case 'inspector.tradingSummary':
        return this.#answer(ctx, () => this.#tradingSummary(ctx));
      default:
        return ctx.reply(inspectorError(INSPECTOR_ERRORS.BAD_REQUEST, `unknown query ${JSON.stringify((msg as Message).type)}`));
    }
  }

  /** Runs `work` beside the mailbox and replies to the current sender with its answer. */
  #answer(ctx: ActorContext<InspectorProtocol>, work: () => Promise<InspectorReply>): void {
    const sender = ctx.sender;
    if (sender === undefined) return;
    void work()
      .catch((error: unknown) => inspectorError(INSPECTOR_ERRORS.TARGET_FAILED, describeError(error)))
      .then((reply) => ctx.tell(sender, reply));
  }

  #view(ctx: ActorContext<InspectorProtocol>): InspectorClusterView | undefined {
    return ctx.system.services.find(INSPECTOR_CLUSTER_VIEW);
  }

  #nodeInfo(ctx: ActorContext<InspectorProtocol>): NodeInfo {
    const view = this.#view(ctx);
    const now = ctx.clock.now();
    const processed = totalProcessed(ctx.system);
    const self = view?.nodes().find((n) => n.record.name === ctx.system.node);
    const roles = self?.record.roles ?? this.props?.roles ?? [];
    return nodeFacts(ctx.system, roles, view !== undefined, this.#rate.rate(now, processed), processed);
  }

  async #nodes(ctx: ActorContext<InspectorProtocol>): Promise<NodeRow[]> {
    const own = this.#nodeInfo(ctx);
    const view = this.#view(ctx);
    if (view === undefined) return [nodeRow({ info: own, status: 'up', heartbeatAgeMs: null })];
    const now = ctx.clock.now();
    const leader = view.leader().node;
    return Promise.all(
      view.nodes().map(async ({ record, status, downReason }) => {
        const base = { record, status, heartbeatAgeMs: Math.max(0, now - record.heartbeatAt), leader: record.name === leader, ...(downReason === undefined ? {} : { downReason }) };
        if (record.name === ctx.system.node) return nodeRow({ ...base, info: own });
        if (status === 'down') return nodeRow(base);
        try {
          const reply = await this.#ask<InspectorReply>(ctx, { node: record.name, path: ctx.path }, { type: 'inspector.node' });
          return reply.type === 'inspector.nodeInfo' ? nodeRow({ ...base, info: reply }) : nodeRow({ ...base, error: `answered ${reply.type}` });
        } catch (error) {
          return nodeRow({ ...base, error: describeError(error) });
        }
      }),
    );
  }

  #actor(msg: InspectActor, ctx: ActorContext<InspectorProtocol>): InspectorReply {
    const stats = ctx.system.statsOf(msg.path);
    if (stats === undefined) return inspectorError(INSPECTOR_ERRORS.NOT_FOUND, `no actor at ${msg.path} on node ${ctx.system.node}`);
    let summary: unknown;
    try {
      summary = plainSummary(ctx.system.inspectActor(msg.path));
    } catch (error) {
      summary = { inspectFailed: describeError(error) };
    }
    // A placed actor, or a descendant of one (which moves with it and writes with its epoch).
    const entry = this.#view(ctx)?.placement().find((e) => e.node === ctx.system.node && (msg.path === e.path || msg.path.startsWith(`${e.path}/`)));
    return {
      type: 'inspector.actorView',
      node: ctx.system.node,
      path: msg.path,
      stats: plainSummary(stats) as typeof stats,
      placement: entry === undefined ? null : { id: entry.id, node: entry.node, epoch: entry.epoch },
      summary: summary === undefined ? null : (summary as Record<string, unknown>),
    };
  }

  #placement(ctx: ActorContext<InspectorProtocol>): InspectorReply {
    const view = this.#view(ctx);
    if (view === undefined) return { type: 'inspector.placementView', clustered: false, cluster: null, leader: null, term: null, entries: [] };
    const status = new Map(view.nodes().map((n) => [n.record.name, n.status] as const));
    const { node: leader, term } = view.leader();
    const entries: PlacementRow[] = view.placement().map((e) => ({
      id: e.id,
      kind: e.kind,
      name: e.name,
      path: e.path,
      node: e.node,
      epoch: e.epoch,
      assignedAt: e.assignedAt,
      nodeStatus: e.node === null ? 'unassigned' : (status.get(e.node) ?? 'unknown'),
    }));
    return { type: 'inspector.placementView', clustered: true, cluster: view.cluster, leader: leader ?? null, term, entries };
  }

  #deadLetters(msg: InspectDeadLetters, ctx: ActorContext<InspectorProtocol>): InspectorReply {
    const letters = ctx.system.deadLetters;
    const recent = letters.recent().slice(-(msg.limit ?? DEFAULT_DEAD_LETTER_LIMIT)).reverse();
    return { type: 'inspector.deadLetterView', node: ctx.system.node, total: letters.total, byReason: Object.fromEntries(letters.byReason), recent: recent.map(deadLetterRow) };
  }

  async #orders(msg: InspectOrders, ctx: ActorContext<InspectorProtocol>): Promise<InspectorReply> {
    const broker = this.#resolve(ctx, this.props?.targets?.broker);
    if (broker === undefined) return inspectorError(INSPECTOR_ERRORS.NO_TARGET, `the inspector of node ${ctx.system.node} knows no broker actor`);
    const reply = await this.#ask<BrokerOrders>(ctx, broker, brokerGetOrders());
    const { total, rows } = selectOrders(reply.orders, { ...(msg.portfolio === undefined ? {} : { portfolio: msg.portfolio }), open: msg.open ?? false, limit: msg.limit ?? DEFAULT_ORDER_LIMIT });
    return { type: 'inspector.orderList', node: ctx.system.node, broker: refText(broker), total, orders: rows };
  }

  async #risk(ctx: ActorContext<InspectorProtocol>): Promise<InspectorReply> {
    const risk = this.#resolve(ctx, this.props?.targets?.risk);
    if (risk === undefined) return inspectorError(INSPECTOR_ERRORS.NO_TARGET, `the inspector of node ${ctx.system.node} knows no risk actor`);
    const status = await this.#ask<RiskStatus>(ctx, risk, riskGetStatus());
    const portfolioIds = [...new Set([...Object.keys(this.props?.targets?.portfolios ?? {}), ...Object.keys(status.openOrders), ...status.var.map((v) => v.portfolioId)])].sort();
    const problems: string[] = [];
    const utilisation: UtilisationRow[] = [];
    for (const id of portfolioIds) {
      const ref = this.#resolve(ctx, this.props?.targets?.portfolios?.[id]);
      let books: PortfolioSnapshotReply | undefined;
      if (ref !== undefined) {
        try {
          books = await this.#ask<PortfolioSnapshotReply>(ctx, ref, portfolioGetSnapshot());
        } catch (error) {
          problems.push(`portfolio ${id}: ${describeError(error)}`);
        }
      }
      utilisation.push(...utilisationOf(id, status.limits, status, books));
    }
    return {
      type: 'inspector.riskView',
      node: ctx.system.node,
      risk: refText(risk),
      riskId: status.riskId,
      tradingState: status.tradingState,
      limits: status.limits,
      utilisation,
      var: status.var,
      openOrders: status.openOrders,
      history: status.history,
      problems,
    };
  }

  async #setTradingState(msg: InspectSetTradingState, ctx: ActorContext<InspectorProtocol>): Promise<InspectorReply> {
    const risk = this.#resolve(ctx, this.props?.targets?.risk);
    if (risk === undefined) return inspectorError(INSPECTOR_ERRORS.NO_TARGET, `the inspector of node ${ctx.system.node} knows no risk actor`);
    const reply = await this.#ask<RiskTradingStateChanged | RiskOperatorCommandRefused>(ctx, risk, riskSetTradingState(msg.to, msg.operator, msg.reason, msg.operatorToken));
    if (reply.type === 'risk.operatorCommandRefused') return { type: 'inspector.refused', refusal: reply.refusal, message: reply.message };
    return { type: 'inspector.tradingStateSet', from: reply.from, to: reply.to, trigger: reply.trigger, by: reply.by ?? msg.operator, reason: reply.reason, time: reply.time };
  }

  /** Only the actors hosted here, so that a cluster's nodes never report the same orders twice. */
  async #tradingSummary(ctx: ActorContext<InspectorProtocol>): Promise<InspectorReply> {
    const local = (target: InspectorTarget | undefined): ActorRef | undefined => {
      const ref = this.#resolve(ctx, target);
      return ref !== undefined && (ref.node === undefined || ref.node === ctx.system.node) && ctx.system.lookup(ref.path) !== undefined ? ref : undefined;
    };
    const risk = local(this.props?.targets?.risk);
    const broker = local(this.props?.targets?.broker);
    const [status, orders] = await Promise.all([
      risk === undefined ? undefined : this.#ask<RiskStatus>(ctx, risk, riskGetStatus()).catch(() => undefined),
      broker === undefined ? undefined : this.#ask<BrokerOrders>(ctx, broker, brokerGetOrders()).catch(() => undefined),
    ]);
    let ordersByState: Record<string, number> | null = null;
    if (orders !== undefined) {
      ordersByState = {};
      for (const o of orders.orders) ordersByState[o.status] = (ordersByState[o.status] ?? 0) + 1;
    }
    return { type: 'inspector.tradingSummaryView', tradingState: status?.tradingState ?? null, ordersByState };
  }

  #resolve(ctx: ActorContext<InspectorProtocol>, target: InspectorTarget | undefined): ActorRef | undefined {
    if (target === undefined) return undefined;
    if (!('placed' in target)) return target;
    const ref = this.#view(ctx)?.refOf(target.placed.kind, target.placed.name);
    return ref === undefined || target.child === undefined ? ref : { ...ref, path: `${ref.path}/${target.child}` };
  }

  /** An ask with the inspector's timeout (the kernel's ask observer times it for the metrics). */
  #ask<R>(ctx: ActorContext<InspectorProtocol>, ref: ActorRef<any>, message: Message): Promise<R> {
    return ctx.ask<R>(ref, message, this.props?.askTimeoutMs ?? DEFAULT_INSPECTOR_ASK_TIMEOUT_MS);
  }
}

function refText(ref: ActorRef): string {
  return ref.node === undefined ? ref.path : `${ref.node}${ref.path}`;
}
