import type { InspectorQuery, InspectorRefused, InspectorReply, InspectorTradingStateSet } from '../../actors/inspector/protocol.js';
import type { ActorView, DeadLetterView, NodeRow, OrderListView, PlacementView, RiskView, TreeView } from '../../actors/inspector/views.js';
import { expectReply } from './client.js';
import type { InspectorClient, OrdersFilter, TradingStateRequest } from './client.js';
import { InspectorQueryError, InspectorUnreachableError } from './errors.js';

/** How long the HTTP client waits for an answer (the server itself gives up after 10 s). */
export const DEFAULT_HTTP_CLIENT_TIMEOUT_MS = 15_000;

/**
 * The inspector client for one node's HTTP endpoint (`POST /inspect`): the embedded node, or one cluster
 * node. The operator credential goes in the `Authorization` header, never in the body.
 */
export class HttpInspectorClient implements InspectorClient {
  readonly target: string;
  readonly #base: string;
  readonly #timeoutMs: number;

  constructor(url: string, timeoutMs = DEFAULT_HTTP_CLIENT_TIMEOUT_MS) {
    this.#base = url.replace(/\/+$/, '');
    this.target = `the Bifrost node at ${this.#base}`;
    this.#timeoutMs = timeoutMs;
  }

  async #query(query: InspectorQuery | Omit<InspectorQuery, 'operatorToken'>, token?: string): Promise<InspectorReply> {
    let response: Response;
    try {
      response = await fetch(`${this.#base}/inspect`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
        body: JSON.stringify(query),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      throw new InspectorUnreachableError(this.target, networkReason(error, this.#timeoutMs), { cause: error });
    }
    const text = await response.text();
    try {
      return JSON.parse(text) as InspectorReply;
    } catch {
      throw new InspectorUnreachableError(this.target, `HTTP ${response.status} with a body that is not an inspector answer (is this a Bifrost inspector?)`);
    }
  }

  #sameNode<T extends { node: string }>(view: T, node: string | undefined): T {
    if (node !== undefined && node !== view.node) throw new InspectorQueryError(this.target, 'NOT_FOUND', `this endpoint serves node ${view.node}, not ${node}; use --nats to reach the other nodes of a cluster`);
    return view;
  }

  async nodes(): Promise<NodeRow[]> {
    return [...expectReply(this.target, await this.#query({ type: 'inspector.nodes' }), 'inspector.nodeList').nodes];
  }

  async trees(node?: string): Promise<TreeView[]> {
    return [this.#sameNode(expectReply(this.target, await this.#query({ type: 'inspector.tree' }), 'inspector.treeView'), node)];
  }

  async actors(path: string, node?: string): Promise<ActorView[]> {
    return [this.#sameNode(expectReply(this.target, await this.#query({ type: 'inspector.actor', path }), 'inspector.actorView'), node)];
  }

  async placement(): Promise<PlacementView> {
    return expectReply(this.target, await this.#query({ type: 'inspector.placement' }), 'inspector.placementView');
  }

  async deadLetters(node?: string, limit?: number): Promise<DeadLetterView[]> {
    const reply = await this.#query({ type: 'inspector.deadLetters', ...(limit === undefined ? {} : { limit }) });
    return [this.#sameNode(expectReply(this.target, reply, 'inspector.deadLetterView'), node)];
  }

  async orders(filter: OrdersFilter): Promise<OrderListView> {
    return expectReply(this.target, await this.#query({ type: 'inspector.orders', ...filter }), 'inspector.orderList');
  }

  async risk(): Promise<RiskView> {
    return expectReply(this.target, await this.#query({ type: 'inspector.risk' }), 'inspector.riskView');
  }

  async setTradingState(request: TradingStateRequest): Promise<InspectorTradingStateSet | InspectorRefused> {
    const reply = await this.#query({ type: 'inspector.setTradingState', to: request.to, reason: request.reason, operator: request.operator }, request.operatorToken);
    if (reply.type === 'inspector.refused') return reply;
    return { type: 'inspector.tradingStateSet', ...expectReply(this.target, reply, 'inspector.tradingStateSet') };
  }

  async close(): Promise<void> {}
}

function networkReason(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `no answer within ${timeoutMs} ms`;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code !== undefined) return `${cause.code}${cause.code === 'ECONNREFUSED' ? ' (is the node running, and is this its inspector port?)' : ''}`;
  const message = error instanceof Error ? error.message : String(error);
  return cause?.message === undefined ? message : `${message} (${cause.message})`;
}
