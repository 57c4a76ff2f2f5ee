import { connect } from 'nats';
import type { NatsConnection } from 'nats';
import type { PlacementEntry } from './placement-table.js';
import type { ActorRef, Message } from '../ref.js';
import type { ActorSystem } from '../system.js';
import { credentialOptions } from '../transport/credentials.js';
import type { NatsCredentials } from '../transport/credentials.js';
import { InvalidTransportOptionsError } from '../transport/errors.js';
import { NatsTransport } from '../transport/nats-transport.js';
import { DEFAULT_RECONNECT_TIME_WAIT_MS } from '../transport/transport-options.js';
import type { NatsTransportOptions } from '../transport/transport-options.js';
import { clusterNameProblem } from '../transport/subjects.js';
import { bucketNames, DEFAULT_KV_REPLICAS, DEFAULT_NODE_RECORD_TTL_MS, openLeaseBucket, openNodesBucket, openPlacementBucket, retrying, watchView } from './buckets.js';
import { ClusterJoinError, InvalidClusterOptionsError } from './errors.js';
import { Membership } from './membership.js';
import { fenceJournalHook, Placement } from './placement.js';
import type { BeforeActivate, FenceableJournal, PlacementRules } from './placement.js';
import { PlacementTable } from './placement-table.js';
import type { PlaceRequest } from './placement-table.js';
import { errorInfo } from '../events.js';

/** How long start() keeps retrying to open the KV buckets (JetStream may still be electing its leaders). */
export const DEFAULT_KV_OPEN_TIMEOUT_MS = 15_000;
const KV_OPEN_RETRY_WAIT_MS = 200;

/** Options for {@link ClusterNode.start}. */
export interface ClusterNodeOptions {
  readonly system: ActorSystem;
  /** Must equal `system.node` when given (the system's node name is what refs carry). */
  readonly nodeName?: string;
  /** Cluster name: subject prefix and KV bucket names. */
  readonly clusterName: string;
  /** NATS server URLs. */
  readonly servers: string | readonly string[];
  /** Roles this node offers to placement (`trading`, `gpu`, `data`). Default none: the node hosts no placed actors. */
  readonly roles?: readonly string[];
  /** May this node hold the leader lease. Default true. */
  readonly leaderEligible?: boolean;
  /** Kind -> roles in order of preference. */
  readonly placementRules?: PlacementRules;
  readonly credentials?: NatsCredentials;
  /** Transport settings (registry, permissive mode, payload limit, authorize hook...). */
  readonly transport?: Omit<NatsTransportOptions, 'cluster' | 'servers' | 'credentials'>;
  /** The cluster journal: each placed persistent actor's id is fenced at its epoch before it starts. */
  readonly journal?: FenceableJournal;
  /** Replaces the journal fencing hook. */
  readonly beforeActivate?: BeforeActivate;
  /** Replicas of the KV buckets. Default {@link DEFAULT_KV_REPLICAS}. */
  readonly kvReplicas?: number;
  readonly heartbeatIntervalMs?: number;
  readonly nodeTimeoutMs?: number;
  readonly suspectAfterMs?: number;
}

/**
 * One node of a Bifrost cluster: the system's NATS transport, membership with heartbeats and the leader
 * lease, and placement. The transport and the control plane (KV) use separate connections, so heavy actor
 * traffic never delays a heartbeat.
 *
 * @example
 * const node = await ClusterNode.start({
 *   system, clusterName: 'prod', servers: ['nats://10.0.0.75:4222', 'nats://10.0.0.80:4222'],
 *   roles: ['trading'], placementRules: { risk: ['trading'], optimizer: ['gpu', 'trading'] }, journal,
 * });
 * await node.place({ kind: 'risk', name: 'risk', props: {} });
 * await node.stop();
 */
export class ClusterNode {
  readonly system: ActorSystem;
  readonly transport: NatsTransport;
  readonly control: NatsConnection;
  readonly membership: Membership;
  readonly table: PlacementTable;
  readonly placement: Placement;
  #stopped = false;

  private constructor(parts: { system: ActorSystem; transport: NatsTransport; control: NatsConnection; membership: Membership; table: PlacementTable; placement: Placement }) {
    this.system = parts.system;
    this.transport = parts.transport;
    this.control = parts.control;
    this.membership = parts.membership;
    this.table = parts.table;
    this.placement = parts.placement;
  }

  /** Connects, joins membership, loads the placement table and starts hosting the actors placed here. */
  static async start(options: ClusterNodeOptions): Promise<ClusterNode> {
    const problems = clusterOptionProblems(options);
    if (problems.length > 0) throw new InvalidClusterOptionsError(problems);
    const { system } = options;
    const cleanup: Array<() => Promise<void> | void> = [];
    try {
      const transport = await step('connecting the transport', () => NatsTransport.connect(system, { ...options.transport, cluster: options.clusterName, servers: options.servers, ...(options.credentials ? { credentials: options.credentials } : {}) }));
      cleanup.push(() => transport.close());
      const control = await step('connecting the control connection', () => connect({
        servers: typeof options.servers === 'string' ? options.servers : [...options.servers],
        name: `bifrost-${options.clusterName}-${system.node}-control`,
        maxReconnectAttempts: -1,
        reconnectTimeWait: DEFAULT_RECONNECT_TIME_WAIT_MS,
        reconnectJitter: 0,
        ...credentialOptions(options.credentials),
      }));
      cleanup.push(() => control.close());
      const js = control.jetstream();
      const replicas = options.kvReplicas ?? DEFAULT_KV_REPLICAS;
      const nodesKv = await step('opening the membership bucket', () => openRetrying(() => openNodesBucket(js, options.clusterName, replicas, DEFAULT_NODE_RECORD_TTL_MS)));
      const leaseKv = await step('opening the lease bucket', () => openRetrying(() => openLeaseBucket(js, options.clusterName, replicas)));
      const placementKv = await step('opening the placement bucket', () => openRetrying(() => openPlacementBucket(js, options.clusterName, replicas)));
      const names = bucketNames(options.clusterName);
      const placementWatchKv = await step('opening the placement bucket for watching', () => openRetrying(() => watchView(control, names.placement)));
      const nodesWatchKv = await step('opening the membership bucket for watching', () => openRetrying(() => watchView(control, names.nodes)));
      const onError = (operation: string) => (error: unknown) => system.events.publish({ type: 'cluster.error', at: system.clock.now(), operation, error: errorInfo(error) });
      const table = new PlacementTable({ js, kv: placementKv, watchKv: placementWatchKv, name: names.placement }, system.clock, onError('placement.watch'));
      await step('watching the placement table', () => table.start());
      cleanup.push(() => table.stop());
      const membership = await step('joining the membership', () => Membership.start({
        system,
        kv: nodesKv,
        watchKv: nodesWatchKv,
        lease: { js, kv: leaseKv, name: names.lease },
        roles: options.roles ?? [],
        leaderEligible: options.leaderEligible ?? true,
        probe: (node) => transport.probe(node),
        ...(options.heartbeatIntervalMs !== undefined ? { heartbeatIntervalMs: options.heartbeatIntervalMs } : {}),
        ...(options.nodeTimeoutMs !== undefined ? { nodeTimeoutMs: options.nodeTimeoutMs } : {}),
        ...(options.suspectAfterMs !== undefined ? { suspectAfterMs: options.suspectAfterMs } : {}),
      }));
      cleanup.push(() => membership.kill());
      transport.routeCheck = (node) => (membership.isKnownDown(node) ? `node ${node} is down` : undefined);
      const beforeActivate = options.beforeActivate ?? (options.journal !== undefined ? fenceJournalHook(options.journal) : undefined);
      const placement = new Placement({ system, table, membership, ...(options.placementRules ? { rules: options.placementRules } : {}), ...(beforeActivate ? { beforeActivate } : {}) });
      placement.start();
      void placement.assignPass();
      return new ClusterNode({ system, transport, control, membership, table, placement });
    } catch (error) {
      for (const undo of cleanup.reverse()) await Promise.resolve(undo()).catch(() => undefined);
      throw error;
    }
  }

  get node(): string {
    return this.system.node;
  }

  /** Adds `kind`/`name` to the placement table; the leader assigns it to a node. Idempotent for equal props. */
  place(request: PlaceRequest): Promise<PlacementEntry> {
    return this.table.place(request);
  }

  /** Removes `kind`/`name` from the table; its owner stops it. */
  unplace(kind: string, name: string): Promise<void> {
    return this.table.remove(kind, name);
  }

  /** The current ref of placed actor `kind`/`name` (it changes on failover); undefined while unassigned. */
  refOf<P extends Message = Message>(kind: string, name: string): ActorRef<P> | undefined {
    return this.placement.refOf<P>(kind, name);
  }

  /**
   * Clean stop: stops the placed actors here, leaves membership (record deleted, lease released, so the
   * leader re-places them at once), then closes both connections. The actor system itself is left running.
   */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await this.placement.stop();
    await this.membership.stop();
    this.table.stop();
    await this.control.drain().catch(() => this.control.close());
    await this.transport.close();
  }

  /** Goes silent as a crashed node would: no record deletion, no lease release, connections closed abruptly. For tests. */
  async kill(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.membership.kill();
    this.table.stop();
    await Promise.all([this.control.close(), this.transport.connection.close()]);
    await this.transport.close();
  }
}

/** Opens a bucket, retrying while JetStream elects the stream's leader. */
function openRetrying<T>(open: () => Promise<T>): Promise<T> {
  return retrying(open, DEFAULT_KV_OPEN_TIMEOUT_MS, KV_OPEN_RETRY_WAIT_MS);
}

/** Runs one step of joining; a failure becomes a {@link ClusterJoinError} naming the step. */
async function step<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof InvalidTransportOptionsError) throw error;
    throw new ClusterJoinError(what, error);
  }
}

function clusterOptionProblems(o: ClusterNodeOptions): string[] {
  const problems: string[] = [];
  if (o?.system === undefined) return ['system is required'];
  if (o.nodeName !== undefined && o.nodeName !== o.system.node) problems.push(`nodeName ${o.nodeName} differs from the system's node name ${o.system.node}`);
  const cluster = clusterNameProblem(o.clusterName);
  if (cluster !== undefined) problems.push(`clusterName: ${cluster}`);
  if (o.servers === undefined || o.servers.length === 0) problems.push('servers: at least one NATS server URL is required');
  if (o.roles !== undefined && !o.roles.every((r) => typeof r === 'string' && r.length > 0)) problems.push('roles must be non-empty strings');
  for (const [kind, roles] of Object.entries(o.placementRules ?? {})) {
    if (!Array.isArray(roles) || roles.length === 0) problems.push(`placementRules.${kind} must list at least one role`);
  }
  if (o.kvReplicas !== undefined && !(Number.isInteger(o.kvReplicas) && o.kvReplicas >= 1 && o.kvReplicas <= 5)) problems.push('kvReplicas must be an integer in 1..5');
  if (o.system.transport !== undefined) problems.push(`node ${o.system.node} already has a transport`);
  return problems;
}
