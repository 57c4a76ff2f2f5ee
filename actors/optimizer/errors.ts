import { BifrostError } from '../../runtime/errors.js';

/** Stable codes of the optimizer's errors, for callers that branch on `code`. */
export const OPTIMIZER_ERROR_CODES = {
  invalidGrid: 'INVALID_GRID',
  invalidRequest: 'INVALID_OPTIMIZE_REQUEST',
  noBars: 'NO_BARS',
  backendUnavailable: 'BACKEND_UNAVAILABLE',
  kernelFailed: 'KERNEL_FAILED',
  budgetTooSmall: 'MEMORY_BUDGET_TOO_SMALL',
  cancelled: 'SWEEP_CANCELLED',
  unknownRequest: 'UNKNOWN_REQUEST',
  duplicateRequest: 'DUPLICATE_REQUEST',
} as const;
export type OptimizerErrorCode = (typeof OPTIMIZER_ERROR_CODES)[keyof typeof OPTIMIZER_ERROR_CODES];

/** The root of every optimizer error. */
export class OptimizerError extends BifrostError {}

/** A parameter grid is unusable; every problem names its parameter (`slow: empty range 200..20:10`). */
export class InvalidGridError extends OptimizerError {
  constructor(
    readonly strategy: string,
    readonly problems: readonly string[],
  ) {
    super(OPTIMIZER_ERROR_CODES.invalidGrid, `invalid grid for ${strategy}:\n  - ${problems.join('\n  - ')}`);
  }
}

/** An optimize request is malformed; every problem names its field. */
export class InvalidOptimizeRequestError extends OptimizerError {
  constructor(readonly problems: readonly string[]) {
    super(OPTIMIZER_ERROR_CODES.invalidRequest, `invalid optimize request:\n  - ${problems.join('\n  - ')}`);
  }
}

/** The bar source returned too few bars to backtest anything. */
export class NoBarsError extends OptimizerError {
  constructor(
    readonly symbol: string,
    readonly found: number,
    readonly where: string,
  ) {
    super(OPTIMIZER_ERROR_CODES.noBars, `${symbol}: ${found} bar(s) ${where}; a sweep needs at least 2`);
  }
}

/** No gpu.js backend could be started; `attempts` says what each one answered. */
export class BackendUnavailableError extends OptimizerError {
  constructor(readonly attempts: readonly { readonly mode: string; readonly error: string }[]) {
    super(OPTIMIZER_ERROR_CODES.backendUnavailable, `no gpu.js backend works here: ${attempts.map((a) => `${a.mode}: ${a.error}`).join('; ')}`);
  }
}

/** A kernel threw or returned something unusable. The sweep stops and reports it; nothing is retried silently. */
export class KernelFailedError extends OptimizerError {
  constructor(
    readonly backend: string,
    readonly chunk: number,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(OPTIMIZER_ERROR_CODES.kernelFailed, `kernel failed on backend ${backend} in chunk ${chunk}: ${detail}`, options);
  }
}

/** The memory budget cannot hold even one combination next to the bars it reads. */
export class MemoryBudgetTooSmallError extends OptimizerError {
  constructor(
    readonly budgetBytes: number,
    readonly neededBytes: number,
  ) {
    super(OPTIMIZER_ERROR_CODES.budgetTooSmall, `memory budget ${budgetBytes} bytes is below the ${neededBytes} bytes one combination needs with its bars and indicator rows`);
  }
}

/** A sweep was cancelled between chunks. */
export class SweepCancelledError extends OptimizerError {
  constructor(
    readonly requestId: string,
    readonly done: number,
    readonly total: number,
  ) {
    super(OPTIMIZER_ERROR_CODES.cancelled, `sweep ${requestId} cancelled after ${done} of ${total} combinations`);
  }
}
