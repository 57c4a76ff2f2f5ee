import { randomBytes } from 'node:crypto';
import { connect } from 'nats';
import type { KV, NatsConnection } from 'nats';
import { pino } from 'pino';
import { INSPECTOR_PATH, registerInspectorTypes } from '../../actors/inspector/protocol.js';
import type { InspectorQuery, InspectorRefused, InspectorReply, InspectorTradingStateSet } from '../../actors/inspector/protocol.js';
import { nodeRow } from '../../actors/inspector/views.js';
import type { ActorView, DeadLetterView, NodeRow, NodeStatus, OrderListView, PlacementRow, PlacementView, RiskView, TreeView } from '../../actors/inspector/views.js';
import { bucketNames, LEADER_KEY } from '../../runtime/cluster/buckets.js';
import { DEFAULT_NODE_TIMEOUT_MS, DEFAULT_SUSPECT_AFTER_MS } from '../../runtime/cluster/membership.js';
import { asNodeRecord, decodeJson } from '../../runtime/cluster/node-record.js';
import type { NodeRecord } from '../../runtime/cluster/node-record.js';
import type { PlacementEntry } from '../../runtime/cluster/placement-table.js';
import { MessageRegistry } from '../../runtime/codec/index.js';
import { AskTimeoutError, describeError } from '../../runtime/errors.js';
import { ActorSystem } from '../../runtime/system.js';
import { credentialOptions } from '../../runtime/transport/credentials.js';
import type { NatsCredentials } from '../../runtime/transport/credentials.js';
import { NodeUnreachableError } from '../../runtime/transport/errors.js';
import { NatsTransport } from '../../runtime/transport/nats-transport.js';
import { expectReply } from './client.js';
import type { InspectorClient, NodeFailure, OrdersFilter, TradingStateRequest } from './client.js';
import { InspectorQueryError, InspectorUnreachableError } from './errors.js';

/** How long each ask to a node's inspector may take. */
export const DEFAULT_NATS_ASK_TIMEOUT_MS = 5_000;
/** How long connecting to NATS may take. */
export const DEFAULT_NATS_CONNECT_TIMEOUT_MS = 3_000;

/** Options for {@link NatsInspectorClient.connect}. */
export interface NatsInspectorClientOptions {
  readonly servers: readonly string[];
  readonly cluster: string;
  readonly credentials?: NatsCredentials;
  /** Default {@link DEFAULT_NATS_ASK_TIMEOUT_MS}. */
  readonly timeoutMs?: number;
  /** Default {@link DEFAULT_NATS_CONNECT_TIMEOUT_MS}. */
  readonly connectTimeoutMs?: number;
}

interface NodeState {
  readonly record: NodeRecord;
  readonly status: NodeStatus;
  readonly downReason?: string;
  readonly heartbeatAgeMs: number;
  readonly leader: boolean;
}

/**
 * The inspector client for a cluster. It is a small cluster member of its own: an actor system named
 * `cli-<random>` with the NATS transport, so a query is an ordinary remote ask to
 * `{ node, path: '/inspector' }` on the node's actor subject, and the answer comes back on the CLI's reply
 * subject. Membership (up/down, heartbeat age), the lease and the placement table are read straight from
 * the cluster's JetStream KV buckets, so `inspect nodes` shows a dead node too.
 */
export class NatsInspectorClient implements InspectorClient {
  readonly target: string;
  readonly #system: ActorSystem;
  readonly #transport: NatsTransport;
  readonly #connection: NatsConnection;
  readonly #cluster: string;
  readonly #timeoutMs: number;
  readonly #buckets = new Map<string, Promise<KV>>();

  private constructor(system: ActorSystem, transport: NatsTransport, options: NatsInspectorClientOptions) {
    this.#system = system;
    this.#transport = transport;
    this.#connection = transport.connection;
    this.#cluster = options.cluster;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_NATS_ASK_TIMEOUT_MS;
    this.target = `cluster ${options.cluster} at ${options.servers.join(',')}`;
  }

  /** Connects; throws {@link InspectorUnreachableError} naming the servers when NATS does not answer. */
  static async connect(options: NatsInspectorClientOptions): Promise<NatsInspectorClient> {
    let connection: NatsConnection;
    try {
      connection = await connect({
        servers: [...options.servers],
        name: 'bifrost-cli',
        timeout: options.connectTimeoutMs ?? DEFAULT_NATS_CONNECT_TIMEOUT_MS,
        maxReconnectAttempts: 0,
        ...credentialOptions(options.credentials),
      });
    } catch (error) {
      throw new InspectorUnreachableError(`NATS at ${options.servers.join(',')}`, describeError(error), { cause: error });
    }
    const system = ActorSystem.create({ node: `cli-${randomBytes(4).toString('hex')}`, logger: pino({ level: 'silent' }) });
    const transport = new NatsTransport(system, connection, { cluster: options.cluster, registry: registerInspectorTypes(new MessageRegistry()) }, true).install();
    return new NatsInspectorClient(system, transport, options);
  }

  #bucket(kind: 'nodes' | 'lease' | 'placement'): Promise<KV> {
    let kv = this.#buckets.get(kind);
    if (kv === undefined) {
      const name = bucketNames(this.#cluster)[kind];
      kv = this.#connection
        .jetstream()
        .views.kv(name, { bindOnly: true })
        .catch((error: unknown) => {
          throw new InspectorUnreachableError(this.target, `no KV bucket ${name}: no node of this cluster has started, or the cluster name is wrong (${describeError(error)})`, { cause: error });
        });
      this.#buckets.set(kind, kv);
    }
    return kv;
  }

  async #json(kv: KV, key: string): Promise<{ value: unknown; created: Date } | undefined> {
    const entry = await kv.get(key);
    if (entry === null || entry.operation !== 'PUT') return undefined;
    return { value: decodeJson(entry.bucket, key, entry.value), created: entry.created };
  }

  /**
   * The bucket's keys, each once: a key written while the listing runs (a node's heartbeat) can be
   * delivered twice by the listing's consumer, which made a node answer twice in `inspect deadletters`.
   */
  async #keys(kv: KV, filter: string): Promise<string[]> {
    const keys = new Set<string>();
    for await (const key of await kv.keys(filter)) keys.add(key);
    return [...keys].sort();
  }

  async #leader(): Promise<{ node: string; incarnation: string; term: number } | undefined> {
    const lease = await this.#json(await this.#bucket('lease'), LEADER_KEY).catch(() => undefined);
    return lease?.value as { node: string; incarnation: string; term: number } | undefined;
  }

  /**
   * Every node with a record in the membership bucket (a dead node's record lasts until its TTL, 30 s),
   * judged as membership does: down when its record is older than the node timeout, or late and its
   * subjects have no subscriber (its connection is gone).
   */
  async #nodeStates(): Promise<NodeState[]> {
    const kv = await this.#bucket('nodes');
    const keys = await this.#keys(kv, 'nodes.>');
    const lease = await this.#leader();
    const states = await Promise.all(
      keys.map(async (key): Promise<NodeState | undefined> => {
        const entry = await this.#json(kv, key);
        if (entry === undefined) return undefined;
        const record = asNodeRecord(bucketNames(this.#cluster).nodes, key, entry.value);
        const heartbeatAgeMs = Math.max(0, Date.now() - entry.created.getTime());
        const leader = lease?.node === record.name && lease.incarnation === record.incarnation;
        if (heartbeatAgeMs > DEFAULT_NODE_TIMEOUT_MS) return { record, status: 'down', downReason: 'heartbeat-timeout', heartbeatAgeMs, leader };
        if (heartbeatAgeMs > DEFAULT_SUSPECT_AFTER_MS && (await this.#transport.probe(record.name)) === 'absent') return { record, status: 'down', downReason: 'unreachable', heartbeatAgeMs, leader };
        return { record, status: 'up', heartbeatAgeMs, leader };
      }),
    );
    return states.filter((s): s is NodeState => s !== undefined);
  }

  /** Names of the live nodes; nodes with the `trading` role first (they host the order path). */
  async #liveNodes(): Promise<string[]> {
    const up = (await this.#nodeStates()).filter((s) => s.status === 'up');
    if (up.length === 0) throw new InspectorUnreachableError(this.target, 'no live node in the membership bucket');
    const trading = (s: NodeState): number => (s.record.roles.includes('trading') ? 0 : 1);
    return up.sort((a, b) => trading(a) - trading(b) || (a.record.name < b.record.name ? -1 : 1)).map((s) => s.record.name);
  }

  #ask(node: string, query: InspectorQuery): Promise<InspectorReply> {
    return this.#system.ask<InspectorReply>({ node, path: INSPECTOR_PATH }, query, this.#timeoutMs);
  }

  /** Asks `node` (or every live node) and keeps each answer of `type`, or the failure. */
  async #perNode<T extends InspectorReply['type']>(node: string | undefined, query: InspectorQuery, type: T): Promise<Array<Omit<Extract<InspectorReply, { type: T }>, 'type'> | NodeFailure>> {
    const nodes = node === undefined ? (await this.#liveNodes()).sort() : [node];
    return Promise.all(
      nodes.map(async (name) => {
        try {
          return expectReply(`node ${name}`, await this.#ask(name, query), type);
        } catch (error) {
          if (node !== undefined) throw error instanceof InspectorQueryError ? error : new InspectorUnreachableError(`node ${name} of ${this.target}`, (error as Error).message, { cause: error });
          return { node: name, failed: true as const, error: describeError(error) };
        }
      }),
    );
  }

  /**
   * Asks live nodes in turn until one whose inspector knows the broker or risk actor answers. Moves on
   * only when the query was certainly not acted on (no target there, or the node unreachable); a timeout
   * is reported, never retried elsewhere, so an operator command is not applied twice.
   */
  async #anyNode(query: InspectorQuery): Promise<InspectorReply> {
    const tried: string[] = [];
    for (const node of await this.#liveNodes()) {
      let reply: InspectorReply;
      try {
        reply = await this.#ask(node, query);
      } catch (error) {
        if (error instanceof AskTimeoutError) throw new InspectorQueryError(`node ${node}`, 'TIMEOUT', `no answer within ${this.#timeoutMs} ms`);
        if (!(error instanceof NodeUnreachableError)) throw new InspectorUnreachableError(`node ${node} of ${this.target}`, describeError(error), { cause: error });
        tried.push(`${node} (unreachable)`);
        continue;
      }
      if (reply.type === 'inspector.error' && reply.code === 'NO_TARGET') {
        tried.push(`${node} (${reply.message})`);
        continue;
      }
      return reply;
    }
    throw new InspectorQueryError(this.target, 'NO_TARGET', `no live node could answer ${query.type}; asked ${tried.join(', ')}`);
  }

  async nodes(): Promise<NodeRow[]> {
    const states = await this.#nodeStates();
    if (states.length === 0) throw new InspectorUnreachableError(this.target, 'the membership bucket holds no node records');
    return Promise.all(
      states.map(async (s) => {
        const base = { record: s.record, status: s.status, heartbeatAgeMs: s.heartbeatAgeMs, leader: s.leader, ...(s.downReason === undefined ? {} : { downReason: s.downReason }) };
        if (s.status === 'down') return nodeRow(base);
        try {
          const info = expectReply(`node ${s.record.name}`, await this.#ask(s.record.name, { type: 'inspector.node' }), 'inspector.nodeInfo');
          return nodeRow({ ...base, info });
        } catch (error) {
          return nodeRow({ ...base, error: describeError(error) });
        }
      }),
    );
  }

  trees(node?: string): Promise<Array<TreeView | NodeFailure>> {
    return this.#perNode(node, { type: 'inspector.tree' }, 'inspector.treeView');
  }

  async actors(path: string, node?: string): Promise<Array<ActorView | NodeFailure>> {
    let where = node;
    if (where === undefined) {
      // A placed actor (or a descendant of one) has one owner; ask it rather than every node.
      const placed = (await this.placement()).entries.find((e) => (path === e.path || path.startsWith(`${e.path}/`)) && e.node !== null && e.nodeStatus === 'up');
      where = placed?.node ?? undefined;
    }
    const nodes = where === undefined ? (await this.#liveNodes()).sort() : [where];
    const answers = await Promise.all(
      nodes.map(async (name): Promise<ActorView | NodeFailure | undefined> => {
        try {
          const reply = await this.#ask(name, { type: 'inspector.actor', path });
          if (reply.type === 'inspector.error' && reply.code === 'NOT_FOUND') return undefined;
          return expectReply(`node ${name}`, reply, 'inspector.actorView');
        } catch (error) {
          return { node: name, failed: true, error: describeError(error) };
        }
      }),
    );
    const found = answers.filter((a): a is ActorView | NodeFailure => a !== undefined);
    if (found.length === 0) throw new InspectorQueryError(this.target, 'NOT_FOUND', `no actor at ${path} on ${nodes.length === 1 ? `node ${nodes[0]}` : `any live node (${nodes.join(', ')})`}`);
    return found;
  }

  async placement(): Promise<PlacementView> {
    const kv = await this.#bucket('placement');
    const [keys, states, lease] = await Promise.all([this.#keys(kv, '>'), this.#nodeStates(), this.#leader()]);
    const status = new Map(states.map((s) => [s.record.name, s.status] as const));
    const entries: PlacementRow[] = [];
    for (const key of keys) {
      const entry = await this.#json(kv, key);
      if (entry === undefined) continue;
      const e = entry.value as PlacementEntry;
      const node = e.node ?? null;
      entries.push({ id: `${e.kind}/${e.name}`, kind: e.kind, name: e.name, path: e.path ?? `/${e.name}`, node, epoch: e.epoch, assignedAt: e.assignedAt ?? null, nodeStatus: node === null ? 'unassigned' : (status.get(node) ?? 'unknown') });
    }
    const leaderUp = lease !== undefined && status.get(lease.node) === 'up';
    return { clustered: true, cluster: this.#cluster, leader: leaderUp ? lease.node : null, term: lease?.term ?? null, entries: entries.sort((a, b) => (a.id < b.id ? -1 : 1)) };
  }

  deadLetters(node?: string, limit?: number): Promise<Array<DeadLetterView | NodeFailure>> {
    return this.#perNode(node, { type: 'inspector.deadLetters', ...(limit === undefined ? {} : { limit }) }, 'inspector.deadLetterView');
  }

  async orders(filter: OrdersFilter): Promise<OrderListView> {
    return expectReply(this.target, await this.#anyNode({ type: 'inspector.orders', ...filter }), 'inspector.orderList');
  }

  async risk(): Promise<RiskView> {
    return expectReply(this.target, await this.#anyNode({ type: 'inspector.risk' }), 'inspector.riskView');
  }

  async setTradingState(request: TradingStateRequest): Promise<InspectorTradingStateSet | InspectorRefused> {
    const reply = await this.#anyNode({ type: 'inspector.setTradingState', ...request });
    if (reply.type === 'inspector.refused') return reply;
    return { type: 'inspector.tradingStateSet', ...expectReply(this.target, reply, 'inspector.tradingStateSet') };
  }

  async close(): Promise<void> {
    await this.#transport.close();
    await this.#system.shutdown();
  }
}
