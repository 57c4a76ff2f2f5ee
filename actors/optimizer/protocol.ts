import type { ErrorInfo } from '../../runtime/events.js';
import type { ConfirmationReport } from './parity.js';
import type { OptimizeRequest } from './request.js';
import type { SweepOutcome, SweepProgress } from './sweep.js';

/** Starts a sweep. Answered with `optimizer.progress` after each chunk, then `optimizer.result` or `optimizer.failed`. */
export interface OptimizerRun {
  readonly type: 'optimizer.run';
  /** Chosen by the requester; names the sweep in every reply and in `optimizer.cancel`. */
  readonly requestId: string;
  readonly request: OptimizeRequest;
}

/** Stops a sweep between chunks; answered with `optimizer.cancelled` (to the sweep's requester). */
export interface OptimizerCancel {
  readonly type: 'optimizer.cancel';
  readonly requestId: string;
}

/** @internal The actor's message to itself: run the next chunk or confirmation of a sweep. */
export interface OptimizerStep {
  readonly type: 'optimizer.step';
  readonly requestId: string;
  readonly phase: 'chunk' | 'confirm';
  readonly index: number;
}

/** Messages the OptimizerActor accepts. */
export type OptimizerProtocol = OptimizerRun | OptimizerCancel | OptimizerStep;

/** After each chunk, to the requester and on the event stream. */
export interface OptimizerProgress extends SweepProgress {
  readonly type: 'optimizer.progress';
  readonly requestId: string;
  readonly strategy: string;
  readonly symbol: string;
  readonly backend: string;
  readonly at: number;
}

/** The finished sweep: the backend actually used, the best combinations and their confirmation. */
export interface OptimizerResult extends SweepOutcome {
  readonly type: 'optimizer.result';
  readonly requestId: string;
  readonly confirmation: ConfirmationReport;
  readonly at: number;
}

/** The sweep could not run or a kernel failed; `error.code` is one of OPTIMIZER_ERROR_CODES (or the cause's). */
export interface OptimizerFailed {
  readonly type: 'optimizer.failed';
  readonly requestId: string;
  readonly error: ErrorInfo;
  /** The backend in use when it failed, if one was open. */
  readonly backend?: string;
  readonly done: number;
  readonly total: number;
  readonly at: number;
}

/** The sweep stopped on request, between chunks. */
export interface OptimizerCancelled {
  readonly type: 'optimizer.cancelled';
  readonly requestId: string;
  readonly done: number;
  readonly total: number;
  readonly at: number;
}

/** What the OptimizerActor sends to requesters and publishes on the event stream. */
export type OptimizerReply = OptimizerProgress | OptimizerResult | OptimizerFailed | OptimizerCancelled;

/** Message types of the optimizer's protocol, for codec registration. */
export const OPTIMIZER_MESSAGE_TYPES = ['optimizer.run', 'optimizer.cancel', 'optimizer.progress', 'optimizer.result', 'optimizer.failed', 'optimizer.cancelled'] as const;
