/**
 * The shape every streaming indicator shares: feed it one input at a time, in time order.
 *
 * `update()` returns the new value, or `undefined` while the indicator is still warming up;
 * `value` repeats the last result; `ready` turns true with the first value; `reset()` forgets
 * everything (as if just constructed). Each update is O(1).
 */
export interface Indicator<In, Out> {
  /** Folds in the next input and returns the current value, `undefined` while warming up. */
  update(input: In): Out | undefined;
  /** The value after the last `update()`, `undefined` while warming up. */
  readonly value: Out | undefined;
  /** True once the indicator has produced its first value. */
  readonly ready: boolean;
  /** How many inputs the indicator needs before its first value. */
  readonly warmup: number;
  /** Forgets all inputs. */
  reset(): void;
}

/** The fields of a bar that range-based indicators (ATR, ADX, Choppiness) read; a `Bar` satisfies it. */
export interface HighLowClose {
  readonly high: number;
  readonly low: number;
  readonly close: number;
}
