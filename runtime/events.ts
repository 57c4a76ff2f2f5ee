import type { ActorRef } from './ref.js';

/** A thrown value reduced to what events and the inspector carry. */
export interface ErrorInfo {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
}

export function errorInfo(error: unknown): ErrorInfo {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? { name: error.name, message: error.message, code } : { name: error.name, message: error.message };
  }
  return { name: 'NonError', message: String(error) };
}

export type DeadLetterReason =
  | 'stopped'
  | 'unknown'
  | 'mailbox-full'
  | 'dropped-oldest'
  | 'ask-expired'
  | 'no-route'
  | 'malformed'
  | 'no-sender'
  // from the cluster transport: a frame naming a type this node has not registered, one over the
  // payload limit, one the node's authorize() hook refused, one past its deadline
  | 'unknown-type'
  | 'too-large'
  | 'unauthorised'
  | 'expired';

/** A message that could not be delivered. Counted, kept in a ring and published; never silently lost. */
export interface DeadLetter {
  readonly type: 'deadLetter';
  readonly at: number;
  readonly recipient: ActorRef;
  readonly sender?: ActorRef;
  readonly reason: DeadLetterReason;
  readonly messageType: string;
  readonly message: unknown;
  readonly detail?: string;
}

export type SupervisorDirective = 'resume' | 'restart' | 'stop' | 'escalate';

/** Published for every failure a supervisor sees and every decision it takes. */
export type SupervisorEvent =
  | {
      readonly type: 'supervisor.failed';
      readonly at: number;
      readonly supervisor: string;
      readonly child: string;
      readonly error: ErrorInfo;
      readonly messageType?: string;
      readonly phase: 'receive' | 'started' | 'restarting' | 'stopped' | 'exit';
    }
  | {
      readonly type: 'supervisor.directive';
      readonly at: number;
      readonly supervisor: string;
      readonly child: string;
      readonly strategy: string;
      readonly directive: SupervisorDirective;
      readonly affected: readonly string[];
      readonly delayMs: number;
      readonly reason: string;
    }
  | {
      readonly type: 'supervisor.intensityExceeded';
      readonly at: number;
      readonly supervisor: string;
      readonly maxRestarts: number;
      readonly withinMs: number;
    }
  | {
      readonly type: 'supervisor.escalatedToRoot';
      readonly at: number;
      readonly child: string;
      readonly error: ErrorInfo;
    };

export type LifecycleEvent =
  | { readonly type: 'actor.started'; readonly at: number; readonly path: string; readonly kind: string }
  | { readonly type: 'actor.restarted'; readonly at: number; readonly path: string; readonly kind: string; readonly restarts: number }
  | { readonly type: 'actor.stopped'; readonly at: number; readonly path: string; readonly kind: string };

/** Everything the runtime publishes on a system's event stream. Other layers publish their own types too. */
export type SystemEvent = DeadLetter | SupervisorEvent | LifecycleEvent;
