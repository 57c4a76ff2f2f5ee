import type { ErrorInfo } from './events.js';

/** Per-actor counters the runtime keeps as it works; reading them costs nothing extra. */
export interface ActorStats {
  readonly path: string;
  readonly kind: string;
  readonly state: ActorState;
  readonly startedAt: number;
  readonly processed: number;
  readonly errors: number;
  readonly restarts: number;
  readonly mailboxDepth: number;
  readonly mailboxHighWater: number;
  readonly mailboxCapacity: number;
  readonly deadLettered: number;
  readonly lastError?: ErrorInfo & { readonly at: number };
}

export type ActorState = 'starting' | 'running' | 'suspended' | 'stopping' | 'stopped';
