import type { Logger } from 'pino';
import type { Cancellable, Clock } from './clock.js';
import type { MailboxOptions } from './mailbox.js';
import type { ActorRef, Message } from './ref.js';
import type { ActorStats } from './stats.js';
import type { ActorSystem } from './system.js';
import type { RestartType, SupervisorStrategy } from '../supervision/strategy.js';

/** Options for one spawned actor. */
export interface SpawnOptions {
  /** Bounded mailbox settings. Default: capacity 1,000,000, policy `reject`. */
  readonly mailbox?: MailboxOptions;
  /** When the parent restarts this actor. Default `transient` (`permanent` for tree-spec workers). */
  readonly restart?: RestartType;
  /** Strategy for this actor's own children; overrides the class's `supervisorStrategy()`. */
  readonly supervisor?: SupervisorStrategy;
  /** Most messages processed per scheduling turn. Default: the system's throughput. */
  readonly throughput?: number;
  /** Kind name shown by the inspector; default: the registered kind or the class name. */
  readonly kind?: string;
}

/** The constructor of an actor class: it takes the actor's props. */
export type ActorClass<A extends Actor<any, any> = Actor<any, any>> = new (props: any) => A;

/** The props type an actor class expects. */
export type PropsOf<A> = A extends Actor<any, infer Props> ? Props : never;
/** The protocol an actor class accepts. */
export type ProtocolOfActor<A> = A extends Actor<infer P, any> ? P : never;
/** Props are optional for actors that take none. */
export type SpawnArgs<A> = [PropsOf<A>] extends [void | undefined]
  ? [props?: PropsOf<A>, options?: SpawnOptions]
  : [props: PropsOf<A>, options?: SpawnOptions];

/** Scheduling of a message to self. */
export interface ScheduleOptions {
  /** Repeat every `intervalMs` after the first delivery; default: once. */
  readonly intervalMs?: number;
}

/**
 * What an actor sees of the runtime while it runs. The same object is passed to `receive` and to every
 * lifecycle hook; `sender` changes with each message.
 */
export interface ActorContext<P extends Message = Message> {
  readonly self: ActorRef<P>;
  readonly path: string;
  readonly name: string;
  readonly parent: ActorRef | undefined;
  /** Sender of the message being processed; undefined for a plain `system.tell`. */
  readonly sender: ActorRef<any> | undefined;
  readonly system: ActorSystem;
  readonly clock: Clock;
  /** A pino child logger bound to this actor's path (created on first use). */
  readonly log: Logger;
  /** Cheap counters kept by the runtime for the inspector. */
  readonly stats: ActorStats;

  spawn<A extends Actor<any, any>>(actorClass: ActorClass<A>, name: string, ...args: SpawnArgs<A>): ActorRef<ProtocolOfActor<A>>;
  /** Spawns a child by registered kind name (see ActorSystem.kinds). */
  spawnKind(kind: string, name: string, props?: unknown, options?: SpawnOptions): ActorRef;
  /** Sends with `self` as the sender. At-most-once; undeliverable messages go to dead letters. */
  tell<Q extends Message>(ref: ActorRef<Q>, message: NoInfer<Q>): void;
  /** Sends keeping the current sender, so the target replies to the original asker. */
  forward<Q extends Message>(ref: ActorRef<Q>, message: NoInfer<Q>): void;
  /** Sends to the current sender; a dead letter when there is none. */
  reply<R extends Message>(message: R): void;
  /** Request/reply with a timeout; rejects with AskTimeoutError. */
  ask<R = unknown, Q extends Message = any>(ref: ActorRef<Q>, message: NoInfer<Q>, timeoutMs: number): Promise<R>;
  /** Delivers `message` to self after `delayMs` of clock time; cancelled automatically on stop and restart. */
  schedule(delayMs: number, message: P, options?: ScheduleOptions): Cancellable;
  /** Stops a child (or, with no argument, this actor) after its children. */
  stop(ref?: ActorRef): Promise<void>;
  child(name: string): ActorRef | undefined;
  children(): ActorRef[];
}

const CONTEXT = Symbol('bifrost.context');

/**
 * Base class of every actor. Subclasses implement `receive` (switch on `msg.type`, hand off to small
 * handlers) and may override the lifecycle hooks. Any hook or `receive` may return a promise; the actor
 * takes its next message only after it settles, so async work stays ordered.
 *
 * @example
 * type CounterProtocol = { type: 'counter.add'; n: number } | { type: 'counter.get' };
 * class Counter extends Actor<CounterProtocol> {
 *   #total = 0;
 *   receive(msg: CounterProtocol, ctx: ActorContext<CounterProtocol>): void {
 *     switch (msg.type) {
 *       case 'counter.add': this.#total += msg.n; break;
 *       case 'counter.get': ctx.reply({ type: 'counter.total', total: this.#total }); break;
 *     }
 *   }
 * }
 */
export abstract class Actor<P extends Message = Message, Props = void> {
  /** @internal set by the runtime before `started()`. */
  [CONTEXT]!: ActorContext<P>;

  constructor(protected readonly props: Props) {}

  /** The actor's context; available from `started()` on (not in the constructor). */
  protected get context(): ActorContext<P> {
    return this[CONTEXT];
  }

  abstract receive(message: P, ctx: ActorContext<P>): void | Promise<void>;

  /** Runs before the first message; messages sent meanwhile wait in the mailbox. A throw is a failure. */
  started(_ctx: ActorContext<P>): void | Promise<void> {}

  /** Runs once when the actor stops, after its children have stopped. */
  stopped(_ctx: ActorContext<P>): void | Promise<void> {}

  /** Runs on the failed instance before a restart; its children are stopped after it. */
  restarting(_error: unknown, _ctx: ActorContext<P>): void | Promise<void> {}

  /** The strategy this actor applies to its children; undefined uses the system default. */
  supervisorStrategy(): SupervisorStrategy | undefined {
    return undefined;
  }

  /** A small summary of the actor's state for `bifrost inspect actor`; keep it cheap. */
  inspect(): Record<string, unknown> | undefined {
    return undefined;
  }
}

/** @internal */
export function attachContext<P extends Message>(actor: Actor<P, any>, ctx: ActorContext<P>): void {
  actor[CONTEXT] = ctx;
}
