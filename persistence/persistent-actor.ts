import { Actor } from '../runtime/actor.js';
import type { ActorContext } from '../runtime/actor.js';
import { BifrostError, describeError } from '../runtime/errors.js';
import { errorInfo } from '../runtime/events.js';
import type { Message } from '../runtime/ref.js';
import type { ActorSystem } from '../runtime/system.js';
import { FencedError } from './errors.js';
import type { AppendOptions, Journal } from './journal.js';
import type { SnapshotStore } from './snapshot-store.js';

/** Where the persistent actors of one system keep their events and snapshots. */
export interface PersistenceContext {
  readonly journal: Journal;
  readonly snapshots: SnapshotStore;
  /** Epoch used by actors that do not choose one (placement gives cluster actors theirs). Default 1. */
  readonly epoch?: number;
  /** Written with each event for forensics; default: the system's node name. */
  readonly writerId?: string;
}

const contexts = new WeakMap<ActorSystem, PersistenceContext>();

/** Makes `journal` and `snapshots` the store of every PersistentActor in `system`. */
export function attachPersistence(system: ActorSystem, context: PersistenceContext): void {
  contexts.set(system, context);
}

export function persistenceOf(system: ActorSystem): PersistenceContext {
  const context = contexts.get(system);
  if (context === undefined) throw new PersistenceNotAttachedError(system.node);
  return context;
}

export class PersistenceNotAttachedError extends BifrostError {
  constructor(readonly node: string) {
    super('PERSISTENCE_NOT_ATTACHED', `no journal is attached to the actor system of node ${node}; call attachPersistence(system, { journal, snapshots }) first`);
  }
}

/** Recovery did not complete; the supervisor decides what happens (restarting retries the recovery). */
export class RecoveryError extends BifrostError {
  constructor(
    readonly persistenceId: string,
    readonly atSeq: number,
    cause: unknown,
  ) {
    super('RECOVERY_FAILED', `recovery of ${persistenceId} failed at seq ${atSeq}: ${describeError(cause)}`, { cause });
  }
}

export const DEFAULT_SNAPSHOT_EVERY_EVENTS = 1_000;

/** What a persistent actor reports to the inspector. */
export interface PersistenceStatus {
  readonly persistenceId: string;
  readonly seq: number;
  readonly epoch: number;
  readonly recoveredFromSnapshotSeq: number;
  readonly eventsReplayed: number;
}

/**
 * An event-sourced actor: it changes state only by persisting events and applying them.
 * `persist(events)` appends to the journal and, once they are committed, applies each with
 * `apply(state, event)`. On start (and after every restart) the actor recovers: latest snapshot, then the
 * events after it. Messages that arrive meanwhile wait in the mailbox, in order.
 *
 * A `FencedError` means another owner took this actor over (failover): the actor stops itself rather than
 * act on a stale state.
 *
 * @example
 * type Deposited = { readonly kind: 'deposited'; readonly amount: number };
 * class Account extends PersistentActor<AccountProtocol, Deposited, { balance: number }, { id: string }> {
 *   persistenceId() { return `account-${this.props.id}`; }
 *   initialState() { return { balance: 0 }; }
 *   apply(s, e) { return { balance: s.balance + e.amount }; }
 *   async receive(msg) { if (msg.type === 'account.deposit') await this.persist({ kind: 'deposited', amount: msg.amount }); }
 * }
 */
export abstract class PersistentActor<P extends Message, E, S, Props = void> extends Actor<P, Props> {
  #state!: S;
  #seq = 0;
  #reserved = 0;
  #epoch = 1;
  #sinceSnapshot = 0;
  #recoveredFrom = 0;
  #replayed = 0;
  #context: PersistenceContext | undefined;
  /**
   * `persistenceId()` as of the start, for the writes: ids are usually built from props by a template, and a
   * new string per append had the journal flatten and hash it again to find the stream (about 2% of a backtest).
   */
  #id = '';

  /** The stream this actor's events go to; stable across restarts and nodes. */
  abstract persistenceId(): string;

  abstract initialState(): S;

  /** Pure: the state after `event`. It runs in recovery too, so it must not send messages or read the clock. */
  abstract apply(state: S, event: E): S;

  /** Events between snapshots; 0 turns snapshots off. Default {@link DEFAULT_SNAPSHOT_EVERY_EVENTS}. */
  snapshotEvery(): number {
    return DEFAULT_SNAPSHOT_EVERY_EVENTS;
  }

  /**
   * The ownership epoch this instance writes with: `props.epoch` when the cluster's placement spawned it
   * (placement adds the entry's epoch to the props), else the node's default (1).
   */
  epoch(): number {
    const placed = (this.props as { readonly epoch?: unknown } | undefined)?.epoch;
    if (typeof placed === 'number' && Number.isSafeInteger(placed) && placed >= 0) return placed;
    return this.#context?.epoch ?? 1;
  }

  /** Runs after recovery, before the first message. */
  recovered(_state: S, _ctx: ActorContext<P>): void | Promise<void> {}

  protected get state(): S {
    return this.#state;
  }

  /** Highest persisted sequence number. */
  protected get lastSeq(): number {
    return this.#seq;
  }

  override async started(ctx: ActorContext<P>): Promise<void> {
    const context = persistenceOf(ctx.system);
    this.#context = context;
    this.#epoch = this.epoch();
    const id = this.persistenceId();
    this.#id = id;
    let state = this.initialState();
    let seq = 0;
    try {
      // Raise the stream's epoch to ours before reading: an older owner (a zombie after failover) is shut
      // out now, not at our first write. A FencedError here means a newer owner exists: we are the zombie.
      await context.journal.fence(id, this.#epoch);
    } catch (error) {
      if (error instanceof FencedError) {
        ctx.system.events.publish({ type: 'persistence.fenced', at: ctx.clock.now(), path: ctx.path, persistenceId: id, epoch: this.#epoch, error: errorInfo(error) });
        void ctx.stop();
      }
      throw error;
    }
    try {
      const snapshot = await context.snapshots.latest(id);
      if (snapshot !== undefined) {
        state = snapshot.state as S;
        seq = snapshot.seq;
        this.#recoveredFrom = seq;
      }
      let replayed = 0;
      for await (const entry of context.journal.read(id, seq + 1)) {
        if (entry.seq !== seq + 1) throw new Error(`journal gap: expected seq ${seq + 1}, read ${entry.seq}`);
        state = this.apply(state, entry.event as E);
        seq = entry.seq;
        replayed++;
      }
      this.#replayed = replayed;
    } catch (error) {
      throw new RecoveryError(id, seq, error);
    }
    this.#state = state;
    this.#seq = seq;
    this.#reserved = seq;
    this.#sinceSnapshot = seq - this.#recoveredFrom;
    await this.recovered(state, ctx);
  }

  /**
   * Appends `events` and, once committed, applies them in order. Await it before the next message
   * depends on the new state. Rejects (and the actor fails) when the journal refuses the append.
   */
  protected async persist(events: E | readonly E[]): Promise<void> {
    const batch = (Array.isArray(events) ? events : [events]) as readonly E[];
    if (batch.length === 0) return;
    const context = this.#context!;
    const expectedSeq = this.#reserved;
    this.#reserved += batch.length;
    try {
      await context.journal.append(this.#id, batch, this.#appendOptions(context, expectedSeq));
    } catch (error) {
      throw this.#appendFailed(error);
    }
    this.#committed(context, batch, expectedSeq);
  }

  /**
   * `persist`, committed before it returns, when the journal can commit without I/O
   * (`Journal.appendNow`) and no `persist` of this actor is still in flight; otherwise it does nothing
   * and returns false, and the caller persists as usual. Throws what `persist` rejects with.
   */
  protected persistNow(events: E | readonly E[]): boolean {
    const context = this.#context!;
    const journal = context.journal;
    if (journal.appendNow === undefined || this.#reserved !== this.#seq) return false;
    const batch = (Array.isArray(events) ? events : [events]) as readonly E[];
    if (batch.length === 0) return true;
    const expectedSeq = this.#reserved;
    this.#reserved += batch.length;
    try {
      journal.appendNow(this.#id, batch, this.#appendOptions(context, expectedSeq));
    } catch (error) {
      throw this.#appendFailed(error);
    }
    this.#committed(context, batch, expectedSeq);
    return true;
  }

  #appendOptions(context: PersistenceContext, expectedSeq: number): AppendOptions {
    return { expectedSeq, epoch: this.#epoch, writerId: context.writerId ?? this.context.system.node };
  }

  /** A refused append: a fenced actor stops itself (another owner took over). Returns the error to throw. */
  #appendFailed(error: unknown): unknown {
    if (error instanceof FencedError) {
      this.context.system.events.publish({ type: 'persistence.fenced', at: this.context.clock.now(), path: this.context.path, persistenceId: this.persistenceId(), epoch: this.#epoch, error: errorInfo(error) });
      void this.context.stop();
    }
    return error;
  }

  #committed(context: PersistenceContext, batch: readonly E[], expectedSeq: number): void {
    let state = this.#state;
    for (const event of batch) state = this.apply(state, event);
    this.#state = state;
    this.#seq = expectedSeq + batch.length;
    this.#sinceSnapshot += batch.length;
    const every = this.snapshotEvery();
    if (every > 0 && this.#sinceSnapshot >= every) this.#snapshot(context, state, this.#seq);
  }

  #snapshot(context: PersistenceContext, state: S, seq: number): void {
    this.#sinceSnapshot = 0;
    context.snapshots.save(this.persistenceId(), seq, state, this.#epoch).catch((error: unknown) => {
      // A missed snapshot only makes the next recovery longer; report it, do not fail the actor.
      this.context.system.events.publish({ type: 'persistence.snapshotFailed', at: this.context.clock.now(), path: this.context.path, persistenceId: this.persistenceId(), seq, error: errorInfo(error) });
    });
  }

  /** Recovery and write position, for the inspector. */
  persistenceStatus(): PersistenceStatus {
    return { persistenceId: this.persistenceId(), seq: this.#seq, epoch: this.#epoch, recoveredFromSnapshotSeq: this.#recoveredFrom, eventsReplayed: this.#replayed };
  }

  override inspect(): Record<string, unknown> | undefined {
    return { ...this.persistenceStatus() };
  }
}
