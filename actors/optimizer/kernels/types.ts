import type { ParamsDefinition } from '../../strategy/params.js';
import type { SeriesKey } from '../series.js';

/**
 * How a kernel gets its indicators. `indexed`: the host computes each distinct parameter value's series
 * once (float64, the strategy's own indicator classes, rounded to float32) and the kernel reads them;
 * `inline`: the kernel computes the indicators from the bars itself, in float32.
 */
export type KernelApproach = 'indexed' | 'inline';

export const KERNEL_APPROACHES: readonly KernelApproach[] = ['indexed', 'inline'];

/** A strategy's part of a kernel: declarations before the bar loop and the signal code run on each close. */
export interface KernelParts {
  readonly init: string;
  readonly step: string;
}

/**
 * A built-in strategy as the optimizer sweeps it. A combination is one row of `combo`: first the row
 * indices of the series it reads (`row0`, `row1`, … in the kernel, already multiplied by the bar count),
 * then its parameters in the strategy's order (`p<name>` in the kernel: `pfast`, `pslow`, `pnotional`).
 */
export interface SweepStrategy {
  readonly kind: string;
  readonly params: ParamsDefinition<any>;
  /** How many series a combination reads (the leading slots of its row). */
  readonly seriesSlots: number;
  /** The series a combination reads, one per slot. */
  series(params: Readonly<Record<string, number>>): readonly SeriesKey[];
  readonly kernel: Readonly<Record<KernelApproach, KernelParts>>;
}
