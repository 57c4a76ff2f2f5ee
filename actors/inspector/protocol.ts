import type { MessageRegistry, MessageSpec } from '../../runtime/codec/index.js';
import { validatePath } from '../../runtime/path.js';
import type { ActorTreeNode } from '../../runtime/system.js';
import { TRADING_STATES } from '../risk/trading-state.js';
import type { TradingState, TradingStateTrigger } from '../risk/trading-state.js';
import type { ActorView, DeadLetterView, NodeInfo, NodeRow, OrderListView, PlacementView, RiskView, TradingSummary } from './views.js';

/** The name every node spawns its inspector under: the inspector of node N is `{ node: N, path: '/inspector' }`. */
export const INSPECTOR_NAME = 'inspector';
/** The path of a node's inspector. */
export const INSPECTOR_PATH = `/${INSPECTOR_NAME}`;

// ---- queries ----

/** This node's own figures; answered with `inspector.nodeInfo`. */
export interface InspectNode {
  readonly type: 'inspector.node';
}
/** Every node this one knows (itself only when not clustered); answered with `inspector.nodeList`. */
export interface InspectNodes {
  readonly type: 'inspector.nodes';
}
/** The supervision trees; answered with `inspector.treeView`. */
export interface InspectTree {
  readonly type: 'inspector.tree';
}
/** One actor's statistics, placement and `inspect()` summary; `inspector.actorView` or `inspector.error` NOT_FOUND. */
export interface InspectActor {
  readonly type: 'inspector.actor';
  readonly path: string;
}
/** The placement table and the leader; answered with `inspector.placementView`. */
export interface InspectPlacement {
  readonly type: 'inspector.placement';
}
/** Dead-letter totals and the most recent `limit` (default 50); answered with `inspector.deadLetterView`. */
export interface InspectDeadLetters {
  readonly type: 'inspector.deadLetters';
  readonly limit?: number;
}
/** The broker's orders, optionally of one portfolio and/or open only; answered with `inspector.orderList`. */
export interface InspectOrders {
  readonly type: 'inspector.orders';
  readonly portfolio?: string;
  readonly open?: boolean;
  /** Most recent orders returned (default 200). */
  readonly limit?: number;
}
/** Limits, utilisation, VaR and trading state; answered with `inspector.riskView`. */
export interface InspectRisk {
  readonly type: 'inspector.risk';
}
/**
 * An operator changes the trading state. The inspector passes it to the risk actor as
 * `risk.setTradingState`, which checks the credential in constant time and journals who, when and why.
 * Answered with `inspector.tradingStateSet` or `inspector.refused`.
 */
export interface InspectSetTradingState {
  readonly type: 'inspector.setTradingState';
  readonly to: TradingState;
  readonly reason: string;
  /** Who asks (journaled with the change). */
  readonly operator: string;
  /** The operator credential (BIFROST_OPERATOR_TOKEN). Never logged, echoed or kept. */
  readonly operatorToken: string;
}
/** Trading state and orders by state of the order-path actors on this node (for /metrics); `inspector.tradingSummaryView`. */
export interface InspectTradingSummary {
  readonly type: 'inspector.tradingSummary';
}

/** Every query an inspector answers. */
export type InspectorQuery =
  | InspectNode
  | InspectNodes
  | InspectTree
  | InspectActor
  | InspectPlacement
  | InspectDeadLetters
  | InspectOrders
  | InspectRisk
  | InspectSetTradingState
  | InspectTradingSummary;

/** The inspector's own clock tick (msg/s samples). */
export interface InspectorSample {
  readonly type: 'inspector.sample';
}

/** Messages the inspector actor receives. */
export type InspectorProtocol = InspectorQuery | InspectorSample;

// ---- replies ----

/** Why an inspector could not answer. */
export const INSPECTOR_ERRORS = {
  /** No actor at the path. */
  NOT_FOUND: 'NOT_FOUND',
  /** A malformed query. */
  BAD_REQUEST: 'BAD_REQUEST',
  /** This inspector knows no broker or risk actor to ask. */
  NO_TARGET: 'NO_TARGET',
  /** The broker, risk or portfolio actor did not answer. */
  TARGET_FAILED: 'TARGET_FAILED',
  /** The inspector did not answer in time (set by clients and the HTTP server). */
  TIMEOUT: 'TIMEOUT',
} as const;
export type InspectorErrorCode = (typeof INSPECTOR_ERRORS)[keyof typeof INSPECTOR_ERRORS];

export type InspectorReply =
  | ({ readonly type: 'inspector.nodeInfo' } & NodeInfo)
  | { readonly type: 'inspector.nodeList'; readonly node: string; readonly nodes: readonly NodeRow[] }
  | { readonly type: 'inspector.treeView'; readonly node: string; readonly roots: readonly ActorTreeNode[] }
  | ({ readonly type: 'inspector.actorView' } & ActorView)
  | ({ readonly type: 'inspector.placementView' } & PlacementView)
  | ({ readonly type: 'inspector.deadLetterView' } & DeadLetterView)
  | ({ readonly type: 'inspector.orderList' } & OrderListView)
  | ({ readonly type: 'inspector.riskView' } & RiskView)
  | InspectorTradingStateSet
  | InspectorRefused
  | ({ readonly type: 'inspector.tradingSummaryView' } & TradingSummary)
  | InspectorErrorReply;

/** The trading state changed and the change is journaled. */
export interface InspectorTradingStateSet {
  readonly type: 'inspector.tradingStateSet';
  readonly from: TradingState;
  readonly to: TradingState;
  readonly trigger: TradingStateTrigger;
  readonly by: string;
  readonly reason: string;
  readonly time: number;
}

/** An operator command was refused (`UNAUTHORISED`, `REASON_REQUIRED`, `INVALID_TRANSITION`). */
export interface InspectorRefused {
  readonly type: 'inspector.refused';
  readonly refusal: string;
  readonly message: string;
}

/** The inspector could not answer a query. */
export interface InspectorErrorReply {
  readonly type: 'inspector.error';
  readonly code: InspectorErrorCode;
  readonly message: string;
}

/** Builds an `inspector.error`. */
export function inspectorError(code: InspectorErrorCode, message: string): InspectorErrorReply {
  return Object.freeze({ type: 'inspector.error', code, message });
}

// ---- validation and the wire registry ----

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const optionalPositiveInt = (v: unknown): boolean => v === undefined || (Number.isSafeInteger(v) && (v as number) > 0);
const nonEmpty = (v: unknown, max: number): boolean => typeof v === 'string' && v.trim().length > 0 && v.length <= max;

const QUERY_RULES: Readonly<Record<InspectorQuery['type'], (q: Record<string, unknown>) => string[]>> = {
  'inspector.node': () => [],
  'inspector.nodes': () => [],
  'inspector.tree': () => [],
  'inspector.actor': (q) => {
    if (typeof q.path !== 'string') return ['path must be a string'];
    try {
      validatePath(q.path, true);
      return [];
    } catch (error) {
      return [`path: ${(error as Error).message}`];
    }
  },
  'inspector.placement': () => [],
  'inspector.deadLetters': (q) => (optionalPositiveInt(q.limit) ? [] : ['limit must be a positive integer']),
  'inspector.orders': (q) => [
    ...(q.portfolio === undefined || nonEmpty(q.portfolio, 128) ? [] : ['portfolio must be a non-empty string']),
    ...(q.open === undefined || typeof q.open === 'boolean' ? [] : ['open must be a boolean']),
    ...(optionalPositiveInt(q.limit) ? [] : ['limit must be a positive integer']),
  ],
  'inspector.risk': () => [],
  'inspector.setTradingState': (q) => [
    ...((TRADING_STATES as readonly unknown[]).includes(q.to) ? [] : [`to must be one of ${TRADING_STATES.join(', ')}`]),
    ...(nonEmpty(q.reason, 1_024) ? [] : ['reason must be a non-empty string of at most 1024 characters']),
    ...(nonEmpty(q.operator, 128) ? [] : ['operator must be a non-empty string of at most 128 characters']),
    ...(typeof q.operatorToken === 'string' ? [] : ['operatorToken must be a string']),
  ],
  'inspector.tradingSummary': () => [],
};

/** The query types, in the order the CLI documents them. */
export const INSPECTOR_QUERY_TYPES = Object.freeze(Object.keys(QUERY_RULES)) as readonly InspectorQuery['type'][];

/** Every problem with `value` as an inspector query (an empty list when it is one). Never echoes a credential. */
export function inspectorQueryProblems(value: unknown): string[] {
  if (!isObject(value)) return ['a query is a JSON object with a "type"'];
  const rule = QUERY_RULES[value.type as InspectorQuery['type']];
  if (typeof value.type !== 'string' || rule === undefined) return [`type must be one of ${INSPECTOR_QUERY_TYPES.join(', ')}`];
  return rule(value);
}

/** True when `value` is a valid inspector query. */
export function isInspectorQuery(value: unknown): value is InspectorQuery {
  return inspectorQueryProblems(value).length === 0;
}

/** Reply types, for the wire registry. */
export const INSPECTOR_REPLY_TYPES = Object.freeze([
  'inspector.nodeInfo',
  'inspector.nodeList',
  'inspector.treeView',
  'inspector.actorView',
  'inspector.placementView',
  'inspector.deadLetterView',
  'inspector.orderList',
  'inspector.riskView',
  'inspector.tradingStateSet',
  'inspector.refused',
  'inspector.tradingSummaryView',
  'inspector.error',
] as const satisfies readonly InspectorReply['type'][]);

const QUERY_SPECS: Readonly<Record<string, MessageSpec>> = Object.freeze(
  Object.fromEntries(INSPECTOR_QUERY_TYPES.map((type) => [type, Object.freeze({ version: 1, validate: (body: unknown) => inspectorQueryProblems(body) })])),
);
const REPLY_SPEC: MessageSpec = Object.freeze({ version: 1 });

/**
 * Registers every inspector query (validated) and reply type with a transport's registry, so a node in
 * strict mode answers the CLI over NATS. Returns `registry`.
 *
 * @example
 * const registry = registerInspectorTypes(new MessageRegistry());
 * await ClusterNode.start({ system, clusterName: 'prod', servers, transport: { registry } });
 */
export function registerInspectorTypes(registry: MessageRegistry): MessageRegistry {
  for (const [type, spec] of Object.entries(QUERY_SPECS)) registry.register(type, spec);
  for (const type of INSPECTOR_REPLY_TYPES) registry.register(type, REPLY_SPEC);
  return registry;
}
