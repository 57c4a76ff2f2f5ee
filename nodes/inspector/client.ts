import type { InspectorRefused, InspectorReply, InspectorTradingStateSet } from '../../actors/inspector/protocol.js';
import type { ActorView, DeadLetterView, NodeRow, OrderListView, PlacementView, RiskView, TreeView } from '../../actors/inspector/views.js';
import type { TradingState } from '../../actors/risk/trading-state.js';
import { InspectorQueryError } from './errors.js';

/** What `bifrost halt|reduce|resume` sends. */
export interface TradingStateRequest {
  readonly to: TradingState;
  readonly reason: string;
  readonly operator: string;
  readonly operatorToken: string;
}

/** Filters of `bifrost inspect orders`. */
export interface OrdersFilter {
  readonly portfolio?: string;
  readonly open?: boolean;
  readonly limit?: number;
}

/** A node that did not answer a per-node query (the others' answers are still shown). */
export interface NodeFailure {
  readonly node: string;
  readonly failed: true;
  readonly error: string;
}

/** True when `entry` is a {@link NodeFailure}. */
export function isNodeFailure(entry: object): entry is NodeFailure {
  return (entry as { failed?: unknown }).failed === true;
}

/**
 * How the CLI talks to Bifrost: over HTTP to one node (`--url`, the embedded node) or over NATS to a
 * cluster (`--nats`). Methods that concern one node take an optional node name; without it, the
 * cluster client asks every live node.
 */
export interface InspectorClient {
  /** Where it connects, for messages (`http://127.0.0.1:9464`, `cluster prod at nats://...`). */
  readonly target: string;
  nodes(): Promise<NodeRow[]>;
  trees(node?: string): Promise<Array<TreeView | NodeFailure>>;
  /** The actor at `path` on every node that has one (or on `node`); NOT_FOUND when none has. */
  actors(path: string, node?: string): Promise<Array<ActorView | NodeFailure>>;
  placement(): Promise<PlacementView>;
  deadLetters(node?: string, limit?: number): Promise<Array<DeadLetterView | NodeFailure>>;
  orders(filter: OrdersFilter): Promise<OrderListView>;
  risk(): Promise<RiskView>;
  /** Resolves with the change or the refusal; throws for anything else. */
  setTradingState(request: TradingStateRequest): Promise<InspectorTradingStateSet | InspectorRefused>;
  close(): Promise<void>;
}

/** `reply` with its `type` removed, when it is of `type`; throws {@link InspectorQueryError} for an `inspector.error` or anything else. */
export function expectReply<T extends InspectorReply['type']>(target: string, reply: InspectorReply, type: T): Omit<Extract<InspectorReply, { type: T }>, 'type'> {
  if (reply?.type === type) {
    const { type: _type, ...rest } = reply as Extract<InspectorReply, { type: T }>;
    return rest as Omit<Extract<InspectorReply, { type: T }>, 'type'>;
  }
  if (reply?.type === 'inspector.error') throw new InspectorQueryError(target, reply.code, reply.message);
  throw new InspectorQueryError(target, 'BAD_REQUEST', `expected ${type}, got ${JSON.stringify(reply?.type)}`);
}
