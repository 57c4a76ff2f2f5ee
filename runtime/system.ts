import { start as nactStart, stop as nactStop } from 'nact';
import type { Logger } from 'pino';
import { Actor } from './actor.js';
import type { ActorClass, ActorContext, ProtocolOfActor, SpawnArgs, SpawnOptions } from './actor.js';
import { ActorCell, LocalRef } from './cell.js';
import { SystemClock } from './clock.js';
import type { Cancellable, Clock } from './clock.js';
import { DeadLetters, DEFAULT_DEAD_LETTER_RING_SIZE } from './dead-letters.js';
import { ActorExistsError, ActorNotFoundError, AskTimeoutError, BifrostError, MailboxFullError, SystemStoppedError } from './errors.js';
import { EventStream } from './event-stream.js';
import type { DeadLetterReason } from './events.js';
import { createLogger } from './logger.js';
import { childPath, validateName, validateNodeName } from './path.js';
import type { ActorRef, Message } from './ref.js';
import { ActorKinds } from './registry.js';
import { Services } from './services.js';
import type { ActorStats } from './stats.js';
import { oneForOne } from '../supervision/strategy.js';
import type { SupervisorStrategy } from '../supervision/strategy.js';

export const DEFAULT_THROUGHPUT = 1_000;
/**
 * The node of a ref to a placed actor whose node is not fixed: the system asks its `refResolver` (the
 * cluster installs one) where the actor lives now, at every send, so the ref survives a failover.
 */
export const PLACED_NODE = '$placed';

/** A ref to the placed actor at `path`, resolved to its current node at every send. */
export function placedRef<P extends Message = Message>(path: string): ActorRef<P> {
  return { node: PLACED_NODE, path };
}
export const DEFAULT_NODE_NAME = 'local';
/**
 * Longest a burst of actor drains runs as microtasks before the rest wait for the next event-loop turn
 * (ms). Long enough that a chain of local messages (strategy, risk, broker) runs in one burst, short
 * enough that a busy node still answers its sockets and fires its timers every few milliseconds.
 */
export const EVENT_LOOP_TURN_BUDGET_MS = 4;
/** Drains between two looks at the clock within a turn. */
const DRAINS_PER_BUDGET_CHECK = 32;
/** Consecutive idle microtask turns after which a manual-dispatch system counts as settled. */
const MANUAL_SETTLE_IDLE_TURNS = 8;
/** Microtask turns to wait for in-flight work before yielding to the event loop (I/O). */
const MANUAL_SETTLE_MICROTASK_SPINS = 64;

export interface ActorSystemOptions {
  /** Name of this node in refs (`{ node, path }`). Default {@link DEFAULT_NODE_NAME}. */
  readonly node?: string;
  /** Time source; tests and backtests pass a SimulatedClock. Default: wall clock. */
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Source of randomness for backoff jitter; tests pass a seeded one. Default Math.random. */
  readonly random?: () => number;
  /** Strategy of the guardian over top-level actors. Default: one-for-one, restart, 10 in 60 s. */
  readonly guardian?: SupervisorStrategy;
  /** Strategy for actors that do not choose one. Default: one-for-one, restart, 10 in 60 s. */
  readonly defaultStrategy?: SupervisorStrategy;
  /** Messages an actor processes per scheduling turn. Default {@link DEFAULT_THROUGHPUT}. */
  readonly throughput?: number;
  readonly deadLetterRingSize?: number;
  readonly kinds?: ActorKinds;
  /**
   * `event-loop` (default): ready actors drain as microtasks, in bursts of at most
   * {@link EVENT_LOOP_TURN_BUDGET_MS} between which I/O and timers run. `manual`: nothing runs
   * until the owner calls {@link ActorSystem.runUntilIdle} (or awaits `settled()`), which drains ready
   * actors synchronously in a deterministic order; backtests use it for speed and bit-for-bit replays.
   */
  readonly dispatch?: 'event-loop' | 'manual';
}

/** Carries messages to actors on other nodes; installed by the cluster layer. */
export interface RemoteTransport {
  /** Sends to a remote ref; returns a dead-letter reason when it cannot be sent. */
  tell(ref: ActorRef<any>, message: Message, sender: ActorRef<any> | undefined): DeadLetterReason | undefined;
  ask<R>(ref: ActorRef<any>, message: Message, timeoutMs: number): Promise<R>;
}

/** The value given to `tell` was not a message (an object with a string `type`). */
export class NotAMessageError extends BifrostError {
  constructor(readonly path: string) {
    super('NOT_A_MESSAGE', `message to ${path} is not an object with a string "type"`);
  }
}

interface PendingAsk {
  readonly resolve: (value: any) => void;
  readonly reject: (error: Error) => void;
  readonly timer: Cancellable;
}

class Guardian extends Actor<Message> {
  receive(message: Message, ctx: ActorContext): void {
    ctx.system.deadLetter(ctx.self, message, ctx.sender, 'unknown', 'the guardian takes no messages');
  }
}

/** A node in a supervision tree as the inspector shows it. */
export interface ActorTreeNode {
  readonly path: string;
  readonly kind: string;
  readonly state: ActorStats['state'];
  readonly restarts: number;
  readonly mailboxDepth: number;
  readonly children: ActorTreeNode[];
}

/**
 * A set of actors in one process, on one node. Wraps a nact system: nact hosts every actor (the
 * hierarchy, spawning and stopping); the system schedules mailbox drains itself, as microtasks in
 * bounded bursts (nact's own dispatch costs a setImmediate, a context and a copy of the children map
 * per drain). Bifrost adds typed refs, batched bounded mailboxes, supervision
 * strategies, dead letters, an event stream, an injected clock and per-actor statistics.
 *
 * @example
 * const system = ActorSystem.create({ clock: new SimulatedClock() });
 * const counter = system.spawn(Counter, 'counter');
 * system.tell(counter, { type: 'counter.add', n: 2 });
 * const total = await system.ask(counter, { type: 'counter.get' }, 1_000);
 * await system.shutdown();
 */
export class ActorSystem {
  readonly node: string;
  readonly clock: Clock;
  readonly log: Logger;
  readonly events = new EventStream();
  readonly deadLetters: DeadLetters;
  /** Non-serialisable dependencies (journal, stores, venues, keys) the node provides to its actors. */
  readonly services: Services;
  readonly kinds: ActorKinds;
  readonly random: () => number;
  readonly throughput: number;
  readonly guardianStrategy: SupervisorStrategy;
  readonly defaultStrategy: SupervisorStrategy;
  /** Cells with a drain scheduled or async work in flight; zero when the system is idle. */
  active = 0;
  transport: RemoteTransport | undefined;
  /**
   * Told the type, duration (seconds) and outcome of every ask made through this system, when set (the node's
   * metrics set it). Unset, it costs one branch per ask.
   */
  askObserver: ((type: string, seconds: number, outcome: 'ok' | 'timeout' | 'error') => void) | undefined;
  /** Resolves {@link placedRef}s to the actor's current location; undefined when it is not placed anywhere. */
  refResolver: ((ref: ActorRef<any>) => ActorRef<any> | undefined) | undefined;
  /** True with `dispatch: 'manual'`. */
  readonly manualDispatch: boolean;
  /** @internal Cells ready to drain, in the order they became ready. */
  readonly runQueue: ActorCell[] = [];
  #runHead = 0;
  /** Manual dispatch: work that closes a drain (`afterDrain`), run by `runUntilIdle` before the next drain. */
  #afterDrain: Array<() => void> = [];
  /** Event-loop dispatch: a turn is scheduled for cells that missed a spent burst. */
  #turnPending = false;
  /** Event-loop dispatch: when the current burst of microtask drains ends (0: no burst, -1: spent). */
  #burstDeadline = 0;
  #burstDrains = 0;

  readonly #cells = new Map<string, ActorCell>();
  readonly #root: ActorCell;
  readonly #nactSystem: unknown;
  readonly #asks = new Map<string, PendingAsk>();
  #askSeq = 0;
  #stopped = false;
  #shutdown: Promise<void> | undefined;

  static create(options: ActorSystemOptions = {}): ActorSystem {
    return new ActorSystem(options);
  }

  private constructor(options: ActorSystemOptions) {
    this.node = validateNodeName(options.node ?? DEFAULT_NODE_NAME);
    this.clock = options.clock ?? new SystemClock();
    this.log = options.logger ?? createLogger();
    this.random = options.random ?? Math.random;
    this.throughput = options.throughput ?? DEFAULT_THROUGHPUT;
    if (!(Number.isInteger(this.throughput) && this.throughput >= 1)) throw new RangeError(`throughput must be a positive integer, got ${this.throughput}`);
    this.guardianStrategy = options.guardian ?? oneForOne();
    this.defaultStrategy = options.defaultStrategy ?? oneForOne();
    this.kinds = options.kinds ?? new ActorKinds();
    this.manualDispatch = options.dispatch === 'manual';
    this.services = new Services(this.node);
    this.deadLetters = new DeadLetters(this.events, options.deadLetterRingSize ?? DEFAULT_DEAD_LETTER_RING_SIZE);
    this.#nactSystem = nactStart();
    this.#root = new ActorCell(this, undefined, '', Guardian, undefined, { supervisor: this.guardianStrategy, kind: '$guardian' }, this.#nactSystem);
    this.#root.start();
  }

  get isStopped(): boolean {
    return this.#stopped;
  }

  /** Number of live actors (the guardian excluded). */
  get actorCount(): number {
    return this.#cells.size;
  }

  /** Spawns a top-level actor under the guardian. */
  spawn<A extends Actor<any, any>>(actorClass: ActorClass<A>, name: string, ...args: SpawnArgs<A>): ActorRef<ProtocolOfActor<A>> {
    const [props, options] = args as [unknown, SpawnOptions | undefined];
    return this.spawnChild(this.#root, actorClass, name, props, options ?? {}) as ActorRef<ProtocolOfActor<A>>;
  }

  /** Spawns a top-level actor by registered kind name. */
  spawnKind(kind: string, name: string, props?: unknown, options?: SpawnOptions): ActorRef {
    return this.spawnChild(this.#root, this.kinds.get(kind), name, props, { kind, ...options });
  }

  /** @internal */
  spawnChild(parent: ActorCell, actorClass: ActorClass, name: string, props: unknown, options: SpawnOptions): ActorRef {
    if (this.#stopped) throw new SystemStoppedError(this.node);
    if (parent.stopped) throw new ActorNotFoundError(parent.path);
    const path = childPath(parent.path, validateName(name));
    if (parent.childCells.has(name) || this.#cells.has(path)) throw new ActorExistsError(path);
    const cell = new ActorCell(this, parent, name, actorClass, props, options, parent.nactRef);
    parent.childCells.set(name, cell);
    this.#cells.set(cell.path, cell);
    cell.start();
    if (this.events.hasListeners('actor.started')) this.events.publish({ type: 'actor.started', at: this.clock.now(), path: cell.path, kind: cell.kind });
    return cell.self;
  }

  /** @internal Recreates a permanent child that exited normally, after `delayMs`. */
  respawn(parent: ActorCell, old: ActorCell, delayMs: number): void {
    const { actorClass, props, options } = old.recipe;
    const again = (): void => {
      if (!parent.running || parent.childCells.has(old.name) || this.#stopped) return;
      this.spawnChild(parent, actorClass, old.name, props, options);
    };
    if (delayMs > 0) this.clock.setTimer(delayMs, again);
    else again();
  }

  /** Sends a message (at-most-once). Undeliverable messages go to dead letters. */
  tell<P extends Message>(ref: ActorRef<P>, message: NoInfer<P>, sender?: ActorRef): void {
    this.deliver(ref, message, sender);
  }

  /**
   * Request/reply: sends `message` with a temporary sender and resolves with the first reply.
   * Rejects with AskTimeoutError after `timeoutMs` of clock time, ActorNotFoundError when the target
   * is unknown or stopped, MailboxFullError when its bounded mailbox refuses the message.
   *
   * TypeScript cannot infer some type arguments and take others: with `ask<Reply>(…)` the message is not
   * checked against the ref's protocol. Leave `R` off (and annotate the result) to have it checked.
   */
  ask<R = unknown, P extends Message = any>(ref: ActorRef<P>, message: NoInfer<P>, timeoutMs: number): Promise<R> {
    const observer = this.askObserver;
    if (observer === undefined) return this.#ask<R>(ref, message, timeoutMs);
    const started = performance.now();
    const type = typeof message?.type === 'string' ? message.type : typeof message;
    const result = this.#ask<R>(ref, message, timeoutMs);
    result.then(
      () => observer(type, (performance.now() - started) / 1_000, 'ok'),
      (error: unknown) => observer(type, (performance.now() - started) / 1_000, error instanceof AskTimeoutError ? 'timeout' : 'error'),
    );
    return result;
  }

  #ask<R>(ref: ActorRef<any>, message: Message, timeoutMs: number): Promise<R> {
    if (!(timeoutMs > 0 && timeoutMs <= 2_147_483_647)) return Promise.reject(new RangeError(`ask timeout must be in (0, 2^31) ms, got ${timeoutMs}`));
    if (this.#stopped) return Promise.reject(new SystemStoppedError(this.node));
    if (ref.node === PLACED_NODE) {
      const resolved = this.refResolver?.(ref);
      if (resolved === undefined) return Promise.reject(new ActorNotFoundError(`${PLACED_NODE}${ref.path}`));
      ref = resolved;
    }
    if (ref.node !== undefined && ref.node !== this.node && this.transport !== undefined) return this.transport.ask<R>(ref, message, timeoutMs);
    const path = `/$temp/${++this.#askSeq}`;
    return new Promise<R>((resolve, reject) => {
      const timer = this.clock.setTimer(timeoutMs, () => {
        this.#asks.delete(path);
        reject(new AskTimeoutError(ref.path, timeoutMs, typeof message?.type === 'string' ? message.type : typeof message));
      });
      this.#asks.set(path, { resolve, reject, timer });
      const failure = this.deliver(ref, message, { node: this.node, path });
      if (failure !== undefined) {
        timer.cancel();
        this.#asks.delete(path);
        reject(this.#askFailure(ref, message, failure));
      }
    });
  }

  #askFailure(ref: ActorRef<any>, message: Message, reason: DeadLetterReason): Error {
    switch (reason) {
      case 'mailbox-full': {
        const cell = this.#cells.get(ref.path);
        return new MailboxFullError(ref.path, cell?.mailbox.capacity ?? 0, message.type);
      }
      case 'malformed':
        return new NotAMessageError(ref.path);
      default:
        return new ActorNotFoundError(ref.node === undefined ? ref.path : `${ref.node}${ref.path}`);
    }
  }

  /**
   * @internal The one delivery path: local cell, ask reply, or remote transport. Returns the
   * dead-letter reason when the message was not delivered.
   */
  deliver(ref: ActorRef<any>, message: Message, sender: ActorRef<any> | undefined): DeadLetterReason | undefined {
    if (message === null || typeof message !== 'object' || typeof message.type !== 'string') {
      this.deadLetter(ref, message, sender, 'malformed');
      return 'malformed';
    }
    let cell = LocalRef.cellOf(ref);
    if (cell === undefined || cell.stopped) {
      if (ref.node === PLACED_NODE) return this.#deliverPlaced(ref, message, sender);
      if (ref.node !== undefined && ref.node !== this.node) return this.#deliverRemote(ref, message, sender);
      const path = ref.path;
      if (path.startsWith('/$temp/')) return this.#completeAsk(ref, message, sender);
      const known = cell;
      cell = this.#cells.get(path);
      if (cell === undefined || cell.stopped) {
        const reason = cell === undefined && known === undefined ? 'unknown' : 'stopped';
        this.deadLetter(ref, message, sender, reason);
        return reason;
      }
    }
    const mailbox = cell.mailbox;
    if (mailbox.length >= mailbox.capacity) {
      cell.deadLettered++;
      if (mailbox.overflow === 'reject') {
        this.deadLetter(cell.self, message, sender, 'mailbox-full', `capacity ${mailbox.capacity}`);
        return 'mailbox-full';
      }
      const oldest = mailbox.shift()!;
      this.deadLetter(cell.self, oldest, mailbox.lastSender, 'dropped-oldest', `capacity ${mailbox.capacity}`);
    }
    cell.enqueue(message, sender);
    return undefined;
  }

  #deliverPlaced(ref: ActorRef<any>, message: Message, sender: ActorRef<any> | undefined): DeadLetterReason | undefined {
    const resolved = this.refResolver?.(ref);
    if (resolved === undefined || resolved.node === PLACED_NODE) {
      this.deadLetter(ref, message, sender, 'no-route', `${ref.path} is not placed on any live node`);
      return 'no-route';
    }
    return this.deliver(resolved.node === this.node ? { path: resolved.path } : resolved, message, sender);
  }

  #deliverRemote(ref: ActorRef<any>, message: Message, sender: ActorRef<any> | undefined): DeadLetterReason | undefined {
    if (this.transport === undefined) {
      this.deadLetter(ref, message, sender, 'no-route', `no transport to node ${ref.node}`);
      return 'no-route';
    }
    const failure = this.transport.tell(ref, message, sender);
    if (failure !== undefined) this.deadLetter(ref, message, sender, failure);
    return failure;
  }

  #completeAsk(ref: ActorRef<any>, message: Message, sender: ActorRef<any> | undefined): DeadLetterReason | undefined {
    const pending = this.#asks.get(ref.path);
    if (pending === undefined) {
      this.deadLetter(ref, message, sender, 'ask-expired');
      return 'ask-expired';
    }
    this.#asks.delete(ref.path);
    pending.timer.cancel();
    pending.resolve(message);
    return undefined;
  }

  /** @internal Records an undeliverable message. */
  deadLetter(recipient: ActorRef<any>, message: unknown, sender: ActorRef<any> | undefined, reason: DeadLetterReason, detail?: string): void {
    const messageType = typeof (message as Message | null)?.type === 'string' ? (message as Message).type : typeof message;
    this.deadLetters.record({
      type: 'deadLetter',
      at: this.clock.now(),
      recipient: recipient instanceof LocalRef ? recipient.toJSON() : recipient,
      ...(sender === undefined ? {} : { sender: sender instanceof LocalRef ? sender.toJSON() : sender }),
      reason,
      messageType,
      message,
      ...(detail === undefined ? {} : { detail }),
    });
  }

  /** Stops an actor and its subtree; resolves when `stopped()` hooks have run. Unknown refs resolve at once. */
  stop(ref: ActorRef<any>): Promise<void> {
    const cell = LocalRef.cellOf(ref) ?? this.#cells.get(ref.path);
    if (cell === undefined || (ref.node !== undefined && ref.node !== this.node)) return Promise.resolve();
    return cell.stopCell('requested');
  }

  /** @internal */
  unregister(cell: ActorCell): void {
    if (this.#cells.get(cell.path) === cell) this.#cells.delete(cell.path);
  }

  /** The ref of the live actor at `path`, if any. */
  lookup<P extends Message = Message>(path: string): ActorRef<P> | undefined {
    const cell = this.#cells.get(path);
    return cell === undefined || cell.stopped ? undefined : (cell.self as ActorRef<P>);
  }

  /** Statistics of the actor at `path`. */
  statsOf(path: string): ActorStats | undefined {
    return this.#cells.get(path)?.stats;
  }

  /** The `inspect()` summary an actor offers, if any. */
  inspectActor(path: string): Record<string, unknown> | undefined {
    return this.#cells.get(path)?.instance?.inspect();
  }

  /** Paths of every live actor, sorted. */
  paths(): string[] {
    return [...this.#cells.keys()].sort();
  }

  /** The supervision trees under the guardian. */
  tree(): ActorTreeNode[] {
    const walk = (cell: ActorCell): ActorTreeNode => {
      const s = cell.stats;
      return { path: cell.path, kind: cell.kind, state: s.state, restarts: s.restarts, mailboxDepth: s.mailboxDepth, children: [...cell.childCells.values()].map(walk) };
    };
    return [...this.#root.childCells.values()].map(walk);
  }

  /**
   * Counts `promise` as work in flight until it settles, so `settled()` and the manual dispatcher wait for
   * it. For work an actor starts without blocking its mailbox (a journal write whose effects follow the
   * commit); a receive that returns a promise is counted already. Returns `promise`.
   */
  track<T>(promise: Promise<T>): Promise<T> {
    this.active++;
    return promise.finally(() => {
      this.active--;
    });
  }

  /**
   * Resolves once no actor has a message waiting or async work in flight. Timers (schedules,
   * backoff) do not count: with a SimulatedClock, advance it and await `settled()` again.
   */
  async settled(): Promise<void> {
    if (this.manualDispatch) return this.#settleManual();
    let quiet = 0;
    while (quiet < 2) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      quiet = this.active === 0 ? quiet + 1 : 0;
    }
  }

  /**
   * Runs ready actors, then lets promise continuations run, until several turns in a row find nothing to
   * do. A continuation can make an actor ready a microtask or two after the work it waited for was
   * counted as done (a journal commit, then the effect chained on it), so one idle check is not enough.
   */
  async #settleManual(): Promise<void> {
    // Fast path: promise resolution is always a later microtask, so work that is neither active nor queued
    // right after a synchronous run was never started asynchronously by it; nothing can still arrive.
    this.runUntilIdle();
    if (this.active === 0) return;
    let spins = 0;
    for (let idleTurns = 0; idleTurns < MANUAL_SETTLE_IDLE_TURNS; ) {
      const ran = this.runUntilIdle();
      if (ran > 0) {
        idleTurns = 0;
        spins = 0;
      } else if (this.active > 0) {
        idleTurns = 0;
        if (++spins > MANUAL_SETTLE_MICROTASK_SPINS) {
          // Microtasks are not finishing it: real I/O or a setImmediate group commit is in flight.
          spins = 0;
          await new Promise<void>((resolve) => setImmediate(resolve));
          continue;
        }
      } else {
        idleTurns++;
      }
      await Promise.resolve();
    }
  }

  /**
   * @internal Makes `cell` drain. Manual dispatch: when the owner next runs the queue. Event loop: as a
   * microtask while the current burst has time left ({@link EVENT_LOOP_TURN_BUDGET_MS}), so a message from
   * one local actor to another costs a microtask, not an event-loop turn; past it, in the next turn, so a
   * busy node still answers its sockets and fires its timers.
   */
  enqueueDrain(cell: ActorCell): void {
    if (this.manualDispatch) {
      this.runQueue.push(cell);
      return;
    }
    if (this.#burstHasTime()) {
      queueMicrotask(cell.drainTask);
      return;
    }
    this.runQueue.push(cell);
    if (this.#turnPending) return;
    this.#turnPending = true;
    setImmediate(this.#runTurn);
  }

  /** Whether a drain may still run in this burst; starts a burst (ended by the next turn) when none runs. */
  #burstHasTime(): boolean {
    if (this.#burstDeadline === 0) {
      this.#burstDeadline = performance.now() + EVENT_LOOP_TURN_BUDGET_MS;
      this.#burstDrains = 0;
      setImmediate(this.#endBurst);
      return true;
    }
    if (++this.#burstDrains % DRAINS_PER_BUDGET_CHECK !== 0) return this.#burstDeadline > 0;
    if (performance.now() < this.#burstDeadline) return true;
    this.#burstDeadline = -1; // spent: later drains wait for a turn
    return false;
  }

  readonly #endBurst = (): void => {
    this.#burstDeadline = 0;
  };

  /** The turn after a spent burst: the cells that waited drain, as microtasks of a new burst. */
  readonly #runTurn = (): void => {
    this.#turnPending = false;
    const queue = this.runQueue.splice(0);
    for (const cell of queue) this.enqueueDrain(cell);
  };

  /**
   * Manual dispatch only: drains every ready actor, and the actors they make ready, until none is left.
   * Runs synchronously; async work (a receive that returned a promise) continues when its promise
   * settles, so call `settled()` when actors await anything. Returns the number of drains and
   * after-drain tasks (`afterDrain`) run.
   */
  runUntilIdle(): number {
    if (!this.manualDispatch) throw new Error('runUntilIdle() needs an ActorSystem created with dispatch: "manual"');
    const queue = this.runQueue;
    let runs = this.#runAfterDrain();
    while (this.#runHead < queue.length) {
      const cell = queue[this.#runHead++]!;
      runs++;
      cell.drain();
      if (this.#afterDrain.length > 0) runs += this.#runAfterDrain();
      if (this.#runHead > 4_096 && this.#runHead * 2 > queue.length) {
        queue.splice(0, this.#runHead);
        this.#runHead = 0;
      }
    }
    queue.length = 0;
    this.#runHead = 0;
    return runs;
  }

  /**
   * @internal Runs `task` once the drain that asked for it is over: under manual dispatch `runUntilIdle`
   * runs it before the next drain (so a backtest's journal flush and its after-commit effects need no
   * microtask turns, and `settled()` finds nothing in flight); otherwise it is a microtask. The task
   * must not throw.
   */
  afterDrain(task: () => void): void {
    if (this.manualDispatch) this.#afterDrain.push(task);
    else queueMicrotask(task);
  }

  #runAfterDrain(): number {
    let ran = 0;
    while (this.#afterDrain.length > 0) {
      const tasks = this.#afterDrain;
      this.#afterDrain = [];
      for (const task of tasks) task();
      ran += tasks.length;
    }
    return ran;
  }

  /**
   * Manual dispatch: whether an actor is ready to run (one other than the actor draining now, which is
   * off the run queue while it drains), or, given `self`, whether `self`'s own mailbox holds a message.
   * No allocation: a backtest strategy asks it after every time slice. Always false under event-loop dispatch.
   */
  hasReadyWork(self?: ActorRef<any>): boolean {
    if (this.manualDispatch && this.#runHead < this.runQueue.length) return true;
    if (self === undefined) return false;
    const cell = LocalRef.cellOf(self);
    return cell !== undefined && cell.mailbox.length > 0;
  }

  /** Stops every actor (last spawned first, children before parents) and the nact system. */
  shutdown(): Promise<void> {
    this.#shutdown ??= (async () => {
      const tops = [...this.#root.childCells.values()].reverse();
      for (const cell of tops) await cell.stopCell('shutdown');
      this.#stopped = true;
      for (const [path, pending] of this.#asks) {
        pending.timer.cancel();
        this.#asks.delete(path);
        pending.reject(new SystemStoppedError(this.node));
      }
      nactStop(this.#nactSystem as never);
    })();
    return this.#shutdown;
  }
}
