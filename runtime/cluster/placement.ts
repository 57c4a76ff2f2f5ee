import type { ActorClass } from '../actor.js';
import { errorInfo } from '../events.js';
import type { ActorRef, Message } from '../ref.js';
import type { ActorSystem } from '../system.js';
import type { ClusterEvent } from './events.js';
import type { Membership } from './membership.js';
import type { NodeRecord } from './node-record.js';
import type { PlacementEntry, PlacementTable, VersionedEntry } from './placement-table.js';

/**
 * Which nodes may host each actor kind: kind -> roles in order of preference, e.g.
 * `{ optimizer: ['gpu', 'trading'] }` (on a gpu node if one is up, else on a trading node). A kind
 * without a rule may go to any node that has a role; a node without roles hosts no placed actors.
 */
export type PlacementRules = Readonly<Record<string, readonly string[]>>;

/**
 * Runs before a node spawns an entry assigned to it. The default fences the actor's journal id at the
 * entry's epoch (see {@link fenceJournalHook}), so the previous owner, if still alive, can no longer write.
 * A rejection cancels the activation (published as `cluster.activationFailed`).
 */
export type BeforeActivate = (entry: PlacementEntry, actorClass: ActorClass) => Promise<void>;

/** The part of a journal the fencing hook needs (persistence/journal.ts `Journal` has it). */
export interface FenceableJournal {
  fence(persistenceId: string, epoch: number): Promise<void>;
}

/** Props a placed actor is spawned with: its placement props plus the epoch. */
export function propsWithEpoch(entry: PlacementEntry): Record<string, unknown> {
  return { ...entry.props, epoch: entry.epoch };
}

/**
 * The persistence id of a placed actor when its class has a `persistenceId()` method (PersistentActor
 * does): a throwaway instance is built with the spawn props and asked. Undefined for other kinds.
 */
export function defaultPersistenceIdOf(entry: PlacementEntry, actorClass: ActorClass): string | undefined {
  const proto = actorClass.prototype as { persistenceId?: unknown };
  if (typeof proto.persistenceId !== 'function') return undefined;
  const probe = new actorClass(propsWithEpoch(entry)) as unknown as { persistenceId(): string };
  return probe.persistenceId();
}

/**
 * A {@link BeforeActivate} that fences the journal: `journal.fence(persistenceId, epoch)` for every placed
 * persistent actor, before it recovers. Kinds without a persistence id pass straight through.
 */
export function fenceJournalHook(journal: FenceableJournal, persistenceIdOf = defaultPersistenceIdOf): BeforeActivate {
  return async (entry, actorClass) => {
    const id = persistenceIdOf(entry, actorClass);
    if (id !== undefined) await journal.fence(id, entry.epoch);
  };
}

export interface PlacementOptions {
  readonly system: ActorSystem;
  readonly table: PlacementTable;
  readonly membership: Membership;
  readonly rules?: PlacementRules;
  readonly beforeActivate?: BeforeActivate;
}

interface Active {
  readonly epoch: number;
  readonly ref: ActorRef;
}

/**
 * Placement: the leader assigns unplaced and orphaned entries (owner down, or restarted since) to the
 * live node with the first matching role, least loaded first, by compare-and-set with epoch + 1. Every
 * node watches the table, spawns the entries assigned to it (after {@link BeforeActivate}) and stops
 * local actors whose entry moved elsewhere, was superseded by a higher epoch, or was removed.
 */
export class Placement {
  readonly system: ActorSystem;
  readonly table: PlacementTable;
  readonly membership: Membership;
  readonly rules: PlacementRules;
  readonly #beforeActivate: BeforeActivate | undefined;
  readonly #active = new Map<string, Active>();
  readonly #ops = new Map<string, Promise<void>>();
  readonly #pendingReported = new Map<string, string>();
  readonly #unsubscribe: Array<() => void> = [];
  #passRunning = false;
  #passAgain = false;
  #stopped = false;

  constructor(options: PlacementOptions) {
    this.system = options.system;
    this.table = options.table;
    this.membership = options.membership;
    this.rules = options.rules ?? {};
    this.#beforeActivate = options.beforeActivate;
  }

  /** Starts reacting to table and membership changes. */
  start(): void {
    this.#unsubscribe.push(
      this.table.onChange((id, current) => {
        this.#reconcile(id);
        if (current !== undefined && this.#needsAssignment(current.entry)) void this.assignPass();
      }),
      this.membership.onChange(() => void this.assignPass()),
      this.membership.onTick(() => this.#onTick()),
    );
    for (const { entry } of this.table.entries()) this.#reconcile(entry.id);
  }

  /** Where `kind`/`name` runs now, as a ref; undefined while unassigned. */
  refOf<P extends Message = Message>(kind: string, name: string): ActorRef<P> | undefined {
    const entry = this.table.get(kind, name);
    return entry?.node == null ? undefined : { node: entry.node, path: entry.path };
  }

  /** Ids of the placed actors running on this node. */
  activeIds(): string[] {
    return [...this.#active.keys()].sort();
  }

  /** Stops every placed actor on this node (a clean shutdown; the leader re-places them once the node leaves). */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const off of this.#unsubscribe) off();
    await Promise.all([...this.#ops.values()]);
    await Promise.all([...this.#active.keys()].map((id) => this.#deactivate(id, 'stopping')));
  }

  // ---- leader side ----

  /** One assignment pass; runs only while this node holds the lease. Concurrent calls coalesce. */
  async assignPass(): Promise<void> {
    if (this.#stopped || !this.membership.isLeader) return;
    if (this.#passRunning) {
      this.#passAgain = true;
      return;
    }
    this.#passRunning = true;
    try {
      do {
        this.#passAgain = false;
        await this.#assignAll();
      } while (this.#passAgain && !this.#stopped && this.membership.isLeader);
    } finally {
      this.#passRunning = false;
    }
  }

  async #assignAll(): Promise<void> {
    const members = this.membership.members();
    const load = new Map<string, number>(members.map((m) => [m.name, 0]));
    const entries = this.table.entries();
    for (const { entry } of entries) if (entry.node !== null && load.has(entry.node) && !this.#needsAssignment(entry)) load.set(entry.node, load.get(entry.node)! + 1);
    for (const versioned of entries) {
      if (this.#stopped || !this.membership.isLeader) return;
      const { entry } = versioned;
      if (!this.#needsAssignment(entry)) continue;
      const target = chooseNode(entry.kind, this.rules, members, load);
      if (target === undefined) {
        this.#reportPending(entry, `no live node has a role for kind ${entry.kind} (${(this.rules[entry.kind] ?? ['any role']).join(', ')})`);
        continue;
      }
      const assigned = await this.table.assign(versioned, target.name, target.incarnation);
      if (assigned === undefined) continue; // changed under us; the watch brings the new revision and another pass
      this.#pendingReported.delete(entry.id);
      load.set(target.name, (load.get(target.name) ?? 0) + 1);
      this.#publish({ type: 'cluster.actorPlaced', at: this.system.clock.now(), id: entry.id, node: target.name, epoch: assigned.entry.epoch, previousNode: entry.node });
    }
  }

  #needsAssignment(entry: PlacementEntry): boolean {
    if (entry.node === null) return true;
    if (!this.membership.isUp(entry.node)) return true;
    return this.membership.record(entry.node)?.incarnation !== entry.incarnation;
  }

  #reportPending(entry: PlacementEntry, reason: string): void {
    if (this.#pendingReported.get(entry.id) === reason) return;
    this.#pendingReported.set(entry.id, reason);
    this.#publish({ type: 'cluster.placementPending', at: this.system.clock.now(), id: entry.id, reason });
  }

  async #onTick(): Promise<void> {
    // Catch anything a missed watch event left behind, then (as leader) assign.
    const entries = this.table.entries();
    for (const { entry } of entries) this.#reconcile(entry.id);
    for (const id of this.#active.keys()) if (!entries.some((v) => v.entry.id === id)) this.#reconcile(id);
    await this.assignPass();
  }

  // ---- node side ----

  #reconcile(id: string): void {
    if (this.#stopped) return;
    const previous = this.#ops.get(id) ?? Promise.resolve();
    const next = previous.then(() => this.#reconcileNow(id)).catch((error: unknown) => {
      this.#publish({ type: 'cluster.error', at: this.system.clock.now(), operation: 'placement.reconcile', error: errorInfo(error) });
    });
    this.#ops.set(id, next);
    void next.then(() => {
      if (this.#ops.get(id) === next) this.#ops.delete(id);
    });
  }

  /** Brings this node in line with the latest entry for `id` (read again, so queued calls act on the newest). */
  async #reconcileNow(id: string): Promise<void> {
    if (this.#stopped) return;
    const entry = this.table.byId(id)?.entry;
    const active = this.#active.get(id);
    const mine = entry !== undefined && entry.node === this.system.node && entry.incarnation === this.membership.self.incarnation;
    if (!mine) {
      if (active !== undefined) await this.#deactivate(id, entry === undefined ? 'removed' : 'moved');
      return;
    }
    if (active !== undefined) {
      if (active.epoch >= entry.epoch) return;
      await this.#deactivate(id, 'superseded');
    }
    await this.#activate(entry);
  }

  async #activate(entry: PlacementEntry): Promise<void> {
    try {
      const actorClass = this.system.kinds.get(entry.kind);
      await this.#beforeActivate?.(entry, actorClass);
      const latest = this.table.get(entry.kind, entry.name);
      if (this.#stopped || latest === undefined || latest.epoch !== entry.epoch || latest.node !== this.system.node || latest.incarnation !== this.membership.self.incarnation) return;
      const ref = this.system.spawnKind(entry.kind, entry.name, propsWithEpoch(entry));
      this.#active.set(entry.id, { epoch: entry.epoch, ref });
      this.#publish({ type: 'cluster.actorActivated', at: this.system.clock.now(), id: entry.id, path: entry.path, epoch: entry.epoch });
    } catch (error) {
      this.#publish({ type: 'cluster.activationFailed', at: this.system.clock.now(), id: entry.id, epoch: entry.epoch, error: errorInfo(error) });
    }
  }

  async #deactivate(id: string, reason: 'moved' | 'removed' | 'superseded' | 'stopping'): Promise<void> {
    const active = this.#active.get(id);
    if (active === undefined) return;
    this.#active.delete(id);
    await this.system.stop(active.ref);
    this.#publish({ type: 'cluster.actorDeactivated', at: this.system.clock.now(), id, path: active.ref.path, reason });
  }

  #publish(event: ClusterEvent): void {
    this.system.events.publish(event);
  }
}

/** The live node for `kind`: first role in the rule that some member has, least loaded (then by name) among those. */
export function chooseNode(kind: string, rules: PlacementRules, members: readonly NodeRecord[], load: ReadonlyMap<string, number>): NodeRecord | undefined {
  const roles = rules[kind];
  const pools = roles === undefined ? [members.filter((m) => m.roles.length > 0)] : roles.map((role) => members.filter((m) => m.roles.includes(role)));
  for (const pool of pools) {
    if (pool.length === 0) continue;
    return pool.reduce((best, m) => {
      const lb = load.get(best.name) ?? 0;
      const lm = load.get(m.name) ?? 0;
      return lm < lb || (lm === lb && m.name < best.name) ? m : best;
    });
  }
  return undefined;
}
