import type { HighLowClose } from './types.js';

/**
 * Wilder's true range: `max(high, prevClose) - min(low, prevClose)`. The first bar has no previous
 * close, so its true range is `high - low`.
 */
export class TrueRange {
  private prevClose: number | undefined;

  update(bar: HighLowClose): number {
    const prev = this.prevClose;
    this.prevClose = bar.close;
    if (prev === undefined) return bar.high - bar.low;
    return Math.max(bar.high, prev) - Math.min(bar.low, prev);
  }

  reset(): void {
    this.prevClose = undefined;
  }
}
