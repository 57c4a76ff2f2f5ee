import { spawn as nactSpawn, stop as nactStop } from 'nact';
import type { Logger } from 'pino';
import { attachContext } from './actor.js';
import type { Actor, ActorClass, ActorContext, ScheduleOptions, SpawnOptions } from './actor.js';
import type { Cancellable, Clock } from './clock.js';
import { errorInfo } from './events.js';
import type { ErrorInfo } from './events.js';
import { Mailbox } from './mailbox.js';
import { childPath, validateName } from './path.js';
import type { ActorRef, Message } from './ref.js';
import type { ActorState, ActorStats } from './stats.js';
import type { ActorSystem } from './system.js';
import { Supervision } from './supervisor.js';
import type { RestartType } from '../supervision/strategy.js';

/**
 * nact accepts names of [a-z0-9-$_.+!*'(),]; our grammar also allows ':', '@' and '='. Map those to
 * characters our grammar never uses, so the mapping is one-to-one.
 */
const NACT_NAME_CHARS: Readonly<Record<string, string>> = { ':': "'", '@': '!', '=': '*' };
function nactName(name: string): string {
  return name.replace(/[:@=]/g, (c) => NACT_NAME_CHARS[c]!);
}

const enum State {
  Starting,
  Running,
  Suspended,
  Stopping,
  Stopped,
}

const STATE_NAMES: readonly ActorState[] = ['starting', 'running', 'suspended', 'stopping', 'stopped'];

export type FailurePhase = 'receive' | 'started' | 'restarting' | 'stopped' | 'exit';
export type StopReason = 'requested' | 'self' | 'parent' | 'supervisor' | 'shutdown';

/** The serialisable ref of a local actor, which also remembers its cell for fast local delivery. */
export class LocalRef<P extends Message = Message> implements ActorRef<P> {
  readonly node: string;
  readonly path: string;
  #cell: ActorCell;

  constructor(node: string, path: string, cell: ActorCell) {
    this.node = node;
    this.path = path;
    this.#cell = cell;
  }

  static cellOf(ref: ActorRef<any>): ActorCell | undefined {
    return ref instanceof LocalRef ? ref.#cell : undefined;
  }

  toJSON(): { node: string; path: string } {
    return { node: this.node, path: this.path };
  }
}

/**
 * The runtime side of one actor: its mailbox, its current instance, its children and the drain loop.
 * nact hosts the cell (hierarchy); the system schedules its drains, each of up to `throughput` messages.
 */
export class ActorCell implements ActorContext<Message> {
  readonly system: ActorSystem;
  readonly parentCell: ActorCell | undefined;
  readonly name: string;
  readonly path: string;
  readonly self: LocalRef;
  readonly kind: string;
  readonly restartType: RestartType;
  readonly mailbox: Mailbox<Message, ActorRef>;
  readonly childCells = new Map<string, ActorCell>();
  readonly supervision: Supervision;
  readonly nactRef: unknown;
  instance!: Actor<any, any>;
  sender: ActorRef | undefined;

  #state = State.Starting;
  #scheduled = false;
  #busy = false;
  #throughput: number;
  #timers = new Set<Cancellable>();
  #restartTimer: Cancellable | undefined;
  #stopPromise: Promise<void> | undefined;
  #log: Logger | undefined;
  #restartTimes: number[] = [];
  readonly #actorClass: ActorClass;
  readonly #props: unknown;
  readonly options: SpawnOptions;

  // statistics
  processed = 0;
  errors = 0;
  restarts = 0;
  deadLettered = 0;
  startedAt: number;
  lastError: (ErrorInfo & { at: number }) | undefined;

  constructor(
    system: ActorSystem,
    parent: ActorCell | undefined,
    name: string,
    actorClass: ActorClass,
    props: unknown,
    options: SpawnOptions,
    nactParent: unknown,
  ) {
    this.system = system;
    this.parentCell = parent;
    this.name = name;
    this.path = parent === undefined ? '/' : childPath(parent.path, validateName(name));
    this.self = new LocalRef(system.node, this.path, this);
    this.#actorClass = actorClass;
    this.#props = props;
    this.options = options;
    this.kind = options.kind ?? system.kinds.kindOf(actorClass) ?? actorClass.name;
    this.restartType = options.restart ?? 'transient';
    this.mailbox = new Mailbox(options.mailbox);
    this.#throughput = options.throughput ?? system.throughput;
    this.startedAt = system.clock.now();
    this.supervision = new Supervision(this);
    this.nactRef =
      parent === undefined
        ? nactParent
        : // nact keeps the hierarchy; it is never dispatched to (the system schedules drains).
          nactSpawn(nactParent as never, (state: unknown) => state, nactName(name));
  }

  // ---- context API (the cell is the context object handed to the actor) ----

  get parent(): ActorRef | undefined {
    return this.parentCell?.self;
  }

  get clock(): Clock {
    return this.system.clock;
  }

  get log(): Logger {
    return (this.#log ??= this.system.log.child({ actor: this.path }));
  }

  get stats(): ActorStats {
    const s: ActorStats = {
      path: this.path,
      kind: this.kind,
      state: STATE_NAMES[this.#state]!,
      startedAt: this.startedAt,
      processed: this.processed,
      errors: this.errors,
      restarts: this.restarts,
      mailboxDepth: this.mailbox.length,
      mailboxHighWater: this.mailbox.highWater,
      mailboxCapacity: this.mailbox.capacity,
      deadLettered: this.deadLettered,
    };
    return this.lastError === undefined ? s : { ...s, lastError: this.lastError };
  }

  get stopped(): boolean {
    return this.#state >= State.Stopping;
  }

  get running(): boolean {
    return this.#state === State.Running;
  }

  spawn<A extends Actor<any, any>>(actorClass: ActorClass<A>, name: string, props?: unknown, options?: SpawnOptions): any {
    return this.system.spawnChild(this, actorClass, name, props, options ?? {});
  }

  spawnKind(kind: string, name: string, props?: unknown, options?: SpawnOptions): ActorRef {
    return this.system.spawnChild(this, this.system.kinds.get(kind), name, props, { kind, ...options });
  }

  tell<Q extends Message>(ref: ActorRef<Q>, message: NoInfer<Q>): void {
    this.system.deliver(ref, message, this.self);
  }

  forward<Q extends Message>(ref: ActorRef<Q>, message: NoInfer<Q>): void {
    this.system.deliver(ref, message, this.sender);
  }

  reply<R extends Message>(message: R): void {
    if (this.sender === undefined) this.system.deadLetter(this.self, message, undefined, 'no-sender', `reply from ${this.path}`);
    else this.system.deliver(this.sender, message, this.self);
  }

  ask<R = unknown, Q extends Message = any>(ref: ActorRef<Q>, message: NoInfer<Q>, timeoutMs: number): Promise<R> {
    return this.system.ask<R, Q>(ref, message, timeoutMs);
  }

  schedule(delayMs: number, message: Message, options: ScheduleOptions = {}): Cancellable {
    const interval = options.intervalMs;
    if (interval !== undefined && !(interval > 0)) throw new RangeError(`schedule intervalMs must be positive, got ${interval}`);
    const scheduled = new ScheduledMessage(this, this.#timers, message, interval);
    scheduled.start(delayMs);
    return scheduled;
  }

  stop(ref?: ActorRef<any>): Promise<void> {
    if (ref === undefined || ref.path === this.path) return this.stopCell('self');
    return this.system.stop(ref);
  }

  child(name: string): ActorRef | undefined {
    return this.childCells.get(name)?.self;
  }

  children(): ActorRef[] {
    return [...this.childCells.values()].map((c) => c.self);
  }

  // ---- delivery and the drain loop ----

  /** Enqueues a message; the system has already checked the mailbox bound. */
  enqueue(message: Message, sender: ActorRef | undefined): void {
    this.mailbox.push(message, sender);
    if (!this.#scheduled && this.#state === State.Running && !this.#busy) this.#schedule();
  }

  #schedule(): void {
    this.#scheduled = true;
    this.system.active++;
    this.system.enqueueDrain(this);
  }

  /** `drain` as a callback, made once, for the event-loop dispatcher's microtasks. */
  readonly drainTask = (): void => this.drain();

  /** Called by the system's dispatcher: processes up to `throughput` messages, then yields. */
  drain(): void {
    if (!this.#scheduled) return; // a drain cancelled by stop
    const system = this.system;
    system.active--;
    const mailbox = this.mailbox;
    const limit = this.#throughput;
    let n = 0;
    while (n < limit && this.#state === State.Running && mailbox.length > 0) {
      const message = mailbox.shift()!;
      this.sender = mailbox.lastSender;
      n++;
      let result: void | Promise<void>;
      try {
        result = this.instance.receive(message, this);
      } catch (error) {
        this.processed += n;
        this.#scheduled = false;
        this.fail(error, 'receive', message);
        return;
      }
      if (result !== undefined && typeof (result as Promise<void>).then === 'function') {
        this.processed += n;
        this.#awaitReceive(result as Promise<void>, message);
        this.#scheduled = false;
        return;
      }
    }
    this.processed += n;
    this.#scheduled = false;
    if (mailbox.length > 0 && this.#state === State.Running) this.#schedule();
  }

  #awaitReceive(result: Promise<void>, message: Message): void {
    this.#busy = true;
    this.system.active++;
    result.then(
      () => {
        this.#busy = false;
        this.system.active--;
        if (this.#state === State.Running && this.mailbox.length > 0 && !this.#scheduled) this.#schedule();
      },
      (error: unknown) => {
        this.#busy = false;
        this.system.active--;
        if (this.#state < State.Stopping) this.fail(error, 'receive', message);
      },
    );
  }

  // ---- lifecycle ----

  /** Creates a fresh instance and runs `started()`; messages wait until it has finished. */
  start(): void {
    const instance = new this.#actorClass(this.#props);
    attachContext(instance, this);
    this.instance = instance;
    this.supervision.reset();
    this.#state = State.Starting;
    let result: void | Promise<void>;
    try {
      result = instance.started(this);
    } catch (error) {
      this.fail(error, 'started');
      return;
    }
    if (result !== undefined && typeof (result as Promise<void>).then === 'function') {
      this.#busy = true;
      this.system.active++;
      (result as Promise<void>).then(
        () => {
          this.#busy = false;
          this.system.active--;
          this.#becomeRunning();
        },
        (error: unknown) => {
          this.#busy = false;
          this.system.active--;
          if (this.#state < State.Stopping) this.fail(error, 'started');
        },
      );
      return;
    }
    this.#becomeRunning();
  }

  #becomeRunning(): void {
    if (this.#state !== State.Starting) return;
    this.#state = State.Running;
    if (this.mailbox.length > 0 && !this.#scheduled) this.#schedule();
  }

  /** Marks the actor failed and hands the decision to its supervisor. */
  fail(error: unknown, phase: FailurePhase, message?: Message): void {
    if (this.#state >= State.Stopping) return;
    this.#state = State.Suspended;
    this.errors++;
    this.lastError = { ...errorInfo(error), at: this.clock.now() };
    const supervisor = this.parentCell;
    this.system.events.publish({
      type: 'supervisor.failed',
      at: this.lastError.at,
      supervisor: supervisor?.path ?? '/',
      child: this.path,
      error: errorInfo(error),
      ...(message === undefined ? {} : { messageType: message.type }),
      phase,
    });
    if (supervisor === undefined) return;
    supervisor.supervision.childFailed(this, error);
  }

  /** Continues with the next message (the failed one is not retried). */
  resume(): void {
    if (this.#state !== State.Suspended) return;
    this.#state = State.Running;
    this.supervision.resumeEscalated();
    if (this.mailbox.length > 0 && !this.#scheduled && !this.#busy) this.#schedule();
  }

  /** Suspends now and restarts after `delayMs` of clock time (0: at once). */
  scheduleRestart(error: unknown, delayMs: number): void {
    if (this.#state >= State.Stopping) return;
    this.#state = State.Suspended;
    this.#restartTimer?.cancel();
    if (delayMs <= 0) {
      void this.restart(error);
      return;
    }
    this.#restartTimer = this.clock.setTimer(delayMs, () => {
      this.#restartTimer = undefined;
      void this.restart(error);
    });
  }

  /** Counts a restart of this child at `now` and returns how many fell within `withinMs`. */
  recordRestartAttempt(now: number, withinMs: number): number {
    this.#restartTimes = this.#restartTimes.filter((t) => t > now - withinMs);
    this.#restartTimes.push(now);
    return this.#restartTimes.length;
  }

  async restart(error: unknown): Promise<void> {
    if (this.#state >= State.Stopping) return;
    this.#state = State.Suspended;
    try {
      await this.instance.restarting(error, this);
    } catch (hookError) {
      this.#hookFailed(hookError, 'restarting');
    }
    await this.#stopChildren('parent');
    this.#cancelTimers();
    if (this.#state >= State.Stopping) return;
    this.restarts++;
    if (this.system.events.hasListeners('actor.restarted')) {
      this.system.events.publish({ type: 'actor.restarted', at: this.clock.now(), path: this.path, kind: this.kind, restarts: this.restarts });
    }
    this.start();
  }

  /** Stops children (last spawned first), runs `stopped()`, dead-letters what is left in the mailbox. */
  stopCell(reason: StopReason): Promise<void> {
    if (this.#stopPromise !== undefined) return this.#stopPromise;
    this.#state = State.Stopping;
    this.#restartTimer?.cancel();
    this.#stopPromise = this.#doStop(reason);
    return this.#stopPromise;
  }

  async #doStop(reason: StopReason): Promise<void> {
    await this.#stopChildren('parent');
    this.#cancelTimers();
    if (this.instance !== undefined) {
      try {
        await this.instance.stopped(this);
      } catch (error) {
        this.#hookFailed(error, 'stopped');
      }
    }
    this.#state = State.Stopped;
    if (this.#scheduled) {
      // nact's stop cancels the pending drain, so it will not decrement the activity count itself.
      this.#scheduled = false;
      this.system.active--;
    }
    this.system.unregister(this);
    if (this.parentCell !== undefined) {
      if (this.parentCell.childCells.get(this.name) === this) this.parentCell.childCells.delete(this.name);
      nactStop(this.nactRef as never);
    }
    for (let m = this.mailbox.shift(); m !== undefined; m = this.mailbox.shift()) {
      this.system.deadLetter(this.self, m, this.mailbox.lastSender, 'stopped');
    }
    if (this.system.events.hasListeners('actor.stopped')) {
      this.system.events.publish({ type: 'actor.stopped', at: this.clock.now(), path: this.path, kind: this.kind });
    }
    if (reason === 'self') this.parentCell?.supervision.childExited(this);
  }

  async #stopChildren(reason: StopReason): Promise<void> {
    const children = [...this.childCells.values()].reverse();
    for (const child of children) await child.stopCell(reason);
  }

  #cancelTimers(): void {
    for (const t of this.#timers) t.cancel();
    this.#timers.clear();
  }

  #hookFailed(error: unknown, phase: FailurePhase): void {
    this.errors++;
    this.lastError = { ...errorInfo(error), at: this.clock.now() };
    this.system.events.publish({
      type: 'supervisor.failed',
      at: this.lastError.at,
      supervisor: this.parentCell?.path ?? '/',
      child: this.path,
      error: errorInfo(error),
      phase,
    });
  }

  /** What a restart or respawn needs to recreate this actor. */
  get recipe(): { actorClass: ActorClass; props: unknown; options: SpawnOptions } {
    return { actorClass: this.#actorClass, props: this.#props, options: this.options };
  }
}

/**
 * A message a cell sends itself after a delay (and then every `interval` ms, if given) until cancelled.
 * A class rather than closures: `schedule` runs per order in a strategy (its re-send timer), and a
 * closure per call, each named under tsx's keep-names transform, cost more than the timer itself.
 */
class ScheduledMessage implements Cancellable {
  #timer: Cancellable | undefined;
  /**
   * What the clock calls, made once for the first delay and every interval after it. Assigned in the
   * constructor, not as a field initialiser: tsx's keep-names transform names an arrow in a field with a
   * `defineProperty` (about 0.3 µs, and a dictionary-mode function), and a strategy arms a timer per order.
   */
  readonly #fireTask: () => void;

  constructor(
    private readonly cell: ActorCell,
    private readonly timers: Set<Cancellable>,
    private readonly message: Message,
    private readonly interval: number | undefined,
  ) {
    this.#fireTask = () => this.#fire();
  }

  start(delayMs: number): void {
    this.#timer = this.cell.clock.setTimer(delayMs, this.#fireTask);
    this.timers.add(this);
  }

  cancel(): void {
    this.#timer?.cancel();
    this.timers.delete(this);
  }

  #fire(): void {
    if (this.interval === undefined) this.timers.delete(this);
    else this.#timer = this.cell.clock.setTimer(this.interval, this.#fireTask);
    this.cell.system.deliver(this.cell.self, this.message, this.cell.self);
  }
}
