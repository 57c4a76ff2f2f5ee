import type { NodeRecord } from '../../runtime/cluster/node-record.js';
import type { ActorStats } from '../../runtime/stats.js';
import type { ActorTreeNode } from '../../runtime/system.js';
import type { RiskLimits } from '../risk/limits.js';
import type { RiskTradingStateChanged, RiskVarFigures } from '../risk/protocol.js';
import type { TradingState } from '../risk/trading-state.js';
import type { OrderRow } from '../broker/order-row.js';

// The plain data an inspector answers with. Everything here survives JSON and msgpack, so the same shapes
// travel over HTTP (embedded node), over NATS (cluster) and out of the CLI with --json.

/** What one node's inspector says about its own node. */
export interface NodeInfo {
  readonly node: string;
  readonly host: string;
  readonly pid: number;
  readonly roles: readonly string[];
  /** Bifrost's version, from package.json. */
  readonly version: string;
  /** Wall-clock time the node process started (epoch ms). */
  readonly startedAt: number;
  readonly uptimeMs: number;
  /** Live actors on the node. */
  readonly actors: number;
  /** Messages processed by the node's live actors since they started. */
  readonly processed: number;
  /** Messages processed per second over the last few seconds of clock time; null until a sample exists. */
  readonly msgPerSec: number | null;
  readonly memory: { readonly rssBytes: number; readonly heapUsedBytes: number; readonly heapTotalBytes: number };
  readonly deadLetters: number;
  /** True when the node is part of a cluster (it has a cluster view). */
  readonly clustered: boolean;
  /** The node's clock when it answered. */
  readonly time: number;
}

/** Up or down, as membership (or the CLI reading the membership bucket) judges it. */
export type NodeStatus = 'up' | 'down';

/** One row of `bifrost inspect nodes`. */
export interface NodeRow {
  readonly name: string;
  readonly host: string;
  readonly roles: readonly string[];
  readonly status: NodeStatus;
  /** Why membership has it down (`unreachable`, `heartbeat-timeout`, `left`...). */
  readonly downReason?: string;
  /** Holds the leader lease. */
  readonly leader: boolean;
  /** Since the node's last heartbeat; null for a node without membership (the embedded node). */
  readonly heartbeatAgeMs: number | null;
  readonly uptimeMs: number | null;
  readonly version: string;
  readonly actors: number | null;
  readonly msgPerSec: number | null;
  readonly rssBytes: number | null;
  readonly heapUsedBytes: number | null;
  /** Why the figures that only the node itself can give are missing (its inspector did not answer). */
  readonly error?: string;
}

/** Facts about a node for {@link nodeRow}: its inspector's answer and/or its membership record. */
export interface NodeRowSource {
  readonly info?: NodeInfo;
  readonly record?: NodeRecord;
  readonly status: NodeStatus;
  readonly downReason?: string;
  readonly leader?: boolean;
  readonly heartbeatAgeMs: number | null;
  readonly error?: string;
}

/**
 * One `inspect nodes` row from what is known of a node: the inspector's figures win (they are live), the
 * membership record fills in for a node that is down or did not answer. A down node shows no uptime.
 */
export function nodeRow(source: NodeRowSource): NodeRow {
  const { info, record, status } = source;
  const up = status === 'up';
  const name = info?.node ?? record?.name ?? '?';
  const row: NodeRow = {
    name,
    host: info?.host ?? record?.host ?? '',
    roles: info?.roles ?? record?.roles ?? [],
    status,
    leader: source.leader ?? false,
    heartbeatAgeMs: source.heartbeatAgeMs,
    uptimeMs: !up ? null : (info?.uptimeMs ?? (record !== undefined && record.heartbeatAt >= record.startedAt ? record.heartbeatAt - record.startedAt : null)),
    version: info?.version ?? record?.version ?? 'unknown',
    actors: info?.actors ?? record?.actors ?? null,
    msgPerSec: up ? (info?.msgPerSec ?? null) : null,
    rssBytes: info?.memory.rssBytes ?? record?.memory.rssBytes ?? null,
    heapUsedBytes: info?.memory.heapUsedBytes ?? record?.memory.heapUsedBytes ?? null,
  };
  return {
    ...row,
    ...(source.downReason === undefined ? {} : { downReason: source.downReason }),
    ...(source.error === undefined ? {} : { error: source.error }),
  };
}

/** The supervision trees of one node. */
export interface TreeView {
  readonly node: string;
  readonly roots: readonly ActorTreeNode[];
}

/** Where a placed actor is assigned, for `inspect actor`. */
export interface ActorPlacement {
  readonly id: string;
  readonly node: string | null;
  readonly epoch: number;
}

/** One actor, for `bifrost inspect actor <path>`. */
export interface ActorView {
  readonly node: string;
  readonly path: string;
  readonly stats: ActorStats;
  /** Its placement entry when the actor is placed by the cluster; null otherwise. */
  readonly placement: ActorPlacement | null;
  /** The actor's own `inspect()` summary, made plain (secrets redacted); null when it offers none. */
  readonly summary: Readonly<Record<string, unknown>> | null;
}

/** One row of the placement table. */
export interface PlacementRow {
  readonly id: string;
  readonly kind: string;
  readonly name: string;
  readonly path: string;
  readonly node: string | null;
  readonly epoch: number;
  readonly assignedAt: number | null;
  /** The owner's status: `unassigned` while no node holds it. */
  readonly nodeStatus: NodeStatus | 'unassigned' | 'unknown';
}

/** The placement table and the leader, for `bifrost inspect placement`. */
export interface PlacementView {
  readonly clustered: boolean;
  readonly cluster: string | null;
  readonly leader: string | null;
  readonly term: number | null;
  readonly entries: readonly PlacementRow[];
}

/** A dead letter as the inspector shows it: never the message itself, which may carry a credential. */
export interface DeadLetterRow {
  readonly at: number;
  readonly reason: string;
  readonly messageType: string;
  readonly recipient: string;
  readonly sender?: string;
  readonly detail?: string;
}

/** A node's dead letters: totals and the most recent ones (newest first). */
export interface DeadLetterView {
  readonly node: string;
  readonly total: number;
  readonly byReason: Readonly<Record<string, number>>;
  readonly recent: readonly DeadLetterRow[];
}

/** An OMS order, flattened for a table. */
export type { OrderRow } from '../broker/order-row.js';

/** The broker's orders, filtered, newest last; `total` counts every match before `limit` cut the list. */
export interface OrderListView {
  readonly node: string;
  readonly broker: string;
  readonly total: number;
  readonly orders: readonly OrderRow[];
}

/** A measure against its limit; `utilisation` is value / limit (null when either is unknown or the limit is off). */
export interface UtilisationRow {
  readonly portfolioId: string;
  readonly measure: 'grossExposure' | 'netExposure' | 'openOrders' | 'dailyLoss' | 'drawdown' | 'var';
  readonly value: number | null;
  readonly limit: number | null;
  readonly utilisation: number | null;
}

/** The risk actor's state for `bifrost inspect risk`. */
export interface RiskView {
  readonly node: string;
  readonly risk: string;
  readonly riskId: string;
  readonly tradingState: TradingState;
  readonly limits: RiskLimits;
  readonly utilisation: readonly UtilisationRow[];
  readonly var: readonly RiskVarFigures[];
  readonly openOrders: Readonly<Record<string, number>>;
  readonly history: readonly Omit<RiskTradingStateChanged, 'type'>[];
  /** Portfolios whose figures could not be fetched, with why. */
  readonly problems: readonly string[];
}

/** Trading state and orders by state of the order-path actors hosted on this node, for /metrics. */
export interface TradingSummary {
  readonly tradingState: TradingState | null;
  readonly ordersByState: Readonly<Record<string, number>> | null;
}
