import type { SupervisorDirective } from '../runtime/events.js';

/**
 * How a supervisor treats its children when one fails:
 * - `one-for-one`: the directive applies to the failed child alone.
 * - `all-for-one`: a restart or stop applies to every child.
 * - `rest-for-one`: a restart or stop applies to the failed child and every child started after it.
 */
export type StrategyKind = 'one-for-one' | 'all-for-one' | 'rest-for-one';

/**
 * When a child is restarted, as in Erlang/OTP:
 * - `permanent`: always; also when it stops itself normally.
 * - `transient`: only after a failure, not after a normal stop.
 * - `temporary`: never; a restart directive stops it instead.
 */
export type RestartType = 'permanent' | 'transient' | 'temporary';

export type Decider = (error: unknown) => SupervisorDirective;

export interface BackoffOptions {
  /** Delay before the second restart of a child within the intensity window; the first is immediate. */
  readonly minMs: number;
  /** Upper bound of any delay. */
  readonly maxMs: number;
  /** Growth per further restart. */
  readonly factor: number;
  /** Relative spread in [0, 1]: a delay d becomes d × (1 ± jitter). */
  readonly jitter: number;
}

export interface StrategyOptions {
  /** Picks the directive for an error; default: restart everything. A decider that throws escalates. */
  readonly decide?: Decider;
  /** Restarts tolerated within `withinMs` before the supervisor escalates. Default {@link DEFAULT_MAX_RESTARTS}. */
  readonly maxRestarts?: number;
  /** Window of the restart intensity. Default {@link DEFAULT_RESTART_WINDOW_MS}. */
  readonly withinMs?: number;
  readonly backoff?: Partial<BackoffOptions>;
}

export interface SupervisorStrategy {
  readonly kind: StrategyKind;
  readonly decide: Decider;
  readonly maxRestarts: number;
  readonly withinMs: number;
  readonly backoff: BackoffOptions;
}

export const DEFAULT_MAX_RESTARTS = 10;
export const DEFAULT_RESTART_WINDOW_MS = 60_000;
export const DEFAULT_BACKOFF: BackoffOptions = Object.freeze({ minMs: 100, maxMs: 30_000, factor: 2, jitter: 0.2 });

/** Restarts on every error: the default decider. */
export const alwaysRestart: Decider = () => 'restart';

function strategy(kind: StrategyKind, options: StrategyOptions = {}): SupervisorStrategy {
  const backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
  const problems: string[] = [];
  const maxRestarts = options.maxRestarts ?? DEFAULT_MAX_RESTARTS;
  const withinMs = options.withinMs ?? DEFAULT_RESTART_WINDOW_MS;
  if (!(Number.isInteger(maxRestarts) && maxRestarts >= 0)) problems.push(`maxRestarts must be a non-negative integer, got ${maxRestarts}`);
  if (!(withinMs > 0)) problems.push(`withinMs must be positive, got ${withinMs}`);
  if (!(backoff.minMs >= 0)) problems.push(`backoff.minMs must be >= 0, got ${backoff.minMs}`);
  if (!(backoff.maxMs >= backoff.minMs)) problems.push(`backoff.maxMs must be >= backoff.minMs, got ${backoff.maxMs}`);
  if (!(backoff.factor >= 1)) problems.push(`backoff.factor must be >= 1, got ${backoff.factor}`);
  if (!(backoff.jitter >= 0 && backoff.jitter <= 1)) problems.push(`backoff.jitter must be in [0, 1], got ${backoff.jitter}`);
  if (problems.length > 0) throw new RangeError(`invalid ${kind} strategy: ${problems.join('; ')}`);
  return Object.freeze({ kind, decide: options.decide ?? alwaysRestart, maxRestarts, withinMs, backoff: Object.freeze(backoff) });
}

/**
 * @example
 * // Resume on bad input, restart on anything else, at most 5 restarts a minute.
 * oneForOne({ decide: (e) => (e instanceof BadQuoteError ? 'resume' : 'restart'), maxRestarts: 5, withinMs: 60_000 })
 */
export function oneForOne(options?: StrategyOptions): SupervisorStrategy {
  return strategy('one-for-one', options);
}

export function allForOne(options?: StrategyOptions): SupervisorStrategy {
  return strategy('all-for-one', options);
}

export function restForOne(options?: StrategyOptions): SupervisorStrategy {
  return strategy('rest-for-one', options);
}
