import type { KV, KvEntry, QueuedIterator } from 'nats';
import type { Cancellable } from '../clock.js';
import { errorInfo } from '../events.js';
import type { ActorSystem } from '../system.js';
import type { ProbeResult } from '../transport/transport-options.js';
import { nodeKey, rewatch, startWatch } from './buckets.js';
import { InvalidClusterOptionsError } from './errors.js';
import type { ClusterEvent, NodeDownReason } from './events.js';
import { LeaderLease } from './leader-lease.js';
import type { LeaseBucket } from './leader-lease.js';
import { asNodeRecord, decodeJson, encodeJson, initialRecord, refreshRecord } from './node-record.js';
import type { NodeRecord } from './node-record.js';

/** How often a node rewrites its record (and renews the lease when it holds it). */
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 1_000;
/** A node whose record has not changed for this long (observer's clock) is down. */
export const DEFAULT_NODE_TIMEOUT_MS = 3_000;
/** A node whose record is this late is probed; two no-responders answers in a row mark it down early. */
export const DEFAULT_SUSPECT_AFTER_MS = 1_500;
/** How often liveness is checked (record ages, probes). */
export const DEFAULT_LIVENESS_CHECK_INTERVAL_MS = 250;
/** How long start() waits for the bucket watch to deliver the existing records. */
export const DEFAULT_MEMBERSHIP_SYNC_TIMEOUT_MS = 5_000;

const ABSENT_PROBES_FOR_DOWN = 2;

/** Options for {@link Membership.start}; intervals default to the `DEFAULT_*_MS` constants above. */
export interface MembershipOptions {
  readonly system: ActorSystem;
  /** The membership bucket (see buckets.ts). */
  readonly kv: KV;
  /** A view of the membership bucket for the watch only (`watchView` in buckets.ts); default `kv`. */
  readonly watchKv?: KV;
  /** The lease bucket (see buckets.ts). */
  readonly lease: LeaseBucket;
  readonly roles?: readonly string[];
  /** Whether this node may hold the leader lease. Default true. */
  readonly leaderEligible?: boolean;
  /** Liveness probe (the transport's); without it, nodes are marked down by timeout only. */
  readonly probe?: (node: string) => Promise<ProbeResult>;
  readonly heartbeatIntervalMs?: number;
  readonly nodeTimeoutMs?: number;
  readonly suspectAfterMs?: number;
  readonly livenessCheckIntervalMs?: number;
}

type Status = 'joining' | 'up' | 'down';

interface Tracked {
  record: NodeRecord;
  revision: number;
  /** Observer's clock when the revision last changed. */
  seenAt: number;
  status: Status;
  absentProbes: number;
  probing: boolean;
}

/**
 * Cluster membership over a JetStream KV bucket. Each node writes its {@link NodeRecord} every
 * heartbeat; every node watches the bucket and publishes `cluster.nodeUp` / `cluster.nodeDown`. A
 * SIGKILLed node stops heartbeating, and KV TTL expiry on nats-server 2.9 emits no delete marker, so
 * liveness is judged here: a node is down when its record's revision has not changed for
 * `nodeTimeoutMs` of this node's clock (confirmed by a fresh read), or earlier, once its record is
 * `suspectAfterMs` late and two probes in a row meet NATS's no-responders (its connection is gone).
 * While this node's own heartbeats fail (KV unavailable) it declares nobody down by timeout.
 *
 * The leader lease ({@link LeaderLease}) is renewed on each heartbeat.
 */
export class Membership {
  readonly system: ActorSystem;
  readonly kv: KV;
  readonly lease: LeaderLease;
  readonly heartbeatIntervalMs: number;
  readonly nodeTimeoutMs: number;
  readonly suspectAfterMs: number;
  readonly livenessCheckIntervalMs: number;

  readonly #probe: ((node: string) => Promise<ProbeResult>) | undefined;
  readonly #tracked = new Map<string, Tracked>();
  readonly #tickListeners = new Set<() => void | Promise<void>>();
  readonly #changeListeners = new Set<() => void>();
  #self: NodeRecord;
  #heartbeatTimer: Cancellable | undefined;
  #livenessTimer: Cancellable | undefined;
  readonly #watchKv: KV;
  #watcher: QueuedIterator<KvEntry> | undefined;
  #beating = false;
  #putting = false;
  #lastPutOkAt: number;
  /** When this node's own KV writes came back after failing: others' records could not move before either. */
  #kvBackAt = Number.NEGATIVE_INFINITY;
  #lastPutFailed = false;
  #stopped = false;

  /** Writes this node's record, loads the others, and starts heartbeats and liveness checks. */
  static async start(options: MembershipOptions): Promise<Membership> {
    const membership = new Membership(options);
    await membership.#put();
    await membership.#startWatch();
    await membership.#heartbeat();
    membership.#scheduleLiveness();
    return membership;
  }

  private constructor(options: MembershipOptions) {
    this.system = options.system;
    this.kv = options.kv;
    this.#watchKv = options.watchKv ?? options.kv;
    this.#probe = options.probe;
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS;
    this.nodeTimeoutMs = options.nodeTimeoutMs ?? DEFAULT_NODE_TIMEOUT_MS;
    this.suspectAfterMs = options.suspectAfterMs ?? DEFAULT_SUSPECT_AFTER_MS;
    this.livenessCheckIntervalMs = options.livenessCheckIntervalMs ?? DEFAULT_LIVENESS_CHECK_INTERVAL_MS;
    const problems: string[] = [];
    for (const key of ['heartbeatIntervalMs', 'nodeTimeoutMs', 'suspectAfterMs', 'livenessCheckIntervalMs'] as const) {
      if (!(Number.isFinite(this[key]) && this[key] > 0)) problems.push(`${key} must be a positive number`);
    }
    if (this.nodeTimeoutMs <= this.heartbeatIntervalMs) problems.push('nodeTimeoutMs must exceed heartbeatIntervalMs');
    if (problems.length > 0) throw new InvalidClusterOptionsError(problems);
    const now = this.system.clock.now();
    this.#self = initialRecord(this.system.node, options.roles ?? [], options.leaderEligible ?? true, now);
    this.#lastPutOkAt = now;
    this.lease = new LeaderLease(
      options.lease,
      { node: this.system.node, incarnation: this.#self.incarnation, eligible: this.#self.leaderEligible },
      this.system.clock,
      this.nodeTimeoutMs,
      (leader, term, previous) => this.#publish({ type: 'cluster.leaderChanged', at: this.system.clock.now(), leader, term, previous }),
    );
  }

  get node(): string {
    return this.system.node;
  }

  /** This node's current record. */
  get self(): NodeRecord {
    return this.#self;
  }

  get leader(): string | undefined {
    return this.lease.leader;
  }

  get isLeader(): boolean {
    return this.lease.isLeader;
  }

  /** Records of the nodes that are up, sorted by name (this node included). */
  members(): NodeRecord[] {
    return [...this.#tracked.values()].filter((t) => t.status === 'up').map((t) => t.record).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  isUp(node: string): boolean {
    return this.#tracked.get(node)?.status === 'up';
  }

  /** True when `node` is known to be down, or has no record at all. */
  isDown(node: string): boolean {
    const t = this.#tracked.get(node);
    return t === undefined || t.status === 'down';
  }

  /** True only when `node` was seen and is now down (unknown nodes are not known to be down). */
  isKnownDown(node: string): boolean {
    return this.#tracked.get(node)?.status === 'down';
  }

  /** The latest record of `node`, up or not. */
  record(node: string): NodeRecord | undefined {
    return this.#tracked.get(node)?.record;
  }

  /** Runs `listener` after every heartbeat (the placement leader's pass); returns an unsubscribe function. */
  onTick(listener: () => void | Promise<void>): () => void {
    this.#tickListeners.add(listener);
    return () => this.#tickListeners.delete(listener);
  }

  /** Runs `listener` when a node goes up or down or the leader changes. */
  onChange(listener: () => void): () => void {
    this.#changeListeners.add(listener);
    return () => this.#changeListeners.delete(listener);
  }

  /** Clean stop: stops heartbeats, releases the lease and deletes this node's record so others see it leave at once. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#halt();
    await this.lease.release();
    await this.kv.delete(nodeKey(this.node)).catch(() => undefined);
  }

  /** Stops heartbeats and checks without telling anyone: to the others this node just goes silent. */
  kill(): void {
    if (this.#stopped) return;
    this.#halt();
    this.lease.abandon();
  }

  #halt(): void {
    this.#stopped = true;
    this.#heartbeatTimer?.cancel();
    this.#livenessTimer?.cancel();
    this.#watcher?.stop();
  }

  // ---- heartbeat ----

  async #put(): Promise<boolean> {
    const now = this.system.clock.now();
    this.#self = refreshRecord(this.#self, now, this.system.actorCount);
    try {
      await this.kv.put(nodeKey(this.node), encodeJson(this.#self));
      this.#lastPutOkAt = this.system.clock.now();
      if (this.#lastPutFailed) this.#kvBackAt = this.#lastPutOkAt;
      this.#lastPutFailed = false;
      return true;
    } catch (error) {
      this.#lastPutFailed = true;
      this.#error('heartbeat', error);
      return false;
    }
  }

  async #heartbeat(): Promise<void> {
    if (this.#stopped) return;
    this.#heartbeatTimer = this.system.clock.setTimer(this.heartbeatIntervalMs, () => void this.#heartbeat());
    // The record put does not wait for the lease round: a lease write stuck on a JetStream leader election
    // (up to the 5 s request timeout) must not make the others declare this node down meanwhile.
    await Promise.all([this.#beat(), this.#round()]);
  }

  /** One record put, unless the previous one is still in flight. */
  async #beat(): Promise<void> {
    if (this.#putting || this.#stopped) return;
    this.#putting = true;
    try {
      await this.#put();
    } finally {
      this.#putting = false;
    }
  }

  /** Lease round, then the tick listeners. Rounds never overlap. */
  async #round(): Promise<void> {
    // A slow round (KV failing over) must not overlap the next one.
    if (this.#beating || this.#stopped) return;
    this.#beating = true;
    try {
      await this.lease.tick((node) => this.isDown(node));
      for (const listener of this.#tickListeners) {
        if (this.#stopped) return;
        try {
          await listener();
        } catch (error) {
          this.#error('tick', error);
        }
      }
    } finally {
      this.#beating = false;
    }
  }

  // ---- watching the bucket ----

  async #startWatch(): Promise<void> {
    let initialized!: () => void;
    const synced = new Promise<void>((resolve) => (initialized = resolve));
    let initial = true;
    const watcher = await startWatch(this.#watchKv, {
      key: 'nodes.>',
      initializedFn: () => {
        initial = false;
        initialized();
      },
    });
    if (this.#stopped) {
      watcher.stop();
      return;
    }
    this.#watcher = watcher;
    void (async () => {
      try {
        for await (const entry of watcher) this.#onEntry(entry, initial);
      } catch (error) {
        this.#error('watch', error);
      }
      if (!this.#stopped) rewatch(this.system.clock, this.heartbeatIntervalMs, () => this.#startWatch(), (error) => this.#error('watch', error), () => this.#stopped);
    })();
    const timeout = new Promise<void>((resolve) => this.system.clock.setTimer(DEFAULT_MEMBERSHIP_SYNC_TIMEOUT_MS, resolve));
    await Promise.race([synced, timeout]);
  }

  #onEntry(entry: KvEntry, initial: boolean): void {
    const name = entry.key.slice('nodes.'.length);
    const now = this.system.clock.now();
    const tracked = this.#tracked.get(name);
    if (entry.operation !== 'PUT') {
      if (tracked !== undefined && tracked.status !== 'down') this.#down(name, tracked, 'left');
      return;
    }
    let record: NodeRecord;
    try {
      record = asNodeRecord(entry.bucket, entry.key, decodeJson(entry.bucket, entry.key, entry.value));
    } catch (error) {
      this.#error('record', error);
      return;
    }
    if (tracked === undefined) {
      // A record already old by the server's clock may belong to a dead node: wait for a probe or a new heartbeat.
      const old = initial && now - entry.created.getTime() > this.suspectAfterMs && name !== this.node;
      const t: Tracked = { record, revision: entry.revision, seenAt: now, status: old ? 'joining' : 'down', absentProbes: 0, probing: false };
      this.#tracked.set(name, t);
      if (!old) this.#up(t);
      return;
    }
    if (entry.revision === tracked.revision) return;
    const restarted = tracked.status === 'up' && record.incarnation !== tracked.record.incarnation;
    tracked.revision = entry.revision;
    tracked.seenAt = now;
    tracked.absentProbes = 0;
    if (restarted) this.#down(name, tracked, 'restarted');
    tracked.record = record;
    if (tracked.status !== 'up') this.#up(tracked);
  }

  #up(t: Tracked): void {
    t.status = 'up';
    this.#publish({ type: 'cluster.nodeUp', at: this.system.clock.now(), node: t.record.name, record: t.record });
    this.#changed();
  }

  #down(name: string, t: Tracked, reason: NodeDownReason): void {
    const wasUp = t.status === 'up';
    t.status = 'down';
    t.absentProbes = 0;
    if (!wasUp) return;
    this.#publish({ type: 'cluster.nodeDown', at: this.system.clock.now(), node: name, reason });
    this.#changed();
    // The leader is gone: contend for the lease now rather than at the next heartbeat.
    if (name === this.lease.leader) void this.#round();
  }

  // ---- liveness ----

  #scheduleLiveness(): void {
    if (this.#stopped) return;
    this.#livenessTimer = this.system.clock.setTimer(this.livenessCheckIntervalMs, () => {
      this.#checkLiveness();
      this.#scheduleLiveness();
    });
  }

  #checkLiveness(): void {
    const now = this.system.clock.now();
    const kvHealthy = now - this.#lastPutOkAt <= 2 * this.heartbeatIntervalMs;
    for (const [name, t] of this.#tracked) {
      if (name === this.node || t.status === 'down' || t.probing) continue;
      const age = now - t.seenAt;
      // After an outage of the KV (a stream leader election), every node gets a full timeout to heartbeat again.
      const silentFor = now - Math.max(t.seenAt, this.#kvBackAt);
      if (t.status === 'joining' && age > this.nodeTimeoutMs) {
        t.status = 'down'; // an old record that never came to life: never announced, so nothing to retract
        continue;
      }
      if (t.status === 'up' && silentFor > this.nodeTimeoutMs && kvHealthy) void this.#confirmTimeout(name, t);
      else if (t.status === 'joining' || age > this.suspectAfterMs) void this.#probeNode(name, t);
    }
  }

  /** Re-reads the record before declaring a timeout, in case the watch fell behind. */
  async #confirmTimeout(name: string, t: Tracked): Promise<void> {
    t.probing = true;
    try {
      const entry = await this.kv.get(nodeKey(name));
      if (this.#stopped || t.status === 'down') return;
      if (entry !== null && entry.operation === 'PUT' && entry.revision !== t.revision) this.#onEntry(entry, false);
      else this.#down(name, t, 'heartbeat-timeout');
    } catch (error) {
      this.#error('liveness', error);
    } finally {
      t.probing = false;
    }
  }

  async #probeNode(name: string, t: Tracked): Promise<void> {
    if (this.#probe === undefined) return;
    t.probing = true;
    try {
      const answer = await this.#probe(name);
      if (this.#stopped || t.status === 'down') return;
      if (answer === 'absent') {
        if (++t.absentProbes >= ABSENT_PROBES_FOR_DOWN) {
          if (t.status === 'joining') t.status = 'down';
          else this.#down(name, t, 'unreachable');
        }
      } else if (answer === 'alive') {
        t.absentProbes = 0;
        if (t.status === 'joining') this.#up(t);
      }
    } finally {
      t.probing = false;
    }
  }

  #changed(): void {
    for (const listener of this.#changeListeners) {
      try {
        listener();
      } catch (error) {
        this.#error('listener', error);
      }
    }
  }

  #publish(event: ClusterEvent): void {
    this.system.events.publish(event);
    if (event.type === 'cluster.leaderChanged') this.#changed();
  }

  #error(operation: string, error: unknown): void {
    if (this.#stopped) return;
    this.#publish({ type: 'cluster.error', at: this.system.clock.now(), operation: `membership.${operation}`, error: errorInfo(error) });
  }
}
