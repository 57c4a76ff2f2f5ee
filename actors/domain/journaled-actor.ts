import { persistenceOf, PersistentActor } from '../../persistence/persistent-actor.js';
import type { ActorContext } from '../../runtime/actor.js';
import { errorInfo } from '../../runtime/events.js';
import type { ActorRef, Message } from '../../runtime/ref.js';
import type { ActorSystem } from '../../runtime/system.js';

/** Events between snapshots of a journaled actor's live model, unless it chooses otherwise. */
export const DEFAULT_JOURNALED_SNAPSHOT_EVERY_EVENTS = 1_000;

/**
 * A snapshot the size of W journal events waits for 8W events: snapshots cost at most an eighth of the
 * journal, and a recovery replays at most about 8W events (a broker holding 20,000 orders: 160,000 events,
 * well under a second at the journal's replay rate).
 */
export const SNAPSHOT_EVENTS_PER_WEIGHT = 8;

/** The message a journaled actor sends itself when a journal write failed, so it fails promptly even when idle. */
export const JOURNAL_FAULT_MESSAGE_TYPE = 'journal.fault';

/** What one scheduling turn recorded: its events, what runs once they are committed, and who hears of a failure. */
interface Batch<E> {
  readonly events: E[];
  readonly callbacks: Array<() => void>;
  readonly failed: Array<(error: unknown) => void>;
}

/** A ref as journals store it: plain data, whatever class the live ref was. */
export interface PlainRef {
  readonly node?: string;
  readonly path: string;
}

/** A ref without its class (a local ref carries its cell), so it can be journaled. */
export function plainRef(ref: ActorRef<any>): PlainRef {
  return ref.node === undefined ? { path: ref.path } : { node: ref.node, path: ref.path };
}

/** The recovered model, boxed so `apply` can tell it from a decoded snapshot. */
class LiveBox<L> {
  constructor(public value: L) {}
}

/**
 * Makes the runtime's `settled()` (and manual dispatch) wait for `promise`. The kernel counts only
 * receives that return a promise; a journal write that an actor issues without blocking its mailbox
 * must be counted too, or `settled()` could return while an order still waits for its journal commit.
 * It uses the system's `active` count, the kernel's measure of work in flight; a kernel API for this
 * (`ctx.track(promise)`) would be the better home.
 */
export function trackAsync<T>(system: ActorSystem, promise: Promise<T>): Promise<T> {
  return system.track(promise);
}

/**
 * A persistent actor with a live in-memory model and journal writes that do not block its mailbox.
 *
 * `PersistentActor.persist` is persist-then-apply, one awaited write per message: about 12,000
 * messages/s on SQLite, too slow for the order path. A journaled actor instead changes its live model
 * synchronously (with the same domain functions that `replay` uses in recovery) and `record`s the
 * events; everything recorded in one scheduling turn is one append, and appends share group commits. Effects that must not happen before the
 * journal holds the events (a venue submit, an operator's acknowledgement) go in `afterCommit`, which
 * runs in journal order once they are committed. Effects that the actor can redo from another source
 * of truth after a crash (forwarding a fill the venue will report again) may happen at once.
 *
 * Recovery is the persistent actor's: latest snapshot, then `replay` of every later event; snapshots
 * are of `dehydrate(live)`, taken only when no write is in flight, so a snapshot at seq N holds exactly
 * events 1..N. A failed write fails the actor (it restarts and recovers from the journal).
 */
export abstract class JournaledActor<P extends Message, E, L, Snap, Props = void> extends PersistentActor<P, E, LiveBox<L> | Snap, Props> {
  #live!: L;
  #recovering = true;
  #alive = true;
  #pending = 0;
  #fault: unknown;
  #snapshotSeq = 0;
  #batch: Batch<E> | undefined;
  readonly #inflight = new Set<Promise<void>>();

  /** The model of a brand-new actor (no snapshot, no events). */
  abstract emptyLive(): L;
  /** The live model from a decoded snapshot. */
  abstract hydrate(snapshot: Snap): L;
  /** A plain, serialisable copy of the live model. */
  abstract dehydrate(live: L): Snap;
  /**
   * Recovery: the model after `event`. It may change `live` in place and return it (the live model is
   * never shared; snapshots are copies); it must not send or read the clock.
   */
  abstract replay(live: L, event: E): L;
  /** Handles one message (the actor's `receive`). */
  abstract handle(message: P, ctx: ActorContext<P>): void | Promise<void>;

  /** Runs after recovery, before the first message (reconciliation, subscriptions). */
  onRecovered(_live: L, _ctx: ActorContext<P>): void | Promise<void> {}

  /** Events between snapshots; 0 turns them off. Default {@link DEFAULT_JOURNALED_SNAPSHOT_EVERY_EVENTS}. */
  snapshotEveryEvents(): number {
    return DEFAULT_JOURNALED_SNAPSHOT_EVERY_EVENTS;
  }

  /**
   * The size of a snapshot of `live`, in typical journal events (an OMS order weighs about one event, a
   * fill id an eighth). A snapshot also waits for {@link snapshotEventsPerWeight} times as many
   * events, so its cost, which grows with the model, stays a fixed share of the journal's instead of
   * making a long run quadratic; recovery then replays at most about that many events. Default 0.
   */
  snapshotWeight(_live: L): number {
    return 0;
  }

  /** Events a snapshot waits for per unit of its weight. Default {@link SNAPSHOT_EVENTS_PER_WEIGHT}. */
  snapshotEventsPerWeight(): number {
    return SNAPSHOT_EVENTS_PER_WEIGHT;
  }

  /** The live model. */
  protected get live(): L {
    return this.#live;
  }

  protected set live(value: L) {
    this.#live = value;
  }

  /** Journal writes issued and not yet committed. */
  protected get pendingWrites(): number {
    return this.#pending;
  }

  // The persistent actor's own snapshots would capture its committed state, which this class keeps
  // only during recovery; snapshots of the live model are taken at quiet points instead.
  override snapshotEvery(): number {
    return 0;
  }

  override initialState(): LiveBox<L> {
    return new LiveBox(this.emptyLive());
  }

  override apply(state: LiveBox<L> | Snap, event: E): LiveBox<L> | Snap {
    if (!this.#recovering) return state; // the live model already holds it
    const box = state instanceof LiveBox ? state : new LiveBox(this.hydrate(state as Snap));
    box.value = this.replay(box.value, event);
    return box;
  }

  override async recovered(state: LiveBox<L> | Snap, ctx: ActorContext<P>): Promise<void> {
    this.#live = state instanceof LiveBox ? state.value : this.hydrate(state as Snap);
    this.#recovering = false;
    this.#snapshotSeq = this.persistenceStatus().recoveredFromSnapshotSeq;
    await this.onRecovered(this.#live, ctx);
  }

  receive(message: P, ctx: ActorContext<P>): void | Promise<void> {
    if (this.#fault !== undefined) throw this.#fault;
    if (message.type === JOURNAL_FAULT_MESSAGE_TYPE) return;
    return this.handle(message, ctx);
  }

  /**
   * Writes what this instance recorded and waits for its writes to settle before the new instance
   * recovers: the events stand (they describe what this instance did; their after-commit effects are
   * dropped and recovery redoes what is needed), and the new instance reads a journal nobody else writes.
   */
  override async restarting(error: unknown, ctx: ActorContext<P>): Promise<void> {
    this.#alive = false;
    await this.#quiesce();
    await super.restarting(error, ctx);
  }

  override async stopped(ctx: ActorContext<P>): Promise<void> {
    this.#alive = false;
    await this.#quiesce();
    await super.stopped(ctx);
  }

  async #quiesce(): Promise<void> {
    if (this.#batch !== undefined) this.#flush();
    await Promise.allSettled([...this.#inflight]);
  }

  /** False once this instance is restarting or stopped: its late callbacks must not act. */
  protected get alive(): boolean {
    return this.#alive;
  }

  /**
   * Appends `events` without blocking the mailbox; the live model must already reflect them.
   * `afterCommit` runs once they are committed (in journal order), unless this instance has died.
   *
   * Events recorded while the actor works through its mailbox (one scheduling turn) go to the journal
   * as one append, after the turn: a journal append costs far more than an event, so an actor that
   * takes a burst of orders writes a few large appends, not one per order.
   */
  protected record(events: E | readonly E[], afterCommit?: () => void): void {
    if (this.#batch === undefined) {
      this.#batch = { events: [], callbacks: [], failed: [] };
      this.#pending++;
      this.context.system.active++; // settled() waits until the batch is committed (or failed)
      this.context.system.afterDrain(() => this.#flush());
    }
    if (Array.isArray(events)) for (const e of events as readonly E[]) this.#batch.events.push(e);
    else this.#batch.events.push(events as E);
    if (afterCommit !== undefined) this.#batch.callbacks.push(afterCommit);
  }

  #flush(): void {
    const batch = this.#batch;
    if (batch === undefined) return; // flushed early by a restart or a stop
    this.#batch = undefined;
    // Only with no write in flight: an earlier batch's callbacks must run before this one's.
    if (this.#inflight.size === 0 && this.#flushNow(batch)) return this.#batchDone();
    const write: Promise<void> = this.persist(batch.events)
      .then(
        () => {
          if (!this.#alive) return;
          for (const callback of batch.callbacks) callback();
        },
        (error: unknown) => {
          for (const fail of batch.failed) fail(error);
          this.#failWith(error);
        },
      )
      .catch((error: unknown) => this.#failWith(error))
      .finally(() => {
        this.#inflight.delete(write);
        this.#batchDone();
      });
    this.#inflight.add(write);
  }

  /** A batch is committed or failed: a snapshot may follow, and `settled()` stops waiting for it. */
  #batchDone(): void {
    this.#pending--;
    this.#maybeSnapshot();
    this.context.system.active--;
  }

  /**
   * Commits `batch` at once when the journal can (an in-memory journal: no promise, no microtask turn per
   * append) and runs its callbacks; false when it cannot, and nothing was written.
   */
  #flushNow(batch: Batch<E>): boolean {
    let committed: boolean;
    try {
      committed = this.persistNow(batch.events);
    } catch (error) {
      for (const fail of batch.failed) fail(error);
      this.#failWith(error);
      return true;
    }
    if (!committed || !this.#alive) return committed;
    try {
      for (const callback of batch.callbacks) callback();
    } catch (error) {
      this.#failWith(error);
    }
    return true;
  }

  /** Appends `events` (with whatever this turn recorded before) and waits for the commit. */
  protected recordNow(events: E | readonly E[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.record(events, resolve);
      this.#batch!.failed.push(reject);
    });
  }

  /** Keeps `settled()` waiting for `promise` (a venue call, for instance). */
  protected track<T>(promise: Promise<T>): Promise<T> {
    return trackAsync(this.context.system, promise);
  }

  #failWith(error: unknown): void {
    if (!this.#alive || this.#fault !== undefined) return;
    this.#fault = error;
    const ctx = this.context;
    ctx.system.tell(ctx.self as ActorRef<Message>, { type: JOURNAL_FAULT_MESSAGE_TYPE });
  }

  #maybeSnapshot(): void {
    const every = this.snapshotEveryEvents();
    if (every <= 0 || this.#pending > 0 || !this.#alive || this.#fault !== undefined) return;
    const seq = this.lastSeq;
    const since = seq - this.#snapshotSeq;
    if (since < every || since < this.snapshotEventsPerWeight() * this.snapshotWeight(this.#live)) return;
    this.#snapshotSeq = seq;
    const ctx = this.context;
    const id = this.persistenceId();
    const save = persistenceOf(ctx.system).snapshots.save(id, seq, this.dehydrate(this.#live), this.epoch());
    void trackAsync(ctx.system, save).catch((error: unknown) => {
      // A missed snapshot only makes the next recovery longer; report it, do not fail the actor.
      ctx.system.events.publish({ type: 'persistence.snapshotFailed', at: ctx.clock.now(), path: ctx.path, persistenceId: id, seq, error: errorInfo(error) });
    });
  }
}
