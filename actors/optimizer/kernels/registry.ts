import { UnknownStrategyError } from '../../strategy/errors.js';
import { BOLLINGER_ATR_SWEEP } from './bollinger-atr.js';
import { BOOK_FILL, BOOK_FINISH, BOOK_INIT, BOOK_MARK } from './cost-model.js';
import { RSI_REVERSION_SWEEP } from './rsi-reversion.js';
import { SMA_CROSS_SWEEP } from './sma-cross.js';
import type { KernelApproach, SweepStrategy } from './types.js';

/** The strategies the optimizer can sweep, by kind: the built-ins. */
export const SWEEP_STRATEGIES: ReadonlyMap<string, SweepStrategy> = new Map([SMA_CROSS_SWEEP, RSI_REVERSION_SWEEP, BOLLINGER_ATR_SWEEP].map((s) => [s.kind, s]));

/** The sweep definition of a built-in strategy; UnknownStrategyError lists the ones there are. */
export function sweepStrategy(kind: string): SweepStrategy {
  const s = SWEEP_STRATEGIES.get(kind);
  if (s === undefined) throw new UnknownStrategyError(kind, [...SWEEP_STRATEGIES.keys()]);
  return s;
}

/** Parameter names of a strategy, in its order. */
export function paramNames(s: SweepStrategy): string[] {
  return Object.keys(s.params.spec);
}

/** Floats per combination row: series slots, then parameters. */
export function comboWidth(s: SweepStrategy): number {
  return s.seriesSlots + paramNames(s).length;
}

/**
 * The gpu.js kernel source: one thread per combination (`this.thread.x`), a loop over the bars bounded by
 * `this.constants.bars` (the kernel's loopMaxIterations is set to the same count), returning
 * [final equity, Sharpe, max drawdown, round trips].
 */
export function kernelSource(s: SweepStrategy, approach: KernelApproach): string {
  const names = paramNames(s);
  const rows = Array.from({ length: s.seriesSlots }, (_, i) => `const row${i} = combo[c + ${i}] * this.constants.bars;`);
  const params = names.map((n, j) => `const p${n} = combo[c + ${s.seriesSlots + j}];`);
  const parts = s.kernel[approach];
  return `function sweep(open, high, low, close, series, combo) {
  const c = this.thread.x * this.constants.width;
  ${rows.join(' ')}
  ${params.join(' ')}${BOOK_INIT}
  ${parts.init}
  for (let t = 0; t < this.constants.bars; t++) {${BOOK_FILL}${parts.step}${BOOK_MARK}
  }${BOOK_FINISH}
}`;
}
